"""How problems read on the pages: time left with a colour cue, and the customer's plain
words for states and timeline entries (which never name staff or internal details)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from problems.models import (
    ACTIVE_STATES,
    CancellationKind,
    CustomerProblem,
    EventKind,
    HoldReason,
    ProblemEvent,
    State,
)

SOON = timedelta(hours=1)


@dataclass(frozen=True)
class TimeLeft:
    text: str
    tone: str  # Bootstrap colour: success, warning, danger, info, secondary
    overdue: bool = False

    @property
    def css(self) -> str:
        return f"text-bg-{self.tone}"


NOT_APPLICABLE = TimeLeft("—", "light")


def duration(delta: timedelta) -> str:
    """A short human duration: "2 d 3 h", "3 h 20 min", "12 min"."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else "< 1 min"


def _left(deadline: datetime, problem: CustomerProblem, now: datetime) -> timedelta:
    # On hold the clock is paused: what was left when it stopped is still left.
    reference = problem.on_hold_since or now
    return deadline - reference


def time_to_jeopardy(problem: CustomerProblem, now: datetime | None = None) -> TimeLeft:
    if problem.state not in ACTIVE_STATES or problem.jeopardy_at is None:
        return NOT_APPLICABLE
    now = now or timezone.now()
    left = _left(problem.jeopardy_at, problem, now)
    if problem.on_hold_since is not None:
        return TimeLeft(
            f"paused, {duration(left)} left" if left > timedelta(0) else "paused", "info"
        )
    if left <= timedelta(0) or problem.state == State.IN_JEOPARDY:
        return TimeLeft(f"passed {duration(left)} ago", "danger", overdue=True)
    return TimeLeft(f"{duration(left)} left", "warning" if left <= SOON else "success")


def time_to_restore(problem: CustomerProblem, now: datetime | None = None) -> TimeLeft:
    if problem.restore_by is None:
        return NOT_APPLICABLE
    if problem.state in (State.CLEARED, State.CLOSED):
        if problem.cleared_at is None:
            return NOT_APPLICABLE
        late = problem.cleared_at - problem.restore_by
        if late > timedelta(0):
            return TimeLeft(f"missed by {duration(late)}", "danger", overdue=True)
        return TimeLeft("met", "success")
    if problem.state not in ACTIVE_STATES:
        return NOT_APPLICABLE
    now = now or timezone.now()
    left = _left(problem.restore_by, problem, now)
    if problem.on_hold_since is not None:
        return TimeLeft(
            f"paused, {duration(left)} left" if left > timedelta(0) else "paused", "info"
        )
    if left <= timedelta(0):
        return TimeLeft(f"overdue by {duration(left)}", "danger", overdue=True)
    past_jeopardy = problem.jeopardy_at is not None and problem.jeopardy_at <= now
    tone = "warning" if past_jeopardy or problem.state == State.IN_JEOPARDY else "success"
    return TimeLeft(f"{duration(left)} left", tone)


# --- The customer's words -----------------------------------------------------------------
@dataclass(frozen=True)
class CustomerStatus:
    label: str
    explanation: str
    tone: str


def customer_status(problem: CustomerProblem) -> CustomerStatus:
    state = problem.state
    if state == State.OPEN:
        return CustomerStatus(
            "Received", "We have your report and will pick it up shortly.", "primary"
        )
    if state in (State.ASSIGNED, State.IN_JEOPARDY):
        if problem.hold_reason == HoldReason.CUSTOMER:
            return CustomerStatus(
                "Waiting for your answer", "We need something from you to go on.", "warning"
            )
        if problem.hold_reason == HoldReason.SUPPLIER:
            return CustomerStatus(
                "Waiting on a partner", "A supplier or partner is working on it for us.", "info"
            )
        return CustomerStatus("Being worked on", "An engineer is working on it.", "info")
    if state == State.CLEARED:
        return CustomerStatus(
            "Resolved: please confirm",
            "We believe it is fixed. Please confirm, or tell us what is still wrong.",
            "success",
        )
    if state == State.CLOSED:
        return CustomerStatus("Closed", "The problem is solved and closed.", "secondary")
    if problem.cancellation_kind == CancellationKind.WITHDRAWN:
        return CustomerStatus("Withdrawn", "The report was withdrawn.", "secondary")
    return CustomerStatus("Cancelled", "We closed this report without a fix.", "secondary")


def customer_event_text(event: ProblemEvent) -> str:
    """A public timeline entry as the customer reads it."""
    kind, message = event.kind, event.message
    if kind == EventKind.CREATED:
        channel = event.data.get("channel", "")
        return {
            "portal": "You reported the problem on the portal.",
            "phone": "The problem was reported by phone.",
            "email": "The problem was reported by e-mail.",
        }.get(channel, "The problem was reported.")
    if kind == EventKind.ASSIGNED:
        return "An engineer is working on it."
    if kind == EventKind.RESUMED:
        return "We are working on it again."
    if kind == EventKind.ON_HOLD:
        if event.data.get("reason") == HoldReason.CUSTOMER:
            return f"We are waiting for your answer. {_unless_label(message)}".strip()
        return f"We are waiting on a partner. {_unless_label(message)}".strip()
    if kind == EventKind.CLEARED:
        return f"Resolved: {message}"
    if kind == EventKind.REOPENED:
        return f"Reopened: {message}"
    if kind == EventKind.REPLANNED:
        return f"The target for the fix has moved. {message}".strip()
    if kind == EventKind.CANCELLED:
        return f"Cancelled: {message}"
    return message or event.get_kind_display()


def _unless_label(message: str) -> str:
    return "" if message in HoldReason.labels else message


def customer_actor(event: ProblemEvent) -> str:
    """Staff are "Service desk" to customers; the customer's own people keep their names."""
    actor = event.actor
    if actor is not None and actor.customer_id is not None:
        return actor.get_full_name() or actor.username
    return "Service desk"
