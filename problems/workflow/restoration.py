"""The fault is fixed: restore many problems at once (see ``problems.workflow.bulk``).

The state field is set here without the transition method, the one deliberate bypass of
the state machine: ``clear``'s guards (its source states, an outcome and a summary, no
running activity) are checked for the whole list at once, where the transition method
would ask them again problem by problem.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.models import (
    RUNNING_ACTIVITY_STATUSES,
    ActivityKind,
    ActivityStatus,
    CustomerProblem,
    EventKind,
    ProblemEvent,
    RecoveryActivity,
    RestorationOutcome,
    State,
)
from problems.workflow._base import Actor, InvalidInput, actor_user, require_permission
from problems.workflow.bulk import Outage, event_for, iso, lock_active, write_events


@dataclass
class Restoration:
    """What ``problems_restore_for_outage`` did: problem ids by what became of them."""

    cleared: list[int] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)


def problems_restore_for_outage(
    *,
    actor: Actor,
    problem_ids: Sequence[int],
    outage: Outage,
    outcome: str,
    summary: str,
    root_cause: str = "",
    clear: bool = True,
) -> Restoration:
    """The fault is fixed: each active problem gets a completed service-restoration activity
    with the outcome, and is then cleared (the customer is asked to confirm within the
    confirmation window) or, when ``clear`` is off or the state machine does not allow it
    (the problem is still open, or another activity is running), proposed for clearing:
    an agent clears it, and the customer is told and asked whether the service works.

    Guard: outcome restored or workaround, and a summary; staff need ``clear_problem``. A
    problem that already has this outage's restoration activity is skipped.
    """
    require_permission(actor, "problems.clear_problem", "clear problems")
    if outcome not in RestorationOutcome.values:
        raise InvalidInput("Choose the restoration outcome.", field="outcome")
    if not summary.strip():
        raise InvalidInput("Give a resolution summary.", field="summary")
    summary = summary.strip()
    result = Restoration()
    with transaction.atomic():
        problems = lock_active(problem_ids)
        done = set(
            RecoveryActivity.objects.filter(
                problem_id__in=list(problems),
                kind=ActivityKind.SERVICE_RESTORATION,
                external_reference=outage.reference,
            ).values_list("problem_id", flat=True)
        )
        todo = [problem for pk, problem in problems.items() if pk not in done]
        if not todo:
            return result
        busy = set(
            RecoveryActivity.objects.filter(
                problem_id__in=[p.pk for p in todo], status__in=RUNNING_ACTIVITY_STATUSES
            ).values_list("problem_id", flat=True)
        )
        now = timezone.now()
        activities = [
            _restoration_activity(problem, outage, outcome, summary, actor, now) for problem in todo
        ]
        RecoveryActivity.objects.bulk_create(activities, batch_size=1000)
        events = [
            event_for(
                problem,
                actor=actor,
                kind=EventKind.ACTIVITY_COMPLETED,
                now=now,
                message=f"{activity.summary}: {activity.get_outcome_display().lower()}.",
                data={
                    "activity": activity.pk,
                    "status": ActivityStatus.COMPLETED,
                    "outcome": outcome,
                    **outage.link_data(),
                },
            )
            for problem, activity in zip(todo, activities, strict=True)
        ]
        # The state machine's own table says from which states ``clear`` goes.
        clearable_states = set(CustomerProblem.clear._django_fsm.transitions)
        for problem in todo:
            if clear and problem.state in clearable_states and problem.pk not in busy:
                events.append(_clear(problem, actor, outcome, summary, root_cause, outage, now))
                result.cleared.append(problem.pk)
            else:
                problem.clearance_proposed_at = now
                events.append(
                    event_for(
                        problem,
                        actor=actor,
                        kind=EventKind.CLEARANCE_PROPOSED,
                        now=now,
                        message=f"The network fault {outage.reference} is fixed: {summary} "
                        "Your service should work again; please tell us whether it does.",
                        data=outage.link_data(),
                    )
                )
                result.proposed.append(problem.pk)
            problem.updated_at = now
        CustomerProblem.objects.bulk_update(todo, CLEARED_FIELDS, batch_size=500)
        write_events(events)
    return result


CLEARED_FIELDS = [
    "state",
    "resolution_outcome",
    "resolution_summary",
    "root_cause",
    "cleared_at",
    "confirm_by",
    "customer_confirmed_at",
    "escalation_due_at",
    "on_hold_since",
    "hold_reason",
    "time_on_hold",
    "jeopardy_at",
    "restore_by",
    "clearance_proposed_at",
    "updated_at",
]


def _clear(
    problem: CustomerProblem,
    actor: Actor,
    outcome: str,
    summary: str,
    root_cause: str,
    outage: Outage,
    now: datetime,
) -> ProblemEvent:
    """``problem_clear``'s changes, for a row locked and checked with the rest of the list."""
    from_state = problem.state
    # The guards of ``clear`` were checked for the whole list (state, outcome, summary,
    # running activities); calling the transition method would ask them again per row.
    problem.__dict__["state"] = State.CLEARED
    problem.resolution_outcome = outcome
    problem.resolution_summary = summary
    problem.root_cause = root_cause.strip() or problem.root_cause
    sla.resume(problem, now=now)
    problem.hold_reason = ""
    problem.cleared_at = now
    problem.customer_confirmed_at = None
    problem.confirm_by = now + _confirmation_window(problem)
    problem.escalation_due_at = None
    problem.clearance_proposed_at = None
    return event_for(
        problem,
        actor=actor,
        kind=EventKind.CLEARED,
        from_state=from_state,
        to_state=State.CLEARED,
        now=now,
        message=summary,
        data={
            "outcome": outcome,
            "root_cause": problem.root_cause,
            "confirm_by": iso(problem.confirm_by),
            **outage.link_data(),
        },
    )


def _restoration_activity(
    problem: CustomerProblem,
    outage: Outage,
    outcome: str,
    summary: str,
    actor: Actor,
    now: datetime,
) -> RecoveryActivity:
    return RecoveryActivity(
        problem=problem,
        kind=ActivityKind.SERVICE_RESTORATION,
        summary=f"Network fault {outage.reference} fixed"[:200],
        details=summary,
        status=ActivityStatus.COMPLETED,
        outcome=outcome,
        supplier_name="Network operations",
        external_reference=outage.reference,
        started_at=now,
        completed_at=now,
        created_at=now,
        created_by=actor_user(actor),
    )


def _confirmation_window(problem: CustomerProblem) -> timedelta:
    if problem.sla_policy is not None:
        return problem.sla_policy.confirmation_window
    return timedelta(days=settings.DEFAULT_CONFIRMATION_WINDOW_DAYS)
