"""Quality of the work: reopens, first-time clearance, cancellations, root causes, and how
often the known-error base recognised a problem.

* *Reopen rate*: reopen events in the period per clearance event in the period.
* *First-time clearance*: of the problems closed in the period, those never reopened.
* *Root-cause Pareto*: problems whose clearance falls in the period, by the known error
  they were linked to, else the root cause written at clearance; a running total (a window
  function over the counts) gives the cumulative share.
* *Known-error hit rate*: of the problems reported in the period, those linked to a known
  error (matched at initial diagnosis or when its workaround was applied).
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Coalesce, NullIf, Trim

from problems.models import CancellationKind, EventKind, ProblemEvent
from reporting.metrics import between, events_in_period, problems_in_scope
from reporting.period import ReportScope

PARETO_ROWS = 10
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Reopens:
    clearances: int
    reopens: int
    closed: int
    closed_first_time: int

    @property
    def reopen_percent(self) -> float | None:
        return 100.0 * self.reopens / self.clearances if self.clearances else None

    @property
    def first_time_percent(self) -> float | None:
        return 100.0 * self.closed_first_time / self.closed if self.closed else None


@dataclass(frozen=True)
class ParetoRow:
    cause: str
    problems: int
    cumulative: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.problems / self.total

    @property
    def cumulative_percent(self) -> float:
        return 100.0 * self.cumulative / self.total


def reopens(scope: ReportScope) -> Reopens:
    # An anti-join on the (few) reopen events, hashed once, rather than a probe per problem.
    ever_reopened = ProblemEvent.objects.filter(kind=EventKind.REOPENED).values("problem")
    closed = (
        problems_in_scope(scope)
        .filter(**between("closed_at", scope))
        .aggregate(n=Count("*"), first=Count("created_at", filter=~Q(pk__in=ever_reopened)))
    )
    return Reopens(
        clearances=events_in_period(scope, EventKind.CLEARED).count(),
        reopens=events_in_period(scope, EventKind.REOPENED).count(),
        closed=closed["n"],
        closed_first_time=closed["first"],
    )


def cancellation_reasons(scope: ReportScope) -> list[tuple[str, int]]:
    rows = (
        problems_in_scope(scope)
        .filter(**between("cancelled_at", scope))
        .values("cancellation_kind")
        .annotate(n=Count("*"))
    )
    found = {row["cancellation_kind"]: row["n"] for row in rows}
    return [(label, found.get(value, 0)) for value, label in CancellationKind.choices]


def root_cause_pareto(scope: ReportScope) -> list[ParetoRow]:
    """The most frequent causes first, at most ``PARETO_ROWS``, each with its running total
    over all causes (so the last row's cumulative share says what the rest adds up to)."""
    cause = Coalesce(
        F("known_error__title"),
        NullIf(Trim("root_cause"), Value("")),
        Value(NOT_RECORDED),
        output_field=CharField(),
    )
    grouped = (
        problems_in_scope(scope)
        .filter(**between("cleared_at", scope))
        .annotate(cause=cause)
        .values("cause")
        .annotate(n=Count("*"))
    )
    inner, params = grouped.query.sql_with_params()
    # Running totals over the grouped counts: window functions over an aggregate, which
    # the ORM cannot nest, so the grouped query is wrapped as it compiles.
    sql = (
        "SELECT g.cause, g.n, SUM(g.n) OVER (ORDER BY g.n DESC, g.cause ASC "  # noqa: S608
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), SUM(g.n) OVER () "
        f"FROM ({inner}) AS g ORDER BY g.n DESC, g.cause ASC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, PARETO_ROWS])
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return [
        ParetoRow(str(c), int(n), int(cumulative), int(total)) for c, n, cumulative, total in found
    ]


def known_error_hits(scope: ReportScope) -> tuple[int, int]:
    """(problems reported in the period, those linked to a known error)."""
    figures = (
        problems_in_scope(scope)
        .filter(**between("created_at", scope))
        .aggregate(n=Count("*"), hits=Count("created_at", filter=Q(known_error__isnull=False)))
    )
    return figures["n"], figures["hits"]
