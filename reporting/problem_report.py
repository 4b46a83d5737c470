"""The per-problem report (eTOM 1.3.7.2, *Report Customer Problem*): what happened, the
root cause, the timeline of recovery activities, the outcome and the customer's
satisfaction, in two versions.

- ``internal`` (staff): every event, internal notes, who did what, the targets.
- ``customer``: public events only, staff as "Service desk", no internal notes, no names
  of staff on activities. A customer's contact opens it for their own company's problems.

A fixed number of queries per report, whatever the length of the problem's history.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from problems.models import (
    CustomerProblem,
    EventKind,
    ProblemEvent,
    RecoveryActivity,
    SatisfactionSurvey,
)

INTERNAL = "internal"
CUSTOMER = "customer"
AUDIENCES = (INTERNAL, CUSTOMER)


@dataclass(frozen=True)
class ProblemReport:
    problem: CustomerProblem
    audience: str
    events: list[ProblemEvent]
    activities: list[RecoveryActivity]
    survey: SatisfactionSurvey | None
    generated_at: datetime

    @property
    def for_customer(self) -> bool:
        return self.audience == CUSTOMER

    @property
    def time_to_clear(self) -> timedelta | None:
        cleared = self.problem.cleared_at
        return cleared - self.problem.created_at if cleared else None

    @property
    def time_to_clear_text(self) -> str:
        from problems.display import duration

        return duration(self.time_to_clear) if self.time_to_clear else ""

    @property
    def target_met(self) -> bool | None:
        """Restored within the restoration target (None while not cleared or without one)."""
        problem = self.problem
        if problem.cleared_at is None or problem.restore_by is None:
            return None
        return problem.cleared_at <= problem.restore_by

    @property
    def reopen_count(self) -> int:
        return sum(1 for event in self.events if event.kind == EventKind.REOPENED)

    @property
    def notes(self) -> list[ProblemEvent]:
        return [event for event in self.events if event.kind == EventKind.NOTE]


def problem_report(problem: CustomerProblem, *, audience: str) -> ProblemReport:
    """The report of one problem (already checked visible to whoever asks) for an audience."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}")
    events: QuerySet[ProblemEvent] = problem.events.select_related("actor").order_by(
        "created_at", "pk"
    )
    if audience == CUSTOMER:
        events = events.filter(is_public=True)
    activities = problem.activities.select_related("assignee", "team").order_by("created_at", "pk")
    return ProblemReport(
        problem=problem,
        audience=audience,
        events=list(events),
        activities=list(activities),
        survey=SatisfactionSurvey.objects.filter(problem=problem).first(),
        generated_at=timezone.now(),
    )


def report_filename(report: ProblemReport) -> str:
    suffix = "" if report.audience == INTERNAL else "-customer"
    return f"{report.problem.reference}{suffix}.pdf"


def context_for(report: ProblemReport, **extra: Any) -> dict[str, Any]:
    return {"report": report, "problem": report.problem, **extra}
