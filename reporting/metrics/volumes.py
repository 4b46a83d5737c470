"""Volumes in a period, and the backlog (with its ageing) at the instant it ends."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery

from problems.models import ACTIVE_STATES, EventKind, ProblemEvent
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

    Candidates are read from timestamps (reported before the end, not closed or cancelled
    before it); whether each was active or cleared at that instant comes from its last
    state change before the end, one index lookup on (problem, created_at) per candidate.
    """
    end = scope.period.end
    state_then = Subquery(
        ProblemEvent.objects.filter(problem=OuterRef("pk"), created_at__lt=end)
        .exclude(to_state="")
        .order_by("-created_at", "-id")
        .values("to_state")[:1]
    )
    open_then = (
        problems_in_scope(scope)
        .filter(created_at__lt=end)
        .exclude(closed_at__lt=end)
        .exclude(cancelled_at__lt=end)
        .annotate(state_then=state_then)
        .filter(state_then__in=ACTIVE_STATES)
    )
    counts = {"total": Count("pk")}
    for index, (_, low, high) in enumerate(AGEING_BUCKETS):
        condition = Q(created_at__lte=end - low)
        if high is not None:
            condition &= Q(created_at__gt=end - high)
        counts[f"bucket{index}"] = Count("pk", filter=condition)
    figures = open_then.aggregate(**counts)
    result = {"total": figures["total"]}
    for index, (label, _, _) in enumerate(AGEING_BUCKETS):
        result[label] = figures[f"bucket{index}"]
    return result
