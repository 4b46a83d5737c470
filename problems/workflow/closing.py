"""Closing the loop (eTOM 1.3.7.4): the customer answers a clearance by an e-mail link, and
beat closes what nobody answered within the confirmation window.

Using a link is one transaction: the problem row is locked, the link is judged against it
(the clearance it answers is still the latest and still unanswered, the window is open)
and ``problem_close`` / ``problem_reopen`` run under the same lock. Two clicks at once:
the second waits for the first and then finds the clearance answered.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from problems.links import CONFIRM, REOPEN, BadLink, ClearanceLink, read_clearance_token
from problems.models import CustomerProblem, EventKind, ProblemEvent, State, User
from problems.workflow._base import InvalidInput, NotPermitted, SystemActor
from problems.workflow.bulk import event_for, write_events
from problems.workflow.lifecycle import WINDOW_PASSED, problem_close, problem_reopen
from problems.workflow.surveys import surveys_start

CONFIRMATION_TIMER = SystemActor("confirmation timer")
VIA_LINK = "email_link"
CLOSE_BATCH = 500


@dataclass(frozen=True)
class LinkVerdict:
    """What became of a link, for the page that answers it.

    ``kind``: ``ready`` (usable now), ``closed`` / ``reopened`` (this use did it), ``used``
    (the clearance was answered before: ``answer`` is that event), ``superseded`` (the
    problem was cleared again since), ``expired``, ``invalid`` (tampered or unknown),
    ``not_allowed`` (the contact may no longer act on the problem).
    """

    kind: str
    problem: CustomerProblem | None = None
    answer: ProblemEvent | None = None
    link: ClearanceLink | None = None


def clearance_link_check(token: str, *, action: str) -> LinkVerdict:
    """Judge a link without using it (the page shown before the customer commits)."""
    try:
        link = read_clearance_token(token, action=action)
    except BadLink as bad:
        return LinkVerdict(bad.reason)
    problem = CustomerProblem.objects.filter(pk=link.problem_id).first()
    if problem is None:
        return LinkVerdict("invalid")
    return _judge(link, problem, timezone.now()) or LinkVerdict("ready", problem, link=link)


def clearance_link_use(token: str, *, action: str, reason: str = "") -> LinkVerdict:
    """Confirm (close) or say not fixed (reopen, with ``reason``) through a link.

    Guard: the link is genuine and for this action, its clearance is the problem's latest
    and unanswered, the window is open, and its contact may still act on the problem (the
    workflow's own checks). InvalidInput when the reason is missing.
    """
    if action == REOPEN and not reason.strip():
        raise InvalidInput("Tell us what is still wrong.", field="reason")
    try:
        link = read_clearance_token(token, action=action)
    except BadLink as bad:
        return LinkVerdict(bad.reason)
    with transaction.atomic():
        problem = (
            CustomerProblem.objects.select_for_update(of=("self",))
            .filter(pk=link.problem_id)
            .first()
        )
        if problem is None:
            return LinkVerdict("invalid")
        verdict = _judge(link, problem, timezone.now())
        if verdict is not None:
            return verdict
        contact = User.objects.filter(pk=link.user_id, is_active=True).first()
        if contact is None:
            return LinkVerdict("not_allowed", problem)
        try:
            if action == CONFIRM:
                problem = problem_close(problem, actor=contact, confirmed=True, via=VIA_LINK)
                return LinkVerdict("closed", problem, link=link)
            problem = problem_reopen(problem, actor=contact, reason=reason, via=VIA_LINK)
            return LinkVerdict("reopened", problem, link=link)
        except (NotPermitted, InvalidInput):
            return LinkVerdict("not_allowed", problem)


def _judge(link: ClearanceLink, problem: CustomerProblem, now: datetime) -> LinkVerdict | None:
    latest = (
        ProblemEvent.objects.filter(problem_id=problem.pk, kind=EventKind.CLEARED)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != link.clearance_id:
        known = ProblemEvent.objects.filter(
            pk=link.clearance_id, problem_id=problem.pk, kind=EventKind.CLEARED
        ).exists()
        return LinkVerdict("superseded" if known else "invalid", problem)
    if problem.state != State.CLEARED:
        answer = (
            ProblemEvent.objects.filter(
                problem_id=problem.pk,
                kind__in=[EventKind.CLOSED, EventKind.REOPENED],
                pk__gt=link.clearance_id,
            )
            .select_related("actor")
            .order_by("pk")
            .first()
        )
        return LinkVerdict("used", problem, answer=answer)
    if now >= link.expires_at or (problem.confirm_by is not None and now >= problem.confirm_by):
        return LinkVerdict("expired", problem)
    return None


def close_unconfirmed(now: datetime | None = None, *, batch_size: int = CLOSE_BATCH) -> int:
    """Beat: close the cleared problems whose confirmation window has passed, a batch at a
    time: one query on the partial index ``problem_confirm_due`` finds a batch, and
    ``problems_close_unconfirmed`` closes it in one transaction. Running it twice changes
    nothing. Returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    while True:
        due = list(
            CustomerProblem.objects.filter(state=State.CLEARED, confirm_by__lte=now)
            .order_by("confirm_by", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not due:
            return closed
        done = problems_close_unconfirmed(due, now=now)
        closed += len(done)
        if not done:
            return closed  # all answered meanwhile; the next scan looks again


def problems_close_unconfirmed(problem_ids: Sequence[int], *, now: datetime) -> list[int]:
    """Close, as the confirmation timer, those of these problems that are still cleared and
    past their window; each gets the event *"Closed: the confirmation window passed without
    an answer."* and its survey, as ``problem_close`` would, for the whole list at once
    (a fixed number of queries however long).

    Guard: ``close`` from cleared, not confirmed, the window passed (checked for the list
    under the row locks, taken in id order so that two runs never deadlock).
    """
    with transaction.atomic():
        problems = list(
            CustomerProblem.objects.select_for_update(of=("self",))
            .filter(pk__in=sorted(set(problem_ids)), state=State.CLEARED, confirm_by__lte=now)
            .select_related("category")
            .order_by("pk")
        )
        if not problems:
            return []
        events = []
        for problem in problems:
            # The state field is set without the transition method, as in bulk restoration:
            # its guard (window passed) was checked for the whole list by the query above.
            problem.__dict__["state"] = State.CLOSED
            problem.closed_at = problem.updated_at = now
            events.append(
                event_for(
                    problem,
                    actor=CONFIRMATION_TIMER,
                    kind=EventKind.CLOSED,
                    now=now,
                    from_state=State.CLEARED,
                    to_state=State.CLOSED,
                    message=WINDOW_PASSED,
                    data={"confirmed": False, "reason": "confirmation_window_passed"},
                )
            )
        CustomerProblem.objects.bulk_update(
            problems, ["state", "closed_at", "updated_at"], batch_size=500
        )
        write_events(events)
        surveys_start(problems, now=now)
    return [problem.pk for problem in problems]
