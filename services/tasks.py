"""Celery tasks: thin, take ids, safe to run twice (STYLE.md rule 5). The schedules of the
periodic ones are in ``CELERY_BEAT_SCHEDULE`` (settings)."""

import logging
from datetime import timedelta
from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from problems.workflow import WorkflowError
from services import alarms, impact, notifications, workflow
from services.alarm_input import AlarmInput
from services.models import AlarmMessage

logger = logging.getLogger(__name__)

# Chunks retry on database errors (a deadlock, a failover); each is one transaction.
CHUNK_RETRY: dict[str, Any] = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


class TransientDeliveryError(Exception):
    pass


@shared_task(**CHUNK_RETRY)
def ingest_alarms(messages: list[dict[str, Any]]) -> dict[str, int]:
    """Ingest a batch of TMF642 alarm messages (each may carry ``messageId`` beside the
    alarm as ``{"messageId": …, "alarm": {…}}``). A message that does not read as an alarm
    is logged and skipped; the rest are ingested once however often this runs."""
    inputs, invalid = [], 0
    for message in messages:
        try:
            if not isinstance(message, dict):
                raise WorkflowError("A message is a JSON object.")
            body = message.get("alarm", message)
            inputs.append(AlarmInput.from_tmf(body, message_id=str(message.get("messageId", ""))))
        except WorkflowError as error:
            invalid += 1
            logger.warning("Alarm message refused: %s", error.message)
    counts: dict[str, int] = {"invalid": invalid}
    for result in alarms.alarms_ingest(inputs):
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    return counts


@shared_task(**CHUNK_RETRY)
def assess_impact(report_id: int) -> int:
    """Plan the fan-out of a report's newly impacted services and send out its chunks."""
    chunks = impact.plan_impact(report_id)
    for chunk_id in chunks:
        run_impact_chunk.delay(chunk_id)
    return len(chunks)


@shared_task(**CHUNK_RETRY)
def run_impact_chunk(chunk_id: int) -> dict[str, int]:
    result = impact.run_impact_chunk(chunk_id)
    return {"linked": result.linked, "opened": result.opened, "notified": result.notified}


@shared_task(**CHUNK_RETRY)
def propagate_progress(event_id: int) -> int:
    """Send a progress update to the linked customer problems, a chunk per task."""
    from services.models import TroubleReportEvent

    report_id = TroubleReportEvent.objects.values_list("report_id", flat=True).get(pk=event_id)
    ranges = impact.linked_problem_ranges(report_id)
    for first, last in ranges:
        propagate_progress_chunk.delay(event_id, first, last)
    return len(ranges)


@shared_task(**CHUNK_RETRY)
def propagate_progress_chunk(event_id: int, first: int, last: int) -> int:
    return impact.progress_chunk(event_id, first, last)


@shared_task(**CHUNK_RETRY)
def restore_customers(event_id: int) -> int:
    """The report is resolved: restore the linked problems and tell the customers who were
    told of the outage, a chunk per task."""
    from services.models import TroubleReportEvent

    report_id = TroubleReportEvent.objects.values_list("report_id", flat=True).get(pk=event_id)
    ranges = impact.linked_problem_ranges(report_id)
    for first, last in ranges:
        restore_customers_chunk.delay(event_id, first, last)
    told = impact.told_customer_ranges(report_id)
    for first, last in told:
        send_restored_notices.delay(report_id, first, last)
    return len(ranges) + len(told)


@shared_task(**CHUNK_RETRY)
def restore_customers_chunk(event_id: int, first: int, last: int) -> dict[str, int]:
    result = impact.restoration_chunk(event_id, first, last)
    return {"cleared": len(result.cleared), "proposed": len(result.proposed)}


@shared_task(**CHUNK_RETRY)
def send_restored_notices(report_id: int, first: int, last: int) -> int:
    return impact.restored_notice_chunk(report_id, first, last)


@shared_task
def scan_trouble_report_timers() -> dict[str, int]:
    """Jeopardy and escalation scan of trouble reports (beat). Running it twice changes
    nothing."""
    result = workflow.scan_trouble_report_timers()
    if any(result.values()):
        logger.info("Trouble report timer scan: %s", result)
    return result


@shared_task
def link_late_problems() -> int:
    """Link problems reported on impacted services while their report is open (beat)."""
    return impact.link_late_problems()


@shared_task
def resume_impact_fan_out() -> int:
    """Send again the fan-out chunks whose task was lost (beat)."""
    chunks = impact.stale_chunks()
    for chunk_id in chunks:
        run_impact_chunk.delay(chunk_id)
    return len(chunks)


@shared_task(
    autoretry_for=(TransientDeliveryError, SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def deliver_service_notifications(ids: list[int]) -> int:
    sent, errors = notifications.deliver(ids)
    if errors:
        raise TransientDeliveryError(f"{len(errors)} of {len(ids)} service notification(s) failed")
    return sent


@shared_task
def resend_pending_service_notifications() -> int:
    """Re-enqueue service notifications whose task never ran (beat)."""
    pending = notifications.stale_pending()
    for start in range(0, len(pending), notifications.NOTICES_PER_TASK):
        deliver_service_notifications.delay(pending[start : start + notifications.NOTICES_PER_TASK])
    return len(pending)


@shared_task
def purge_alarm_messages() -> int:
    """Forget message ids older than ``ALARM_MESSAGE_RETENTION_DAYS`` (beat, daily): a
    re-delivery comes within minutes, not weeks."""
    cutoff = timezone.now() - timedelta(days=settings.ALARM_MESSAGE_RETENTION_DAYS)
    deleted, _ = AlarmMessage.objects.filter(received_at__lt=cutoff).delete()
    return deleted
