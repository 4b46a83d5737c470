"""The customer problem and its state machine (DESIGN.md, "Customer problem state machine").

The transition methods only move the state: they have no side effects. Everything
around a transition (locking, the event, notifications) is in ``problems.workflow``.

Guards come in two kinds. *Situational* guards depend only on the problem and the clock
(``jeopardy_point_reached``, ``no_running_activities``). *Input* guards check what the
person supplies with the transition (an assignee, a reason, an outcome): the workflow puts
that input on the problem before asking the state machine, and the list of transitions a
user may take "now" ignores input guards, because the form has not been filled in yet.
"""

import re
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from problems.models.accounts import Customer, Team, User
from problems.models.catalogue import Category, KnownError, Priority
from problems.models.clock import Clocked


class State(models.TextChoices):
    OPEN = "open", "Open"
    ASSIGNED = "assigned", "Assigned"
    IN_JEOPARDY = "in_jeopardy", "In jeopardy"
    CLEARED = "cleared", "Cleared"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATES = (State.OPEN, State.ASSIGNED, State.IN_JEOPARDY)
TERMINAL_STATES = (State.CLOSED, State.CANCELLED)
# States the jeopardy timer moves from (DESIGN.md: mark_in_jeopardy from open, assigned).
JEOPARDY_WATCHED_STATES = (State.OPEN, State.ASSIGNED)


class Channel(models.TextChoices):
    PORTAL = "portal", "Self-service portal"
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    DESK = "desk", "Desk"
    API = "api", "API"
    NETWORK = "network", "Network operations"


class HoldReason(models.TextChoices):
    CUSTOMER = "customer", "Waiting on the customer"
    SUPPLIER = "supplier", "Waiting on a supplier or partner"


class RestorationOutcome(models.TextChoices):
    RESTORED = "restored", "Restored"
    WORKAROUND = "workaround", "Restored by temporary workaround"


class CancellationKind(models.TextChoices):
    INCORRECT = "incorrect", "Incorrect report"
    DUPLICATE = "duplicate", "Duplicate of another problem"
    WITHDRAWN = "withdrawn", "Withdrawn by the customer"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


# --- Guards ------------------------------------------------------------------------------
Guard = Callable[["CustomerProblem"], bool]


def guard(refusal: str, *, needs_input: bool = False) -> Callable[[Guard], Guard]:
    """Mark a condition function with the message shown when it refuses a transition."""

    def decorate(condition: Guard) -> Guard:
        condition.refusal = refusal  # type: ignore[attr-defined]
        condition.needs_input = needs_input  # type: ignore[attr-defined]
        return condition

    return decorate


@guard("The jeopardy point has not been reached, or the problem is on hold.")
def jeopardy_point_reached(problem: "CustomerProblem") -> bool:
    return (
        problem.jeopardy_at is not None
        and problem.on_hold_since is None
        and timezone.now() >= problem.jeopardy_at
    )


@guard("A recovery activity is still scheduled or in progress: complete or cancel it first.")
def no_running_activities(problem: "CustomerProblem") -> bool:
    from problems.models.history import RUNNING_ACTIVITY_STATUSES

    return not problem.activities.filter(status__in=RUNNING_ACTIVITY_STATUSES).exists()


@guard("The confirmation window has passed; report a new problem instead.")
def within_confirmation_window(problem: "CustomerProblem") -> bool:
    return problem.confirm_by is not None and timezone.now() < problem.confirm_by


@guard(
    "The assignee must be an active agent who is a member of the problem's team.", needs_input=True
)
def assignee_is_active_team_agent(problem: "CustomerProblem") -> bool:
    from problems.permissions import is_agent

    assignee, team = problem.assignee, problem.team
    return (
        assignee is not None
        and team is not None
        and team.is_active
        and is_agent(assignee)
        and team.members.filter(pk=assignee.pk).exists()
    )


@guard("The new restoration target must leave time before its jeopardy point.", needs_input=True)
def new_target_leaves_time(problem: "CustomerProblem") -> bool:
    return (
        problem.restore_by is not None
        and problem.jeopardy_at is not None
        and timezone.now() < problem.jeopardy_at
    )


@guard("Give the restoration outcome and a resolution summary.", needs_input=True)
def restoration_outcome_given(problem: "CustomerProblem") -> bool:
    return problem.resolution_outcome in RestorationOutcome.values and bool(
        problem.resolution_summary.strip()
    )


@guard("Give a reason.", needs_input=True)
def reason_given(problem: "CustomerProblem") -> bool:
    return bool(problem.status_change_reason.strip())


@guard("Say why it is cancelled (and, for a duplicate, of which problem).", needs_input=True)
def cancellation_kind_given(problem: "CustomerProblem") -> bool:
    if problem.cancellation_kind == CancellationKind.DUPLICATE:
        return problem.duplicate_of_id is not None and problem.duplicate_of_id != problem.pk
    return problem.cancellation_kind in CancellationKind.values


@guard(
    "A cleared problem closes when the customer confirms or its confirmation window has passed.",
    needs_input=True,
)
def confirmed_or_window_passed(problem: "CustomerProblem") -> bool:
    return problem.customer_confirmed_at is not None or (
        problem.confirm_by is not None and timezone.now() >= problem.confirm_by
    )


# --- Permissions -------------------------------------------------------------------------
def staff_or_own_customer(
    staff_permission: str, own_permission: str, *, while_states: tuple[str, ...] = ()
) -> Callable[["CustomerProblem", User], bool]:
    """Staff with ``staff_permission``, or a contact of the problem's own customer with
    ``own_permission`` (and, if given, only while the problem is in ``while_states``)."""

    def check(problem: "CustomerProblem", user: User) -> bool:
        if user.has_perm(staff_permission):
            return True
        return (
            user.has_perm(own_permission)
            and user.customer_id is not None
            and user.customer_id == problem.customer_id
            and (not while_states or problem.state in while_states)
        )

    check.__name__ = f"staff_or_own_customer({staff_permission}, {own_permission})"
    return check


class ProblemQuerySet(models.QuerySet["CustomerProblem"]):
    def active(self) -> "ProblemQuerySet":
        return self.filter(state__in=ACTIVE_STATES)

    def in_jeopardy(self) -> "ProblemQuerySet":
        return self.filter(state=State.IN_JEOPARDY)

    def not_restricted(self) -> "ProblemQuerySet":
        # A subquery rather than a join: the desk's counts are then read from the
        # problem_working index alone (an index-only scan on PostgreSQL).
        security = Category.objects.filter(is_security=True).values("pk")
        return self.filter(Q(category__isnull=True) | ~Q(category_id__in=security))

    def timers_due(self, now: Any) -> "ProblemQuerySet":
        """Problems the timer scan must act on: jeopardy point or escalation point passed.

        Each side of the OR is served by its own partial index (see Meta.indexes).
        """
        return self.filter(
            Q(state__in=JEOPARDY_WATCHED_STATES, on_hold_since__isnull=True, jeopardy_at__lte=now)
            | Q(escalation_due_at__lte=now)
        )

    def with_reference(self, text: str) -> "ProblemQuerySet":
        match = REFERENCE_PATTERN.match(text.strip())
        return self.filter(pk=int(match.group(1))) if match else self.none()


REFERENCE_PREFIX = "PRB-"
REFERENCE_PATTERN = re.compile(r"^(?:PRB-?)?0*(\d{1,12})$", re.IGNORECASE)


_ASSIGN: dict[str, Any] = {
    "conditions": [assignee_is_active_team_agent],
    "permission": "problems.assign_problem",
    "custom": {"label": "Assign", "admin": True},
}


class CustomerProblem(ConcurrentTransitionMixin, Clocked):
    """A problem a customer reported (or that was reported on their behalf)."""

    # What was reported
    title = models.CharField(max_length=200)
    description = models.TextField()
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
        help_text="Empty while the customer is still to be identified.",
    )
    reported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="reported_problems"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.DESK)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    # The affected service lives in the ``services`` app; problems keep a reference by id
    # (and a label to show) so that this app does not depend on that one.
    service_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    service_label = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    # As the reporting system classified it (TMF621 ``severity``/``ticketType``), kept as
    # given; our ``priority`` is derived from the severity by the API (README, "Severity").
    severity = models.CharField(max_length=50, blank=True)
    ticket_type = models.CharField(max_length=50, blank=True)
    requested_resolution_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reporter asked for it to be resolved."
    )
    external_references = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "References the reporting system gave that point outside the desk, kept as given: "
            "attachments, related entities and parties, related tickets, its channel."
        ),
    )

    # Lifecycle
    state = FSMField(default=State.OPEN, choices=State.choices, protected=True, db_index=True)
    status_change_reason = models.TextField(blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_problems"
    )
    watchers = models.ManyToManyField(User, blank=True, related_name="watched_problems")

    # Initial diagnosis (Check Known Error) and resolution
    known_error = models.ForeignKey(
        KnownError, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems"
    )
    workaround_applied = models.BooleanField(default=False)
    resolution_outcome = models.CharField(
        max_length=20, choices=RestorationOutcome.choices, blank=True
    )
    resolution_summary = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    cancellation_kind = models.CharField(
        max_length=20, choices=CancellationKind.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    # Targets and the clock: see ``Clocked`` (sla_policy, respond_by, jeopardy_at,
    # restore_by, escalation_due_at, escalation_level, on_hold_since, time_on_hold).
    confirm_by = models.DateTimeField(null=True, blank=True)
    hold_reason = models.CharField(max_length=20, choices=HoldReason.choices, blank=True)

    # Milestones (created_at is the clock's)
    updated_at = models.DateTimeField(auto_now=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    clearance_proposed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the service was restored (a network fault was fixed) but the "
        "problem could not be cleared for the customer automatically: an agent clears it.",
    )
    customer_confirmed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The timer scan's two halves (ProblemQuerySet.timers_due).
            models.Index(
                fields=["jeopardy_at"],
                condition=Q(state__in=["open", "assigned"], on_hold_since__isnull=True),
                name="problem_jeopardy_watch",
            ),
            models.Index(
                fields=["escalation_due_at"],
                condition=Q(escalation_due_at__isnull=False),
                name="problem_escalation_due",
            ),
            # Beat closes cleared problems whose confirmation window has passed.
            models.Index(
                fields=["confirm_by"],
                condition=Q(state="cleared"),
                name="problem_confirm_due",
            ),
            models.Index(fields=["customer", "state"], name="problem_customer_state"),
            models.Index(fields=["team", "state"], name="problem_team_state"),
            models.Index(fields=["assignee", "state"], name="problem_assignee_state"),
            models.Index(fields=["restore_by"], name="problem_restore_by"),
            # The desk's queues: the active problems most urgent first, and the live counts
            # of the named queues (read from this index alone).
            models.Index(
                fields=["restore_by", "id"],
                condition=Q(state__in=["open", "assigned", "in_jeopardy"]),
                name="problem_active_by_target",
            ),
            models.Index(
                fields=["state", "assignee", "team", "category"],
                condition=Q(state__in=["open", "assigned", "in_jeopardy", "cleared"]),
                name="problem_working",
            ),
            # API clients synchronise with ``lastUpdate.gt=``.
            models.Index(fields=["updated_at"], name="problem_updated_at"),
            # Management reports count milestones in a period (reporting.metrics); the
            # included columns let the handling times be read from the index alone.
            models.Index(
                fields=["created_at"],
                include=["responded_at", "known_error"],
                name="problem_reported_cover",
            ),
            # A customer's summary lists their problems of a period, newest first.
            models.Index(fields=["customer", "created_at"], name="problem_customer_reported"),
            models.Index(
                fields=["cleared_at"],
                include=["created_at", "time_on_hold", "restore_by"],
                condition=Q(cleared_at__isnull=False),
                name="problem_cleared_at",
            ),
            models.Index(
                fields=["closed_at"], condition=Q(closed_at__isnull=False), name="problem_closed_at"
            ),
            models.Index(
                fields=["cancelled_at"],
                condition=Q(cancelled_at__isnull=False),
                name="problem_cancelled_at",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(closed_at__isnull=True, cancelled_at__isnull=True),
                name="problem_not_terminal",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0, escalation_level__lte=3),
                name="problem_escalation_level_0_to_3",
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="problem_state_is_known"
            ),
        ]
        permissions = [
            ("assign_problem", "Can assign problems"),
            ("mark_problem_in_jeopardy", "Can put problems in jeopardy (the timer does)"),
            ("replan_problem", "Can re-plan restoration targets"),
            ("clear_problem", "Can clear problems"),
            ("reopen_problem", "Can reopen any cleared problem"),
            ("close_problem", "Can close any cleared problem"),
            ("cancel_problem", "Can cancel any problem"),
            ("escalate_problem", "Can escalate problems"),
            ("hold_problem", "Can put problems on hold and resume them"),
            ("manage_activities", "Can schedule and update recovery activities"),
            ("add_internal_note", "Can add internal notes"),
            ("view_security_problem", "Can see security-event problems"),
            ("report_own_problem", "Can report problems for their own company"),
            ("reopen_own_problem", "Can reopen their own company's cleared problems"),
            ("close_own_problem", "Can confirm (close) their own company's cleared problems"),
            ("cancel_own_problem", "Can withdraw their own company's open problems"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.pk:07d}" if self.pk else f"{REFERENCE_PREFIX}(new)"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    # --- Transitions (DESIGN.md table; side-effect free) --------------------------------
    # Two declarations, one method: assigning keeps a problem in jeopardy in jeopardy.
    @transition(field=state, source=[State.OPEN, State.ASSIGNED], target=State.ASSIGNED, **_ASSIGN)
    @transition(field=state, source=State.IN_JEOPARDY, target=State.IN_JEOPARDY, **_ASSIGN)
    def assign(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.OPEN, State.ASSIGNED],
        target=State.IN_JEOPARDY,
        conditions=[jeopardy_point_reached],
        permission="problems.mark_problem_in_jeopardy",
        custom={"label": "Mark in jeopardy", "admin": False},
    )
    def mark_in_jeopardy(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_JEOPARDY,
        target=RETURN_VALUE(State.ASSIGNED, State.OPEN),
        conditions=[new_target_leaves_time],
        permission="problems.replan_problem",
        custom={"label": "Re-plan", "admin": True},
    )
    def replan(self) -> str:
        return State.ASSIGNED if self.assignee_id else State.OPEN

    @transition(
        field=state,
        source=[State.ASSIGNED, State.IN_JEOPARDY],
        target=State.CLEARED,
        conditions=[restoration_outcome_given, no_running_activities],
        permission="problems.clear_problem",
        custom={"label": "Clear", "admin": True},
    )
    def clear(self) -> None:
        pass

    @transition(
        field=state,
        source=State.CLEARED,
        target=State.ASSIGNED,
        conditions=[reason_given, within_confirmation_window],
        permission=staff_or_own_customer("problems.reopen_problem", "problems.reopen_own_problem"),
        custom={"label": "Reopen", "admin": True},
    )
    def reopen(self) -> None:
        pass

    @transition(
        field=state,
        source=State.CLEARED,
        target=State.CLOSED,
        conditions=[confirmed_or_window_passed],
        permission=staff_or_own_customer("problems.close_problem", "problems.close_own_problem"),
        custom={"label": "Close (resolution confirmed)", "admin": True},
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.OPEN, State.ASSIGNED, State.IN_JEOPARDY],
        target=State.CANCELLED,
        conditions=[reason_given, cancellation_kind_given],
        permission=staff_or_own_customer(
            "problems.cancel_problem", "problems.cancel_own_problem", while_states=(State.OPEN,)
        ),
        custom={"label": "Cancel", "admin": True},
    )
    def cancel(self) -> None:
        pass
