"""The service trouble report's state machine (TMF656 life cycle): every transition with its
guard, its permission and its event; the clock paused while waiting."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone

from problems import workflow as problems_workflow
from problems.models import Priority
from services import alarms, selectors, workflow
from services.models import (
    TMF656_STATUS,
    Alarm,
    ReportEventKind,
    ReportState,
    ServiceNotification,
    ServiceTroubleReport,
    TroubleActivityKind,
)

pytestmark = pytest.mark.django_db

# (transition, from, to): TMF656's life cycle (Lifecycle_ServiceProblem.png).
LIFE_CYCLE = {
    ("assign", "acknowledged", "in_progress"),
    ("assign", "in_progress", "in_progress"),
    ("assign", "held", "held"),
    ("assign", "pending", "pending"),
    ("hold", "in_progress", "held"),
    ("mark_pending", "in_progress", "pending"),
    ("resume", "held", "in_progress"),
    ("resume", "pending", "in_progress"),
    ("resolve", "in_progress", "resolved"),
    ("resolve", "held", "resolved"),
    ("resolve", "pending", "resolved"),
    ("reopen", "resolved", "in_progress"),
    ("close", "resolved", "closed"),
    ("cancel", "acknowledged", "cancelled"),
    ("cancel", "in_progress", "cancelled"),
    ("cancel", "held", "cancelled"),
    ("cancel", "pending", "cancelled"),
    ("reject", "acknowledged", "rejected"),
}


TMF656_STATES = [
    "acknowledged",
    "inProgress",
    "held",
    "pending",
    "resolved",
    "closed",
    "cancelled",
    "rejected",
]


def test_the_state_machine_is_the_tmf656_life_cycle():
    edges = {
        (t.name, t.source, t.target) for t in ServiceTroubleReport().get_all_state_transitions()
    }
    assert edges == LIFE_CYCLE
    assert set(TMF656_STATUS.values()) == set(TMF656_STATES)
    assert set(TMF656_STATUS) == set(ReportState.values)


def test_every_transition_has_a_guard_and_a_permission_and_the_state_is_protected():
    for transition in ServiceTroubleReport().get_all_state_transitions():
        assert transition.conditions and transition.permission, transition.name
        assert all(condition.refusal for condition in transition.conditions)
    assert ServiceTroubleReport._meta.get_field("state").protected


@pytest.fixture
def report(subscribed, report_policy, nora):
    return workflow.trouble_report_open(
        actor=nora, title="Fibre Leeds down", services=[subscribed.fibre], priority=Priority.HIGH
    )


@pytest.fixture
def working(report, nora):
    return workflow.trouble_report_assign(report, actor=nora, assignee=nora)


def last(report):
    return report.events.order_by("-id").first()


def test_assigning_starts_the_work(report, nora, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    report = workflow.trouble_report_assign(report, actor=nora, assignee=nora)
    assert report.state == ReportState.IN_PROGRESS and report.tmf_status == "inProgress"
    assert report.started_at == timezone.now()
    event = last(report)
    assert (event.kind, event.from_state, event.to_state, event.actor) == (
        ReportEventKind.ASSIGNED,
        "acknowledged",
        "in_progress",
        nora,
    )


def test_assigning_is_guarded(report, nora, alice, carla):
    with pytest.raises(problems_workflow.TransitionRefused, match="member of the report's team"):
        workflow.trouble_report_assign(report, actor=nora, assignee=alice)  # not in NOC
    with pytest.raises(problems_workflow.InvalidInput, match="No such trouble report"):
        workflow.trouble_report_assign(report, actor=carla, assignee=nora)
    assert ServiceTroubleReport.objects.get().state == ReportState.ACKNOWLEDGED


def test_held_and_pending_pause_the_clock(working, nora, time_machine):
    restore_by = working.restore_by
    time_machine.move_to(working.created_at + timedelta(hours=1), tick=False)
    held = workflow.trouble_report_hold(working, actor=nora, reason="FibreCo must dig the road")
    assert held.state == ReportState.HELD and held.on_hold_since is not None
    assert held.escalation_due_at is None
    # Long past the targets: the scan leaves a waiting report alone.
    time_machine.move_to(working.created_at + timedelta(hours=9), tick=False)
    assert workflow.scan_trouble_report_timers()["due"] == 0
    resumed = workflow.trouble_report_resume(held, actor=nora, reason="Road dug")
    assert resumed.state == ReportState.IN_PROGRESS
    assert resumed.restore_by == restore_by + timedelta(hours=8)
    assert last(resumed).data["held_seconds"] == 8 * 3600
    pending = workflow.trouble_report_mark_pending(
        resumed, actor=nora, reason="Need the OTDR trace"
    )
    assert pending.state == ReportState.PENDING and pending.tmf_status == "pending"
    with pytest.raises(problems_workflow.TransitionRefused, match="Give a reason"):
        workflow.trouble_report_resume(pending, actor=nora, reason=" ")


def test_waiting_is_only_from_in_progress(report, nora):
    with pytest.raises(problems_workflow.TransitionRefused, match="acknowledged cannot be held"):
        workflow.trouble_report_hold(report, actor=nora, reason="x")


def test_resolving_needs_an_outcome_and_no_running_activity(working, nora):
    with pytest.raises(problems_workflow.TransitionRefused, match="restoration outcome"):
        workflow.trouble_report_resolve(working, actor=nora, outcome="", summary="Fixed")
    activity = workflow.trouble_activity_schedule(
        working, actor=nora, kind=TroubleActivityKind.RECOVERY, summary="Replace card"
    )
    with pytest.raises(problems_workflow.TransitionRefused, match="still scheduled or in progress"):
        workflow.trouble_report_resolve(working, actor=nora, outcome="restored", summary="Fixed")
    workflow.trouble_activity_complete(activity, actor=nora, outcome="restored")
    resolved = workflow.trouble_report_resolve(
        working,
        actor=nora,
        outcome="workaround",
        summary="Traffic moved to card 2",
        root_cause="Card 1",
    )
    assert resolved.state == ReportState.RESOLVED and resolved.resolved_at is not None
    assert resolved.escalation_due_at is None
    event = last(resolved)
    assert event.kind == ReportEventKind.RESOLVED and event.for_customers
    assert event.data == {"outcome": "workaround", "root_cause": "Card 1"}


def test_a_held_report_can_be_resolved_when_the_action_is_done(working, nora):
    held = workflow.trouble_report_hold(working, actor=nora, reason="Supplier")
    resolved = workflow.trouble_report_resolve(held, actor=nora, outcome="restored", summary="Done")
    assert resolved.state == ReportState.RESOLVED and resolved.on_hold_since is None


def test_closing_waits_for_the_alarms_to_clear(subscribed, report_policy, raise_alarm, nora):
    result = raise_alarm(on="olt-leeds-1/1")
    report = ServiceTroubleReport.objects.get(pk=result.trouble_report_id)
    report = workflow.trouble_report_assign(report, actor=nora, assignee=nora)
    report = workflow.trouble_report_resolve(report, actor=nora, outcome="restored", summary="ok")
    with pytest.raises(problems_workflow.TransitionRefused, match="still raised"):
        workflow.trouble_report_close(report, actor=nora)
    raise_alarm(
        on="olt-leeds-1/1",
        externalAlarmId=Alarm.objects.get().external_alarm_id,
        perceivedSeverity="cleared",
    )
    closed = workflow.trouble_report_close(report, actor=nora)
    assert closed.state == ReportState.CLOSED and closed.closed_at is not None
    with pytest.raises(problems_workflow.TransitionRefused, match="closed cannot be reopened"):
        workflow.trouble_report_reopen(closed, actor=nora, reason="again")


def test_reopening_a_resolved_report(working, nora):
    resolved = workflow.trouble_report_resolve(
        working, actor=nora, outcome="restored", summary="ok"
    )
    reopened = workflow.trouble_report_reopen(resolved, actor=nora, reason="Customers still down")
    assert reopened.state == ReportState.IN_PROGRESS and reopened.resolved_at is None
    assert reopened.escalation_due_at is not None  # the clock runs again


def test_rejecting_only_before_work_starts_and_cancelling_while_active(report, nora):
    with pytest.raises(problems_workflow.TransitionRefused, match="Give a reason"):
        workflow.trouble_report_reject(report, actor=nora, reason="")
    working = workflow.trouble_report_assign(report, actor=nora, assignee=nora)
    with pytest.raises(problems_workflow.TransitionRefused, match="in progress cannot be rejected"):
        workflow.trouble_report_reject(working, actor=nora, reason="Not ours")
    cancelled = workflow.trouble_report_cancel(working, actor=nora, reason="Duplicate of STR-1")
    assert cancelled.state == ReportState.CANCELLED and cancelled.tmf_status == "cancelled"
    assert last(cancelled).message == "Duplicate of STR-1"


def test_rejected_is_final(report, nora):
    rejected = workflow.trouble_report_reject(report, actor=nora, reason="Planned maintenance")
    assert rejected.state == ReportState.REJECTED and rejected.escalation_due_at is None
    with pytest.raises(problems_workflow.TransitionRefused):
        workflow.trouble_report_cancel(rejected, actor=nora, reason="x")


def test_a_role_without_the_permission_is_refused(report, nora):
    agents = Group.objects.get(name="agent")
    agents.permissions.remove(Permission.objects.get(codename="reject_trouble_report"))
    nora = type(nora).objects.get(pk=nora.pk)  # permissions are cached per user object
    with pytest.raises(problems_workflow.NotPermitted, match="may not reject"):
        workflow.trouble_report_reject(report, actor=nora, reason="x")


def test_changing_the_priority_re_applies_the_policy(report, nora, report_policy):
    critical = report_policy.__class__.objects.get(
        priority=Priority.CRITICAL, applies_to="service_trouble_report"
    )
    changed = workflow.trouble_report_update(report, actor=nora, priority=Priority.CRITICAL)
    assert changed.sla_policy == critical
    assert last(changed).data["changes"] == {"priority": [Priority.HIGH, Priority.CRITICAL]}
    assert (
        workflow.trouble_report_update(changed, actor=nora, priority=Priority.CRITICAL) == changed
    )


def test_staff_hear_of_state_changes(
    report, nora, sue, noc, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.trouble_report_assign(report, actor=sue, assignee=nora)
    sent = {address for message in mailoutbox for address in message.to}
    assert {noc.email, nora.email} <= sent
    assert any(f"[{report.reference}] In progress" in m.subject for m in mailoutbox)
    assert ServiceNotification.objects.filter(event__kind="assigned", status="sent").count() == 2


def test_the_buttons_are_the_transitions_this_person_may_take_now(report, nora, carla):
    names = {t.name for t in selectors.available_transitions(report, nora)}
    assert names == {"assign", "cancel", "reject"}
    assert selectors.available_transitions(report, carla) == []


def test_an_acknowledged_alarm_shows_on_the_report_it_opens(
    subscribed, report_policy, raise_alarm, nora
):
    """The desk's flow: acknowledge an alarm, open its trouble report, work it."""
    alarm = Alarm.objects.get(pk=raise_alarm(on="olt-leeds-1/1").alarm_id)
    alarms.alarm_acknowledge(alarm, actor=nora)
    report = selectors.trouble_report_get_for_user(user=nora, pk=alarm.trouble_report_id)
    assert [a.ack_user_id for a in selectors.report_alarms(report)] == ["nora"]
    assert mail.outbox == []  # nothing is sent before commit
