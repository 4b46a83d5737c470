"""The management report's figures, each computed by the database for a ``ReportScope``.

Definitions (the README repeats them for readers of the report):

* A period is ``[start, end)``. *Opened* counts problems reported in it; *cleared* the
  problems with a clearance event in it (a problem cleared twice counts once); *closed*
  and *cancelled* the problems that reached that terminal state in it.
* *Backlog at the end* is the problems whose state at the instant the period ends, read
  from the event log (the last state change before it), was open, assigned or in jeopardy.
"""

from django.db.models import QuerySet

from problems.models import CustomerProblem, ProblemEvent
from reporting.period import ReportScope


def problems_in_scope(scope: ReportScope) -> QuerySet[CustomerProblem]:
    problems = CustomerProblem.objects.filter(**scope.problem_lookups()).order_by()
    return problems.not_restricted() if scope.exclude_security else problems


def events_in_period(scope: ReportScope, kind: str) -> QuerySet[ProblemEvent]:
    events = ProblemEvent.objects.filter(
        kind=kind,
        created_at__gte=scope.period.start,
        created_at__lt=scope.period.end,
        **scope.problem_lookups("problem__"),
    ).order_by()
    return events.exclude(problem__category__is_security=True) if scope.exclude_security else events


def between(field: str, scope: ReportScope) -> dict[str, object]:
    """Lookups for ``field`` inside the period."""
    return {f"{field}__gte": scope.period.start, f"{field}__lt": scope.period.end}
