"""How fast problems were handled: assignment, clearance, targets, jeopardy, escalation, hold.

* *Time to assign*: from report to first assignment (``responded_at``), for the problems
  reported in the period that have been assigned.
* *Time to clear*: from report to clearance, less the time on hold (the clock was paused),
  for the problems whose clearance (their last one) falls in the period.
* *Restored within target*: of those, cleared no later than their restoration target.
* *Target breaches*: problems whose restoration target fell in the period (and has passed)
  and that were not cleared by then, unless cancelled first or waiting on hold now.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.fields.json import KT
from django.utils import timezone

from problems.models import EventKind
from reporting.metrics import between, events_in_period, problems_in_scope
from reporting.period import ReportScope
from reporting.sql import Distribution, DurationSeconds, SecondsBetween, distribution


@dataclass(frozen=True)
class Targets:
    cleared_with_target: int
    within_target: int
    went_into_jeopardy: int
    breaches: int

    @property
    def within_target_percent(self) -> float | None:
        if not self.cleared_with_target:
            return None
        return 100.0 * self.within_target / self.cleared_with_target


@dataclass(frozen=True)
class Hold:
    holds_started: int
    problems_held: int
    total_seconds: float
    cleared_problems: int

    @property
    def mean_seconds_per_cleared_problem(self) -> float | None:
        return self.total_seconds / self.cleared_problems if self.cleared_problems else None


def time_to_assign(scope: ReportScope) -> Distribution:
    reported = problems_in_scope(scope).filter(**between("created_at", scope))
    return distribution(reported, SecondsBetween("responded_at", "created_at"))


def time_to_clear(scope: ReportScope) -> Distribution:
    cleared = problems_in_scope(scope).filter(**between("cleared_at", scope))
    clock = SecondsBetween("cleared_at", "created_at") - DurationSeconds(F("time_on_hold"))
    return distribution(cleared, clock)


def targets(scope: ReportScope) -> Targets:
    problems = problems_in_scope(scope)
    cleared = problems.filter(**between("cleared_at", scope), restore_by__isnull=False)
    restored = cleared.aggregate(
        n=Count("*"), within=Count("created_at", filter=Q(cleared_at__lte=F("restore_by")))
    )
    jeopardy = events_in_period(scope, EventKind.IN_JEOPARDY).values("problem").distinct()
    passed_end = min(scope.period.end, timezone.now())
    breaches = (
        problems.filter(restore_by__gte=scope.period.start, restore_by__lt=passed_end)
        .filter(Q(cleared_at__isnull=True) | Q(cleared_at__gt=F("restore_by")))
        .exclude(cancelled_at__lte=F("restore_by"))
        .filter(on_hold_since__isnull=True)
    )
    return Targets(
        cleared_with_target=restored["n"],
        within_target=restored["within"],
        went_into_jeopardy=jeopardy.count(),
        breaches=breaches.count(),
    )


def escalations_by_level(scope: ReportScope) -> dict[int, int]:
    """Escalation events in the period by the level they raised the problem to."""
    rows = (
        events_in_period(scope, EventKind.ESCALATED)
        .annotate(level=KT("data__to_level"))
        .values("level")
        .annotate(n=Count("*"))
        .order_by("level")
    )
    found = {int(row["level"]): row["n"] for row in rows if row["level"] is not None}
    return {level: found.get(level, 0) for level in (1, 2, 3)}


def hold(scope: ReportScope) -> Hold:
    cleared = problems_in_scope(scope).filter(**between("cleared_at", scope))
    figures = cleared.aggregate(
        n=Count("*"),
        held=Count("created_at", filter=Q(time_on_hold__gt=timedelta(0))),
        seconds=Sum(DurationSeconds(F("time_on_hold"))),
    )
    return Hold(
        holds_started=events_in_period(scope, EventKind.ON_HOLD).count(),
        problems_held=figures["held"],
        total_seconds=float(figures["seconds"] or 0),
        cleared_problems=figures["n"],
    )
