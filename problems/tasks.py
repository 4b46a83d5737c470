"""Celery tasks: thin, take ids, safe to run twice (STYLE.md rule 5)."""

import logging
from smtplib import SMTPException

from celery import shared_task

from problems import notifications
from problems.workflow import scan_timers
from problems.workflow.closing import close_unconfirmed
from problems.workflow.surveys import survey_send, surveys_scan

logger = logging.getLogger(__name__)


class TransientDeliveryError(Exception):
    pass


@shared_task(
    autoretry_for=(TransientDeliveryError, SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=notifications.MAX_ATTEMPTS,
)
def deliver_notifications(event_id: int) -> int:
    """Send the pending notifications of one event; retried while any fails."""
    sent, errors = notifications.deliver_for_event(event_id)
    if errors:
        raise TransientDeliveryError(f"{len(errors)} notification(s) of event {event_id} failed")
    return sent


@shared_task(
    autoretry_for=(TransientDeliveryError, SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=notifications.MAX_ATTEMPTS,
)
def deliver_notifications_for_events(event_ids: list[int]) -> int:
    """Send the pending notifications of many events (a bulk operation's); retried while
    any fails. Rows already sent are skipped, so a retry sends only what failed."""
    sent, errors = notifications.deliver_for_events(event_ids)
    if errors:
        raise TransientDeliveryError(f"{len(errors)} notification(s) of {len(event_ids)} failed")
    return sent


@shared_task
def resend_pending_notifications() -> int:
    """Re-enqueue notifications whose task never ran (beat, every few minutes)."""
    events = notifications.stale_pending()
    for event_id in events:
        deliver_notifications.delay(event_id)
    return len(events)


@shared_task
def scan_problem_timers() -> dict[str, int]:
    """Jeopardy and escalation scan (beat, every minute). Running it twice changes nothing."""
    result = scan_timers()
    if any(result.values()):
        logger.info("Timer scan: %s", result)
    return result


@shared_task
def close_unconfirmed_problems() -> int:
    """Close cleared problems whose confirmation window passed (beat). Idempotent."""
    closed = close_unconfirmed()
    if closed:
        logger.info("Closed %s problem(s) whose confirmation window passed", closed)
    return closed


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=notifications.MAX_ATTEMPTS,
)
def send_survey(survey_id: int) -> bool:
    """E-mail a closed problem's satisfaction survey; a second run sends nothing."""
    return survey_send(survey_id)


@shared_task(
    autoretry_for=(TransientDeliveryError, SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=notifications.MAX_ATTEMPTS,
)
def send_surveys(survey_ids: list[int]) -> int:
    """E-mail the surveys of problems closed together; a retry sends only what failed."""
    sent, failed = 0, 0
    for survey_id in survey_ids:
        try:
            sent += survey_send(survey_id)
        except (SMTPException, OSError) as error:
            logger.warning("Survey %s not sent: %s", survey_id, error)
            failed += 1
    if failed:
        raise TransientDeliveryError(f"{failed} survey(s) of {len(survey_ids)} not sent")
    return sent


@shared_task
def scan_surveys() -> dict[str, int]:
    """Send surveys whose task was lost and the one reminder of unanswered ones (beat)."""
    result = surveys_scan()
    if any(result.values()):
        logger.info("Survey scan: %s", result)
    return result
