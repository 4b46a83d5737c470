"""The APIs that publish hub events, with their event types and filterable attributes."""

from dataclasses import dataclass

from problemdesk.api.query import Attribute


@dataclass(frozen=True)
class HubApi:
    """``name`` is the API's hub key (troubleTicket); ``resource`` the key of the resource
    inside an event's ``event`` object; ``attributes`` what a subscription's query may test
    (the same names as the list filters)."""

    name: str
    resource: str
    event_types: tuple[str, ...]
    attributes: dict[str, Attribute]

    def event_type_named(self, text: str) -> str | None:
        """The event type for ``TroubleTicketCreateEvent`` or ``troubleTicketCreateEvent``."""
        wanted = text.strip().lower()
        return next((t for t in self.event_types if t.lower() == wanted), None)


REGISTRY: dict[str, HubApi] = {}


def register(api: HubApi) -> HubApi:
    REGISTRY[api.name] = api
    return api


def listener_path(event_type: str) -> str:
    """The spec's client-side listener path for an event: ``listener/troubleTicketCreateEvent``."""
    return f"listener/{event_type[:1].lower()}{event_type[1:]}"
