"""The desk's named queues, their live counts, and the supervisor's boards (reads only).

Every function starts from ``selectors.problems_visible_to`` so that what a queue counts
is exactly what its user may open.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Min, Q
from django.utils import timezone

from problems.models import ACTIVE_STATES, CustomerProblem, State, Team, User
from problems.models.problem import ProblemQuerySet
from problems.selectors import agents_of_teams, problem_list_for_user, problems_visible_to

ACTIVE = list(ACTIVE_STATES)
# Problems that the named queues with counts are drawn from: the active ones and those
# waiting for the customer's confirmation. Closed history is never counted.
WORKING_STATES = [*ACTIVE, State.CLEARED]


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    condition: Callable[[Any], Q]
    counted: bool = True
    empty_text: str = "Nothing here."


QUEUES: list[Queue] = [
    Queue(
        "mine",
        "My problems",
        lambda user: Q(assignee=user, state__in=ACTIVE),
        empty_text="Nothing is assigned to you. Take one from “Unassigned” or “My team”.",
    ),
    Queue(
        "team",
        "My team",
        lambda user: Q(team__in=Team.objects.filter(members=user), state__in=ACTIVE),
        empty_text="Your teams have no open problems.",
    ),
    Queue(
        "unassigned",
        "Unassigned",
        lambda user: Q(assignee__isnull=True, state__in=ACTIVE),
        empty_text="Every open problem has an agent.",
    ),
    Queue(
        "jeopardy",
        "In jeopardy",
        lambda user: Q(state=State.IN_JEOPARDY),
        empty_text="No problem is in jeopardy.",
    ),
    Queue(
        "cleared",
        "Cleared, awaiting confirmation",
        lambda user: Q(state=State.CLEARED),
        empty_text="No cleared problem is waiting for its customer.",
    ),
    # A network fault behind these was fixed, but they could not be cleared for the customer
    # automatically (services: restoration policy "propose", or an unassigned or busy
    # problem). Not counted: the live counts stay an index-only read of the working problems.
    Queue(
        "restored",
        "Service restored: to clear",
        lambda user: Q(state__in=ACTIVE, clearance_proposed_at__isnull=False),
        counted=False,
        empty_text="No problem waits to be cleared after a network fault was fixed.",
    ),
    Queue(
        "open",
        "All open",
        lambda user: Q(state__in=ACTIVE),
        empty_text="No open problems.",
    ),
    Queue("all", "All problems", lambda user: Q(), counted=False, empty_text="No problems."),
]
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}
DEFAULT_QUEUE = "open"


def queue_for(slug: str | None) -> Queue:
    return QUEUES_BY_SLUG.get(slug or DEFAULT_QUEUE, QUEUES_BY_SLUG[DEFAULT_QUEUE])


def queue_problems(user: Any, queue: Queue) -> ProblemQuerySet:
    """The rows of a named queue, most urgent first unless the table sorts otherwise."""
    return (
        problem_list_for_user(user=user)
        .filter(queue.condition(user))
        .order_by(F("restore_by").asc(nulls_last=True), "pk")
    )


def queue_counts(user: Any) -> dict[str, int]:
    """The live count of every counted queue, in one query."""
    counts = (
        problems_visible_to(user)
        .filter(state__in=WORKING_STATES)
        .aggregate(
            **{
                # COUNT(state), not COUNT(id): every column it reads is in the
                # problem_working index, so PostgreSQL counts from the index alone.
                queue.slug: Count("state", filter=queue.condition(user))
                for queue in QUEUES
                if queue.counted
            }
        )
    )
    return {slug: int(value or 0) for slug, value in counts.items()}


# --- Supervisor: jeopardy and escalation board ---------------------------------------------
BOARD_HORIZON = timedelta(hours=4)
BOARD_LIMIT = 60  # cards per lane; the lane links to the full queue


@dataclass
class Lane:
    level: int
    total: int = 0
    problems: list[CustomerProblem] = field(default_factory=list)


def jeopardy_board(user: Any, *, now: datetime | None = None) -> list[Lane]:
    """Active problems that need a supervisor's eye (in jeopardy, escalated, or due to
    breach within the horizon), in one lane per escalation level, soonest breach first."""
    now = now or timezone.now()
    watched = (
        problem_list_for_user(user=user)
        .filter(state__in=ACTIVE)
        .filter(
            Q(state=State.IN_JEOPARDY)
            | Q(escalation_level__gt=0)
            | Q(restore_by__lte=now + BOARD_HORIZON)
        )
    )
    lanes = [Lane(level) for level in range(4)]
    for row in watched.values("escalation_level").annotate(total=Count("pk")):
        lanes[row["escalation_level"]].total = row["total"]
    ordered = watched.order_by(F("restore_by").asc(nulls_last=True), "pk")
    for lane in lanes:
        if lane.total:
            lane.problems = list(ordered.filter(escalation_level=lane.level)[:BOARD_LIMIT])
    return lanes


# --- Supervisor: team workload ---------------------------------------------------------------
@dataclass
class AgentLoad:
    agent: User
    open: int = 0
    in_jeopardy: int = 0
    escalated: int = 0
    on_hold: int = 0
    next_breach: datetime | None = None


@dataclass
class TeamLoad:
    team: Team
    unassigned: int = 0
    agents: list[AgentLoad] = field(default_factory=list)

    @property
    def open(self) -> int:
        return self.unassigned + sum(load.open for load in self.agents)

    @property
    def busiest(self) -> int:
        return max((load.open for load in self.agents), default=0)


def team_workload(user: Any) -> list[TeamLoad]:
    """Open problems per agent of each active team (and each team's unassigned ones).

    A fixed number of queries whatever the number of problems: one grouped count of the
    active problems by (team, assignee), the teams, and their agents.
    """
    active = problems_visible_to(user).filter(state__in=ACTIVE)
    grouped = active.values("team_id", "assignee_id").annotate(
        open=Count("pk"),
        in_jeopardy=Count("pk", filter=Q(state=State.IN_JEOPARDY)),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
        on_hold=Count("pk", filter=Q(on_hold_since__isnull=False)),
        next_breach=Min("restore_by"),
    )
    counts: dict[tuple[int | None, int | None], dict[str, Any]] = {
        (row["team_id"], row["assignee_id"]): dict(row) for row in grouped.order_by()
    }
    loads = []
    for team in Team.objects.filter(is_active=True).order_by("name"):
        load = TeamLoad(team, unassigned=_count(counts.get((team.pk, None)), "open"))
        loads.append(load)
    agents_by_team = _agents_by_team([load.team.pk for load in loads])
    for load in loads:
        for agent in agents_by_team.get(load.team.pk, []):
            row: dict[str, Any] = counts.get((load.team.pk, agent.pk)) or {}
            load.agents.append(
                AgentLoad(
                    agent,
                    open=_count(row, "open"),
                    in_jeopardy=_count(row, "in_jeopardy"),
                    escalated=_count(row, "escalated"),
                    on_hold=_count(row, "on_hold"),
                    next_breach=row.get("next_breach"),
                )
            )
        load.agents.sort(key=lambda agent_load: (-agent_load.open, str(agent_load.agent)))
    return loads


def _agents_by_team(team_ids: list[int]) -> dict[int, list[User]]:
    memberships = Team.members.through.objects.filter(team_id__in=team_ids).values_list(
        "team_id", "user_id"
    )
    agents = {agent.pk: agent for agent in agents_of_teams(team_ids)}
    by_team: dict[int, list[User]] = {}
    for team_id, user_id in memberships:
        if user_id in agents:
            by_team.setdefault(team_id, []).append(agents[user_id])
    return by_team


def _count(row: dict[str, Any] | None, key: str) -> int:
    return int((row or {}).get(key) or 0)
