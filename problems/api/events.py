"""TMF621 hub events from the problem event log (connected by ``problemdesk.api``'s
autodiscovery, so the worker's and beat's changes publish too).

Each logged event that changes what a ticket shows becomes one or more TMF events, in the
spec's envelope, written in the same transaction:

- created: TroubleTicketCreateEvent;
- a change of TMF status (assign from open, hold, resume, clear, reopen, close, cancel…):
  TroubleTicketStatusChangeEvent, and also TroubleTicketResolvedEvent on resolved and
  TroubleTicketInformationRequiredEvent on pending (the desk waits on the customer);
- details changed, note, (re)assignment, re-plan, jeopardy, escalation:
  TroubleTicketAttributeValueChangeEvent (``fieldPath`` names the attributes);
- deletion: TroubleTicketDeleteEvent.

Internal events (internal notes, jeopardy, escalation…) reach staff listeners only; a change
of details, though internal on the desk's timeline, reaches customers' listeners too.
"""

import re
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from problemdesk.api.hub.publish import publish
from problemdesk.api.hub.registry import HubApi, register
from problemdesk.api.models import EventSubscription
from problems.api.filters import ATTRIBUTES
from problems.api.render import render_ticket
from problems.api.status import TicketStatus, status_after, status_of
from problems.models import CustomerProblem, EventKind, HoldReason, ProblemEvent
from problems.selectors import can_see_problem
from problems.signals import event_recorded, events_recorded, problem_deleting

CREATE = "TroubleTicketCreateEvent"
STATUS_CHANGE = "TroubleTicketStatusChangeEvent"
ATTRIBUTE_CHANGE = "TroubleTicketAttributeValueChangeEvent"
RESOLVED = "TroubleTicketResolvedEvent"
INFORMATION_REQUIRED = "TroubleTicketInformationRequiredEvent"
DELETE = "TroubleTicketDeleteEvent"

TROUBLE_TICKET = register(
    HubApi(
        name="troubleTicket",
        resource="troubleTicket",
        event_types=(
            CREATE,
            STATUS_CHANGE,
            ATTRIBUTE_CHANGE,
            RESOLVED,
            INFORMATION_REQUIRED,
            DELETE,
        ),
        attributes=ATTRIBUTES,
    )
)

# Which ticket attributes a logged event changes, when it does not change the status.
KIND_FIELDS: dict[str, str] = {
    EventKind.ASSIGNED: "relatedParty",
    EventKind.NOTE: "note",
    EventKind.REPLANNED: "expectedResolutionDate",
    EventKind.IN_JEOPARDY: "inJeopardy",
    EventKind.ESCALATED: "escalationLevel",
    EventKind.ATTACHMENT_ADDED: "attachment",
    # A network outage acting on the ticket (services app): a public update is a note;
    # the link to a service trouble report is a related entity.
    EventKind.NETWORK_UPDATE: "note",
    EventKind.TROUBLE_REPORT_LINKED: "relatedEntity",
    EventKind.TROUBLE_REPORT_UNLINKED: "relatedEntity",
    EventKind.CLEARANCE_PROPOSED: "note",
}
# problem_update's field names → the ticket's attributes.
COLUMN_FIELDS = {
    "title": "name",
    "description": "description",
    "customer": "relatedParty",
    "reported_by": "relatedParty",
    "priority": "priority",
    "severity": "severity",
    "ticket_type": "ticketType",
    "external_id": "externalId",
    "service_id": "relatedEntity",
    "service_label": "relatedEntity",
    "requested_resolution_at": "requestedResolutionDate",
    "channel": "channel",
    "restore_by": "expectedResolutionDate",
}


def tmf_events(event: ProblemEvent) -> list[tuple[str, str]]:
    """(event type, fieldPath) pairs for one logged event."""
    if event.kind == EventKind.CREATED:
        return [(CREATE, "")]
    after = status_after(event)
    if after is not None and after != _status_before(event):
        found = [(STATUS_CHANGE, "status")]
        if after == TicketStatus.RESOLVED:
            found.append((RESOLVED, "status"))
        if after == TicketStatus.PENDING:
            found.append((INFORMATION_REQUIRED, "statusChangeReason"))
        return found
    fields = _changed_fields(event)
    return [(ATTRIBUTE_CHANGE, ",".join(fields))] if fields else []


def _status_before(event: ProblemEvent) -> TicketStatus | None:
    if event.kind == EventKind.ON_HOLD:
        return TicketStatus.IN_PROGRESS
    if event.kind == EventKind.RESUMED:
        reason = (event.data or {}).get("reason", "")
        return TicketStatus.PENDING if reason == HoldReason.CUSTOMER else TicketStatus.HELD
    return status_of(event.from_state) if event.from_state else None


def _changed_fields(event: ProblemEvent) -> list[str]:
    if event.kind in KIND_FIELDS:
        return [KIND_FIELDS[event.kind]]
    if event.kind != EventKind.UPDATED:
        return []
    changes: dict[str, Any] = (event.data or {}).get("changes", {})
    fields = {COLUMN_FIELDS[name] for name in changes if name in COLUMN_FIELDS}
    if "external_references" in changes:
        old, new = changes["external_references"]
        for key in set(old or {}) | set(new or {}):
            if (old or {}).get(key) != (new or {}).get(key):
                fields.add(key)
    return sorted(fields)


def _publish(
    problem: CustomerProblem,
    pairs: list[tuple[str, str]],
    *,
    internal: bool,
    description: str,
    correlation_id: str,
) -> None:
    rendered: dict[str, dict[str, Any]] = {}

    def render(audience: str) -> dict[str, Any]:
        if audience not in rendered:
            rendered[audience] = render_ticket(
                problem, audience=audience, base_url=settings.SITE_URL
            )
        return rendered[audience]

    for event_type, field_path in pairs:
        publish(
            TROUBLE_TICKET,
            event_type=event_type,
            resource_id=str(problem.pk),
            render=render,
            can_see=lambda user: can_see_problem(user, problem),
            internal=internal,
            field_path=field_path,
            title=f"Trouble ticket {problem.pk}: {_words(event_type)}",
            description=description,
            correlation_id=correlation_id,
        )


def _words(event_type: str) -> str:
    """TroubleTicketStatusChangeEvent → status change."""
    name = event_type.removeprefix("TroubleTicket").removesuffix("Event")
    return re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()


@receiver(event_recorded, dispatch_uid="problems.api.events.ticket_events")
def ticket_events(sender: Any, event: ProblemEvent, **kwargs: Any) -> None:
    pairs = tmf_events(event)
    if pairs:
        # A change of details is internal on the desk's timeline (no e-mail), but the
        # attributes it changes are in the customer's view of the ticket: tell them too.
        internal = not event.is_public and event.kind != EventKind.UPDATED
        _publish(
            event.problem,
            pairs,
            internal=internal,
            description=event.message[:1000],
            correlation_id=f"problem-event-{event.pk}",
        )


@receiver(events_recorded, dispatch_uid="problems.api.events.bulk_ticket_events")
def bulk_ticket_events(sender: Any, events: list[ProblemEvent], **kwargs: Any) -> None:
    # One query when nobody listens, however many problems an outage reached.
    if not EventSubscription.objects.filter(api=TROUBLE_TICKET.name, is_active=True).exists():
        return
    for event in events:
        ticket_events(sender, event)


@receiver(problem_deleting, dispatch_uid="problems.api.events.ticket_deleted")
def ticket_deleted(sender: Any, problem: CustomerProblem, reason: str, **kwargs: Any) -> None:
    _publish(
        problem,
        [(DELETE, "")],
        internal=False,
        description=reason,
        correlation_id=f"problem-{problem.pk}-deleted",
    )
