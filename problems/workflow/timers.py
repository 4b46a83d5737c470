"""The clock: jeopardy, escalation, and hold/resume (which pause it).

``scan`` is the timer scan of anything ``Clocked``: customer problems here, service trouble
reports in ``services`` (which passes its own query and per-row handler).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from problems import sla
from problems.models import (
    ACTIVE_STATES,
    MAX_ESCALATION_LEVEL,
    CustomerProblem,
    EventKind,
    HoldReason,
    State,
)
from problems.workflow._base import (
    JEOPARDY_TIMER,
    Actor,
    InvalidInput,
    TransitionRefused,
    lock_problem,
    record_event,
    require_permission,
    run_transition,
    save_problem,
)

__all__ = ["MAX_ESCALATION_LEVEL", "scan"]

TimerHandler = Callable[[int], tuple[bool, bool]]


def problem_hold(
    problem: CustomerProblem, *, actor: Actor, reason: str, note: str = ""
) -> CustomerProblem:
    """Put an assigned problem on hold, waiting on the customer or a supplier/partner.

    Guard: assigned and not already on hold; ``hold_problem`` permission. The clock stops:
    no jeopardy and no escalation until resumed.
    """
    require_permission(actor, "problems.hold_problem", "put problems on hold")
    if reason not in HoldReason.values:
        raise InvalidInput("Say whom the problem is waiting on.", field="reason")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        if problem.state != State.ASSIGNED:
            raise TransitionRefused("Only an assigned problem can be put on hold.")
        if problem.on_hold_since is not None:
            raise TransitionRefused("The problem is already on hold.")
        sla.pause(problem, now=timezone.now())
        problem.hold_reason = reason
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.ON_HOLD,
            message=note.strip() or HoldReason(reason).label,
            data={"reason": reason},
        )
    return problem


def end_hold(problem: CustomerProblem, *, now: datetime) -> None:
    """Restart the clock: deadlines move by the time spent on hold. No save, no event."""
    sla.resume(problem, now=now)
    problem.hold_reason = ""


def problem_resume(problem: CustomerProblem, *, actor: Actor, note: str = "") -> CustomerProblem:
    """Take a problem off hold; its jeopardy point and restoration target move by the time
    it waited. Guard: on hold; ``hold_problem`` permission."""
    require_permission(actor, "problems.hold_problem", "resume problems")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        if problem.on_hold_since is None:
            raise TransitionRefused("The problem is not on hold.")
        now = timezone.now()
        waited = now - problem.on_hold_since
        reason = problem.hold_reason
        end_hold(problem, now=now)
        problem.escalation_due_at = sla.next_escalation_at(
            problem, sla.steps_of(problem.sla_policy)
        )
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.RESUMED,
            message=note.strip() or f"Resumed after {duration_text(waited)} on hold.",
            data={
                "reason": reason,
                "held_seconds": int(waited.total_seconds()),
                "restore_by": problem.restore_by.isoformat() if problem.restore_by else None,
            },
        )
    return problem


def problem_escalate(
    problem: CustomerProblem, *, actor: Actor, reason: str, level: int | None = None
) -> CustomerProblem:
    """Raise the escalation level of an active problem (by hand; the timer uses the same
    rules through ``_escalate``). Guard: active, level above the current one and at most 3,
    a reason; ``escalate_problem`` permission."""
    require_permission(actor, "problems.escalate_problem", "escalate problems")
    if not reason.strip():
        raise InvalidInput("Say why the problem is escalated.", field="reason")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        target = problem.escalation_level + 1 if level is None else level
        if problem.state not in ACTIVE_STATES:
            raise TransitionRefused("Only an active problem can be escalated.")
        try:
            escalation = sla.escalate(problem, to_level=target, reason=reason.strip())
        except sla.EscalationRefused as refusal:
            raise InvalidInput(str(refusal), field="level") from None
        _record_escalation(problem, actor=actor, escalation=escalation)
        save_problem(problem)
    return problem


def _record_escalation(problem: CustomerProblem, *, actor: Actor, escalation: Any) -> None:
    record_event(
        problem,
        actor=actor,
        kind=EventKind.ESCALATED,
        message=escalation.reason,
        data=escalation.data,
        is_public=False,
    )


def scan(due: "models.QuerySet[Any]", handle: TimerHandler) -> dict[str, int]:
    """The timer scan: one indexed query for what is due, then each row handled in its own
    transaction by ``handle(pk) -> (moved into jeopardy, escalated)``. Running it twice
    changes nothing: the handler re-checks each row under its row lock."""
    pks = list(due.order_by("pk").values_list("pk", flat=True))
    result = {"due": len(pks), "in_jeopardy": 0, "escalated": 0}
    for pk in pks:
        moved, escalated = handle(pk)
        result["in_jeopardy"] += moved
        result["escalated"] += escalated
    return result


def scan_timers(now: datetime | None = None) -> dict[str, int]:
    """Find the problems whose jeopardy or escalation point has passed (one indexed query)
    and handle each in its own transaction."""
    return scan(CustomerProblem.objects.timers_due(now or timezone.now()), handle_problem_timers)


def handle_problem_timers(pk: int) -> tuple[bool, bool]:
    """Move one problem into jeopardy and/or escalate it as its policy says, if due."""
    with transaction.atomic():
        problem = lock_problem(pk, actor=JEOPARDY_TIMER)
        now = timezone.now()
        moved = escalated = False
        if problem.state in (State.OPEN, State.ASSIGNED) and sla.jeopardy_due(problem, now):
            from_state, to_state = run_transition(problem, "mark_in_jeopardy", actor=JEOPARDY_TIMER)
            record_event(
                problem,
                actor=JEOPARDY_TIMER,
                kind=EventKind.IN_JEOPARDY,
                from_state=from_state,
                to_state=to_state,
                message=f"Restoration target {problem.restore_by:%Y-%m-%d %H:%M %Z} in jeopardy.",
                data={
                    "jeopardy_at": problem.jeopardy_at.isoformat() if problem.jeopardy_at else None
                },
                is_public=False,
            )
            moved = True
        step = sla.escalation_due(problem, now)
        if step is not None:
            escalation = sla.escalate(problem, to_level=step.level, reason=step_reason(step))
            _record_escalation(problem, actor=JEOPARDY_TIMER, escalation=escalation)
            escalated = True
        next_due = sla.next_escalation_at(problem, sla.steps_of(problem.sla_policy))
        if moved or escalated or next_due != problem.escalation_due_at:
            problem.escalation_due_at = next_due
            save_problem(problem)
    return moved, escalated


def step_reason(step: Any) -> str:
    """Why the timer escalated, as the event says it."""
    return f"Escalation level {step.level}: {step.get_trigger_display().lower()}."


def duration_text(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
