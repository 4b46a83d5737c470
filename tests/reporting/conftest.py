"""A hand-computed fixture for the management report: period 2 to 15 March 2026 (two
weeks, Monday to Sunday), ten problems whose expected figures are worked out in
tests/reporting/test_metrics.py. Rows are written directly (with their events), as the
timeline the workflow would have left, so that every instant is exact."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from problems.models import (
    CancellationKind,
    CustomerProblem,
    EventKind,
    Priority,
    ProblemEvent,
    SatisfactionSurvey,
)
from reporting.period import Period, ReportScope
from tests import factories
from tests.support import CHROMIUM, CHROMIUM_ARGS, browser_tests_last


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    browser_tests_last(items)


PERIOD = Period.from_days(date(2026, 3, 2), date(2026, 3, 15))


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def event(
    problem: CustomerProblem,
    when: datetime,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    **data: Any,
) -> None:
    ProblemEvent.objects.create(
        problem=problem,
        created_at=when,
        kind=kind,
        actor_label="test",
        from_state=from_state,
        to_state=to_state,
        data=data,
    )


@dataclass
class Fixture:
    problems: dict[str, CustomerProblem]
    team: Any
    other_team: Any
    company: Any
    other_company: Any

    def scope(self, **filters: int) -> ReportScope:
        return ReportScope(PERIOD, filters)


@pytest.fixture
def march(db: Any, broadband: Any, voice: Any, company_a: Any, company_b: Any) -> Fixture:
    known_error = factories.KnownErrorFactory(title="Line card fault")
    made: dict[str, CustomerProblem] = {}

    def problem(name: str, created: datetime, **fields: Any) -> CustomerProblem:
        fields.setdefault("team", broadband)
        fields.setdefault("customer", company_a)
        made[name] = CustomerProblem.objects.create(
            title=name, description=name, created_at=created, **fields
        )
        event(made[name], created, EventKind.CREATED, "", "open")
        return made[name]

    # P1: assigned after 1 h, 2 h on hold, cleared within target, closed, survey scored 4.
    p1 = problem(
        "P1",
        at(3, 3, 10),
        state="closed",
        responded_at=at(3, 3, 11),
        cleared_at=at(3, 4, 10),
        closed_at=at(3, 5, 10),
        restore_by=at(3, 4, 12),
        time_on_hold=timedelta(hours=2),
        root_cause="Faulty router",
    )
    event(p1, at(3, 3, 11), EventKind.ASSIGNED, "open", "assigned")
    event(p1, at(3, 3, 12), EventKind.ON_HOLD, reason="customer")
    event(p1, at(3, 3, 14), EventKind.RESUMED, held_seconds=7200)
    event(p1, at(3, 4, 10), EventKind.CLEARED, "assigned", "cleared")
    event(p1, at(3, 5, 10), EventKind.CLOSED, "cleared", "closed")
    SatisfactionSurvey.objects.create(
        problem=p1,
        customer=company_a,
        created_at=at(3, 5, 10),
        sent_at=at(3, 5, 10),
        answered_at=at(3, 6, 9),
        score=4,
        comment="Quick fix",
    )
    # P2: reopened, in jeopardy, escalated to level 2, cleared again after its target.
    p2 = problem(
        "P2",
        at(3, 4, 8),
        state="closed",
        responded_at=at(3, 4, 12),
        cleared_at=at(3, 8, 8),
        closed_at=at(3, 10, 8),
        restore_by=at(3, 7, 8),
        known_error=known_error,
        escalation_level=2,
    )
    event(p2, at(3, 4, 12), EventKind.ASSIGNED, "open", "assigned")
    event(p2, at(3, 5, 8), EventKind.CLEARED, "assigned", "cleared")
    event(p2, at(3, 6, 8), EventKind.REOPENED, "cleared", "assigned")
    event(p2, at(3, 6, 20), EventKind.IN_JEOPARDY, "assigned", "in_jeopardy")
    event(p2, at(3, 7, 9), EventKind.ESCALATED, from_level=0, to_level=2, levels=[1, 2])
    event(p2, at(3, 8, 8), EventKind.CLEARED, "in_jeopardy", "cleared")
    event(p2, at(3, 10, 8), EventKind.CLOSED, "cleared", "closed")
    SatisfactionSurvey.objects.create(
        problem=p2, customer=company_a, created_at=at(3, 10, 8), sent_at=at(3, 10, 8)
    )
    # P3: a duplicate, cancelled before its target.
    p3 = problem(
        "P3",
        at(3, 5, 9),
        state="cancelled",
        cancelled_at=at(3, 5, 15),
        restore_by=at(3, 6, 9),
        cancellation_kind=CancellationKind.DUPLICATE,
        duplicate_of=p1,
    )
    event(p3, at(3, 5, 15), EventKind.CANCELLED, "open", "cancelled")
    # P4: reported before the period, cleared on its first day (late), closed in it.
    p4 = problem(
        "P4",
        at(2, 20, 10),
        state="closed",
        responded_at=at(2, 20, 10, 30),
        cleared_at=at(3, 2, 10),
        closed_at=at(3, 9, 10),
        restore_by=at(2, 22, 10),
        root_cause="Faulty router",
        escalation_level=1,
    )
    event(p4, at(2, 20, 10, 30), EventKind.ASSIGNED, "open", "assigned")
    event(p4, at(2, 21, 10), EventKind.ESCALATED, from_level=0, to_level=1, levels=[1])
    event(p4, at(3, 2, 10), EventKind.CLEARED, "assigned", "cleared")
    event(p4, at(3, 9, 10), EventKind.CLOSED, "cleared", "closed")
    SatisfactionSurvey.objects.create(
        problem=p4,
        customer=company_a,
        created_at=at(3, 9, 10),
        sent_at=at(3, 9, 10),
        answered_at=at(3, 9, 12),
        score=2,
        comment="Took too long",
    )
    # P5: reported near the end, assigned after 24 h, cleared after the period.
    p5 = problem(
        "P5",
        at(3, 14, 10),
        state="cleared",
        responded_at=at(3, 15, 10),
        cleared_at=at(3, 17, 10),
        restore_by=at(3, 16, 10),
    )
    event(p5, at(3, 15, 10), EventKind.ASSIGNED, "open", "assigned")
    event(p5, at(3, 17, 10), EventKind.CLEARED, "assigned", "cleared")
    # P6: old, on hold now; its target in the period is not a breach while it waits.
    p6 = problem(
        "P6",
        at(1, 1, 9),
        state="assigned",
        responded_at=at(1, 1, 10),
        on_hold_since=at(3, 10, 9),
        restore_by=at(3, 12, 9),
        hold_reason="supplier",
    )
    event(p6, at(1, 1, 10), EventKind.ASSIGNED, "open", "assigned")
    event(p6, at(3, 10, 9), EventKind.ON_HOLD, reason="supplier")
    # P7: cleared in the period, reopened after it: not in the backlog at the end.
    p7 = problem(
        "P7",
        at(3, 12, 10),
        state="assigned",
        responded_at=at(3, 12, 10, 30),
        restore_by=at(3, 20, 10),
    )
    event(p7, at(3, 12, 10, 30), EventKind.ASSIGNED, "open", "assigned")
    event(p7, at(3, 13, 10), EventKind.CLEARED, "assigned", "cleared")
    event(p7, at(3, 17, 10), EventKind.REOPENED, "cleared", "assigned")
    # P8: the voice team's, for company B, high priority, escalated to level 1.
    p8 = problem(
        "P8",
        at(3, 10, 10),
        state="assigned",
        responded_at=at(3, 10, 10, 6),
        team=voice,
        customer=company_b,
        priority=Priority.HIGH,
        escalation_level=1,
    )
    event(p8, at(3, 10, 10, 6), EventKind.ASSIGNED, "open", "assigned")
    event(p8, at(3, 11, 10), EventKind.ESCALATED, from_level=0, to_level=1, levels=[1])
    # P9 and P10: wholly outside the period.
    p9 = problem(
        "P9",
        at(2, 1, 10),
        state="cancelled",
        cancelled_at=at(2, 2, 10),
        cancellation_kind=CancellationKind.INCORRECT,
    )
    event(p9, at(2, 2, 10), EventKind.CANCELLED, "open", "cancelled")
    problem("P10", at(3, 20, 10))
    return Fixture(made, broadband, voice, company_a, company_b)
