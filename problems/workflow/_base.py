"""What every domain operation shares: the error type, actors, locking, events."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_fsm import ConcurrentTransition

from problems.models import CustomerProblem, EventKind, ProblemEvent, User
from problems.selectors import can_see_problem
from problems.signals import event_recorded


class WorkflowError(Exception):
    """A domain operation was refused. ``message`` is fit to show to the person acting."""

    code = "refused"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(WorkflowError):
    code = "invalid"


class NotPermitted(WorkflowError):
    code = "forbidden"


class TransitionRefused(WorkflowError):
    code = "transition_refused"


class ConcurrentUpdate(WorkflowError):
    code = "conflict"


@dataclass(frozen=True)
class SystemActor:
    """The product itself acting (timers, network operations, integrations)."""

    name: str = "system"


SYSTEM = SystemActor()
JEOPARDY_TIMER = SystemActor("jeopardy timer")
Actor = User | SystemActor


def actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def actor_label(actor: Actor) -> str:
    return actor.name if isinstance(actor, SystemActor) else actor.get_username()


def require_permission(actor: Actor, permission: str, action: str) -> None:
    if isinstance(actor, User) and not actor.has_perm(permission):
        raise NotPermitted(f"You may not {action}.")


def lock_problem(problem: CustomerProblem | int, *, actor: Actor) -> CustomerProblem:
    """Reload the problem with its row locked until the transaction ends.

    Must be called inside ``transaction.atomic``. Two operations on one problem therefore
    run one after the other, and the second sees what the first did. On SQLite, where
    there is no row lock, the IMMEDIATE transaction mode serialises writers instead.
    """
    pk = problem.pk if isinstance(problem, CustomerProblem) else problem
    try:
        locked = (
            CustomerProblem.objects.select_for_update(of=("self",))
            .select_related("customer", "category", "team", "assignee", "sla_policy")
            .get(pk=pk)
        )
    except CustomerProblem.DoesNotExist:
        raise InvalidInput("No such problem.") from None
    if isinstance(actor, User) and not can_see_problem(actor, locked):
        # Same answer as a missing problem: do not confirm that it exists.
        raise InvalidInput("No such problem.")
    return locked


def save_problem(problem: CustomerProblem) -> None:
    try:
        problem.save()
    except ConcurrentTransition:
        raise ConcurrentUpdate(
            "Someone else changed this problem at the same moment; reload it and try again."
        ) from None


def record_event(
    problem: CustomerProblem,
    *,
    actor: Actor,
    kind: EventKind,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
    data: dict[str, Any] | None = None,
    is_public: bool = True,
    notify: bool = True,
) -> ProblemEvent:
    """Append an event to the problem's log and, with ``notify``, write its
    notifications in the same transaction; they are sent after commit."""
    from problems.notifications import queue_notifications

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Events are written inside the operation's transaction.")
    event = ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
        is_public=is_public,
    )
    if notify:
        queue_notifications(event)
    event_recorded.send(sender=ProblemEvent, event=event)
    return event


def run_transition(
    item: Any,
    name: str,
    *,
    actor: Actor,
    noun: str = "problem",
    past_tense: dict[str, str] | None = None,
) -> tuple[str, str]:
    """Take the named transition after checking source state, permission and guards.

    Returns (from_state, to_state). Raises TransitionRefused with the first guard's own
    message, or NotPermitted. Works for any model with a django-fsm ``state`` field (the
    services app's trouble reports pass their own ``noun`` and ``past_tense``).
    """
    method = getattr(item, name)
    meta = method._django_fsm
    from_state = item.state
    transition = meta.get_transition(from_state)
    past_tense = TRANSITION_PAST_TENSE if past_tense is None else past_tense
    if transition is None:
        raise TransitionRefused(
            f"A {noun} that is {item.get_state_display().lower()} cannot be "
            f"{past_tense.get(name, name)}."
        )
    if isinstance(actor, User) and not transition.has_perm(item, actor):
        raise NotPermitted(
            f"You may not {transition.custom.get('label', name).lower()} this {noun}."
        )
    for condition in transition.conditions:
        if not condition(item):
            raise TransitionRefused(getattr(condition, "refusal", f"{name} is not allowed now."))
    method()
    return from_state, str(item.state)


TRANSITION_PAST_TENSE = {
    "assign": "assigned",
    "mark_in_jeopardy": "put in jeopardy",
    "replan": "re-planned",
    "clear": "cleared",
    "reopen": "reopened",
    "close": "closed",
    "cancel": "cancelled",
}
