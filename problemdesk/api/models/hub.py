"""The event hub: who listens (subscriptions), what happened (events, an outbox written in
the transaction of the change), and each event's delivery to each listener."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EventSubscription(models.Model):
    """A listener registered through an API's ``hub`` (TMF630 notifications)."""

    api = models.CharField(max_length=50, help_text="Which API's events, e.g. troubleTicket.")
    callback = models.URLField(
        max_length=2000,
        help_text="The listener's base URL; events are POSTed to callback/listener/<eventName>.",
    )
    query = models.CharField(max_length=2000, blank=True, help_text="As registered.")
    criteria = models.JSONField(
        default=dict, blank=True, help_text="The query, parsed: event types and conditions."
    )
    secret = models.CharField(
        max_length=200,
        blank=True,
        help_text="Signs each delivery (HMAC-SHA256) when set. Never shown through the API.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_subscriptions",
        help_text="Events are sent only about what this user (or API client) may see.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["api"], condition=Q(is_active=True), name="subscription_active")
        ]

    def __str__(self) -> str:
        return f"{self.api} → {self.callback}"


class HubEvent(models.Model):
    """One event of an API (e.g. TroubleTicketStatusChangeEvent), as each audience sees it.

    Written in the transaction of the change it reports, only when someone listens.
    """

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api = models.CharField(max_length=50)
    event_type = models.CharField(max_length=80)
    resource_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    payloads = models.JSONField(
        default=dict, help_text="The event body per audience (staff, customer)."
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["api", "resource_id"], name="hubevent_resource")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.resource_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead letter"
    CANCELLED = "cancelled", "Cancelled (listener removed)"


class Delivery(models.Model):
    """One event to one listener. Delivered in order per listener and resource: a delivery
    waits while an earlier one of the same stream is pending. Retried with exponential
    backoff; after the last attempt it is a dead letter, which an administrator can re-drive.
    """

    event = models.ForeignKey(HubEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        EventSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    resource_id = models.CharField(max_length=64, help_text="Copied from the event: the stream.")
    audience = models.CharField(max_length=20)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(
        null=True, blank=True, help_text="Being sent until then (a worker holds it)."
    )
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["subscription", "resource_id", "id"],
                condition=Q(status="pending"),
                name="delivery_pending_stream",
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.callback}"


class DeadLetterManager(models.Manager["DeadLetter"]):
    def get_queryset(self) -> models.QuerySet["DeadLetter"]:
        return super().get_queryset().filter(status=DeliveryStatus.DEAD)


class DeadLetter(Delivery):
    """Deliveries that failed every attempt (their own admin page, with re-drive)."""

    objects: ClassVar[DeadLetterManager] = DeadLetterManager()

    class Meta:
        proxy = True
        ordering = ["-id"]
