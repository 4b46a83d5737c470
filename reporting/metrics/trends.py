"""Weekly or monthly series of the volumes and of the share restored within target."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from problems.models import EventKind
from reporting.metrics import between, events_in_period, problems_in_scope
from reporting.period import ReportScope


@dataclass(frozen=True)
class TrendRow:
    starts: date
    opened: int
    cleared: int
    closed: int
    cancelled: int
    cleared_with_target: int
    within_target: int

    @property
    def within_target_percent(self) -> float | None:
        if not self.cleared_with_target:
            return None
        return 100.0 * self.within_target / self.cleared_with_target


def _bucket_starts(scope: ReportScope, grain: str) -> list[date]:
    first = timezone.localtime(scope.period.start).date()
    last = scope.period.last_day
    if grain == "week":
        day = first - timedelta(days=first.weekday())
        step = [day + timedelta(weeks=i) for i in range((last - day).days // 7 + 1)]
        return step
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _as_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _counts(
    rows: QuerySet[Any], field: str, grain: str, **extra: Any
) -> dict[date, dict[str, Any]]:
    trunc = TruncWeek(field) if grain == "week" else TruncMonth(field)
    grouped = rows.annotate(bucket=trunc).values("bucket").annotate(n=Count("*"), **extra)
    return {_as_date(row["bucket"]): row for row in grouped.order_by("bucket")}


def trends(scope: ReportScope, grain: str | None = None) -> list[TrendRow]:
    """One row per week (starting Monday) or month touching the period, empty ones too."""
    grain = grain or scope.period.grain
    problems = problems_in_scope(scope)
    opened = _counts(problems.filter(**between("created_at", scope)), "created_at", grain)
    # Cleared: distinct problems with a clearance event in the bucket (as the volumes);
    # within target: of the problems whose last clearance falls in it (as the targets).
    cleared = _counts(
        events_in_period(scope, EventKind.CLEARED),
        "created_at",
        grain,
        problems=Count("problem", distinct=True),
    )
    restored = _counts(
        problems.filter(**between("cleared_at", scope), restore_by__isnull=False),
        "cleared_at",
        grain,
        within=Count("created_at", filter=Q(cleared_at__lte=F("restore_by"))),
    )
    closed = _counts(problems.filter(**between("closed_at", scope)), "closed_at", grain)
    cancelled = _counts(problems.filter(**between("cancelled_at", scope)), "cancelled_at", grain)
    empty: dict[str, int] = {}
    return [
        TrendRow(
            starts=day,
            opened=opened.get(day, empty).get("n", 0),
            cleared=cleared.get(day, empty).get("problems", 0),
            closed=closed.get(day, empty).get("n", 0),
            cancelled=cancelled.get(day, empty).get("n", 0),
            cleared_with_target=restored.get(day, empty).get("n", 0),
            within_target=restored.get(day, empty).get("within", 0),
        )
        for day in _bucket_starts(scope, grain)
    ]
