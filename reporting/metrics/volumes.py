"""Volumes in a period, and the backlog (with its ageing) at the instant it ends."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When

from problems.models import ACTIVE_STATES, EventKind, ProblemEvent, State
from reporting.metrics import between, events_in_period, problems_in_scope
from reporting.period import ReportScope

# Age at the end of the period: label, lower bound (inclusive), upper bound (exclusive).
AGEING_BUCKETS: tuple[tuple[str, timedelta, timedelta | None], ...] = (
    ("Under 1 day", timedelta(0), timedelta(days=1)),
    ("1-3 days", timedelta(days=1), timedelta(days=3)),
    ("3-7 days", timedelta(days=3), timedelta(days=7)),
    ("7-30 days", timedelta(days=7), timedelta(days=30)),
    ("30 days or more", timedelta(days=30), None),
)


@dataclass(frozen=True)
class Volumes:
    opened: int
    cleared: int
    closed: int
    cancelled: int


def volumes(scope: ReportScope) -> Volumes:
    problems = problems_in_scope(scope)
    return Volumes(
        opened=problems.filter(**between("created_at", scope)).count(),
        cleared=events_in_period(scope, EventKind.CLEARED).values("problem").distinct().count(),
        closed=problems.filter(**between("closed_at", scope)).count(),
        cancelled=problems.filter(**between("cancelled_at", scope)).count(),
    )


def backlog_ageing(scope: ReportScope) -> dict[str, int]:
    """Problems open at the end of the period, by age then; key ``total`` for all of them.

    Candidates are read from timestamps: reported before the end, not closed or cancelled
    before it. Whether each was active or cleared at that instant: a problem never
    reopened was cleared then exactly when its ``cleared_at`` is before the end; for the
    few ever reopened (``cleared_at`` was reset), the event log says, by their last state
    change before the end (one index lookup each). The CASE keeps the lookups to those.
    """
    end = scope.period.end
    reopened = ProblemEvent.objects.filter(kind=EventKind.REOPENED).values("problem")
    state_from_log = Subquery(
        ProblemEvent.objects.filter(problem=OuterRef("pk"), created_at__lt=end)
        .exclude(to_state="")
        .order_by("-created_at", "-id")
        .values("to_state")[:1]
    )
    state_then = Case(
        When(pk__in=reopened, then=state_from_log),
        When(cleared_at__lt=end, then=Value(State.CLEARED)),
        default=Value(State.OPEN),  # not cleared: open, assigned or in jeopardy, all active
        output_field=CharField(),
    )
    # Not closed or cancelled before the end (a problem is never both), written as three
    # indexed alternatives that PostgreSQL combines (BitmapOr): closed after the end,
    # cancelled after the end, or neither yet (partial index problem_not_terminal).
    not_ended_before = (
        Q(closed_at__gte=end)
        | Q(cancelled_at__gte=end)
        | Q(closed_at__isnull=True, cancelled_at__isnull=True)
    )
    open_then = (
        problems_in_scope(scope)
        .filter(not_ended_before, created_at__lt=end)
        .annotate(state_then=state_then)
        .filter(state_then__in=ACTIVE_STATES)
    )
    counts = {"total": Count("*")}
    for index, (_, low, high) in enumerate(AGEING_BUCKETS):
        condition = Q(created_at__lte=end - low)
        if high is not None:
            condition &= Q(created_at__gt=end - high)
        counts[f"bucket{index}"] = Count("created_at", filter=condition)
    figures = open_then.aggregate(**counts)
    result = {"total": figures["total"]}
    for index, (label, _, _) in enumerate(AGEING_BUCKETS):
        result[label] = figures[f"bucket{index}"]
    return result
