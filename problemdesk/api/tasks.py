"""Hub delivery tasks: thin, take ids, safe to run twice (STYLE.md rule 5)."""

from celery import shared_task

from problemdesk.api.hub import delivery


@shared_task
def deliver_hub_event(delivery_id: int) -> dict[str, int]:
    """Send one delivery (and the ones after it in its stream). Retries are not Celery's:
    the delivery row keeps its attempts and next time, so a lost task loses nothing."""
    outcome = delivery.deliver_stream(delivery_id)
    return {"delivered": outcome.delivered, "failed": outcome.failed, "dead": outcome.dead}


@shared_task
def resend_hub_deliveries() -> int:
    """Enqueue the deliveries that are due (retries, or tasks lost while the broker was
    down). Beat runs it every HUB_RESEND_SECONDS."""
    return delivery.resend_due()
