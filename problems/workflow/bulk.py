"""Many problems at once, for a service outage (eTOM 1.4.6: inform Problem Handling of
every customer affected).

An outage of a service with 10,000 subscribers must not become 10,000 calls of
``problem_create``: each function here does for a list of problems what its one-by-one
counterpart does for one (the same state machine rules, the same events, the same
notification list) with a fixed number of queries, however long the list.

Each call is one transaction that locks the rows it changes; callers pass a bounded list
(a chunk of the fan-out). Every function is idempotent: called twice with the same input,
the second call changes nothing (it finds what the first did, under the same locks, and
unique constraints on the links stand behind it). Rows are built here, not through the
one-by-one functions, and the state field is set without the transition method only in
``problems_restore_for_outage``, after its guards were checked for the whole list at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.models import (
    ACTIVE_STATES,
    RUNNING_ACTIVITY_STATUSES,
    ActivityKind,
    ActivityStatus,
    Category,
    Channel,
    Customer,
    CustomerProblem,
    EventKind,
    Priority,
    ProblemEvent,
    RecoveryActivity,
    RestorationOutcome,
    State,
    Team,
    TroubleReportLink,
)
from problems.notifications import queue_notifications_bulk
from problems.workflow._base import Actor, InvalidInput, actor_label, actor_user, require_permission


@dataclass(frozen=True)
class Outage:
    """The service trouble report (in ``services``) that acts on the problems, by id."""

    trouble_report_id: int
    reference: str
    service_id: int
    service_label: str

    def link_data(self) -> dict[str, Any]:
        return {"trouble_report": self.trouble_report_id, "reference": self.reference}


@dataclass(frozen=True)
class AffectedCustomer:
    customer_id: int
    sites: Sequence[str] = ()


@dataclass
class Restoration:
    """What ``problems_restore_for_outage`` did: problem ids by what became of them."""

    cleared: list[int] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)


def problems_open_for_outage(
    *,
    actor: Actor,
    outage: Outage,
    customers: Sequence[AffectedCustomer],
    title: str,
    description: str,
    priority: int = Priority.HIGH,
    category: Category | None = None,
    team: Team | None = None,
) -> list[CustomerProblem]:
    """Open one proactive problem (channel "network") for each customer a service trouble
    report hits, linked to it, with targets from the SLA policy of its priority and the
    customer's tier, and tell each customer's default contacts.

    Guard: a title, a description and a known priority; staff need ``add_customerproblem``.
    Inactive customers, and customers who already have a proactive problem for this report
    and service, are skipped. Known errors are not matched: the cause is the known fault.
    """
    require_permission(actor, "problems.add_customerproblem", "report problems")
    if not title.strip() or not description.strip():
        raise InvalidInput("Give a title and a description.", field="title")
    if priority not in Priority.values:
        raise InvalidInput("Unknown priority.", field="priority")
    sites: dict[int, list[str]] = {}
    for affected in customers:
        sites.setdefault(affected.customer_id, []).extend(affected.sites)
    with transaction.atomic():
        # Two runs of one chunk queue up on the customers' rows; the second finds the
        # first's links below and opens nothing.
        locked = {
            customer.pk: customer
            for customer in Customer.objects.select_for_update()
            .filter(pk__in=sorted(sites), is_active=True)
            .order_by("pk")
        }
        done = set(
            TroubleReportLink.objects.filter(
                trouble_report_id=outage.trouble_report_id,
                service_id=outage.service_id,
                proactive=True,
                customer_id__in=list(locked),
            ).values_list("customer_id", flat=True)
        )
        policies = sla.policies_for_priority(priority)
        now = timezone.now()
        problems = []
        for customer_id in sorted(set(locked) - done):
            customer = locked[customer_id]
            problem = CustomerProblem(
                title=title.strip(),
                description=_with_sites(description.strip(), sites[customer_id]),
                customer=customer,
                channel=Channel.NETWORK,
                category=category,
                priority=priority,
                team=team or (category.default_team if category else None),
                service_id=outage.service_id,
                service_label=outage.service_label,
                created_at=now,
            )
            sla.apply_policy(problem, sla.pick_policy(policies, customer.tier))
            problems.append(problem)
        if not problems:
            return []
        CustomerProblem.objects.bulk_create(problems, batch_size=1000)
        TroubleReportLink.objects.bulk_create(
            [_link(problem, outage, proactive=True, now=now) for problem in problems],
            batch_size=1000,
        )
        events = [
            _event(
                problem,
                actor=actor,
                kind=EventKind.CREATED,
                to_state=State.OPEN,
                now=now,
                message=f"Opened by network operations: {outage.service_label} is affected "
                f"by network fault {outage.reference}.",
                data={
                    "channel": Channel.NETWORK,
                    "priority": priority,
                    "customer": problem.customer_id,
                    "restore_by": _iso(problem.restore_by),
                    **outage.link_data(),
                },
            )
            for problem in problems
        ]
        _write_events(events)
    return problems


def problems_link_trouble_report(
    *, actor: Actor, problem_ids: Sequence[int], outage: Outage, message: str
) -> list[int]:
    """Link customers' own reports to the service trouble report behind them, with a
    public event (``message``, told to the notification list). Returns the ids linked now.

    Guard: only active problems are linked; problems already linked to this report are
    skipped; staff need ``change_customerproblem``.
    """
    require_permission(actor, "problems.change_customerproblem", "link problems")
    if not message.strip():
        raise InvalidInput("Say what the link means for the customer.", field="message")
    with transaction.atomic():
        problems = _lock_active(problem_ids)
        done = set(
            TroubleReportLink.objects.filter(
                trouble_report_id=outage.trouble_report_id, problem_id__in=list(problems)
            ).values_list("problem_id", flat=True)
        )
        todo = [problem for pk, problem in problems.items() if pk not in done]
        if not todo:
            return []
        now = timezone.now()
        TroubleReportLink.objects.bulk_create(
            [_link(problem, outage, proactive=False, now=now) for problem in todo],
            batch_size=1000,
        )
        _write_events(
            [
                _event(
                    problem,
                    actor=actor,
                    kind=EventKind.TROUBLE_REPORT_LINKED,
                    now=now,
                    message=message.strip(),
                    data={**outage.link_data(), "service": outage.service_id},
                )
                for problem in todo
            ]
        )
    return [problem.pk for problem in todo]


def problems_add_network_update(
    *, actor: Actor, problem_ids: Sequence[int], message: str, key: str
) -> list[int]:
    """Put a public update from network operations on each active problem's timeline (and
    tell its notification list). ``key`` names the update (e.g. the trouble report event it
    repeats): a problem that already has an update with this key is skipped. Returns the
    ids updated now. Guard: a message and a key; staff need ``change_customerproblem``."""
    require_permission(actor, "problems.change_customerproblem", "update problems")
    if not message.strip() or not key:
        raise InvalidInput("Write the update.", field="message")
    with transaction.atomic():
        problems = _lock_active(problem_ids)
        done = set(
            ProblemEvent.objects.filter(
                problem_id__in=list(problems), kind=EventKind.NETWORK_UPDATE, data__key=key
            ).values_list("problem_id", flat=True)
        )
        todo = [problem for pk, problem in problems.items() if pk not in done]
        now = timezone.now()
        _write_events(
            [
                _event(
                    problem,
                    actor=actor,
                    kind=EventKind.NETWORK_UPDATE,
                    now=now,
                    message=message.strip(),
                    data={"key": key},
                )
                for problem in todo
            ]
        )
    return [problem.pk for problem in todo]


def problems_restore_for_outage(
    *,
    actor: Actor,
    problem_ids: Sequence[int],
    outage: Outage,
    outcome: str,
    summary: str,
    root_cause: str = "",
    clear: bool = True,
) -> Restoration:
    """The fault is fixed: each active problem gets a completed service-restoration activity
    with the outcome, and is then cleared (the customer is asked to confirm within the
    confirmation window) or, when ``clear`` is off or the state machine does not allow it
    (the problem is still open, or another activity is running), proposed for clearing:
    an agent clears it, and the customer is told and asked whether the service works.

    Guard: outcome restored or workaround, and a summary; staff need ``clear_problem``. A
    problem that already has this outage's restoration activity is skipped.
    """
    require_permission(actor, "problems.clear_problem", "clear problems")
    if outcome not in RestorationOutcome.values:
        raise InvalidInput("Choose the restoration outcome.", field="outcome")
    if not summary.strip():
        raise InvalidInput("Give a resolution summary.", field="summary")
    summary = summary.strip()
    result = Restoration()
    with transaction.atomic():
        problems = _lock_active(problem_ids)
        done = set(
            RecoveryActivity.objects.filter(
                problem_id__in=list(problems),
                kind=ActivityKind.SERVICE_RESTORATION,
                external_reference=outage.reference,
            ).values_list("problem_id", flat=True)
        )
        todo = [problem for pk, problem in problems.items() if pk not in done]
        if not todo:
            return result
        busy = set(
            RecoveryActivity.objects.filter(
                problem_id__in=[p.pk for p in todo], status__in=RUNNING_ACTIVITY_STATUSES
            ).values_list("problem_id", flat=True)
        )
        now = timezone.now()
        activities = [
            _restoration_activity(problem, outage, outcome, summary, actor, now) for problem in todo
        ]
        RecoveryActivity.objects.bulk_create(activities, batch_size=1000)
        events = [
            _event(
                problem,
                actor=actor,
                kind=EventKind.ACTIVITY_COMPLETED,
                now=now,
                message=f"{activity.summary}: {activity.get_outcome_display().lower()}.",
                data={
                    "activity": activity.pk,
                    "status": ActivityStatus.COMPLETED,
                    "outcome": outcome,
                    **outage.link_data(),
                },
            )
            for problem, activity in zip(todo, activities, strict=True)
        ]
        # The state machine's own table says from which states ``clear`` goes.
        clearable_states = set(CustomerProblem.clear._django_fsm.transitions)
        for problem in todo:
            if clear and problem.state in clearable_states and problem.pk not in busy:
                events.append(_clear(problem, actor, outcome, summary, root_cause, outage, now))
                result.cleared.append(problem.pk)
            else:
                problem.clearance_proposed_at = now
                events.append(
                    _event(
                        problem,
                        actor=actor,
                        kind=EventKind.CLEARANCE_PROPOSED,
                        now=now,
                        message=f"The network fault {outage.reference} is fixed: {summary} "
                        "Your service should work again; please tell us whether it does.",
                        data=outage.link_data(),
                    )
                )
                result.proposed.append(problem.pk)
            problem.updated_at = now
        CustomerProblem.objects.bulk_update(todo, CLEARED_FIELDS, batch_size=500)
        _write_events(events)
    return result


CLEARED_FIELDS = [
    "state",
    "resolution_outcome",
    "resolution_summary",
    "root_cause",
    "cleared_at",
    "confirm_by",
    "customer_confirmed_at",
    "escalation_due_at",
    "on_hold_since",
    "hold_reason",
    "time_on_hold",
    "jeopardy_at",
    "restore_by",
    "clearance_proposed_at",
    "updated_at",
]


def _clear(
    problem: CustomerProblem,
    actor: Actor,
    outcome: str,
    summary: str,
    root_cause: str,
    outage: Outage,
    now: datetime,
) -> ProblemEvent:
    """``problem_clear``'s changes, for a row locked and checked with the rest of the list."""
    from_state = problem.state
    # The guards of ``clear`` were checked for the whole list (state, outcome, summary,
    # running activities); calling the transition method would ask them again per row.
    problem.__dict__["state"] = State.CLEARED
    problem.resolution_outcome = outcome
    problem.resolution_summary = summary
    problem.root_cause = root_cause.strip() or problem.root_cause
    sla.resume(problem, now=now)
    problem.hold_reason = ""
    problem.cleared_at = now
    problem.customer_confirmed_at = None
    problem.confirm_by = now + _confirmation_window(problem)
    problem.escalation_due_at = None
    problem.clearance_proposed_at = None
    return _event(
        problem,
        actor=actor,
        kind=EventKind.CLEARED,
        from_state=from_state,
        to_state=State.CLEARED,
        now=now,
        message=summary,
        data={
            "outcome": outcome,
            "root_cause": problem.root_cause,
            "confirm_by": _iso(problem.confirm_by),
            **outage.link_data(),
        },
    )


def _restoration_activity(
    problem: CustomerProblem,
    outage: Outage,
    outcome: str,
    summary: str,
    actor: Actor,
    now: datetime,
) -> RecoveryActivity:
    return RecoveryActivity(
        problem=problem,
        kind=ActivityKind.SERVICE_RESTORATION,
        summary=f"Network fault {outage.reference} fixed"[:200],
        details=summary,
        status=ActivityStatus.COMPLETED,
        outcome=outcome,
        supplier_name="Network operations",
        external_reference=outage.reference,
        started_at=now,
        completed_at=now,
        created_at=now,
        created_by=actor_user(actor),
    )


def _lock_active(problem_ids: Sequence[int]) -> dict[int, CustomerProblem]:
    """The active problems among these ids, locked in id order (so that two bulk calls
    over overlapping lists never deadlock)."""
    return {
        problem.pk: problem
        for problem in CustomerProblem.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(problem_ids)), state__in=ACTIVE_STATES)
        .select_related("sla_policy")
        .order_by("pk")
    }


def _link(
    problem: CustomerProblem, outage: Outage, *, proactive: bool, now: datetime
) -> TroubleReportLink:
    return TroubleReportLink(
        problem=problem,
        trouble_report_id=outage.trouble_report_id,
        trouble_report_reference=outage.reference,
        service_id=outage.service_id,
        customer_id=problem.customer_id,
        proactive=proactive,
        created_at=now,
    )


def _event(
    problem: CustomerProblem,
    *,
    actor: Actor,
    kind: str,
    now: datetime,
    message: str,
    data: dict[str, Any],
    from_state: str = "",
    to_state: str = "",
) -> ProblemEvent:
    return ProblemEvent(
        problem=problem,
        created_at=now,
        kind=kind,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data,
        is_public=True,
    )


def _write_events(events: list[ProblemEvent]) -> None:
    if not events:
        return
    ProblemEvent.objects.bulk_create(events, batch_size=1000)
    queue_notifications_bulk(events)


def _with_sites(description: str, sites: Sequence[str]) -> str:
    named = sorted({site for site in sites if site})
    if not named:
        return description
    return f"{description}\n\nAffected sites: {', '.join(named)}."


def _confirmation_window(problem: CustomerProblem) -> timedelta:
    if problem.sla_policy is not None:
        return problem.sla_policy.confirmation_window
    return timedelta(days=settings.DEFAULT_CONFIRMATION_WINDOW_DAYS)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
