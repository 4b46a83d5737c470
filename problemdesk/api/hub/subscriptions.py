"""Registering and removing listeners (the ``hub`` resource of each API)."""

from typing import Any
from urllib.parse import parse_qsl

from django.db import transaction
from django.utils import timezone

from problemdesk.api.hub.registry import HubApi
from problemdesk.api.hub.transport import CallbackRefused, check_callback
from problemdesk.api.models import Delivery, DeliveryStatus, EventSubscription
from problemdesk.api.query import InvalidQuery, parse_conditions

MAX_CALLBACK_LENGTH = 2000
MAX_QUERY_LENGTH = 2000


class SubscriptionRefused(ValueError):
    """The callback or query is not acceptable; the message says why."""


def parse_hub_query(api: HubApi, query: str) -> dict[str, Any]:
    """``eventType=A,B`` (any of) and attribute conditions on the resource, written as for
    the list (``severity=Critical``, ``status=resolved,closed``, ``creationDate.gt=…``),
    optionally prefixed ``event.troubleTicket.`` or ``troubleTicket.``."""
    pairs = parse_qsl(query.strip().lstrip("?"), keep_blank_values=True)
    if query.strip() and not pairs:
        raise SubscriptionRefused("The query is not a query string like eventType=…&status=….")
    event_types: list[str] = []
    filters = []
    for key, value in pairs:
        if key in ("eventType", "event.eventType"):
            for name in value.split(","):
                event_type = api.event_type_named(name)
                if event_type is None:
                    raise SubscriptionRefused(
                        f"Unknown event type {name.strip()!r}; use {', '.join(api.event_types)}."
                    )
                event_types.append(event_type)
        else:
            filters.append((key, value))
    try:
        conditions = parse_conditions(
            filters, api.attributes, prefixes=(f"event.{api.resource}.", f"{api.resource}.")
        )
    except InvalidQuery as error:
        raise SubscriptionRefused(f"query: {error}") from None
    return {
        "eventTypes": sorted(set(event_types)),
        "conditions": [condition.as_json() for condition in conditions],
    }


def subscription_register(
    api: HubApi, *, owner: Any, callback: str, query: str = "", secret: str = ""
) -> EventSubscription:
    """Register a listener for ``api``'s events; it is told only of what ``owner`` may see."""
    callback = callback.strip()
    if not callback or len(callback) > MAX_CALLBACK_LENGTH:
        raise SubscriptionRefused(
            f"Give a callback URL of at most {MAX_CALLBACK_LENGTH} characters."
        )
    if len(query) > MAX_QUERY_LENGTH:
        raise SubscriptionRefused(f"The query is limited to {MAX_QUERY_LENGTH} characters.")
    if len(secret) > 200:
        raise SubscriptionRefused("The secret is limited to 200 characters.")
    try:
        check_callback(callback)
    except CallbackRefused as refused:
        raise SubscriptionRefused(str(refused)) from None
    criteria = parse_hub_query(api, query)
    return EventSubscription.objects.create(
        api=api.name, callback=callback, query=query, criteria=criteria, secret=secret, owner=owner
    )


def subscriptions_of(api: HubApi, owner: Any) -> Any:
    """The listeners this user may see and remove: their own (staff with
    ``api.delete_eventsubscription`` may remove any)."""
    subscriptions = EventSubscription.objects.filter(api=api.name, is_active=True)
    if owner.has_perm("api.delete_eventsubscription"):
        return subscriptions
    return subscriptions.filter(owner=owner)


def subscription_remove(subscription: EventSubscription) -> EventSubscription:
    """Stop a listener: what is still waiting for it is cancelled; what was sent stays."""
    with transaction.atomic():
        subscription = EventSubscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.is_active = False
        subscription.deleted_at = timezone.now()
        subscription.save(update_fields=["is_active", "deleted_at"])
        Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED, leased_until=None
        )
    return subscription
