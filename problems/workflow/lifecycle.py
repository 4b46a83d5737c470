"""Reporting a problem and moving it through its states (eTOM 1.3.7.1, 1.3.7.3, 1.3.7.4)."""

import json
import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.known_errors import match_known_errors
from problems.models import (
    CancellationKind,
    Category,
    Channel,
    Customer,
    CustomerProblem,
    EventKind,
    KnownError,
    Priority,
    RestorationOutcome,
    State,
    Team,
    User,
)
from problems.signals import problem_deleting
from problems.workflow._base import (
    Actor,
    InvalidInput,
    NotPermitted,
    TransitionRefused,
    actor_label,
    lock_problem,
    record_event,
    require_permission,
    run_transition,
    save_problem,
)
from problems.workflow.timers import end_hold

logger = logging.getLogger(__name__)


def problem_create(
    *,
    actor: Actor,
    title: str,
    description: str,
    customer: Customer | None = None,
    reported_by: User | None = None,
    channel: str = Channel.DESK,
    category: Category | None = None,
    priority: int = Priority.MEDIUM,
    team: Team | None = None,
    service_id: int | None = None,
    service_label: str = "",
    external_id: str = "",
    severity: str = "",
    ticket_type: str = "",
    requested_resolution_at: datetime | None = None,
    external_references: dict[str, Any] | None = None,
) -> CustomerProblem:
    """Report a problem: initial diagnosis (*Check Known Error*) and targets from the SLA.

    Guard: a customer's contact reports only for their own company (``report_own_problem``);
    staff need ``add_customerproblem``. The customer may stay empty (to be identified) only
    when staff or the system report it.
    """
    if not title.strip() or not description.strip():
        raise InvalidInput("Give a title and a description.", field="title")
    if priority not in Priority.values:
        raise InvalidInput("Unknown priority.", field="priority")
    if channel not in Channel.values:
        raise InvalidInput("Unknown channel.", field="channel")
    _check_references(external_references or {})
    if isinstance(actor, User) and actor.customer_id is not None:
        require_permission(actor, "problems.report_own_problem", "report problems")
        if customer is not None and customer.pk != actor.customer_id:
            raise NotPermitted("You may report problems only for your own company.")
        customer, reported_by = actor.customer, reported_by or actor
    elif isinstance(actor, User):
        require_permission(actor, "problems.add_customerproblem", "report problems")
    if (
        reported_by is not None
        and customer is not None
        and reported_by.customer_id
        not in (
            None,
            customer.pk,
        )
    ):
        raise InvalidInput(
            "The reporting contact belongs to another customer.", field="reported_by"
        )

    with transaction.atomic():
        problem = CustomerProblem(
            title=title.strip(),
            description=description.strip(),
            customer=customer,
            reported_by=reported_by,
            channel=channel,
            category=category,
            priority=priority,
            team=team or (category.default_team if category else None),
            service_id=service_id,
            service_label=service_label,
            external_id=external_id,
            severity=severity.strip(),
            ticket_type=ticket_type.strip(),
            requested_resolution_at=requested_resolution_at,
            external_references=external_references or {},
            created_at=timezone.now(),
        )
        sla.apply_policy(problem, sla.policy_for(problem))
        matches = match_known_errors(
            f"{problem.title}\n{problem.description}", category_id=category.pk if category else None
        )
        if matches:
            problem.known_error_id = matches[0].known_error_id
        problem.save()
        record_event(
            problem,
            actor=actor,
            kind=EventKind.CREATED,
            to_state=State.OPEN,
            message=f"Reported by {channel}.",
            data={
                "channel": channel,
                "priority": priority,
                "severity": problem.severity,
                "ticket_type": problem.ticket_type,
                "customer": customer.pk if customer else None,
                "restore_by": _iso(problem.restore_by),
            },
        )
        if matches:
            best = matches[0]
            record_event(
                problem,
                actor=actor,
                kind=EventKind.KNOWN_ERROR_MATCHED,
                message=f"Matches known error KE-{best.known_error_id:04d}: {best.title}",
                data={"matches": [m.__dict__ for m in matches]},
                is_public=False,
            )
    return problem


UPDATABLE_FIELDS = (
    "title",
    "description",
    "customer",
    "reported_by",
    "category",
    "priority",
    "service_id",
    "service_label",
    "external_id",
    "severity",
    "ticket_type",
    "requested_resolution_at",
    "external_references",
    "channel",
)


def problem_update(problem: CustomerProblem, *, actor: Actor, **changes: Any) -> CustomerProblem:
    """Modify the report (or identify its customer). A change of priority or customer
    re-applies the SLA policy; a re-planned target is kept.

    Guard: the problem is not closed or cancelled; staff need ``change_customerproblem``.
    """
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    require_permission(actor, "problems.change_customerproblem", "change problems")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        if problem.state in (State.CLOSED, State.CANCELLED):
            raise TransitionRefused("A closed or cancelled problem cannot be changed.")
        changed: dict[str, list[Any]] = {}
        for field, value in changes.items():
            old = getattr(problem, field)
            if old != value:
                changed[field] = [_plain(old), _plain(value)]
                setattr(problem, field, value)
        if not changed:
            return problem
        if "priority" in changed and problem.priority not in Priority.values:
            raise InvalidInput("Unknown priority.", field="priority")
        if "channel" in changed and problem.channel not in Channel.values:
            raise InvalidInput("Unknown channel.", field="channel")
        if "external_references" in changed:
            _check_references(problem.external_references)
        replanned = problem.events.filter(kind=EventKind.REPLANNED).exists()
        if {"priority", "customer"} & changed.keys() and not replanned:
            sla.apply_policy(problem, sla.policy_for(problem))
            changed["restore_by"] = [None, _iso(problem.restore_by)]
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.UPDATED,
            message="Changed " + ", ".join(field.replace("_", " ") for field in changed) + ".",
            data={"changes": changed},
            is_public=False,
        )
    return problem


def problem_assign(
    problem: CustomerProblem, *, actor: Actor, assignee: User, team: Team | None = None
) -> CustomerProblem:
    """Assign to an agent (and optionally move to another team).

    Guard: the assignee is an active agent of the problem's team. A problem in jeopardy
    stays in jeopardy.
    """
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        previous = {"assignee": problem.assignee_id, "team": problem.team_id}
        if team is not None:
            problem.team = team
        problem.assignee = assignee
        from_state, to_state = run_transition(problem, "assign", actor=actor)
        if problem.responded_at is None:
            problem.responded_at = timezone.now()
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.ASSIGNED,
            from_state=from_state,
            to_state=to_state,
            message=f"Assigned to {assignee} ({problem.team}).",
            data={"assignee": assignee.pk, "team": problem.team_id, "previous": previous},
        )
    return problem


def problem_replan(
    problem: CustomerProblem, *, actor: Actor, restore_by: datetime, reason: str
) -> CustomerProblem:
    """Set a new restoration target for a problem in jeopardy.

    Guard: the problem is in jeopardy, a reason is given and the new jeopardy point (the
    policy's share of the time left) is still ahead. Escalation level is kept.
    """
    if not reason.strip():
        raise InvalidInput("Say why the target moves.", field="reason")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        old_target = problem.restore_by
        now = timezone.now()
        if restore_by <= now:
            raise InvalidInput("The new target must be in the future.", field="restore_by")
        sla.replan_targets(problem, restore_by=restore_by, now=now)
        problem.status_change_reason = reason.strip()
        from_state, to_state = run_transition(problem, "replan", actor=actor)
        problem.escalation_due_at = sla.next_escalation_at(
            problem, sla.steps_of(problem.sla_policy)
        )
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.REPLANNED,
            from_state=from_state,
            to_state=to_state,
            message=reason.strip(),
            data={"old_restore_by": _iso(old_target), "restore_by": _iso(restore_by)},
        )
    return problem


def problem_clear(
    problem: CustomerProblem,
    *,
    actor: Actor,
    outcome: str,
    summary: str,
    root_cause: str = "",
) -> CustomerProblem:
    """Clear a problem: the service is restored (or worked around).

    Guard: assigned or in jeopardy; outcome is restored or workaround and a resolution
    summary is given; no recovery activity is still running. Ends a hold. The customer then
    has the policy's confirmation window to confirm or reopen.
    """
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        problem.resolution_outcome = outcome if outcome in RestorationOutcome.values else ""
        problem.resolution_summary = summary.strip()
        problem.root_cause = root_cause.strip() or problem.root_cause
        from_state, to_state = run_transition(problem, "clear", actor=actor)
        now = timezone.now()
        end_hold(problem, now=now)
        problem.cleared_at = now
        problem.clearance_proposed_at = None
        problem.customer_confirmed_at = None
        problem.confirm_by = now + _confirmation_window(problem)
        problem.escalation_due_at = None
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.CLEARED,
            from_state=from_state,
            to_state=to_state,
            message=problem.resolution_summary,
            data={
                "outcome": problem.resolution_outcome,
                "root_cause": problem.root_cause,
                "confirm_by": _iso(problem.confirm_by),
            },
        )
    return problem


def problem_reopen(
    problem: CustomerProblem, *, actor: Actor, reason: str, via: str = ""
) -> CustomerProblem:
    """The customer (or an agent for them) says the problem is not fixed.

    Guard: cleared, a reason is given, within the confirmation window. Back to assigned,
    with its targets and escalation as they were. ``via`` says how (an e-mail link).
    """
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        problem.status_change_reason = reason.strip()
        from_state, to_state = run_transition(problem, "reopen", actor=actor)
        problem.cleared_at = problem.confirm_by = None
        problem.resolution_outcome = ""
        problem.escalation_due_at = sla.next_escalation_at(
            problem, sla.steps_of(problem.sla_policy)
        )
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.REOPENED,
            from_state=from_state,
            to_state=to_state,
            message=problem.status_change_reason,
            data={"via": via} if via else None,
        )
    return problem


WINDOW_PASSED = "Closed: the confirmation window passed without an answer."


def problem_close(
    problem: CustomerProblem | int, *, actor: Actor, confirmed: bool, via: str = ""
) -> CustomerProblem:
    """Close a cleared problem: ``confirmed`` when the customer confirmed the resolution
    (themselves, or through an agent); otherwise only once the window has passed.

    Guard: cleared, and confirmed or the confirmation window has passed. The satisfaction
    survey is created in the same transaction and e-mailed after commit, exactly once.
    ``via`` says how (an e-mail link, the confirmation timer).
    """
    from problems.workflow.surveys import surveys_start

    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        now = timezone.now()
        if confirmed and problem.state == State.CLEARED:
            problem.customer_confirmed_at = now
        from_state, to_state = run_transition(problem, "close", actor=actor)
        problem.closed_at = now
        save_problem(problem)
        data: dict[str, Any] = {"confirmed": confirmed}
        if not confirmed:
            data["reason"] = "confirmation_window_passed"
        if via:
            data["via"] = via
        record_event(
            problem,
            actor=actor,
            kind=EventKind.CLOSED,
            from_state=from_state,
            to_state=to_state,
            message=("The customer confirmed the resolution." if confirmed else WINDOW_PASSED),
            data=data,
        )
        surveys_start([problem], now=now)
    return problem


def problem_cancel(
    problem: CustomerProblem,
    *,
    actor: Actor,
    kind: str,
    reason: str,
    duplicate_of: CustomerProblem | None = None,
) -> CustomerProblem:
    """Cancel an incorrect, duplicate, withdrawn or not accepted report.

    Guard: open, assigned or in jeopardy; a reason (and for a duplicate, the original) is
    given. A customer's contact may withdraw their company's problem only while it is open.
    """
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        problem.cancellation_kind = kind if kind in CancellationKind.values else ""
        problem.duplicate_of = duplicate_of if kind == CancellationKind.DUPLICATE else None
        problem.status_change_reason = reason.strip()
        from_state, to_state = run_transition(problem, "cancel", actor=actor)
        now = timezone.now()
        end_hold(problem, now=now)
        problem.cancelled_at = now
        problem.clearance_proposed_at = None
        problem.escalation_due_at = None
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.CANCELLED,
            from_state=from_state,
            to_state=to_state,
            message=problem.status_change_reason,
            data={"kind": problem.cancellation_kind, "duplicate_of": problem.duplicate_of_id},
        )
    return problem


def problem_apply_workaround(
    problem: CustomerProblem, *, actor: Actor, known_error: KnownError
) -> CustomerProblem:
    """Record that a known error's workaround was applied (and link the known error).

    Guard: the problem is active; staff need ``change_customerproblem``.
    """
    require_permission(actor, "problems.change_customerproblem", "apply workarounds")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        if not problem.is_active:
            raise TransitionRefused("Workarounds are applied to active problems only.")
        problem.known_error = known_error
        problem.workaround_applied = True
        save_problem(problem)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.WORKAROUND_APPLIED,
            message=f"Applied the workaround of {known_error.reference}: {known_error.workaround}",
            data={"known_error": known_error.pk},
        )
    return problem


def problem_delete(problem: CustomerProblem, *, actor: Actor, reason: str) -> None:
    """Delete a finished problem and its whole history (data erasure; TMF621 DELETE).

    Guard: closed or cancelled (an active problem is cancelled, not deleted); a reason;
    ``delete_customerproblem`` permission, which no role has: an administrator grants it.
    Receivers of ``problem_deleting`` (the API's event hub) record the deletion first.
    """
    require_permission(actor, "problems.delete_customerproblem", "delete problems")
    if not reason.strip():
        raise InvalidInput("Say why the problem is deleted.", field="reason")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        if problem.state not in (State.CLOSED, State.CANCELLED):
            raise TransitionRefused(
                "Only a closed or cancelled problem can be deleted: cancel or close it first."
            )
        problem_deleting.send(
            sender=CustomerProblem, problem=problem, actor=actor, reason=reason.strip()
        )
        # The log goes with the problem (that is the point of erasure); the trace is this line.
        logger.warning(
            "%s deleted by %s: %s", problem.reference, actor_label(actor), reason.strip()
        )
        problem.delete()


MAX_REFERENCES_BYTES = 64 * 1024


def _check_references(references: Any) -> None:
    if not isinstance(references, dict) or not all(isinstance(k, str) for k in references):
        raise InvalidInput("External references must be a mapping.", field="external_references")
    try:
        size = len(json.dumps(references))
    except (TypeError, ValueError):
        raise InvalidInput(
            "External references must be plain JSON.", field="external_references"
        ) from None
    if size > MAX_REFERENCES_BYTES:
        raise InvalidInput(
            f"External references are limited to {MAX_REFERENCES_BYTES // 1024} KiB.",
            field="external_references",
        )


def _confirmation_window(problem: CustomerProblem) -> Any:
    from datetime import timedelta

    from django.conf import settings

    if problem.sla_policy is not None:
        return problem.sla_policy.confirmation_window
    return timedelta(days=settings.DEFAULT_CONFIRMATION_WINDOW_DAYS)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime):
        return value.isoformat()
    return value
