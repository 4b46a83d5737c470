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
one-by-one functions. Restoring problems is ``problems.workflow.restoration``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.models import (
    ACTIVE_STATES,
    Category,
    Channel,
    Customer,
    CustomerProblem,
    EventKind,
    Priority,
    ProblemEvent,
    State,
    Team,
    TroubleReportLink,
)
from problems.notifications import queue_notifications_bulk
from problems.signals import events_recorded
from problems.workflow._base import Actor, InvalidInput, actor_label, actor_user, require_permission


@dataclass(frozen=True)
class Outage:
    """The service trouble report (in ``services``) that acts on the problems, by id."""

    trouble_report_id: int
    reference: str
    service_id: int | None
    service_label: str

    def link_data(self) -> dict[str, Any]:
        return {"trouble_report": self.trouble_report_id, "reference": self.reference}


@dataclass(frozen=True)
class AffectedCustomer:
    customer_id: int
    sites: Sequence[str] = ()


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
            event_for(
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
                    "restore_by": iso(problem.restore_by),
                    **outage.link_data(),
                },
            )
            for problem in problems
        ]
        write_events(events)
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
        problems = lock_active(problem_ids)
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
        write_events(
            [
                event_for(
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
        problems = lock_active(problem_ids)
        done = set(
            ProblemEvent.objects.filter(
                problem_id__in=list(problems), kind=EventKind.NETWORK_UPDATE, data__key=key
            ).values_list("problem_id", flat=True)
        )
        todo = [problem for pk, problem in problems.items() if pk not in done]
        now = timezone.now()
        write_events(
            [
                event_for(
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


def lock_active(problem_ids: Sequence[int]) -> dict[int, CustomerProblem]:
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


def event_for(
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


def write_events(events: list[ProblemEvent]) -> None:
    if not events:
        return
    ProblemEvent.objects.bulk_create(events, batch_size=1000)
    queue_notifications_bulk(events)
    events_recorded.send(sender=ProblemEvent, events=events)


def _with_sites(description: str, sites: Sequence[str]) -> str:
    named = sorted({site for site in sites if site})
    if not named:
        return description
    return f"{description}\n\nAffected sites: {', '.join(named)}."


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
