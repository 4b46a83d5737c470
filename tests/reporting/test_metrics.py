"""Each figure of the management report against the hand-computed March fixture
(tests/reporting/conftest.py). The same tests run on SQLite and PostgreSQL, so the two
agree (percentiles: percentile_cont there, a window-function query here)."""

from typing import Any

import pytest

from reporting.report import build_report

pytestmark = pytest.mark.django_db


def rows(report: Any, key: str) -> dict[str, list[Any]]:
    return {str(row[0]): row[1:] for row in report[key].rows}


def test_volumes_and_backlog_at_the_end(march: Any) -> None:
    report = build_report(march.scope())
    # Opened: P1 P2 P3 P5 P7 P8. Cleared (events): P1 P2 (twice) P4 P7. Closed: P1 P2 P4.
    # Backlog at 16 March 00:00: P5, P6, P8 (P7 was cleared then, reopened only later).
    assert rows(report, "volumes") == {
        "Opened": [6],
        "Cleared": [4],
        "Closed": [3],
        "Cancelled": [1],
        "Backlog at the end of the period": [3],
    }
    # Ages at the end: P5 38 h, P8 5 d 14 h, P6 74 days.
    assert rows(report, "ageing") == {
        "Under 1 day": [0],
        "1-3 days": [1],
        "3-7 days": [1],
        "7-30 days": [0],
        "30 days or more": [1],
    }


def test_handling_times_mean_median_and_90th_percentile(march: Any) -> None:
    report = build_report(march.scope())
    # Assign: 0.1, 0.5, 1, 4, 24 h (P3 never assigned). Clear, less hold: P1 22, P2 96,
    # P4 240 h (P7's clearance was undone by its reopen; P5 cleared after the period).
    assert rows(report, "times") == {
        "Time to assign": [5, 5.9, 1.0, 16.0],
        "Time to clear (clock paused on hold)": [3, 119.3, 96.0, 211.2],
    }


def test_targets_jeopardy_breaches_and_hold(march: Any) -> None:
    figures = rows(build_report(march.scope()), "targets")
    assert figures["Restored within target (%)"] == [33.3]  # P1 of P1, P2, P4
    assert figures["Cleared with a restoration target"] == [3]
    assert figures["Cleared within target"] == [1]
    assert figures["Went into jeopardy"] == [1]  # P2
    # P2 breached; P3 was cancelled first; P6 waits on hold; P4's target was before.
    assert figures["Target breaches"] == [1]
    assert figures["Holds started"] == [2]  # P1 and P6
    assert figures["Cleared problems that waited on hold"] == [1]
    assert figures["Time on hold, cleared problems (h)"] == [2.0]
    assert figures["Time on hold per cleared problem (h)"] == [0.7]


def test_escalations_by_level(march: Any) -> None:
    # P2 to level 2 and P8 to level 1 in the period; P4's escalation was before it.
    assert rows(build_report(march.scope()), "escalations") == {
        "Level 1": [1],
        "Level 2": [1],
        "Level 3": [0],
    }


def test_reopens_first_time_clearance_and_known_errors(march: Any) -> None:
    figures = rows(build_report(march.scope()), "quality")
    assert figures["Reopens"] == [1]  # P2's; P7's was after the period
    assert figures["Clearances"] == [5]
    assert figures["Reopen rate (%)"] == [20.0]
    assert figures["Closed"] == [3]
    assert figures["Closed without a reopen"] == [2]  # P1, P4
    assert figures["First-time clearance (%)"] == [66.7]
    assert figures["Reported problems linked to a known error"] == [1]  # P2 of 6
    assert figures["Known-error hit rate (%)"] == [16.7]


def test_cancellation_reasons(march: Any) -> None:
    assert rows(build_report(march.scope()), "cancellations") == {
        "Incorrect report": [0],
        "Duplicate of another problem": [1],
        "Withdrawn by the customer": [0],
        "Not accepted": [0],
    }


def test_root_cause_pareto(march: Any) -> None:
    assert build_report(march.scope())["root_causes"].rows == [
        ["Faulty router", 2, 66.7, 66.7],  # P1, P4 (root cause written at clearance)
        ["Line card fault", 1, 33.3, 100.0],  # P2 (its known error)
    ]


def test_satisfaction_and_comments(march: Any) -> None:
    report = build_report(march.scope(), only="comments")
    assert [row[4] for row in report["comments"].rows] == ["Took too long", "Quick fix"]
    assert rows(build_report(march.scope()), "satisfaction") == {
        "Surveys sent": [3],
        "Answered": [2],
        "Response rate (%)": [66.7],
        "Average score (1-5)": [3.0],
    }


def test_trends_by_week(march: Any) -> None:
    assert build_report(march.scope())["trends"].rows == [
        # P2's last clearance (Sunday 8 March) is in the first week.
        ["2026-03-02", 3, 3, 1, 1, 33.3],
        ["2026-03-09", 3, 1, 2, 0, None],
    ]


def test_filters_narrow_every_figure(march: Any) -> None:
    report = build_report(march.scope(team=march.other_team.pk))
    assert rows(report, "volumes")["Opened"] == [1]
    assert rows(report, "volumes")["Backlog at the end of the period"] == [1]
    assert rows(report, "ageing")["3-7 days"] == [1]
    assert rows(report, "times")["Time to assign"] == [1, 0.1, 0.1, 0.1]
    assert rows(report, "escalations")["Level 1"] == [1]
    assert rows(report, "satisfaction")["Surveys sent"] == [0]
    by_customer = build_report(march.scope(customer=march.company.pk))
    assert rows(by_customer, "volumes")["Opened"] == [5]
    assert rows(by_customer, "escalations")["Level 1"] == [0]
    by_priority = build_report(march.scope(priority=2))
    assert rows(by_priority, "volumes")["Opened"] == [1]


def test_an_empty_period_has_no_figures_rather_than_zeros(march: Any) -> None:
    from datetime import date

    from reporting.period import Period, ReportScope

    report = build_report(ReportScope(Period.from_days(date(2025, 6, 2), date(2025, 6, 8))))
    assert rows(report, "times")["Time to assign"] == [0, None, None, None]
    assert rows(report, "targets")["Restored within target (%)"] == [None]
    assert rows(report, "satisfaction")["Average score (1-5)"] == [None]
