"""The clock: jeopardy, escalation, and hold/resume (which pause it)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.models import ACTIVE_STATES, CustomerProblem, EventKind, HoldReason, State
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

MAX_ESCALATION_LEVEL = 3


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
        problem.on_hold_since = timezone.now()
        problem.hold_reason = reason
        problem.escalation_due_at = None
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
    if problem.on_hold_since is None:
        return
    held = now - problem.on_hold_since
    problem.time_on_hold += held
    sla.shift_targets(problem, held)
    problem.on_hold_since = None
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
            message=note.strip() or f"Resumed after {_duration(waited)} on hold.",
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
        if not problem.escalation_level < target <= MAX_ESCALATION_LEVEL:
            raise InvalidInput(
                f"The level must be above {problem.escalation_level} and at most "
                f"{MAX_ESCALATION_LEVEL}.",
                field="level",
            )
        _escalate(problem, actor=actor, to_level=target, reason=reason.strip())
        save_problem(problem)
    return problem


def _escalate(problem: CustomerProblem, *, actor: Actor, to_level: int, reason: str) -> None:
    from_level = problem.escalation_level
    problem.escalation_level = to_level
    problem.escalation_due_at = sla.next_escalation_at(problem, sla.steps_of(problem.sla_policy))
    record_event(
        problem,
        actor=actor,
        kind=EventKind.ESCALATED,
        message=reason,
        data={
            "from_level": from_level,
            "to_level": to_level,
            "levels": list(range(from_level + 1, to_level + 1)),
        },
        is_public=False,
    )


def scan_timers(now: datetime | None = None) -> dict[str, int]:
    """Find the problems whose jeopardy or escalation point has passed (one indexed query)
    and handle each in its own transaction. Running it twice changes nothing: each problem
    is re-checked under its row lock."""
    now = now or timezone.now()
    due = list(CustomerProblem.objects.timers_due(now).order_by("pk").values_list("pk", flat=True))
    result = {"due": len(due), "in_jeopardy": 0, "escalated": 0}
    for pk in due:
        moved, escalated = handle_problem_timers(pk)
        result["in_jeopardy"] += moved
        result["escalated"] += escalated
    return result


def handle_problem_timers(pk: int) -> tuple[bool, bool]:
    """Move one problem into jeopardy and/or escalate it as its policy says, if due."""
    with transaction.atomic():
        problem = lock_problem(pk, actor=JEOPARDY_TIMER)
        now = timezone.now()
        moved = escalated = False
        if (
            problem.state in (State.OPEN, State.ASSIGNED)
            and problem.on_hold_since is None
            and problem.jeopardy_at is not None
            and problem.jeopardy_at <= now
        ):
            from_state, to_state = run_transition(problem, "mark_in_jeopardy", actor=JEOPARDY_TIMER)
            record_event(
                problem,
                actor=JEOPARDY_TIMER,
                kind=EventKind.IN_JEOPARDY,
                from_state=from_state,
                to_state=to_state,
                message=f"Restoration target {problem.restore_by:%Y-%m-%d %H:%M %Z} in jeopardy.",
                data={"jeopardy_at": problem.jeopardy_at.isoformat()},
                is_public=False,
            )
            moved = True
        steps = sla.steps_due(problem, sla.steps_of(problem.sla_policy), now)
        if steps and problem.state in ACTIVE_STATES and problem.on_hold_since is None:
            top = steps[-1]
            _escalate(
                problem,
                actor=JEOPARDY_TIMER,
                to_level=top.level,
                reason=f"Escalation level {top.level}: {top.get_trigger_display().lower()}.",
            )
            escalated = True
        next_due = sla.next_escalation_at(problem, sla.steps_of(problem.sla_policy))
        if moved or escalated or next_due != problem.escalation_due_at:
            problem.escalation_due_at = next_due
            save_problem(problem)
    return moved, escalated


def _duration(delta: object) -> str:
    seconds = int(delta.total_seconds())  # type: ignore[attr-defined]
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
