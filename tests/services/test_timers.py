"""Jeopardy and escalation on trouble reports: the customer problems' machinery, reused."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from problems import workflow as problems_workflow
from problems.models import Priority
from services import workflow
from services.models import ReportEventKind, ServiceNotification, ServiceTroubleReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(subscribed, report_policy, nora):
    report = workflow.trouble_report_open(
        actor=nora, title="Fibre Leeds down", services=[subscribed.fibre], priority=Priority.HIGH
    )
    return workflow.trouble_report_assign(report, actor=nora, assignee=nora)


def test_a_report_past_its_jeopardy_point_is_marked_and_escalated_once(report, noc, time_machine):
    time_machine.move_to(report.jeopardy_at - timedelta(seconds=1), tick=False)
    assert workflow.scan_trouble_report_timers() == {"due": 0, "in_jeopardy": 0, "escalated": 0}
    time_machine.move_to(report.jeopardy_at, tick=False)
    assert workflow.scan_trouble_report_timers() == {"due": 1, "in_jeopardy": 1, "escalated": 1}
    report.refresh_from_db()
    assert report.in_jeopardy and report.jeopardy_since == report.jeopardy_at
    assert report.state == "in_progress" and report.tmf_status == "inProgress"  # not a state
    assert report.escalation_level == 1 and report.escalation_due_at == report.restore_by
    jeopardy = report.events.get(kind=ReportEventKind.IN_JEOPARDY)
    assert jeopardy.actor_label == "jeopardy timer"
    escalation = report.events.get(kind=ReportEventKind.ESCALATED)
    assert escalation.data == {"from_level": 0, "to_level": 1, "levels": [1]}
    # Level 1 tells the report's team (the policy's step), in the outbox.
    assert ServiceNotification.objects.filter(event=escalation, email=noc.email).exists()
    events = report.events.count()
    assert workflow.scan_trouble_report_timers()["due"] == 0
    assert report.events.count() == events


def test_breach_escalates_as_the_policy_says(report, sue, time_machine):
    time_machine.move_to(report.restore_by + timedelta(hours=2), tick=False)
    workflow.scan_trouble_report_timers()
    report.refresh_from_db()
    assert report.escalation_level == 3 and report.escalation_due_at is None
    escalation = report.events.get(kind=ReportEventKind.ESCALATED)
    assert escalation.data["levels"] == [1, 2, 3]
    told = set(ServiceNotification.objects.filter(event=escalation).values_list("email", flat=True))
    assert {sue.email, "duty-manager@example.test"} <= told


def test_re_planning_ends_jeopardy(report, sue, nora, time_machine):
    time_machine.move_to(report.jeopardy_at + timedelta(minutes=1), tick=False)
    workflow.scan_trouble_report_timers()
    new_target = timezone.now() + timedelta(hours=4)
    with pytest.raises(problems_workflow.NotPermitted):
        workflow.trouble_report_replan(report, actor=nora, restore_by=new_target, reason="x")
    replanned = workflow.trouble_report_replan(
        report, actor=sue, restore_by=new_target, reason="Splicing team booked for 14:00"
    )
    assert not replanned.in_jeopardy and replanned.restore_by == new_target
    assert replanned.jeopardy_at == timezone.now() + timedelta(hours=3)
    assert replanned.escalation_level == 1  # kept
    assert replanned.events.latest("id").kind == ReportEventKind.REPLANNED
    # The new jeopardy point is watched again.
    time_machine.move_to(replanned.jeopardy_at, tick=False)
    assert workflow.scan_trouble_report_timers()["in_jeopardy"] == 1


def test_re_planning_is_refused_while_waiting_or_into_the_past(report, sue, nora):
    with pytest.raises(problems_workflow.InvalidInput, match="future"):
        workflow.trouble_report_replan(
            report, actor=sue, restore_by=timezone.now() - timedelta(minutes=1), reason="x"
        )
    held = workflow.trouble_report_hold(report, actor=nora, reason="Supplier")
    with pytest.raises(problems_workflow.TransitionRefused, match="Resume the report"):
        workflow.trouble_report_replan(
            held, actor=sue, restore_by=timezone.now() + timedelta(hours=1), reason="x"
        )


def test_manual_escalation(report, nora, carla):
    escalated = workflow.trouble_report_escalate(report, actor=nora, reason="Hospital affected")
    assert escalated.escalation_level == 1
    workflow.trouble_report_escalate(escalated, actor=nora, reason="Still down", level=3)
    with pytest.raises(problems_workflow.InvalidInput, match="above 3"):
        workflow.trouble_report_escalate(escalated, actor=nora, reason="More")
    with pytest.raises(problems_workflow.NotPermitted):
        workflow.trouble_report_escalate(escalated, actor=carla, reason="Hurry")


def test_an_ended_report_is_not_escalated(report, nora):
    workflow.trouble_report_cancel(report, actor=nora, reason="Duplicate")
    with pytest.raises(problems_workflow.TransitionRefused):
        workflow.trouble_report_escalate(report, actor=nora, reason="x")


def test_the_scan_is_one_query_to_find_work(report, subscribed, nora, time_machine):
    for _ in range(3):
        workflow.trouble_report_open(actor=nora, title="More", services=[subscribed.dsl])
    with CaptureQueriesContext(connection) as queries:
        workflow.scan_trouble_report_timers(timezone.now())
    assert len(queries) == 1
    time_machine.move_to(report.restore_by, tick=False)
    assert workflow.scan_trouble_report_timers()["in_jeopardy"] == 4


def test_the_scan_query_uses_the_partial_indexes(on_postgres):
    if not on_postgres:
        pytest.skip("the plan is checked on PostgreSQL")
    query = ServiceTroubleReport.objects.timers_due(timezone.now()).values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = query.explain()
        cursor.execute("RESET enable_seqscan")
    assert "report_jeopardy_watch" in plan and "report_escalation_due" in plan


def test_the_beat_task_runs_the_scan(report, time_machine):
    from services import tasks

    time_machine.move_to(report.jeopardy_at, tick=False)
    assert tasks.scan_trouble_report_timers() == {"due": 1, "in_jeopardy": 1, "escalated": 1}
