"""A customer problem as a TMF621 TroubleTicket (and the ``relatedParty``/``relatedEntity``
roles we understand). Customers see their view: no internal notes, no internal events, no
jeopardy or escalation extension attributes."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from problemdesk.api.hub.audiences import CUSTOMER, STAFF
from problems.api.references import (
    ASSIGNEE_ROLE,
    CUSTOMER_ROLE,
    REPORTER_ROLE,
    SERVICE_ROLE,
    shown_channel,
)
from problems.api.severity import priority_label
from problems.api.status import STATUS_EVENT_FILTER, history, ticket_status
from problems.models import CustomerProblem, Note, ProblemEvent, State

API_PATH = "/tmf-api/troubleTicket/v4/troubleTicket/"

# Which first-level attributes need which related rows (``fields=`` skips the others).
NEEDS_EVENTS = {"statusChange", "statusChangeDate", "statusChangeReason"}
NEEDS_NOTES = {"note"}

SELECTABLE = (
    "id",
    "href",
    "name",
    "description",
    "severity",
    "ticketType",
    "priority",
    "status",
    "statusChangeDate",
    "statusChangeReason",
    "creationDate",
    "lastUpdate",
    "expectedResolutionDate",
    "requestedResolutionDate",
    "resolutionDate",
    "externalId",
    "channel",
    "note",
    "relatedParty",
    "relatedEntity",
    "attachment",
    "troubleTicketRelationship",
    "statusChange",
    "@type",
    "reference",
    "inJeopardy",
    "escalationLevel",
)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def ticket_href(base_url: str, pk: int) -> str:
    return f"{base_url}{API_PATH}{pk}"


def visible_notes(problem: CustomerProblem, audience: str) -> list[Note]:
    notes = getattr(problem, "api_notes", None)
    if notes is None:
        queryset = problem.notes.all()
        notes = list(queryset.filter(is_internal=False) if audience == CUSTOMER else queryset)
    return notes


def status_events(problem: CustomerProblem, audience: str) -> list[ProblemEvent]:
    events = getattr(problem, "api_status_events", None)
    if events is None:
        queryset = problem.events.filter(STATUS_EVENT_FILTER)
        events = list(queryset.filter(is_public=True) if audience == CUSTOMER else queryset)
    return events


def render_ticket(
    problem: CustomerProblem,
    *,
    audience: str = STAFF,
    base_url: str,
    fields: set[str] | None = None,
) -> dict[str, Any]:
    """The ticket as JSON. With ``fields``, only those attributes (and id, href), and the
    related rows the others would need are not read."""

    def wanted(*names: str) -> bool:
        return fields is None or any(name in fields for name in names)

    references = problem.external_references or {}
    ticket: dict[str, Any] = {
        "id": str(problem.pk),
        "href": ticket_href(base_url, problem.pk),
        "name": problem.title,
        "description": problem.description,
    }
    if problem.severity:
        ticket["severity"] = problem.severity
    if problem.ticket_type:
        ticket["ticketType"] = problem.ticket_type
    ticket["priority"] = priority_label(problem.priority)
    ticket["status"] = ticket_status(problem).value
    if wanted(*NEEDS_EVENTS):
        changes = history(status_events(problem, audience))
        if changes:
            ticket["statusChangeDate"] = iso(changes[-1].changed_at)
            if changes[-1].reason:
                ticket["statusChangeReason"] = changes[-1].reason
        ticket["statusChange"] = [
            {
                "status": change.status.value,
                "changeDate": iso(change.changed_at),
                **({"changeReason": change.reason} if change.reason else {}),
                "@type": "StatusChange",
            }
            for change in changes
        ]
    dates = {
        "creationDate": problem.created_at,
        "lastUpdate": problem.updated_at,
        "expectedResolutionDate": problem.restore_by,
        "requestedResolutionDate": problem.requested_resolution_at,
        "resolutionDate": problem.cleared_at
        if problem.state in (State.CLEARED, State.CLOSED)
        else None,
    }
    ticket.update({name: iso(value) for name, value in dates.items() if value is not None})
    if problem.external_id:
        ticket["externalId"] = problem.external_id
    if wanted("channel"):
        ticket["channel"] = shown_channel(problem)
    if wanted(*NEEDS_NOTES):
        ticket["note"] = [render_note(note) for note in visible_notes(problem, audience)]
    if wanted("relatedParty"):
        ticket["relatedParty"] = related_parties(problem, references.get("relatedParty", []))
    if wanted("relatedEntity"):
        ticket["relatedEntity"] = related_entities(problem, references.get("relatedEntity", []))
    if wanted("attachment"):
        ticket["attachment"] = list(references.get("attachment", []))
    if wanted("troubleTicketRelationship"):
        ticket["troubleTicketRelationship"] = list(references.get("troubleTicketRelationship", []))
    ticket["@type"] = "TroubleTicket"
    # Extension attributes (ProblemDesk's own, not in TMF621).
    ticket["reference"] = problem.reference
    if audience == STAFF:
        ticket["inJeopardy"] = problem.state == State.IN_JEOPARDY
        ticket["escalationLevel"] = problem.escalation_level
    if fields is not None:
        ticket = {k: v for k, v in ticket.items() if k in fields or k in ("id", "href")}
    return ticket


def render_note(note: Note) -> dict[str, Any]:
    rendered = {
        "id": str(note.pk),
        "author": note.author_label,
        "date": iso(note.created_at),
        "text": note.body,
        "@type": "Note",
    }
    if note.is_internal:
        rendered.update({"@type": "InternalNote", "@baseType": "Note"})
    return rendered


def related_parties(
    problem: CustomerProblem, kept: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    parties: list[dict[str, Any]] = []
    if problem.customer_id and problem.customer is not None:
        parties.append(
            {
                "id": str(problem.customer_id),
                "name": problem.customer.name,
                "role": CUSTOMER_ROLE,
                "@referredType": "Customer",
            }
        )
    for role, user in ((REPORTER_ROLE, problem.reported_by), (ASSIGNEE_ROLE, problem.assignee)):
        if user is not None:
            parties.append(
                {"id": str(user.pk), "name": str(user), "role": role, "@referredType": "Individual"}
            )
    parties.extend(kept)
    return parties


def related_entities(
    problem: CustomerProblem, kept: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = []
    if problem.service_id is not None:
        entity = {"id": str(problem.service_id), "role": SERVICE_ROLE, "@referredType": "Service"}
        if problem.service_label:
            entity["name"] = problem.service_label
        entities.append(entity)
    entities.extend(kept)
    return entities
