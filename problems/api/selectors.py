"""Reading tickets: the problems a caller may see (``problems.selectors`` decides), with the
related rows a ticket shows fetched up front, so a page costs the same few queries
whatever its length."""

from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from problemdesk.api.hub.audiences import CUSTOMER, audience_of
from problems.api.render import NEEDS_EVENTS, NEEDS_NOTES
from problems.api.status import STATUS_EVENT_FILTER
from problems.models import CustomerProblem, Note, ProblemEvent
from problems.models.problem import ProblemQuerySet
from problems.selectors import problem_list_for_user


def tickets_for(user: Any, *, fields: set[str] | None = None) -> ProblemQuerySet:
    audience = audience_of(user)
    tickets = problem_list_for_user(user=user)
    if fields is None or fields & NEEDS_NOTES:
        notes = Note.objects.order_by("created_at", "id")
        if audience == CUSTOMER:
            notes = notes.filter(is_internal=False)
        tickets = tickets.prefetch_related(Prefetch("notes", queryset=notes, to_attr="api_notes"))
    if fields is None or fields & NEEDS_EVENTS:
        events = ProblemEvent.objects.filter(STATUS_EVENT_FILTER).order_by("created_at", "id")
        if audience == CUSTOMER:
            events = events.filter(is_public=True)
        events = events.only(
            "id", "problem_id", "kind", "to_state", "created_at", "message", "data"
        )
        tickets = tickets.prefetch_related(
            Prefetch("events", queryset=events, to_attr="api_status_events")
        )
    return tickets


def ticket_get(user: Any, ticket_id: str, *, fields: set[str] | None = None) -> CustomerProblem:
    """The ticket, or 404 for an id that is not a number, not a problem, or not visible."""
    if not (ticket_id.isascii() and ticket_id.isdigit() and len(ticket_id) < 19):
        raise Http404("No such trouble ticket.")
    try:
        return tickets_for(user, fields=fields).get(pk=int(ticket_id))
    except CustomerProblem.DoesNotExist:
        raise Http404("No such trouble ticket.") from None
