"""The period a report covers and the filters it applies, read from the query string.

A period is half-open, ``[start, end)``, in the current time zone: a problem cleared at
the very instant a period ends belongs to the next one. The presets are computed from
"now", so that "last week" means the same thing on the page, in its exports and in a job.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

PRESETS = {
    "this_week": "This week",
    "last_week": "Last week",
    "this_month": "This month",
    "last_month": "Last month",
    "last_90_days": "Last 90 days",
    "custom": "Custom dates",
}
DEFAULT_PRESET = "last_90_days"
# Problem fields a report may be narrowed by (the filter form's names).
FILTER_FIELDS = ("team", "assignee", "priority", "category", "customer", "service")


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def preset_bounds(preset: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """``[start, end)`` of a named period, whole days in the current time zone."""
    today = timezone.localtime(now or timezone.now()).date()
    monday = today - timedelta(days=today.weekday())
    if preset == "this_week":
        return _midnight(monday), _midnight(today + timedelta(days=1))
    if preset == "last_week":
        return _midnight(monday - timedelta(days=7)), _midnight(monday)
    if preset == "this_month":
        return _midnight(_month_start(today)), _midnight(today + timedelta(days=1))
    if preset == "last_month":
        first = _month_start(today)
        return _midnight(_month_start(first - timedelta(days=1))), _midnight(first)
    # last_90_days (and the fallback)
    return _midnight(today - timedelta(days=89)), _midnight(today + timedelta(days=1))


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    preset: str = "custom"

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    @property
    def last_day(self) -> date:
        """The last day inside the period (the end is exclusive)."""
        return timezone.localtime(self.end - timedelta(microseconds=1)).date()

    @property
    def label(self) -> str:
        first = timezone.localtime(self.start).date()
        return f"{first:%d %b %Y} to {self.last_day:%d %b %Y}"

    @property
    def grain(self) -> str:
        """Trends by week up to about a quarter, by month beyond."""
        return "week" if self.days <= 100 else "month"

    @classmethod
    def from_days(cls, first: date, last: date, preset: str = "custom") -> "Period":
        return cls(_midnight(first), _midnight(last + timedelta(days=1)), preset)

    @classmethod
    def from_preset(cls, preset: str, now: datetime | None = None) -> "Period":
        start, end = preset_bounds(preset, now)
        return cls(start, end, preset if preset in PRESETS else DEFAULT_PRESET)


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: a period, and problem-field filters (ids / values)."""

    period: Period
    filters: dict[str, int] = field(default_factory=dict)
    # A customer's own view leaves security events out (they never see those).
    exclude_security: bool = False

    def problem_lookups(self, prefix: str = "") -> dict[str, Any]:
        """Filters as ORM lookups on a problem, or through ``prefix`` (``problem__``)."""
        names = {"service": "service_id"}
        return {
            f"{prefix}{names.get(k, k + '_id' if k != 'priority' else k)}": v
            for k, v in self.filters.items()
        }

    def as_params(self) -> dict[str, str]:
        """The query string that reproduces this scope (links, exports, jobs)."""
        params = {
            "preset": self.period.preset,
            "start": timezone.localtime(self.period.start).date().isoformat(),
            "end": self.period.last_day.isoformat(),
        }
        params.update({k: str(v) for k, v in self.filters.items()})
        return params
