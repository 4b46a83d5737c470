"""Problems with believable histories, written in bulk.

Each problem is simulated from report to its final state on a timeline in the past, and
its events, notes and activities are written as the workflow would have written them
(same kinds, states, actors and data). Rows are inserted in batches, so a million problems
take minutes, not hours.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from problems import sla
from problems.demo import texts
from problems.demo.catalogue import DemoCatalogue
from problems.demo.surveys import survey_record
from problems.models import (
    ActivityKind,
    ActivityOutcome,
    ActivityStatus,
    CancellationKind,
    Channel,
    CustomerProblem,
    EventKind,
    HoldReason,
    Note,
    Priority,
    ProblemEvent,
    RecoveryActivity,
    RestorationOutcome,
    SatisfactionSurvey,
    State,
)

TIMER = "jeopardy timer"
SYSTEM = "system"
FINAL_STATES = [
    (State.CLOSED, 50),
    (State.CANCELLED, 6),
    (State.CLEARED, 9),
    (State.ASSIGNED, 17),
    (State.OPEN, 7),
    (State.IN_JEOPARDY, 11),
]
PRIORITIES = [
    (Priority.CRITICAL, 6),
    (Priority.HIGH, 20),
    (Priority.MEDIUM, 50),
    (Priority.LOW, 24),
]
CHANNELS = [(Channel.PORTAL, 40), (Channel.PHONE, 30), (Channel.EMAIL, 20), (Channel.DESK, 10)]


def weighted(rng: random.Random, table: list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _ in table], weights=[w for _, w in table])[0]


@dataclass
class Plan:
    """One simulated problem and what happened to it."""

    problem: CustomerProblem
    # Children as plain records (model instances are slow to build by the million).
    events: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)


class Simulator:
    def __init__(self, catalogue: DemoCatalogue, *, now: datetime, seed: int = 7) -> None:
        self.c = catalogue
        self.now = now
        self.rng = random.Random(seed)
        for policy in catalogue.policies.values():
            sla.steps_of(policy)  # load the escalation steps once
        self.categories = [(cat, 3 if cat.is_security else 20) for cat in catalogue.categories]

    # --- the simulation ------------------------------------------------------------------
    def plan(self, *, state: str | None = None, jeopardy_due: bool = False) -> Plan:
        rng = self.rng
        state = state or weighted(rng, FINAL_STATES)
        category = weighted(rng, self.categories)
        customer = rng.choice(self.c.customers)
        priority = weighted(rng, PRIORITIES)
        channel = weighted(rng, CHANNELS)
        team = category.default_team
        title, description = rng.choice(texts.REPORTS[category.slug])
        site = rng.choice(texts.SITES)
        contact = rng.choice(self.c.contacts[customer.pk])
        to_identify = state == State.OPEN and rng.random() < 0.15
        problem = CustomerProblem(
            title=title.format(site=site),
            description=description.format(site=site),
            customer=None if to_identify else customer,
            reported_by=None if to_identify else contact,
            channel=Channel.API if to_identify else channel,
            category=category,
            priority=priority,
            team=team,
        )
        policy = self.c.policies.get((priority, customer.tier)) or self.c.policies[(priority, "")]
        restoration = policy.restoration_time
        jeopardy = restoration * policy.jeopardy_percent / 100
        created = self._created_at(state, restoration, jeopardy, jeopardy_due)
        problem.created_at = created
        known = self.c.known_errors.get(category.slug, [])
        if known and rng.random() < 0.35:
            problem.known_error = rng.choice(known)
        plan = Plan(problem)
        reporter = contact.username if channel == Channel.PORTAL and not to_identify else None
        agents = self.c.agents[team.pk] if team else []
        agent = rng.choice(agents) if agents else self.c.supervisor
        self._event(
            plan,
            created,
            EventKind.CREATED,
            reporter or agent.username,
            "",
            State.OPEN,
            message=f"Reported by {problem.channel}.",
            actor=contact if reporter else agent,
        )
        if problem.known_error:
            self._event(
                plan,
                created,
                EventKind.KNOWN_ERROR_MATCHED,
                reporter or agent.username,
                message=f"Matches {problem.known_error.reference}: {problem.known_error.title}",
                public=False,
                actor=contact if reporter else agent,
            )

        if state == State.OPEN:
            self._targets(plan, policy)
            return self._finish(plan, State.OPEN)
        if state == State.CANCELLED and rng.random() < 0.5:
            self._targets(plan, policy)
            self._cancel(
                plan, created + timedelta(minutes=rng.randint(5, 240)), State.OPEN, contact, agent
            )
            return plan

        # Assignment: within or around the response target.
        response = policy.response_time
        assigned_at = created + response * rng.uniform(0.1, 1.3)
        if state in (State.ASSIGNED, State.IN_JEOPARDY):
            assigned_at = min(assigned_at, self.now - timedelta(minutes=1))
        problem.assignee = agent
        problem.responded_at = assigned_at
        self._event(
            plan,
            assigned_at,
            EventKind.ASSIGNED,
            agent.username,
            State.OPEN,
            State.ASSIGNED,
            message=f"Assigned to {agent} ({team}).",
            actor=agent,
            data={"assignee": agent.pk, "team": team.pk if team else None},
        )
        current = State.ASSIGNED

        if state == State.CANCELLED:
            self._targets(plan, policy)
            self._cancel(
                plan, assigned_at + timedelta(minutes=rng.randint(10, 600)), current, contact, agent
            )
            return plan

        end = self._end_time(state, created, restoration)
        hold = timedelta(0) if jeopardy_due else self._hold(plan, assigned_at, end, state, agent)
        problem.time_on_hold = hold
        self._targets(plan, policy)
        self._work(
            plan, assigned_at, end, agent, finished=state not in (State.ASSIGNED, State.IN_JEOPARDY)
        )

        # Jeopardy and escalation as the timer would have done them.
        timer_ran = not jeopardy_due
        if (
            timer_ran
            and problem.jeopardy_at
            and problem.jeopardy_at < end
            and not problem.on_hold_since
        ):
            self._event(
                plan,
                problem.jeopardy_at,
                EventKind.IN_JEOPARDY,
                TIMER,
                current,
                State.IN_JEOPARDY,
                public=False,
                message="Restoration target is in jeopardy.",
            )
            current = State.IN_JEOPARDY
            for step in sorted(sla.steps_of(policy), key=lambda s: s.level):
                when = sla.step_due_at(problem, step)
                if when is not None and when < end:
                    self._event(
                        plan,
                        when,
                        EventKind.ESCALATED,
                        TIMER,
                        public=False,
                        message=f"Escalation level {step.level}.",
                        data={
                            "from_level": step.level - 1,
                            "to_level": step.level,
                            "levels": [step.level],
                        },
                    )
                    problem.escalation_level = step.level
        if state in (State.ASSIGNED, State.IN_JEOPARDY):
            problem.escalation_due_at = sla.next_escalation_at(
                _with_state(problem, current), sla.steps_of(policy)
            )
            return self._finish(plan, current)

        # Cleared (and, for most, closed).
        reopen = state == State.CLOSED and rng.random() < 0.06
        cleared_at = end
        if reopen:
            first_clear = assigned_at + (end - assigned_at) * 0.4
            self._clear(plan, first_clear, current, agent)
            self._event(
                plan,
                first_clear + (end - first_clear) * rng.uniform(0.2, 0.6),
                EventKind.REOPENED,
                contact.username,
                State.CLEARED,
                State.ASSIGNED,
                actor=contact,
                message=rng.choice(texts.REOPEN_REASONS),
            )
            current = State.ASSIGNED
        self._clear(plan, cleared_at, current, agent)
        window = policy.confirmation_window
        problem.cleared_at = cleared_at
        problem.confirm_by = cleared_at + window
        if state == State.CLEARED:
            return self._finish(plan, State.CLEARED)
        confirmed = rng.random() < 0.7
        closed_at = cleared_at + (timedelta(hours=rng.uniform(0.5, 72)) if confirmed else window)
        problem.closed_at = closed_at
        problem.customer_confirmed_at = closed_at if confirmed else None
        self._event(
            plan,
            closed_at,
            EventKind.CLOSED,
            contact.username if confirmed else "confirmation timer",
            State.CLEARED,
            State.CLOSED,
            actor=contact if confirmed else None,
            message="The customer confirmed the resolution."
            if confirmed
            else "Closed: the confirmation window passed without an answer.",
            data={"confirmed": confirmed}
            if confirmed
            else {"confirmed": False, "reason": "confirmation_window_passed"},
        )
        survey = survey_record(
            # Its own generator: the simulation's stream (and so every other demo row)
            # stays what it was before surveys existed.
            random.Random(f"{closed_at.isoformat()}/{contact.pk}"),
            customer_id=problem.customer_id,
            contact=contact,
            closed_at=closed_at,
            now=self.now,
            is_security=problem.category.is_security if problem.category else False,
        )
        if survey is not None:
            plan.surveys.append(survey)
        return self._finish(plan, State.CLOSED)

    def _created_at(
        self, state: str, restoration: timedelta, jeopardy: timedelta, due: bool
    ) -> datetime:
        rng, now = self.rng, self.now
        if due:  # past its jeopardy point but not yet moved: the timer's next job
            return now - jeopardy - timedelta(minutes=rng.randint(1, 20))
        if state == State.OPEN:
            return now - min(jeopardy * 0.8, timedelta(hours=2)) * rng.random()
        if state == State.ASSIGNED:
            return now - jeopardy * rng.uniform(0.05, 0.9)
        if state == State.IN_JEOPARDY:
            return now - jeopardy - (restoration * 1.7 - jeopardy) * rng.random()
        if state == State.CLEARED:
            return now - restoration * rng.uniform(0.2, 1.0) - timedelta(hours=rng.uniform(1, 90))
        return now - timedelta(days=rng.uniform(3, 120))

    def _end_time(self, state: str, created: datetime, restoration: timedelta) -> datetime:
        if state in (State.ASSIGNED, State.IN_JEOPARDY):
            return self.now
        # Most are restored within target; some overrun.
        factor = (
            self.rng.uniform(0.15, 0.95) if self.rng.random() < 0.8 else self.rng.uniform(1.0, 2.2)
        )
        end = created + restoration * factor
        return min(end, self.now - timedelta(minutes=30))

    def _targets(self, plan: Plan, policy: Any) -> None:
        sla.apply_policy(plan.problem, policy)

    def _hold(
        self, plan: Plan, start: datetime, end: datetime, state: str, agent: Any
    ) -> timedelta:
        rng, problem = self.rng, plan.problem
        if rng.random() > 0.15 or end - start < timedelta(minutes=30):
            return timedelta(0)
        reason = rng.choice(HoldReason.values)
        held_from = start + (end - start) * rng.uniform(0.1, 0.5)
        self._event(
            plan,
            held_from,
            EventKind.ON_HOLD,
            agent.username,
            actor=agent,
            message=HoldReason(reason).label,
            data={"reason": reason},
        )
        if state == State.ASSIGNED and rng.random() < 0.5:  # still waiting now
            problem.on_hold_since = held_from
            problem.hold_reason = reason
            return timedelta(0)
        resumed = held_from + (end - held_from) * rng.uniform(0.2, 0.6)
        self._event(
            plan,
            resumed,
            EventKind.RESUMED,
            agent.username,
            actor=agent,
            message="Resumed.",
            data={"reason": reason, "held_seconds": int((resumed - held_from).total_seconds())},
        )
        return resumed - held_from

    def _work(
        self, plan: Plan, start: datetime, end: datetime, agent: Any, *, finished: bool
    ) -> None:
        rng, problem = self.rng, plan.problem
        for _ in range(rng.choice([0, 1, 1, 2])):
            internal = rng.random() < 0.5
            when = start + (end - start) * rng.random()
            body = rng.choice(texts.NOTES_INTERNAL if internal else texts.NOTES_PUBLIC)
            plan.notes.append(
                {
                    "author_id": agent.pk,
                    "author_label": agent.username,
                    "body": body,
                    "is_internal": internal,
                    "created_at": when,
                }
            )
            self._event(
                plan,
                when,
                EventKind.NOTE,
                agent.username,
                actor=agent,
                message=body,
                public=not internal,
            )
        for _ in range(rng.choice([0, 1, 1, 2])):
            kind = rng.choice(ActivityKind.values)
            scheduled = start + (end - start) * rng.uniform(0.05, 0.5)
            supplier = kind == ActivityKind.SUPPLIER_REQUEST
            activity = {
                "kind": kind,
                "summary": texts.ACTIVITIES[kind],
                "assignee_id": agent.pk,
                "team_id": problem.team_id,
                "created_by_id": agent.pk,
                "created_at": scheduled,
                "supplier_name": "Northwind Wholesale" if supplier else "",
                "external_reference": f"NW-{rng.randint(10000, 99999)}" if supplier else "",
            }
            plan.activities.append(activity)
            self._event(
                plan,
                scheduled,
                EventKind.ACTIVITY_SCHEDULED,
                agent.username,
                actor=agent,
                message=f"{ActivityKind(kind).label}: {activity['summary']}",
                data={"kind": kind},
            )
            if finished or rng.random() < 0.4:
                done = scheduled + (end - scheduled) * rng.uniform(0.3, 0.95)
                outcome = (
                    ActivityOutcome.RESTORED
                    if finished and rng.random() < 0.7
                    else rng.choice(ActivityOutcome.values)
                )
                activity.update(
                    status=ActivityStatus.COMPLETED,
                    started_at=scheduled + (done - scheduled) / 3,
                    completed_at=done,
                    outcome=outcome,
                )
                self._event(
                    plan,
                    done,
                    EventKind.ACTIVITY_COMPLETED,
                    agent.username,
                    actor=agent,
                    message=f"{activity['summary']}: {ActivityOutcome(outcome).label.lower()}.",
                    data={"status": "completed", "outcome": outcome},
                )
            elif rng.random() < 0.5:
                activity["status"] = ActivityStatus.IN_PROGRESS
                activity["started_at"] = scheduled + (self.now - scheduled) / 4

    def _clear(self, plan: Plan, when: datetime, current: str, agent: Any) -> None:
        rng, problem = self.rng, plan.problem
        outcome = (
            RestorationOutcome.WORKAROUND if rng.random() < 0.15 else RestorationOutcome.RESTORED
        )
        problem.resolution_outcome = outcome
        problem.resolution_summary = rng.choice(texts.RESOLUTIONS)
        problem.root_cause = (
            problem.known_error.root_cause if problem.known_error else rng.choice(texts.ROOT_CAUSES)
        )
        if problem.known_error and outcome == RestorationOutcome.WORKAROUND:
            problem.workaround_applied = True
        self._event(
            plan,
            when,
            EventKind.CLEARED,
            agent.username,
            current,
            State.CLEARED,
            actor=agent,
            message=problem.resolution_summary,
            data={"outcome": outcome, "root_cause": problem.root_cause},
        )

    def _cancel(self, plan: Plan, when: datetime, current: str, contact: Any, agent: Any) -> None:
        problem = plan.problem
        kind = self.rng.choice(CancellationKind.values)
        if kind == CancellationKind.DUPLICATE:
            kind = CancellationKind.INCORRECT  # the original is not known in a bulk run
        by_customer = kind == CancellationKind.WITHDRAWN and current == State.OPEN
        actor = contact if by_customer else agent
        problem.cancellation_kind = kind
        problem.status_change_reason = texts.CANCEL_REASONS[kind]
        problem.cancelled_at = when
        problem.escalation_due_at = None
        self._event(
            plan,
            when,
            EventKind.CANCELLED,
            actor.username,
            current,
            State.CANCELLED,
            actor=actor,
            message=problem.status_change_reason,
            data={"kind": kind},
        )
        self._finish(plan, State.CANCELLED)

    def _finish(self, plan: Plan, state: str) -> Plan:
        problem = plan.problem
        _with_state(problem, state)
        if state not in (State.OPEN, State.ASSIGNED, State.IN_JEOPARDY):
            problem.escalation_due_at = None
        plan.events.sort(key=lambda event: event["created_at"])
        problem.updated_at = plan.events[-1]["created_at"]
        return plan

    def _event(
        self,
        plan: Plan,
        when: datetime,
        kind: str,
        label: str,
        from_state: str = "",
        to_state: str = "",
        *,
        actor: Any = None,
        message: str = "",
        public: bool = True,
        data: dict[str, Any] | None = None,
    ) -> None:
        plan.events.append(
            {
                "created_at": when,
                "kind": kind,
                "actor_id": actor.pk if actor else None,
                "actor_label": label,
                "from_state": from_state,
                "to_state": to_state,
                "message": message,
                "is_public": public,
                "data": data or {},
            }
        )


def _with_state(problem: CustomerProblem, state: str) -> CustomerProblem:
    # The state field is protected against assignment after construction; a plan is built
    # before the row exists, so set the attribute the way the constructor does.
    problem.__dict__["state"] = state
    return problem


def write(plans: list[Plan]) -> None:
    """Insert the plans' problems, then their events, notes and activities, in one
    transaction. PostgreSQL gets COPY (a million problems in minutes); others bulk INSERT."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy(plans)
        else:
            _bulk_create(plans)


CHILDREN = (
    ("events", ProblemEvent),
    ("notes", Note),
    ("activities", RecoveryActivity),
    ("surveys", SatisfactionSurvey),
)


def _bulk_create(plans: list[Plan]) -> None:
    CustomerProblem.objects.bulk_create([plan.problem for plan in plans], batch_size=2000)
    for attribute, model in CHILDREN:
        model.objects.bulk_create(
            [
                model(problem_id=plan.problem.pk, **record)
                for plan in plans
                for record in getattr(plan, attribute)
            ],
            batch_size=5000,
        )


PROBLEM_FIELDS = list(CustomerProblem._meta.concrete_fields)  # the primary key first
CHILD_FIELDS = {
    attribute: [f for f in model._meta.concrete_fields if not f.primary_key]
    for attribute, model in CHILDREN
}


@dataclass
class Rows:
    """A plan flattened to table rows, ready for COPY; ids are filled in by the writer."""

    problem: list[Any]
    children: dict[str, list[list[Any]]]


def flatten(plan: Plan) -> Rows:
    children = {}
    for attribute, fields in CHILD_FIELDS.items():
        defaults = _defaults(attribute)
        children[attribute] = [
            [record.get(f.attname, defaults[f.attname]) for f in fields]
            for record in getattr(plan, attribute)
        ]
    return Rows([getattr(plan.problem, f.attname) for f in PROBLEM_FIELDS], children)


_DEFAULTS: dict[str, dict[str, Any]] = {}


def _defaults(attribute: str) -> dict[str, Any]:
    if attribute not in _DEFAULTS:
        _DEFAULTS[attribute] = {f.attname: f.get_default() for f in CHILD_FIELDS[attribute]}
    return _DEFAULTS[attribute]


def _copy(plans: list[Plan]) -> None:
    copy_rows([flatten(plan) for plan in plans])


def copy_rows(batch: list[Rows]) -> None:
    """COPY a batch of flattened plans (PostgreSQL), inside the caller's transaction."""
    # Reserve the problems' ids from their sequence, so the children can point at them.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")  # demo data: speed over durability
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [CustomerProblem._meta.db_table, len(batch)],
        )
        for rows, (pk,) in zip(batch, cursor.fetchall(), strict=True):
            rows.problem[0] = pk
            for attribute, fields in CHILD_FIELDS.items():
                at = next(i for i, f in enumerate(fields) if f.attname == "problem_id")
                for child in rows.children[attribute]:
                    child[at] = pk
    _copy_table(CustomerProblem, PROBLEM_FIELDS, (rows.problem for rows in batch))
    for attribute, model in CHILDREN:
        _copy_table(
            model,
            CHILD_FIELDS[attribute],
            (child for rows in batch for child in rows.children[attribute]),
        )


def _copy_table(model: Any, fields: list[Any], rows: Iterator[list[Any]]) -> None:
    from psycopg.types.json import Jsonb

    json_columns = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        copy_sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
        with cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                for i in json_columns:
                    row[i] = Jsonb(row[i])
                copy.write_row(row)


def generate(simulator: Simulator, count: int, *, jeopardy_due: int = 0) -> Iterator[Plan]:
    for index in range(count):
        if index < jeopardy_due:
            yield simulator.plan(state=State.ASSIGNED, jeopardy_due=True)
        else:
            yield simulator.plan()
