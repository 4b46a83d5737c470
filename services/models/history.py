"""What happens to a service trouble report: its append-only event log, its testing and
recovery activities (some addressed to suppliers), and the e-mails sent about it."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from problems.models import (
    RUNNING_ACTIVITY_STATUSES,
    ActivityStatus,
    AppendOnlyError,
    Customer,
    OutboxMessage,
    Team,
    User,
)
from services.models.inventory import Supplier
from services.models.reports import ReportState, ServiceTroubleReport


class ReportEventKind(models.TextChoices):
    CREATED = "created", "Opened"
    UPDATED = "updated", "Details changed"
    ALARM_ATTACHED = "alarm_attached", "Alarm correlated"
    ALARM_CLEARED = "alarm_cleared", "Alarm cleared"
    LOCALISED = "localised", "Fault localised"
    IMPACT_ASSESSED = "impact_assessed", "Impact assessed"
    CUSTOMERS_INFORMED = "customers_informed", "Customers informed"
    ASSIGNED = "assigned", "Assigned"
    HELD = "held", "Held"
    PENDING = "pending", "Pending"
    RESUMED = "resumed", "Resumed"
    PROGRESS = "progress", "Progress update"
    ACTIVITY_SCHEDULED = "activity_scheduled", "Activity scheduled"
    ACTIVITY_UPDATED = "activity_updated", "Activity updated"
    ACTIVITY_COMPLETED = "activity_completed", "Activity completed"
    IN_JEOPARDY = "in_jeopardy", "In jeopardy"
    REPLANNED = "replanned", "Re-planned"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "Resolved"
    REOPENED = "reopened", "Reopened"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"


class TroubleReportEvent(models.Model):
    """One entry of a trouble report's log (its TMF656 tracking records). Never updated,
    never deleted. ``for_customers`` marks what was told to the linked customer problems."""

    report = models.ForeignKey(
        ServiceTroubleReport, on_delete=models.CASCADE, related_name="events"
    )
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=ReportEventKind.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    for_customers = models.BooleanField(
        default=False, help_text="Repeated on the linked customer problems' timelines."
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="report_event_time")]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} by {self.actor_label} at {self.created_at:%Y-%m-%d %H:%M}"
        )

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Trouble report events are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Trouble report events are append-only and cannot be deleted.")

    @property
    def is_state_change(self) -> bool:
        return bool(self.to_state) and self.to_state != self.from_state

    @property
    def to_state_label(self) -> str:
        return ReportState(self.to_state).label if self.to_state in ReportState.values else ""


class TroubleActivityKind(models.TextChoices):
    """eTOM 1.4.6: track testing and recovery activities."""

    TESTING = "testing", "Testing"
    RECOVERY = "recovery", "Recovery"


class TroubleActivityOutcome(models.TextChoices):
    # Testing
    FAULT_FOUND = "fault_found", "Fault found"
    NO_FAULT_FOUND = "no_fault_found", "No fault found"
    INCONCLUSIVE = "inconclusive", "Inconclusive"
    # Recovery
    RESTORED = "restored", "Restored"
    WORKAROUND = "workaround", "Restored by temporary workaround"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


OUTCOMES_BY_KIND = {
    TroubleActivityKind.TESTING: (
        TroubleActivityOutcome.FAULT_FOUND,
        TroubleActivityOutcome.NO_FAULT_FOUND,
        TroubleActivityOutcome.INCONCLUSIVE,
    ),
    TroubleActivityKind.RECOVERY: (
        TroubleActivityOutcome.RESTORED,
        TroubleActivityOutcome.WORKAROUND,
        TroubleActivityOutcome.UNSUCCESSFUL,
    ),
}


class TroubleReportActivity(models.Model):
    """A testing or recovery activity: by our own staff, or addressed to a supplier/partner,
    who answers with their reference and status updates."""

    report = models.ForeignKey(
        ServiceTroubleReport, on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(max_length=20, choices=TroubleActivityKind.choices)
    summary = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.SCHEDULED
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    external_reference = models.CharField(
        max_length=100, blank=True, help_text="The supplier's own ticket reference."
    )
    supplier_status = models.CharField(
        max_length=200, blank=True, help_text="The latest status the supplier reported."
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=TroubleActivityOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "trouble report activities"
        indexes = [models.Index(fields=["report", "status"], name="trouble_activity_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""),
                name="completed_trouble_activity_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_ACTIVITY_STATUSES


class NoticeKind(models.TextChoices):
    EVENT = "event", "Trouble report event (staff)"
    OUTAGE = "outage", "Outage notice (customer)"
    RESTORED = "restored", "Service restored notice (customer)"
    SUPPLIER_REQUEST = "supplier_request", "Request to a supplier"


class ServiceNotification(OutboxMessage):
    """An e-mail about a trouble report: to staff about one of its events (state changes,
    escalations), to a supplier about an activity addressed to it, or to a customer's
    contacts about the outage and its end (for services whose impact policy is to tell the
    contacts rather than open problems)."""

    report = models.ForeignKey(
        ServiceTroubleReport, on_delete=models.CASCADE, related_name="notifications"
    )
    notice = models.CharField(max_length=20, choices=NoticeKind.choices)
    event = models.ForeignKey(
        TroubleReportEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    services = models.CharField(
        max_length=500, blank=True, help_text="The customer's impacted services, as told."
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(event__isnull=False),
                name="one_service_notification_per_event_address",
            ),
            models.UniqueConstraint(
                fields=["report", "notice", "email"],
                condition=Q(event__isnull=True),
                name="one_customer_notice_per_address",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="service_notification_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_notice_display()} of {self.report.reference}"
