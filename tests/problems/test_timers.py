"""The clock: the jeopardy and escalation scan, hold and resume."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from problems import workflow
from problems.models import CustomerProblem, EventKind, HoldReason, State

pytestmark = pytest.mark.django_db


def kinds(problem):
    return list(problem.events.values_list("kind", flat=True))


def test_the_scan_moves_a_problem_past_its_jeopardy_point_once(assigned, time_machine):
    time_machine.move_to(assigned.jeopardy_at - timedelta(seconds=1), tick=False)
    assert workflow.scan_timers() == {"due": 0, "in_jeopardy": 0, "escalated": 0}

    time_machine.move_to(assigned.jeopardy_at, tick=False)
    assert workflow.scan_timers() == {"due": 1, "in_jeopardy": 1, "escalated": 1}
    assigned.refresh_from_db()
    assert assigned.state == State.IN_JEOPARDY
    assert assigned.escalation_level == 1
    assert assigned.escalation_due_at == assigned.restore_by  # level 2 at breach
    event = assigned.events.get(kind=EventKind.IN_JEOPARDY)
    assert (event.from_state, event.to_state, event.actor_label) == (
        "assigned",
        "in_jeopardy",
        "jeopardy timer",
    )

    # Running it again changes nothing.
    events_before = assigned.events.count()
    assert workflow.scan_timers() == {"due": 0, "in_jeopardy": 0, "escalated": 0}
    assert assigned.events.count() == events_before


def test_escalation_levels_follow_the_policy(problem, time_machine):
    time_machine.move_to(problem.jeopardy_at + timedelta(minutes=1), tick=False)
    workflow.scan_timers()
    problem.refresh_from_db()
    assert problem.escalation_level == 1

    time_machine.move_to(problem.restore_by, tick=False)  # breach
    workflow.scan_timers()
    problem.refresh_from_db()
    assert problem.escalation_level == 2
    assert problem.escalation_due_at == problem.restore_by + timedelta(hours=2)

    time_machine.move_to(problem.restore_by + timedelta(hours=2), tick=False)
    workflow.scan_timers()
    problem.refresh_from_db()
    assert problem.escalation_level == 3
    assert problem.escalation_due_at is None  # nothing above level 3
    escalations = problem.events.filter(kind=EventKind.ESCALATED).order_by("id")
    assert [e.data["to_level"] for e in escalations] == [1, 2, 3]
    assert workflow.scan_timers()["due"] == 0


def test_a_scan_that_was_down_escalates_straight_to_the_due_level(problem, time_machine):
    time_machine.move_to(problem.restore_by + timedelta(hours=3), tick=False)
    assert workflow.scan_timers() == {"due": 1, "in_jeopardy": 1, "escalated": 1}
    problem.refresh_from_db()
    assert problem.state == State.IN_JEOPARDY and problem.escalation_level == 3
    event = problem.events.get(kind=EventKind.ESCALATED)
    assert event.data["levels"] == [1, 2, 3]


def test_manual_escalation(assigned, alice, carla):
    problem = workflow.problem_escalate(assigned, actor=alice, reason="VIP customer")
    assert problem.escalation_level == 1
    event = problem.events.get(kind=EventKind.ESCALATED)
    assert event.data["from_level"] == 0 and event.message == "VIP customer"
    assert not event.is_public
    workflow.problem_escalate(problem, actor=alice, reason="Still down", level=3)
    with pytest.raises(workflow.InvalidInput, match="above 3"):
        workflow.problem_escalate(problem, actor=alice, reason="More")
    with pytest.raises(workflow.NotPermitted):
        workflow.problem_escalate(problem, actor=carla, reason="Hurry")


def test_escalation_refused_on_a_cleared_problem(assigned, alice):
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Fixed")
    with pytest.raises(workflow.TransitionRefused):
        workflow.problem_escalate(assigned, actor=alice, reason="x")


def test_the_timer_does_not_escalate_below_a_manual_level(problem, alice, time_machine):
    workflow.problem_escalate(problem, actor=alice, reason="VIP", level=2)
    time_machine.move_to(problem.jeopardy_at + timedelta(minutes=1), tick=False)
    workflow.scan_timers()
    problem.refresh_from_db()
    assert problem.state == State.IN_JEOPARDY and problem.escalation_level == 2


def test_hold_pauses_the_clock_and_resume_moves_the_targets(assigned, alice, time_machine):
    jeopardy_at, restore_by = assigned.jeopardy_at, assigned.restore_by
    time_machine.move_to(assigned.created_at + timedelta(hours=1), tick=False)
    problem = workflow.problem_hold(assigned, actor=alice, reason=HoldReason.CUSTOMER)
    assert problem.is_on_hold and problem.escalation_due_at is None

    # Long past the old jeopardy point and target: nothing happens while on hold.
    time_machine.move_to(assigned.created_at + timedelta(hours=11), tick=False)
    assert workflow.scan_timers()["due"] == 0
    problem.refresh_from_db()
    assert problem.state == State.ASSIGNED and problem.escalation_level == 0

    problem = workflow.problem_resume(problem, actor=alice)
    assert problem.time_on_hold == timedelta(hours=10)
    assert problem.jeopardy_at == jeopardy_at + timedelta(hours=10)
    assert problem.restore_by == restore_by + timedelta(hours=10)
    assert problem.escalation_due_at == problem.jeopardy_at
    assert kinds(problem)[-2:] == [EventKind.ON_HOLD, EventKind.RESUMED]
    assert problem.events.get(kind=EventKind.RESUMED).data["held_seconds"] == 36000
    assert workflow.scan_timers()["due"] == 0


def test_hold_only_from_assigned_and_not_twice(problem, assigned, alice, carla):
    other = workflow.problem_create(actor=alice, title="t", description="d")
    with pytest.raises(workflow.TransitionRefused, match="Only an assigned problem"):
        workflow.problem_hold(other, actor=alice, reason=HoldReason.SUPPLIER)
    workflow.problem_hold(assigned, actor=alice, reason=HoldReason.SUPPLIER)
    with pytest.raises(workflow.TransitionRefused, match="already on hold"):
        workflow.problem_hold(assigned, actor=alice, reason=HoldReason.SUPPLIER)
    with pytest.raises(workflow.NotPermitted):
        workflow.problem_resume(assigned, actor=carla)


def test_clearing_a_problem_on_hold_ends_the_hold(assigned, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    workflow.problem_hold(assigned, actor=alice, reason=HoldReason.CUSTOMER)
    time_machine.move_to(timezone.now() + timedelta(minutes=30), tick=False)
    problem = workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Fixed")
    assert problem.on_hold_since is None and problem.time_on_hold == timedelta(minutes=30)


def test_the_scan_is_one_query_to_find_work_whatever_the_backlog(make_problem, time_machine):
    problems = [make_problem() for _ in range(5)]
    time_machine.move_to(problems[-1].jeopardy_at + timedelta(minutes=1), tick=False)
    with CaptureQueriesContext(connection) as few:
        workflow.scan_timers(timezone.now() - timedelta(days=1))  # nothing due yet then
    assert len(few) == 1
    assert workflow.scan_timers()["in_jeopardy"] == 5
    assert CustomerProblem.objects.filter(state=State.IN_JEOPARDY).count() == 5


def test_the_scan_query_uses_the_partial_indexes(on_postgres):
    if not on_postgres:
        pytest.skip("the plan is checked on PostgreSQL")
    query = CustomerProblem.objects.timers_due(timezone.now()).values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = query.explain()
        cursor.execute("RESET enable_seqscan")
    assert "problem_jeopardy_watch" in plan and "problem_escalation_due" in plan
