"""Celery tasks: thin, take ids or messages, safe to run twice; lost work is sent again."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.utils import timezone

from services import notifications, tasks, workflow
from services.models import (
    Alarm,
    AlarmMessage,
    ImpactChunk,
    ServiceNotification,
    TroubleReportImpact,
)
from tests.services.conftest import tmf_alarm

pytestmark = pytest.mark.django_db


def test_ingest_alarms_counts_what_it_did_and_skips_what_it_cannot_read(inventory):
    messages = [
        {"messageId": "1", "alarm": tmf_alarm(on="spare-1", externalAlarmId="A")},
        {"messageId": "2", "alarm": tmf_alarm(on="spare-1", externalAlarmId="A")},
        {"messageId": "3", "alarm": tmf_alarm(on="spare-1", perceivedSeverity="huge")},
        tmf_alarm(on="spare-1", externalAlarmId="B"),  # a bare alarm, no envelope
        ["not", "an", "alarm"],
    ]
    assert tasks.ingest_alarms(messages) == {"invalid": 2, "created": 2, "repeated": 1}
    # Delivered again (the broker re-delivers after a crash): nothing happens twice.
    assert tasks.ingest_alarms(messages) == {"invalid": 2, "duplicate": 3}
    assert Alarm.objects.get(external_alarm_id="A").occurrences == 2


def test_lost_fan_out_chunks_are_sent_again(subscribed, nora, time_machine):
    report = workflow.trouble_report_open(actor=nora, title="Down", services=[subscribed.fibre])
    TroubleReportImpact.objects.filter(report=report).update(assessed_at=None)
    from services import impact

    impact.plan_impact(report.pk)  # planned, but its chunk task never ran
    assert tasks.resume_impact_fan_out() == 0  # too early to call it lost
    time_machine.move_to(timezone.now() + timedelta(minutes=6), tick=False)
    assert tasks.resume_impact_fan_out() == 1  # eager here: it runs now
    assert ImpactChunk.objects.get().done_at is not None
    assert tasks.resume_impact_fan_out() == 0


def test_the_impact_tasks_do_nothing_twice(subscribed, nora):
    report = workflow.trouble_report_open(actor=nora, title="Down", services=[subscribed.fibre])
    assert tasks.assess_impact(report.pk) == 1
    assert tasks.assess_impact(report.pk) == 0
    chunk = ImpactChunk.objects.get()
    assert tasks.run_impact_chunk(chunk.pk) == {"linked": 0, "opened": 0, "notified": 0}


def test_pending_service_notifications_are_sent_again(subscribed, nora, mailoutbox, time_machine):
    report = workflow.trouble_report_open(actor=nora, title="Down", services=[subscribed.fibre])
    workflow.trouble_report_assign(report, actor=nora, assignee=nora)  # the team is told
    pending = ServiceNotification.objects.filter(status="pending").count()
    assert pending  # their task never ran (this test never commits)
    assert tasks.resend_pending_service_notifications() == 0  # too early to call them lost
    time_machine.move_to(timezone.now() + timedelta(minutes=3), tick=False)
    assert tasks.resend_pending_service_notifications() == pending
    assert not ServiceNotification.objects.filter(status="pending").exists()
    assert mailoutbox


def test_a_failed_delivery_is_kept_for_a_retry(subscribed, nora, report_policy):
    report = workflow.trouble_report_open(actor=nora, title="Down", services=[subscribed.fibre])
    workflow.trouble_report_assign(report, actor=nora, assignee=nora)
    ids = list(ServiceNotification.objects.values_list("pk", flat=True))
    with mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=SMTPServerDisconnected("gone")
    ):
        sent, errors = notifications.deliver(ids)
    assert sent == 0 and len(errors) == len(ids)
    row = ServiceNotification.objects.get(pk=ids[0])
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "gone")
    assert notifications.deliver(ids)[0] == len(ids)
    assert notifications.deliver(ids)[0] == 0  # sent once


def test_old_message_ids_are_forgotten(raise_alarm, time_machine, settings):
    settings.ALARM_MESSAGE_RETENTION_DAYS = 7
    raise_alarm(on="spare-1", message_id="old")
    time_machine.move_to(timezone.now() + timedelta(days=8), tick=False)
    raise_alarm(on="spare-1", message_id="new")
    assert tasks.purge_alarm_messages() == 1
    assert list(AlarmMessage.objects.values_list("message_id", flat=True)) == ["ems-1:new"]


def test_the_beat_schedule_names_real_tasks(settings):
    from problemdesk.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
