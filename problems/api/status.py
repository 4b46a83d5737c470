"""Our states ↔ the TMF621 v4 trouble ticket lifecycle (DESIGN.md, "TMF621 status mapping").

| our state | TMF621 status |
|---|---|
| open | acknowledged |
| assigned | inProgress; on hold: ``pending`` (waiting on the customer), ``held`` (supplier) |
| in_jeopardy | inProgress (jeopardy and escalation level are extension attributes) |
| cleared | resolved |
| closed | closed |
| cancelled | cancelled; ``rejected`` when cancelled as not accepted |

A PATCH of ``status`` is one of the lifecycle's arrows (``MOVES``), each run by the workflow
function that takes the same step here, with its guards.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Q

from problems.models import (
    CancellationKind,
    CustomerProblem,
    EventKind,
    HoldReason,
    ProblemEvent,
    State,
)


class TicketStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    IN_PROGRESS = "inProgress"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    RESOLVED = "resolved"


STATUSES = tuple(status.value for status in TicketStatus)


def status_of(state: str, *, hold_reason: str = "", cancellation_kind: str = "") -> TicketStatus:
    if state == State.OPEN:
        return TicketStatus.ACKNOWLEDGED
    if state == State.ASSIGNED and hold_reason == HoldReason.CUSTOMER:
        return TicketStatus.PENDING
    if state == State.ASSIGNED and hold_reason == HoldReason.SUPPLIER:
        return TicketStatus.HELD
    if state in (State.ASSIGNED, State.IN_JEOPARDY):
        return TicketStatus.IN_PROGRESS
    if state == State.CLEARED:
        return TicketStatus.RESOLVED
    if state == State.CLOSED:
        return TicketStatus.CLOSED
    if cancellation_kind == CancellationKind.NOT_ACCEPTED:
        return TicketStatus.REJECTED
    return TicketStatus.CANCELLED


def ticket_status(problem: CustomerProblem) -> TicketStatus:
    return status_of(
        problem.state,
        hold_reason=problem.hold_reason if problem.on_hold_since else "",
        cancellation_kind=problem.cancellation_kind,
    )


_STATUS_Q = {
    TicketStatus.ACKNOWLEDGED: Q(state=State.OPEN),
    TicketStatus.IN_PROGRESS: Q(state=State.IN_JEOPARDY)
    | Q(state=State.ASSIGNED, on_hold_since__isnull=True),
    TicketStatus.PENDING: Q(
        state=State.ASSIGNED, on_hold_since__isnull=False, hold_reason=HoldReason.CUSTOMER
    ),
    TicketStatus.HELD: Q(
        state=State.ASSIGNED, on_hold_since__isnull=False, hold_reason=HoldReason.SUPPLIER
    ),
    TicketStatus.RESOLVED: Q(state=State.CLEARED),
    TicketStatus.CLOSED: Q(state=State.CLOSED),
    TicketStatus.REJECTED: Q(
        state=State.CANCELLED, cancellation_kind=CancellationKind.NOT_ACCEPTED
    ),
    TicketStatus.CANCELLED: Q(state=State.CANCELLED)
    & ~Q(cancellation_kind=CancellationKind.NOT_ACCEPTED),
}


def status_q(operator: str, values: list[Any]) -> Q:
    """The list filter ``status=…`` (any of the values; ``.ne`` for none of them)."""
    matched = Q(pk__in=[])
    for value in values:
        matched |= _STATUS_Q[TicketStatus(value)]
    return ~matched if operator == "ne" else matched


# --- History ------------------------------------------------------------------------------
STATUS_EVENT_FILTER = ~Q(to_state="") | Q(kind__in=[EventKind.ON_HOLD, EventKind.RESUMED])


@dataclass(frozen=True)
class StatusChange:
    status: TicketStatus
    changed_at: datetime
    reason: str


def status_after(event: ProblemEvent) -> TicketStatus | None:
    """The ticket's status right after this event, when the event sets one."""
    if event.kind == EventKind.ON_HOLD:
        reason = (event.data or {}).get("reason", "")
        return TicketStatus.PENDING if reason == HoldReason.CUSTOMER else TicketStatus.HELD
    if event.kind == EventKind.RESUMED:
        return TicketStatus.IN_PROGRESS
    if event.to_state:
        return status_of(event.to_state, cancellation_kind=(event.data or {}).get("kind", ""))
    return None


def history(events: Iterable[ProblemEvent]) -> list[StatusChange]:
    """The TMF ``statusChange`` list from the event log: one entry each time the TMF status
    changed (entering jeopardy, for instance, changes our state but not the TMF status)."""
    changes: list[StatusChange] = []
    current: TicketStatus | None = None
    for event in events:
        status = status_after(event)
        if status is None or status == current:
            continue
        changes.append(StatusChange(status, event.created_at, event.message))
        current = status
    return changes


# --- PATCH status: the lifecycle's arrows ----------------------------------------------------
class Move(StrEnum):
    ASSIGN = "assign"  # acknowledged → inProgress ("process started")
    CANCEL = "cancel"
    REJECT = "reject"  # "business validation failed"
    HOLD_CUSTOMER = "hold_customer"  # inProgress → pending ("needs extra information")
    HOLD_SUPPLIER = "hold_supplier"  # inProgress → held ("blocked due to an issue")
    RESUME = "resume"
    CLEAR = "clear"  # → resolved
    CLOSE = "close"  # "accepted the resolution"
    REOPEN = "reopen"  # "rejected the resolution"


MOVES: dict[tuple[TicketStatus, TicketStatus], Move] = {
    (TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS): Move.ASSIGN,
    (TicketStatus.ACKNOWLEDGED, TicketStatus.CANCELLED): Move.CANCEL,
    (TicketStatus.ACKNOWLEDGED, TicketStatus.REJECTED): Move.REJECT,
    (TicketStatus.IN_PROGRESS, TicketStatus.PENDING): Move.HOLD_CUSTOMER,
    (TicketStatus.IN_PROGRESS, TicketStatus.HELD): Move.HOLD_SUPPLIER,
    (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED): Move.CLEAR,
    (TicketStatus.IN_PROGRESS, TicketStatus.CANCELLED): Move.CANCEL,
    (TicketStatus.PENDING, TicketStatus.IN_PROGRESS): Move.RESUME,
    (TicketStatus.PENDING, TicketStatus.CANCELLED): Move.CANCEL,
    (TicketStatus.HELD, TicketStatus.IN_PROGRESS): Move.RESUME,
    (TicketStatus.RESOLVED, TicketStatus.CLOSED): Move.CLOSE,
    (TicketStatus.RESOLVED, TicketStatus.IN_PROGRESS): Move.REOPEN,
}


def allowed_targets(current: TicketStatus) -> list[str]:
    return [target.value for (source, target) in MOVES if source == current]


def status_named(text: str) -> TicketStatus | None:
    """A status as written by a caller: exact, or differing only in case ("Pending")."""
    wanted = text.strip().lower()
    return next((status for status in TicketStatus if status.value.lower() == wanted), None)
