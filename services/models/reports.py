"""The service trouble report and its state machine, mapped to TMF656 ServiceProblem.

States are TMF656's (``../shared/tmf/Lifecycle_ServiceProblem.png``), so the mapping is
one to one (``TMF656_STATUS``). Jeopardy and escalation are not states (TMF656 has none):
the same clock as customer problems (``problems.models.Clocked``) sets ``jeopardy_at`` and
``escalation_level``, and the timer marks ``jeopardy_since``. Held and pending pause it.

As for customer problems, transition methods only move the state; locking, events and side
effects are in ``services.workflow``.
"""

import re
from typing import Any

from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from problems.models import Clocked, Priority, RestorationOutcome, Team, User
from problems.models.problem import guard
from services.models.inventory import Resource, Service


class ReportState(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    HELD = "held", "Held"
    PENDING = "pending", "Pending"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"


ACTIVE_REPORT_STATES = (
    ReportState.ACKNOWLEDGED,
    ReportState.IN_PROGRESS,
    ReportState.HELD,
    ReportState.PENDING,
)
# Waiting on something (an action, a supplier, information): the clock is paused.
WAITING_STATES = (ReportState.HELD, ReportState.PENDING)
# States the jeopardy timer watches.
JEOPARDY_WATCHED_REPORT_STATES = (ReportState.ACKNOWLEDGED, ReportState.IN_PROGRESS)
TMF656_STATUS = {
    ReportState.ACKNOWLEDGED: "acknowledged",
    ReportState.IN_PROGRESS: "inProgress",
    ReportState.HELD: "held",
    ReportState.PENDING: "pending",
    ReportState.RESOLVED: "resolved",
    ReportState.CLOSED: "closed",
    ReportState.CANCELLED: "cancelled",
    ReportState.REJECTED: "rejected",
}


class ReportOrigin(models.TextChoices):
    ALARM = "alarm", "Alarm correlation"
    OPERATOR = "operator", "Operator"
    API = "api", "API"


# --- Guards -----------------------------------------------------------------------------
@guard(
    "The assignee must be an active agent who is a member of the report's team.", needs_input=True
)
def assignee_is_active_team_member(report: "ServiceTroubleReport") -> bool:
    from problems.permissions import is_agent

    assignee, team = report.assignee, report.team
    return (
        assignee is not None
        and team is not None
        and team.is_active
        and is_agent(assignee)
        and team.members.filter(pk=assignee.pk).exists()
    )


@guard("Give a reason.", needs_input=True)
def reason_given(report: "ServiceTroubleReport") -> bool:
    return bool(report.status_change_reason.strip())


@guard("Give the restoration outcome and a resolution summary.", needs_input=True)
def restoration_outcome_given(report: "ServiceTroubleReport") -> bool:
    return report.resolution_outcome in RestorationOutcome.values and bool(
        report.resolution_summary.strip()
    )


@guard("A testing or recovery activity is still scheduled or in progress: complete it first.")
def no_running_activities(report: "ServiceTroubleReport") -> bool:
    from problems.models import RUNNING_ACTIVITY_STATUSES

    return not report.activities.filter(status__in=RUNNING_ACTIVITY_STATUSES).exists()


@guard("An alarm of this report is still raised: it must clear (or be cleared) first.")
def alarms_cleared(report: "ServiceTroubleReport") -> bool:
    from services.models.alarms import RAISED_STATES

    return not report.alarms.filter(state__in=RAISED_STATES).exists()


class ReportQuerySet(models.QuerySet["ServiceTroubleReport"]):
    def active(self) -> "ReportQuerySet":
        return self.filter(state__in=ACTIVE_REPORT_STATES)

    def in_jeopardy(self) -> "ReportQuerySet":
        return self.active().filter(jeopardy_since__isnull=False)

    def timers_due(self, now: Any) -> "ReportQuerySet":
        """Reports the timer scan must act on; each side has its own partial index."""
        return self.filter(
            Q(
                state__in=JEOPARDY_WATCHED_REPORT_STATES,
                jeopardy_since__isnull=True,
                on_hold_since__isnull=True,
                jeopardy_at__lte=now,
            )
            | Q(escalation_due_at__lte=now)
        )

    def with_reference(self, text: str) -> "ReportQuerySet":
        match = REFERENCE_PATTERN.match(text.strip())
        return self.filter(pk=int(match.group(1))) if match else self.none()


REFERENCE_PREFIX = "STR-"
REFERENCE_PATTERN = re.compile(r"^(?:STR-?)?0*(\d{1,12})$", re.IGNORECASE)

_ASSIGN: dict[str, Any] = {
    "conditions": [assignee_is_active_team_member],
    "permission": "services.work_trouble_report",
    "custom": {"label": "Assign", "admin": True},
}


class ServiceTroubleReport(ConcurrentTransitionMixin, Clocked):
    """A fault in the network, as service problem management works it (TMF656)."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    origin = models.CharField(max_length=20, choices=ReportOrigin.choices)
    originating_system = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.HIGH)

    # Lifecycle
    state = FSMField(
        default=ReportState.ACKNOWLEDGED, choices=ReportState.choices, protected=True, db_index=True
    )
    status_change_reason = models.TextField(blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="trouble_reports"
    )
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="trouble_reports"
    )
    jeopardy_since = models.DateTimeField(null=True, blank=True)

    # Localisation: from the alarms and the dependency graph (services.localisation)
    impacted_services = models.ManyToManyField(
        Service, through="TroubleReportImpact", related_name="trouble_reports", blank=True
    )
    root_cause_resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    localisation = models.TextField(blank=True, help_text="Why that resource, in words.")
    localised_at = models.DateTimeField(null=True, blank=True)
    # Alarms raised within the correlation window of this span attach here (a report opened
    # without alarms spans its opening).
    first_alarm_at = models.DateTimeField(null=True, blank=True)
    last_alarm_at = models.DateTimeField(null=True, blank=True)

    # Resolution
    resolution_outcome = models.CharField(
        max_length=20, choices=RestorationOutcome.choices, blank=True
    )
    resolution_summary = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)

    # TMF656 attributes without a column of their own (category, reason, originatorParty,
    # externalIdentifier, characteristic…), kept as the API client gave them.
    tmf_attributes = models.JSONField(default=dict, blank=True)

    # Milestones (created_at is the clock's)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["jeopardy_at"],
                condition=Q(
                    state__in=["acknowledged", "in_progress"],
                    jeopardy_since__isnull=True,
                    on_hold_since__isnull=True,
                ),
                name="report_jeopardy_watch",
            ),
            models.Index(
                fields=["escalation_due_at"],
                condition=Q(escalation_due_at__isnull=False),
                name="report_escalation_due",
            ),
            models.Index(
                fields=["last_alarm_at"],
                condition=Q(state__in=["acknowledged", "in_progress", "held", "pending"]),
                name="report_correlation_window",
            ),
            models.Index(fields=["team", "state"], name="report_team_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0, escalation_level__lte=3),
                name="report_escalation_level_0_to_3",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_is_known"
            ),
        ]
        permissions = [
            ("work_trouble_report", "Can assign and work service trouble reports"),
            ("resolve_trouble_report", "Can resolve and reopen service trouble reports"),
            ("close_trouble_report", "Can close service trouble reports"),
            ("cancel_trouble_report", "Can cancel service trouble reports"),
            ("reject_trouble_report", "Can reject service trouble reports"),
            ("escalate_trouble_report", "Can escalate service trouble reports"),
            ("replan_trouble_report", "Can re-plan service trouble report targets"),
            ("report_progress", "Can post progress to the customers of a trouble report"),
            ("manage_trouble_activities", "Can schedule and update testing/recovery activities"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.pk:07d}" if self.pk else f"{REFERENCE_PREFIX}(new)"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_REPORT_STATES

    @property
    def in_jeopardy(self) -> bool:
        return self.jeopardy_since is not None and self.is_active

    @property
    def tmf_status(self) -> str:
        return TMF656_STATUS[ReportState(self.state)]

    # --- Transitions (TMF656 life cycle; side-effect free) -------------------------------
    @transition(
        field=state, source=ReportState.ACKNOWLEDGED, target=ReportState.IN_PROGRESS, **_ASSIGN
    )
    @transition(
        field=state, source=ReportState.IN_PROGRESS, target=ReportState.IN_PROGRESS, **_ASSIGN
    )
    @transition(field=state, source=ReportState.HELD, target=ReportState.HELD, **_ASSIGN)
    @transition(field=state, source=ReportState.PENDING, target=ReportState.PENDING, **_ASSIGN)
    def assign(self) -> None:
        """Someone works on it: acknowledged → in progress ("being worked on")."""

    @transition(
        field=state,
        source=ReportState.IN_PROGRESS,
        target=ReportState.HELD,
        conditions=[reason_given],
        permission="services.work_trouble_report",
        custom={"label": "Hold (action required)", "admin": True},
    )
    def hold(self) -> None:
        """It cannot progress until an issue is solved (e.g. a supplier must act)."""

    @transition(
        field=state,
        source=ReportState.IN_PROGRESS,
        target=ReportState.PENDING,
        conditions=[reason_given],
        permission="services.work_trouble_report",
        custom={"label": "Pending (needs information)", "admin": True},
    )
    def mark_pending(self) -> None:
        """It needs extra information to be resolved."""

    @transition(
        field=state,
        source=[ReportState.HELD, ReportState.PENDING],
        target=ReportState.IN_PROGRESS,
        conditions=[reason_given],
        permission="services.work_trouble_report",
        custom={"label": "Resume", "admin": True},
    )
    def resume(self) -> None:
        """The issue is solved, or the information received."""

    @transition(
        field=state,
        source=[ReportState.IN_PROGRESS, ReportState.HELD, ReportState.PENDING],
        target=ReportState.RESOLVED,
        conditions=[restoration_outcome_given, no_running_activities],
        permission="services.resolve_trouble_report",
        custom={"label": "Resolve (service restored)", "admin": True},
    )
    def resolve(self) -> None:
        """The fault is fixed (or worked around): linked customer problems are restored."""

    @transition(
        field=state,
        source=ReportState.RESOLVED,
        target=ReportState.IN_PROGRESS,
        conditions=[reason_given],
        permission="services.resolve_trouble_report",
        custom={"label": "Reopen (solution rejected)", "admin": True},
    )
    def reopen(self) -> None:
        pass

    @transition(
        field=state,
        source=ReportState.RESOLVED,
        target=ReportState.CLOSED,
        conditions=[alarms_cleared],
        permission="services.close_trouble_report",
        custom={"label": "Close (solution accepted)", "admin": True},
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=list(ACTIVE_REPORT_STATES),
        target=ReportState.CANCELLED,
        conditions=[reason_given],
        permission="services.cancel_trouble_report",
        custom={"label": "Cancel", "admin": True},
    )
    def cancel(self) -> None:
        pass

    @transition(
        field=state,
        source=ReportState.ACKNOWLEDGED,
        target=ReportState.REJECTED,
        conditions=[reason_given],
        permission="services.reject_trouble_report",
        custom={"label": "Reject (not a fault)", "admin": True},
    )
    def reject(self) -> None:
        pass
