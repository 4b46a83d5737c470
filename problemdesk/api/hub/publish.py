"""Writing events: called by a resource's signal receivers inside the transaction of the
change, so an event exists exactly when the change does (an outbox). Delivery tasks are
enqueued after commit; if the broker is down then, the periodic resend finds the rows."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from problemdesk.api.hub.audiences import CUSTOMER, audience_of
from problemdesk.api.hub.registry import HubApi
from problemdesk.api.models import Delivery, EventSubscription, HubEvent
from problemdesk.api.query import Condition, matches

Render = Callable[[str], dict[str, Any]]


def publish(
    api: HubApi,
    *,
    event_type: str,
    resource_id: str,
    render: Render,
    can_see: Callable[[Any], bool],
    internal: bool = False,
    field_path: str = "",
    title: str = "",
    description: str = "",
    correlation_id: str = "",
    resource_key: str = "",
) -> HubEvent | None:
    """Write the event and one delivery per listener that asked for it and may see it.

    ``render(audience)`` gives the resource as that audience sees it (called at most once
    per audience, only if someone listens); ``can_see(user)`` says whether a listener's
    owner may see the resource; ``internal`` events never reach customer listeners.
    ``resource_key`` names the resource inside ``event`` when it is not the API's main
    resource (TMF642's task events carry ``ackAlarms``…). Returns the event, or None when
    nobody gets it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Hub events are written inside the change's transaction.")
    subscriptions = EventSubscription.objects.filter(api=api.name, is_active=True).select_related(
        "owner"
    )
    rendered: dict[str, dict[str, Any]] = {}
    visible: dict[int, bool] = {}
    chosen: list[tuple[EventSubscription, str]] = []
    for subscription in subscriptions:
        owner = subscription.owner
        wanted_types = subscription.criteria.get("eventTypes") or []
        if wanted_types and event_type not in wanted_types:
            continue
        audience = audience_of(owner)
        if not owner.is_active or (internal and audience == CUSTOMER):
            continue
        if owner.pk not in visible:
            visible[owner.pk] = can_see(owner)
        if not visible[owner.pk]:
            continue
        if audience not in rendered:
            rendered[audience] = render(audience)
        conditions = [
            Condition.from_json(item, api.attributes)
            for item in subscription.criteria.get("conditions", [])
        ]
        if matches(rendered[audience], conditions, api.attributes):
            chosen.append((subscription, audience))
    if not chosen:
        return None

    event = HubEvent(api=api.name, event_type=event_type, resource_id=resource_id)
    now = timezone.now()
    event.created_at = now
    event.payloads = {
        audience: envelope(
            api,
            event,
            resource=rendered[audience],
            field_path=field_path,
            title=title,
            description=description,
            correlation_id=correlation_id,
            resource_key=resource_key,
        )
        for audience in {audience for _, audience in chosen}
    }
    event.save()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                event=event,
                subscription=subscription,
                resource_id=resource_id,
                audience=audience,
                next_attempt_at=now,
            )
            for subscription, audience in chosen
        ]
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return event


def envelope(
    api: HubApi,
    event: HubEvent,
    *,
    resource: dict[str, Any],
    field_path: str = "",
    title: str = "",
    description: str = "",
    correlation_id: str = "",
    resource_key: str = "",
) -> dict[str, Any]:
    """The notification as the spec shapes it (e.g. TroubleTicketCreateEvent)."""
    when = event.created_at.isoformat().replace("+00:00", "Z")
    body: dict[str, Any] = {
        "eventId": str(event.event_id),
        "eventTime": when,
        "eventType": event.event_type,
        "timeOcurred": when,  # sic: the spec's spelling
        "domain": api.name,
        "@type": event.event_type,
    }
    if correlation_id:
        body["correlationId"] = correlation_id
    if title:
        body["title"] = title
    if description:
        body["description"] = description
    if field_path:
        body["fieldPath"] = field_path
    body["event"] = {resource_key or api.resource: resource}
    return body


def _enqueue(delivery_ids: list[int]) -> None:
    from problemdesk.api.tasks import deliver_hub_event

    for pk in delivery_ids:
        deliver_hub_event.delay(pk)
