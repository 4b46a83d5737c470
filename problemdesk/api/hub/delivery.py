"""Sending events to listeners: in order per listener and resource, retried with
exponential backoff up to HUB_MAX_ATTEMPTS, then kept as a dead letter.

No transaction is open while a listener is called: a delivery is *claimed* (a short
transaction marks it leased), POSTed, and its outcome recorded (another short transaction).
A slow or dead listener therefore holds no lock and slows no ticket write, on PostgreSQL
or on SQLite. A task that runs twice finds the delivery leased or done and does nothing.
"""

import json
import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from problemdesk.api.hub import transport
from problemdesk.api.hub.registry import listener_path
from problemdesk.api.models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

# Deliveries of one stream sent by one task run before it hands over to a new task.
STREAM_BATCH = 50


@dataclass(frozen=True)
class Outcome:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: base * 2^(attempts-1), capped, with jitter so
    that listeners coming back are not hit by every retry at the same second."""
    base = settings.HUB_BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)
    seconds = min(base, settings.HUB_BACKOFF_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.0))  # noqa: S311 - jitter


def deliver_stream(delivery_id: int) -> Outcome:
    """Send this delivery if it is due and first in its stream, then the stream's next ones."""
    delivered = failed = dead = 0
    next_id: int | None = delivery_id
    for _ in range(STREAM_BATCH):
        if next_id is None:
            break
        delivery = _claim(next_id)
        if delivery is None:
            break
        attempt = _send(delivery)
        status = _record(delivery.pk, attempt)
        if status == DeliveryStatus.PENDING:
            failed += 1
            _schedule_retry(delivery.pk)
            break  # the stream waits for this one
        if status == DeliveryStatus.DELIVERED:
            delivered += 1
        else:
            dead += 1
        next_id = _next_in_stream(delivery)
    else:
        if next_id is not None:
            _enqueue(next_id)
    return Outcome(delivered, failed, dead)


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("event", "subscription")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None or delivery.next_attempt_at > now:
            return None  # done, being handled, or not due yet (beat brings it back)
        if delivery.leased_until is not None and delivery.leased_until > now:
            return None
        if not delivery.subscription.is_active:
            delivery.status = DeliveryStatus.CANCELLED
            delivery.save(update_fields=["status"])
            return None
        earlier = Delivery.objects.filter(
            subscription_id=delivery.subscription_id,
            resource_id=delivery.resource_id,
            status=DeliveryStatus.PENDING,
            pk__lt=delivery.pk,
        )
        if earlier.exists():
            return None  # in order: the earlier one's run hands over to this one
        delivery.attempts += 1
        delivery.leased_until = now + timedelta(
            seconds=3 * settings.HUB_DELIVERY_TIMEOUT_SECONDS + 30
        )
        delivery.save(update_fields=["attempts", "leased_until"])
    return delivery


def _send(delivery: Delivery) -> transport.Attempt:
    event = delivery.event
    payload = event.payloads.get(delivery.audience)
    if payload is None:
        return transport.Attempt(False, None, f"No {delivery.audience} payload for this event.")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    url = transport.listener_url(delivery.subscription.callback, listener_path(event.event_type))
    headers = {
        "X-ProblemDesk-Event-Id": str(event.event_id),
        "X-ProblemDesk-Event-Type": event.event_type,
    }
    try:
        return transport.post(url, body, headers=headers, secret=delivery.subscription.secret)
    except Exception as error:  # a bug in sending must not leave the lease dangling
        logger.exception("Delivery %s crashed", delivery.pk)
        return transport.Attempt(False, None, f"{type(error).__name__}: {error}")


def _record(delivery_id: int, attempt: transport.Attempt) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        delivery.leased_until = None
        delivery.last_status_code = attempt.status
        if attempt.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
        else:
            delivery.last_error = attempt.error
            if delivery.attempts >= settings.HUB_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.DEAD
                logger.warning(
                    "Delivery %s is a dead letter after %s attempts: %s",
                    delivery.pk,
                    delivery.attempts,
                    attempt.error,
                )
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save()
    return delivery.status


def _next_in_stream(delivery: Delivery) -> int | None:
    return (
        Delivery.objects.filter(
            subscription_id=delivery.subscription_id,
            resource_id=delivery.resource_id,
            status=DeliveryStatus.PENDING,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def _schedule_retry(delivery_id: int) -> None:
    """Short waits go to the broker as a countdown; long ones are left to the periodic
    resend (a countdown longer than the broker's visibility timeout would be re-delivered)."""
    wait = Delivery.objects.filter(pk=delivery_id).values_list("next_attempt_at", flat=True).first()
    if wait is None:
        return
    seconds = (wait - timezone.now()).total_seconds()
    if seconds <= settings.HUB_COUNTDOWN_MAX_SECONDS:
        _enqueue(delivery_id, countdown=max(0.0, seconds))


def _enqueue(delivery_id: int, countdown: float | None = None) -> None:
    from problemdesk.api.tasks import deliver_hub_event

    try:
        if countdown:
            deliver_hub_event.apply_async((delivery_id,), countdown=countdown)
        else:
            deliver_hub_event.delay(delivery_id)
    except Exception:  # broker down: the periodic resend will find it
        logger.warning(
            "Could not enqueue delivery %s; the resend will.", delivery_id, exc_info=True
        )


def due_stream_heads(limit: int = 1000) -> list[int]:
    """The first pending delivery of each stream, where that one is due and not leased."""
    now = timezone.now()
    heads = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .values("subscription_id", "resource_id")
        .annotate(head=Min("id"))
        .values("head")
    )
    return list(
        Delivery.objects.filter(pk__in=heads, next_attempt_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def resend_due() -> int:
    heads = due_stream_heads()
    for pk in heads:
        _enqueue(pk)
    return len(heads)


def redrive(delivery_ids: list[int]) -> int:
    """Give dead letters (or waiting deliveries) a fresh set of attempts, now."""
    now = timezone.now()
    with transaction.atomic():
        count = Delivery.objects.filter(
            pk__in=delivery_ids,
            status__in=[DeliveryStatus.DEAD, DeliveryStatus.PENDING],
            subscription__is_active=True,
        ).update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, leased_until=None)
    for pk in delivery_ids:
        transaction.on_commit(partial(_enqueue, pk))
    return count
