"""A TMF621 create or PATCH as workflow calls, all in one transaction: a request that fails
half-way (a refused transition after a note was added, say) leaves nothing written."""

from datetime import datetime
from typing import Any

from django.db import transaction

from problems import workflow
from problems.api.references import (
    category_for,
    channel_for,
    plain,
    read_entities,
    read_parties,
    shown_channel,
    title_from,
)
from problems.api.severity import priority_for
from problems.api.status import MOVES, Move, TicketStatus, allowed_targets, ticket_status
from problems.models import CancellationKind, CustomerProblem, HoldReason, RestorationOutcome, User
from problems.permissions import is_agent
from problems.workflow import InvalidInput, NotPermitted, TransitionRefused

REFERENCE_KEYS = ("relatedParty", "relatedEntity", "attachment", "troubleTicketRelationship")


def ticket_create(*, actor: User, data: dict[str, Any]) -> CustomerProblem:
    """Report a problem from a TroubleTicket_Create. The customer is the related party of
    role customer, else the caller's own company (a contact or a customer-scoped client),
    else it stays to be identified on the desk."""
    parties = read_parties(data.get("relatedParty") or [], actor=actor)
    entities = read_entities(data.get("relatedEntity") or [])
    channel = data.get("channel")
    references = _references(
        {
            "relatedParty": parties.kept,
            "relatedEntity": entities.kept,
            "attachment": plain(data.get("attachment") or []),
            "troubleTicketRelationship": plain(data.get("troubleTicketRelationship") or []),
            "channel": plain(channel) if channel else None,
        }
    )
    description = data["description"].strip()
    severity = data["severity"].strip()
    ticket_type = data["ticketType"].strip()
    with transaction.atomic():
        problem = workflow.problem_create(
            actor=actor,
            title=(data.get("name") or "").strip() or title_from(description),
            description=description,
            customer=parties.customer,
            reported_by=parties.reporter,
            channel=channel_for(channel),
            category=category_for(ticket_type, actor=actor),
            priority=priority_for(severity),
            service_id=entities.service_id,
            service_label=entities.service_label,
            external_id=(data.get("externalId") or "").strip(),
            severity=severity,
            ticket_type=ticket_type,
            requested_resolution_at=data.get("requestedResolutionDate"),
            external_references=references,
        )
        for note in data.get("note") or []:
            workflow.note_add(problem, actor=actor, body=note["text"], is_internal=_internal(note))
        if parties.assignee is not None:
            problem = _assign(problem, actor=actor, assignee=parties.assignee)
    return problem


def ticket_update(
    problem: CustomerProblem, *, actor: User, data: dict[str, Any]
) -> CustomerProblem:
    """Apply a merge patch: attribute changes (through ``problem_update``), new notes, a new
    restoration target, a (re)assignment, then the status step it asks for."""
    changes: dict[str, Any] = {}
    references = dict(problem.external_references or {})
    for attribute, column in (("name", "title"), ("description", "description")):
        if attribute in data:
            changes[column] = data[attribute].strip()
    if "severity" in data:
        changes["severity"] = (data["severity"] or "").strip()
        if changes["severity"]:
            changes["priority"] = priority_for(changes["severity"])
    if "ticketType" in data:
        changes["ticket_type"] = (data["ticketType"] or "").strip()
    if "externalId" in data:
        changes["external_id"] = (data["externalId"] or "").strip()
    if "requestedResolutionDate" in data:
        changes["requested_resolution_at"] = data["requestedResolutionDate"]
    assignee = None
    if "relatedParty" in data:
        parties = read_parties(data["relatedParty"] or [], actor=actor, current=problem)
        if parties.customer is not None:
            changes["customer"] = parties.customer
        if parties.reporter is not None:
            changes["reported_by"] = parties.reporter
        assignee = parties.assignee
        references["relatedParty"] = parties.kept
    if "relatedEntity" in data:
        entities = read_entities(data["relatedEntity"] or [])
        changes["service_id"] = entities.service_id
        changes["service_label"] = entities.service_label
        references["relatedEntity"] = entities.kept
    for key in ("attachment", "troubleTicketRelationship"):
        if key in data:
            references[key] = plain(data[key] or [])
    if "channel" in data and plain(data["channel"]) != shown_channel(problem):
        references["channel"] = plain(data["channel"])
        changes["channel"] = channel_for(data["channel"])
    changes["external_references"] = _references(references)
    changes = {name: value for name, value in changes.items() if getattr(problem, name) != value}

    reason = (data.get("statusChangeReason") or "").strip()
    with transaction.atomic():
        if changes:
            problem = workflow.problem_update(problem, actor=actor, **changes)
        known_notes = set(problem.notes.values_list("pk", flat=True))
        for note in data.get("note") or []:
            if _note_id(note) in known_notes:
                continue  # notes are append-only: an existing one is left as it is
            workflow.note_add(problem, actor=actor, body=note["text"], is_internal=_internal(note))
        target_date = data.get("expectedResolutionDate")
        if target_date is not None and not _same_time(target_date, problem.restore_by):
            problem = workflow.problem_replan(
                problem,
                actor=actor,
                restore_by=target_date,
                reason=reason or "Restoration target changed through the API.",
            )
        target = TicketStatus(data["status"]) if data.get("status") else None
        move = MOVES.get((ticket_status(problem), target)) if target else None
        if assignee is not None and assignee.pk != problem.assignee_id and move != Move.ASSIGN:
            problem = _assign(problem, actor=actor, assignee=assignee)
            move = MOVES.get((ticket_status(problem), target)) if target else None
        if target is not None and target != ticket_status(problem):
            if move is None:
                current = ticket_status(problem)
                allowed = ", ".join(allowed_targets(current)) or "nothing (it is final)"
                raise TransitionRefused(
                    f"A ticket that is {current.value} cannot become {target.value}; "
                    f"from {current.value} it can become {allowed}."
                )
            problem = _run(move, problem, actor=actor, assignee=assignee, reason=reason)
    return problem


def _run(
    move: Move, problem: CustomerProblem, *, actor: User, assignee: User | None, reason: str
) -> CustomerProblem:
    """One lifecycle step through its workflow function (with that function's guards)."""
    if move == Move.ASSIGN:
        if assignee is None and is_agent(actor) and not hasattr(actor, "api_client"):
            assignee = actor  # an agent starting work takes the ticket
        if assignee is None:
            raise InvalidInput(
                "Name who works on it: a relatedParty with role 'assignee' and an agent's id.",
                field="relatedParty",
            )
        return _assign(problem, actor=actor, assignee=assignee)
    if move == Move.HOLD_CUSTOMER:
        return workflow.problem_hold(problem, actor=actor, reason=HoldReason.CUSTOMER, note=reason)
    if move == Move.HOLD_SUPPLIER:
        return workflow.problem_hold(problem, actor=actor, reason=HoldReason.SUPPLIER, note=reason)
    if move == Move.RESUME:
        return workflow.problem_resume(problem, actor=actor, note=reason)
    if move == Move.CLOSE:
        return workflow.problem_close(problem, actor=actor, confirmed=True)
    if not reason:
        raise InvalidInput(
            "Say why in statusChangeReason (for resolved: how it was resolved).",
            field="statusChangeReason",
        )
    if move == Move.CLEAR:
        return workflow.problem_clear(
            problem, actor=actor, outcome=RestorationOutcome.RESTORED, summary=reason
        )
    if move == Move.REOPEN:
        return workflow.problem_reopen(problem, actor=actor, reason=reason)
    if move == Move.REJECT:
        if actor.customer_id is not None:
            raise NotPermitted("Only the service desk rejects a ticket; you can cancel it.")
        kind = CancellationKind.NOT_ACCEPTED
    else:
        kind = CancellationKind.WITHDRAWN
    return workflow.problem_cancel(problem, actor=actor, kind=kind, reason=reason)


def _assign(problem: CustomerProblem, *, actor: User, assignee: User) -> CustomerProblem:
    # A ticket that came without a category has no team yet: it goes to the assignee's.
    team = None
    if problem.team_id is None:
        team = assignee.teams.filter(is_active=True).order_by("name").first()
    return workflow.problem_assign(problem, actor=actor, assignee=assignee, team=team)


def _internal(note: dict[str, Any]) -> bool:
    return (note.get("@type") or "").strip() == "InternalNote"


def _note_id(note: dict[str, Any]) -> int | None:
    identifier = (note.get("id") or "").strip()
    return (
        int(identifier)
        if identifier.isascii() and identifier.isdigit() and len(identifier) < 19
        else None
    )


def _references(references: dict[str, Any]) -> dict[str, Any]:
    """Only what is set: an empty list or a missing channel is not stored."""
    return {key: value for key, value in references.items() if value}


def _same_time(a: datetime, b: datetime | None) -> bool:
    return b is not None and abs((a - b).total_seconds()) < 1
