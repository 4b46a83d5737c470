"""Database expressions the reports need that Django does not ship, for PostgreSQL and
SQLite alike: seconds between two instants, a duration in seconds, and percentiles.

Percentiles: PostgreSQL computes them with ``percentile_cont`` (an ordered-set aggregate).
SQLite has none, so the same continuous percentile is read with one window-function query
(``ROW_NUMBER``/``COUNT`` over the ordered values) that returns the two rows around the
wanted rank; only those two numbers are interpolated here, never the data itself.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Aggregate, Avg, Count, Expression, F, FloatField, Func, QuerySet


class SecondsBetween(Func):
    """``end - start`` in seconds (a float), NULL if either is NULL."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(
            F(end) if isinstance(end, str) else end, F(start) if isinstance(start, str) else start
        )

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM %(expressions)s))",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Julian days carry about a millisecond of float noise: rounded to milliseconds.
        return super().as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra,
        )


class DurationSeconds(Func):
    """A DurationField in seconds: PostgreSQL keeps an interval, SQLite microseconds."""

    output_field = FloatField()
    arity = 1

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return super().as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)", **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="(%(expressions)s / 1000000.0)", **extra
        )


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an expression (``fraction`` in 0..1)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


@contextmanager
def without_jit() -> Iterator[None]:
    """PostgreSQL's JIT compiler takes its decision from cost estimates, and the report's
    correlated subqueries look expensive to the planner: it then spends most of a query's
    time compiling (0.8 s of 1.9 s for the backlog at 1 M problems). Reports run without
    it, and with more memory to sort in, in one read-only transaction whose ``SET LOCAL``
    ends with it (connections are reused; nothing is left behind, even on an error)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            # Percentiles and DISTINCT counts sort hundreds of thousands of values.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


@dataclass(frozen=True)
class Distribution:
    """Count, mean, median and 90th percentile of a set of durations (seconds)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


def distribution(queryset: QuerySet[Any], value: Expression) -> Distribution:
    """The distribution of ``value`` over the rows of ``queryset`` (NULLs left out)."""
    rows = queryset.order_by().annotate(_value=value).filter(_value__isnull=False)
    if connection.vendor == "postgresql":
        figures = rows.aggregate(
            n=Count("_value"),
            mean=Avg("_value"),
            median=PercentileCont("_value", 0.5),
            p90=PercentileCont("_value", 0.9),
        )
        return Distribution(figures["n"], figures["mean"], figures["median"], figures["p90"])
    figures = rows.aggregate(n=Count("_value"), mean=Avg("_value"))
    median, p90 = _window_percentiles(rows.values("_value"), (0.5, 0.9))
    return Distribution(figures["n"], figures["mean"], median, p90)


def _window_percentiles(values: QuerySet[Any], fractions: tuple[float, ...]) -> list[float | None]:
    """Continuous percentiles by one window-function query per fraction (SQLite)."""
    inner, params = values.query.sql_with_params()
    results: list[float | None] = []
    for fraction in fractions:
        sql = (
            "SELECT rn, n, v FROM (SELECT d._value AS v, "  # noqa: S608 (compiled by Django)
            "ROW_NUMBER() OVER (ORDER BY d._value) AS rn, COUNT(*) OVER () AS n "
            f"FROM ({inner}) AS d) AS ranked "
            "WHERE rn IN (1 + CAST(%s * (n - 1) AS INTEGER), 2 + CAST(%s * (n - 1) AS INTEGER)) "
            "ORDER BY rn"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, fraction, fraction])
            around = cursor.fetchall()
        if not around:
            results.append(None)
            continue
        rank, count, low = around[0]
        high = around[1][2] if len(around) > 1 else low
        position = fraction * (count - 1) + 1  # 1-based, as percentile_cont places it
        results.append(float(low) + (position - rank) * (float(high) - float(low)))
    return results
