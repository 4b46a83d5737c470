from problemdesk.api.models.clients import ApiClient
from problemdesk.api.models.hub import (
    DeadLetter,
    Delivery,
    DeliveryStatus,
    EventSubscription,
    HubEvent,
)

__all__ = [
    "ApiClient",
    "DeadLetter",
    "Delivery",
    "DeliveryStatus",
    "EventSubscription",
    "HubEvent",
]
