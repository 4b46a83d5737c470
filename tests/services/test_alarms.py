"""Alarm ingestion: deduplication, clearing, idempotent re-delivery, batches, bad input,
and the operator's acknowledge and clear."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from problems import workflow as problems_workflow
from services import alarms
from services.alarm_input import AlarmInput
from services.alarms import Outcome
from services.models import AckState, Alarm, AlarmMessage, AlarmState, ReportEventKind
from tests.services.conftest import tmf_alarm

pytestmark = pytest.mark.django_db


def test_a_new_alarm_is_stored_as_tmf642_says(raise_alarm, inventory):
    raised = timezone.now() - timedelta(minutes=3)
    result = raise_alarm(on="spare-1", raised=raised, externalAlarmId="A1", alarmDetails="rx=-40")
    assert result.outcome == Outcome.CREATED
    alarm = Alarm.objects.get(pk=result.alarm_id)
    assert (alarm.source_system_id, alarm.external_alarm_id, alarm.alarm_key) == (
        "ems-1",
        "A1",
        "id:A1",
    )
    assert alarm.resource == inventory.spare  # the alarmed object is found in the inventory
    assert alarm.perceived_severity == alarm.highest_severity == "major"
    assert alarm.state == AlarmState.RAISED and alarm.ack_state == AckState.UNACKNOWLEDGED
    assert alarm.raised_at == raised and alarm.occurrences == 1
    assert alarm.alarm_details == "rx=-40"


def test_the_same_alarm_again_counts_instead_of_adding_a_row(raise_alarm, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    first = raise_alarm(on="spare-1", externalAlarmId="A1", message_id="m1")
    time_machine.move_to(timezone.now() + timedelta(minutes=5), tick=False)
    again = raise_alarm(on="spare-1", externalAlarmId="A1", message_id="m2")
    assert again.outcome == Outcome.REPEATED and again.alarm_id == first.alarm_id
    alarm = Alarm.objects.get()
    assert alarm.occurrences == 2
    assert alarm.last_seen_at == timezone.now()
    assert alarm.state == AlarmState.RAISED


def test_an_alarm_without_external_id_is_known_by_what_it_is_about(raise_alarm):
    raise_alarm(on="spare-1", externalAlarmId="", alarmChangedTime="2026-01-01T10:00:00Z")
    again = raise_alarm(on="spare-1", externalAlarmId="", alarmChangedTime="2026-01-01T10:05:00Z")
    other = raise_alarm(
        on="spare-1", externalAlarmId="", probableCause="powerProblem", specificProblem=""
    )
    assert again.outcome == Outcome.REPEATED
    assert other.outcome == Outcome.CREATED
    assert Alarm.objects.count() == 2


def test_a_change_of_severity_updates_the_alarm(raise_alarm):
    raise_alarm(on="spare-1", externalAlarmId="A1", perceivedSeverity="minor", message_id="m1")
    result = raise_alarm(
        on="spare-1", externalAlarmId="A1", perceivedSeverity="critical", message_id="m2"
    )
    assert result.outcome == Outcome.UPDATED
    alarm = Alarm.objects.get()
    assert alarm.state == AlarmState.UPDATED
    assert alarm.perceived_severity == alarm.highest_severity == "critical"
    raise_alarm(on="spare-1", externalAlarmId="A1", perceivedSeverity="warning", message_id="m3")
    alarm.refresh_from_db()
    assert alarm.perceived_severity == "warning" and alarm.highest_severity == "critical"


def test_a_clear_closes_the_alarm_and_the_next_raise_is_a_new_one(raise_alarm):
    raised = raise_alarm(on="spare-1", externalAlarmId="A1", message_id="m1")
    cleared = raise_alarm(
        on="spare-1",
        externalAlarmId="A1",
        perceivedSeverity="cleared",
        state="cleared",
        alarmClearedTime="2026-01-01T10:00:00Z",
        message_id="m2",
    )
    assert cleared.outcome == Outcome.CLEARED and cleared.alarm_id == raised.alarm_id
    alarm = Alarm.objects.get()
    assert alarm.state == AlarmState.CLEARED and alarm.perceived_severity == "cleared"
    assert alarm.highest_severity == "major"  # what it was, for the list and the reports
    assert alarm.cleared_at.isoformat().startswith("2026-01-01T10:00")
    again = raise_alarm(on="spare-1", externalAlarmId="A1", message_id="m3")
    assert again.outcome == Outcome.CREATED and again.alarm_id != raised.alarm_id
    assert Alarm.objects.raised().count() == 1


def test_a_clear_for_no_raised_alarm_is_recorded_and_ignored(raise_alarm):
    result = raise_alarm(on="spare-1", externalAlarmId="nope", perceivedSeverity="cleared")
    assert result.outcome == Outcome.UNMATCHED_CLEAR and result.alarm_id is None
    assert not Alarm.objects.exists()
    assert AlarmMessage.objects.get().outcome == "unmatched_clear"


def test_a_message_delivered_twice_is_ingested_once(raise_alarm):
    message = tmf_alarm(on="spare-1", externalAlarmId="A1")
    first = alarms.alarm_ingest(AlarmInput.from_tmf(message, message_id="ems-1/77"))
    twice = alarms.alarm_ingest(AlarmInput.from_tmf(message, message_id="ems-1/77"))
    assert first.outcome == Outcome.CREATED and twice.outcome == Outcome.DUPLICATE
    assert Alarm.objects.get().occurrences == 1
    assert AlarmMessage.objects.count() == 1


def test_without_a_message_id_the_same_content_is_the_same_message(raise_alarm):
    message = tmf_alarm(on="spare-1", externalAlarmId="A1", alarmChangedTime="2026-01-01T10:00Z")
    results = alarms.alarms_ingest([AlarmInput.from_tmf(message)] * 2)
    assert [r.outcome for r in results] == [Outcome.CREATED, Outcome.DUPLICATE]
    # Re-delivered later, alone: still a duplicate. A clear sent twice clears once.
    assert alarms.alarm_ingest(AlarmInput.from_tmf(message)).outcome == Outcome.DUPLICATE
    clear = AlarmInput.from_tmf({**message, "perceivedSeverity": "cleared"})
    assert [r.outcome for r in alarms.alarms_ingest([clear, clear])] == [
        Outcome.CLEARED,
        Outcome.DUPLICATE,
    ]
    assert Alarm.objects.get().occurrences == 1


def test_a_batch_is_ingested_in_order(inventory):
    batch = [
        tmf_alarm(on="spare-1", externalAlarmId="A1", alarmChangedTime="2026-01-01T10:00Z"),
        tmf_alarm(on="spare-1", externalAlarmId="A1", alarmChangedTime="2026-01-01T10:01Z"),
        tmf_alarm(on="spare-1", externalAlarmId="A2"),
        tmf_alarm(on="spare-1", externalAlarmId="A2", perceivedSeverity="cleared"),
        tmf_alarm(on="unknown-box", externalAlarmId="A3"),
    ]
    results = alarms.alarms_ingest([AlarmInput.from_tmf(m) for m in batch])
    assert [r.outcome for r in results] == [
        Outcome.CREATED,
        Outcome.REPEATED,
        Outcome.CREATED,
        Outcome.CLEARED,
        Outcome.CREATED,
    ]
    assert Alarm.objects.get(external_alarm_id="A1").occurrences == 2
    assert Alarm.objects.get(external_alarm_id="A2").state == AlarmState.CLEARED
    unknown = Alarm.objects.get(external_alarm_id="A3")
    assert unknown.resource is None and unknown.alarmed_object_id == "unknown-box"


def test_a_batch_costs_the_same_queries_for_10_or_100_alarms(db):
    def batch(size, prefix):
        return [
            AlarmInput.from_tmf(tmf_alarm(on=f"box-{i}", externalAlarmId=f"{prefix}{i}"))
            for i in range(size)
        ]

    small, large = batch(10, "s"), batch(100, "l")
    with CaptureQueriesContext(connection) as few:
        alarms.alarms_ingest(small)
    with CaptureQueriesContext(connection) as many:
        alarms.alarms_ingest(large)
    assert len(many) == len(few)
    assert Alarm.objects.count() == 110


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"perceivedSeverity": "catastrophic"}, "perceivedSeverity"),
        ({"alarmType": "badAlarm"}, "alarmType"),
        ({"sourceSystemId": ""}, "sourceSystemId"),
        ({"alarmedObject": {}}, "alarmedObject.id"),
        ({"probableCause": None}, "probableCause"),
        ({"alarmRaisedTime": "yesterday"}, "alarmRaisedTime"),
        ({"alarmRaisedTime": None}, "alarmRaisedTime"),
        ({"state": "gone"}, "state"),
    ],
)
def test_bad_messages_are_refused_with_the_field_named(change, field, db):
    with pytest.raises(problems_workflow.InvalidInput) as refused:
        AlarmInput.from_tmf(tmf_alarm(**change))
    assert refused.value.field == field
    assert not Alarm.objects.exists()


def test_a_batch_has_a_limit(db):
    with pytest.raises(problems_workflow.InvalidInput, match="at most"):
        alarms.alarms_ingest([AlarmInput.from_tmf(tmf_alarm())] * (alarms.MAX_BATCH + 1))


# --- By hand ----------------------------------------------------------------------------
def test_an_operator_acknowledges_an_alarm_once(raise_alarm, nora, alice):
    alarm = Alarm.objects.get(pk=raise_alarm(on="spare-1").alarm_id)
    alarms.alarm_acknowledge(alarm, actor=nora)
    alarm.refresh_from_db()
    assert alarm.ack_state == AckState.ACKNOWLEDGED
    assert (alarm.acknowledged_by, alarm.ack_user_id, alarm.ack_system_id) == (
        nora,
        "nora",
        "problemdesk",
    )
    with pytest.raises(problems_workflow.TransitionRefused, match="Already acknowledged by nora"):
        alarms.alarm_acknowledge(alarm, actor=alice)


def test_customers_and_outsiders_may_not_touch_alarms(raise_alarm, carla, olga):
    alarm = Alarm.objects.get(pk=raise_alarm(on="spare-1").alarm_id)
    for person in (carla, olga):
        with pytest.raises(problems_workflow.NotPermitted):
            alarms.alarm_acknowledge(alarm, actor=person)
        with pytest.raises(problems_workflow.NotPermitted):
            alarms.alarm_clear(alarm, actor=person)
    alarm.refresh_from_db()
    assert alarm.ack_state == AckState.UNACKNOWLEDGED and alarm.is_raised


def test_an_operator_clears_a_stale_alarm_and_its_report_hears_of_it(
    raise_alarm, subscribed, report_policy, nora
):
    result = raise_alarm(on="olt-leeds-1/1")
    alarm = Alarm.objects.get(pk=result.alarm_id)
    assert result.trouble_report_id is not None
    alarms.alarm_clear(alarm, actor=nora)
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED and alarm.cleared_by == nora
    assert alarm.clear_system_id == "problemdesk"
    event = alarm.trouble_report.events.get(kind=ReportEventKind.ALARM_CLEARED)
    assert event.actor == nora and "No alarm of this report is raised" in event.message
    with pytest.raises(problems_workflow.TransitionRefused, match="already cleared"):
        alarms.alarm_clear(alarm, actor=nora)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_batches_racing_on_one_new_alarm_make_one_row(on_postgres):
    if not on_postgres:
        pytest.skip("row locks and concurrent inserts are a PostgreSQL matter")
    barrier = threading.Barrier(2)
    results = []

    def ingest(message_id):
        try:
            barrier.wait()
            message = tmf_alarm(on="spare-1", externalAlarmId="RACE")
            results.append(alarms.alarm_ingest(AlarmInput.from_tmf(message, message_id=message_id)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ingest, args=(f"m{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.outcome for r in results) == [Outcome.CREATED, Outcome.REPEATED]
    alarm = Alarm.objects.get()
    assert alarm.occurrences == 2
