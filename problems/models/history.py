"""What happens to a problem: the append-only event log, notes, recovery activities, and
the notifications sent about events."""

from django.db import models
from django.utils import timezone

from problems.models.accounts import Team, User
from problems.models.problem import CustomerProblem


class AppendOnlyError(Exception):
    pass


class EventKind(models.TextChoices):
    CREATED = "created", "Reported"
    KNOWN_ERROR_MATCHED = "known_error_matched", "Known error matched"
    WORKAROUND_APPLIED = "workaround_applied", "Known-error workaround applied"
    UPDATED = "updated", "Details changed"
    ASSIGNED = "assigned", "Assigned"
    IN_JEOPARDY = "in_jeopardy", "In jeopardy"
    REPLANNED = "replanned", "Re-planned"
    ESCALATED = "escalated", "Escalated"
    ON_HOLD = "on_hold", "Put on hold"
    RESUMED = "resumed", "Resumed"
    NOTE = "note", "Note"
    ACTIVITY_SCHEDULED = "activity_scheduled", "Activity scheduled"
    ACTIVITY_UPDATED = "activity_updated", "Activity updated"
    ACTIVITY_COMPLETED = "activity_completed", "Activity completed"
    CLEARED = "cleared", "Cleared"
    REOPENED = "reopened", "Reopened"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"
    WATCHERS_CHANGED = "watchers_changed", "Notification list changed"
    ATTACHMENT_ADDED = "attachment_added", "File attached"
    # Service problem management (the services app) acting on the problem:
    TROUBLE_REPORT_LINKED = "trouble_report_linked", "Linked to a network fault"
    TROUBLE_REPORT_UNLINKED = "trouble_report_unlinked", "No longer linked to a network fault"
    NETWORK_UPDATE = "network_update", "Network update"
    CLEARANCE_PROPOSED = "clearance_proposed", "Service restored: clearance proposed"


class ProblemEvent(models.Model):
    """One entry of a problem's timeline. Never updated, never deleted.

    It is the problem's history, the TMF621 status change history, the source of
    notifications and the base of the management reports.
    """

    problem = models.ForeignKey(CustomerProblem, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, help_text="Who acted, kept even if the user is removed ('system' etc.)."
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    is_public = models.BooleanField(
        default=True, help_text="Shown to the customer on the portal and in their e-mails."
    )
    message = models.TextField(blank=True, help_text="Why, in words.")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["problem", "created_at"], name="event_problem_time"),
            models.Index(fields=["kind", "created_at"], name="event_kind_time"),
            # Management reports: events of a kind in a period, per problem, read from the
            # index alone (reporting.metrics).
            models.Index(fields=["kind", "created_at", "problem"], name="event_kind_time_problem"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} by {self.actor_label} at {self.created_at:%Y-%m-%d %H:%M}"
        )

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Problem events are append-only; write a new event instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Problem events are append-only and cannot be deleted.")

    @property
    def to_state_label(self) -> str:
        from problems.models.problem import State

        return State(self.to_state).label if self.to_state in State.values else self.to_state

    @property
    def from_state_label(self) -> str:
        from problems.models.problem import State

        return State(self.from_state).label if self.from_state in State.values else self.from_state

    @property
    def is_state_change(self) -> bool:
        return bool(self.to_state) and self.to_state != self.from_state


class Note(models.Model):
    problem = models.ForeignKey(CustomerProblem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=150)
    body = models.TextField()
    is_internal = models.BooleanField(
        default=False, help_text="Internal notes are never shown to the customer."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["problem", "created_at"], name="note_problem_time")]

    def __str__(self) -> str:
        return f"{'Internal' if self.is_internal else 'Public'} note by {self.author_label}"


class ActivityKind(models.TextChoices):
    """eTOM Correct & Recover Customer Problem (1.3.7.6)."""

    CUSTOMER_EDUCATION = "customer_education", "Customer education"
    PRODUCT_REASSESSMENT = "product_reassessment", "Product re-assessment (withdraw/upgrade/renew)"
    PROCESS_REQUEST = "process_request", "Request to another process"
    SERVICE_RESTORATION = "service_restoration", "Service restoration"
    SUPPLIER_REQUEST = "supplier_request", "Supplier/partner request"


class ActivityStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


RUNNING_ACTIVITY_STATUSES = (ActivityStatus.SCHEDULED, ActivityStatus.IN_PROGRESS)


class ActivityOutcome(models.TextChoices):
    RESTORED = "restored", "Restored"
    WORKAROUND = "workaround", "Restored by temporary workaround"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class RecoveryActivity(models.Model):
    problem = models.ForeignKey(
        CustomerProblem, on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    summary = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.SCHEDULED
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="recovery_activities"
    )
    # Addressed to a supplier/partner or another process: who, and their reference.
    supplier_name = models.CharField(max_length=200, blank=True)
    external_reference = models.CharField(max_length=100, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ActivityOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "recovery activities"
        indexes = [models.Index(fields=["problem", "status"], name="activity_problem_status")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | ~models.Q(outcome=""),
                name="completed_activity_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_ACTIVITY_STATUSES


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxMessage(models.Model):
    """One e-mail to one recipient, written in the same transaction as what it tells (so
    nothing is lost), sent afterwards by a task, marked sent exactly once
    (``problems.notifications.deliver_outbox``). Other apps' outboxes inherit it."""

    recipient = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField()
    status = models.CharField(
        max_length=20, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Notification(OutboxMessage):
    """One e-mail about one problem event to one recipient."""

    event = models.ForeignKey(ProblemEvent, on_delete=models.CASCADE, related_name="notifications")
    for_customer = models.BooleanField(
        default=False, help_text="Customer-facing: only public information is included."
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="one_notification_per_address")
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="notification_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.event}"
