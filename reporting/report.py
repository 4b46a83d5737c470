"""The management report: every figure of ``reporting.metrics`` as tables, in one place
for the page, the exports, the PDF, the background jobs and the weekly e-mail."""

from collections.abc import Callable
from dataclasses import dataclass

from reporting.metrics import quality, satisfaction, times, trends, volumes
from reporting.period import ReportScope
from reporting.sql import without_jit
from reporting.tables import Cell, Table, hours, percent, score

# Export file names and the page's section order.
TABLE_KEYS = (
    "volumes",
    "ageing",
    "times",
    "targets",
    "escalations",
    "quality",
    "cancellations",
    "root_causes",
    "satisfaction",
    "trends",
    "comments",
)


@dataclass
class ManagementReport:
    scope: ReportScope
    tables: dict[str, Table]

    def __getitem__(self, key: str) -> Table:
        return self.tables[key]


def build_report(scope: ReportScope, *, only: str | None = None) -> ManagementReport:
    """All tables (or the one named ``only``, for an export), each from its own queries.
    The page pages through the comments itself: they are a table only when asked for."""
    keys = (only,) if only else tuple(key for key in TABLE_KEYS if key != "comments")
    memo: dict[str, object] = {}
    with without_jit():
        return ManagementReport(scope, {key: BUILDERS[key](scope, memo) for key in keys})


def _backlog(scope: ReportScope, memo: dict[str, object]) -> dict[str, int]:
    """The backlog query runs once per report, for the volumes and the ageing tables."""
    if "backlog" not in memo:
        memo["backlog"] = volumes.backlog_ageing(scope)
    backlog: dict[str, int] = memo["backlog"]  # type: ignore[assignment]
    return backlog


def _volumes(scope: ReportScope, memo: dict[str, object]) -> Table:
    counts = volumes.volumes(scope)
    backlog = _backlog(scope, memo)
    return Table(
        "volumes",
        "Volumes",
        ["Measure", "Problems"],
        [
            ["Opened", counts.opened],
            ["Cleared", counts.cleared],
            ["Closed", counts.closed],
            ["Cancelled", counts.cancelled],
            ["Backlog at the end of the period", backlog["total"]],
        ],
    )


def _ageing(scope: ReportScope, memo: dict[str, object]) -> Table:
    backlog = _backlog(scope, memo)
    return Table(
        "ageing",
        "Backlog by age at the end of the period",
        ["Age", "Problems"],
        [[label, backlog[label]] for label, _, _ in volumes.AGEING_BUCKETS],
    )


def _times(scope: ReportScope, memo: dict[str, object]) -> Table:
    rows: list[list[Cell]] = []
    for label, figures in (
        ("Time to assign", times.time_to_assign(scope)),
        ("Time to clear (clock paused on hold)", times.time_to_clear(scope)),
    ):
        rows.append(
            [label, figures.count, hours(figures.mean), hours(figures.median), hours(figures.p90)]
        )
    return Table(
        "times",
        "Handling times",
        ["Measure", "Problems", "Mean (h)", "Median (h)", "90th percentile (h)"],
        rows,
    )


def _targets(scope: ReportScope, memo: dict[str, object]) -> Table:
    target = times.targets(scope)
    held = times.hold(scope)
    return Table(
        "targets",
        "Targets, jeopardy and hold",
        ["Measure", "Value"],
        [
            ["Restored within target (%)", percent(target.within_target_percent)],
            ["Cleared with a restoration target", target.cleared_with_target],
            ["Cleared within target", target.within_target],
            ["Went into jeopardy", target.went_into_jeopardy],
            ["Target breaches", target.breaches],
            ["Holds started", held.holds_started],
            ["Cleared problems that waited on hold", held.problems_held],
            ["Time on hold, cleared problems (h)", hours(held.total_seconds)],
            ["Time on hold per cleared problem (h)", hours(held.mean_seconds_per_cleared_problem)],
        ],
    )


def _escalations(scope: ReportScope, memo: dict[str, object]) -> Table:
    levels = times.escalations_by_level(scope)
    return Table(
        "escalations",
        "Escalations by level",
        ["Level", "Escalations"],
        [[f"Level {level}", count] for level, count in levels.items()],
    )


def _quality(scope: ReportScope, memo: dict[str, object]) -> Table:
    again = quality.reopens(scope)
    reported, hits = quality.known_error_hits(scope)
    return Table(
        "quality",
        "Reopens, first-time clearance, known errors",
        ["Measure", "Value"],
        [
            ["Reopen rate (%)", percent(again.reopen_percent)],
            ["Reopens", again.reopens],
            ["Clearances", again.clearances],
            ["First-time clearance (%)", percent(again.first_time_percent)],
            ["Closed", again.closed],
            ["Closed without a reopen", again.closed_first_time],
            ["Known-error hit rate (%)", percent(100.0 * hits / reported if reported else None)],
            ["Reported problems linked to a known error", hits],
        ],
    )


def _cancellations(scope: ReportScope, memo: dict[str, object]) -> Table:
    return Table(
        "cancellations",
        "Cancellation reasons",
        ["Reason", "Problems"],
        [[label, count] for label, count in quality.cancellation_reasons(scope)],
    )


def _root_causes(scope: ReportScope, memo: dict[str, object]) -> Table:
    return Table(
        "root_causes",
        "Root causes (Pareto)",
        ["Cause", "Problems", "Share (%)", "Cumulative (%)"],
        [
            [row.cause, row.problems, percent(row.percent), percent(row.cumulative_percent)]
            for row in quality.root_cause_pareto(scope)
        ],
        note=f"The {quality.PARETO_ROWS} most frequent causes of the problems cleared.",
    )


def _satisfaction(scope: ReportScope, memo: dict[str, object]) -> Table:
    figures = satisfaction.satisfaction(scope)
    return Table(
        "satisfaction",
        "Satisfaction",
        ["Measure", "Value"],
        [
            ["Surveys sent", figures.sent],
            ["Answered", figures.answered],
            ["Response rate (%)", percent(figures.response_percent)],
            ["Average score (1-5)", score(figures.average_score)],
        ],
    )


def _trends(scope: ReportScope, memo: dict[str, object]) -> Table:
    grain = scope.period.grain
    return Table(
        "trends",
        f"Trends by {grain}",
        [
            f"{grain.capitalize()} starting",
            "Opened",
            "Cleared",
            "Closed",
            "Cancelled",
            "Within target (%)",
        ],
        [
            [
                row.starts.isoformat(),
                row.opened,
                row.cleared,
                row.closed,
                row.cancelled,
                percent(row.within_target_percent),
            ]
            for row in trends.trends(scope, grain)
        ],
    )


# Most comments a synchronous export holds; a background export has no limit.
COMMENT_EXPORT_LIMIT = 5000


def _comments(
    scope: ReportScope, memo: dict[str, object], limit: int | None = COMMENT_EXPORT_LIMIT
) -> Table:
    surveys = satisfaction.comments(scope)
    if limit is not None:
        surveys = surveys[:limit]
    return Table(
        "comments",
        "Survey comments (latest first)",
        ["Problem", "Customer", "Score", "Answered", "Comment"],
        [
            [
                s.problem.reference,
                str(s.customer),
                s.score,
                s.answered_at.isoformat(timespec="minutes") if s.answered_at else None,
                s.comment,
            ]
            for s in surveys
        ],
    )


BUILDERS: dict[str, Callable[[ReportScope, dict[str, object]], Table]] = {
    "volumes": _volumes,
    "ageing": _ageing,
    "times": _times,
    "targets": _targets,
    "escalations": _escalations,
    "quality": _quality,
    "cancellations": _cancellations,
    "root_causes": _root_causes,
    "satisfaction": _satisfaction,
    "trends": _trends,
    "comments": _comments,
}
