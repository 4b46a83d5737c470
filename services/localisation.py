"""Localisation (eTOM 1.4.6 *Diagnose Problem*): from alarms and the dependency graph,
which services a fault impacts and which resource most likely causes it.

The graph: a resource contains components (``Resource.parent``); a service depends on
resources and on other services (``ServiceDependency``). A fault on a resource covers its
components, hits every service that depends on any of them, and every service that depends
on a hit service, transitively.

The most likely root resource is the one that explains the most alarmed resources: itself
alarmed, or containing them (a chassis whose cards all alarm is more likely at fault than
each card). Ties go to a resource that alarms itself, then to the most severe alarm, then to
the earliest. Each walk is one query per level of the graph, not one per node.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from services.models import SEVERITY_RANK, Alarm, Resource, ServiceDependency


@dataclass
class Localisation:
    root_resource_id: int | None
    explanation: str
    # service id -> why it is impacted ("depends on olt-leeds-1")
    impacted: dict[int, str] = field(default_factory=dict)
    alarmed_resource_ids: set[int] = field(default_factory=set)


def components_of(resource_ids: Iterable[int]) -> set[int]:
    """The resources and all their components, at any depth."""
    found = set(resource_ids)
    frontier = set(found)
    while frontier:
        below = set(Resource.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = below - found
        found |= frontier
    return found


def containers_of(resource_ids: Iterable[int]) -> dict[int, int | None]:
    """Parent of each resource and of each of its containers, up to the top: {id: parent}."""
    parents: dict[int, int | None] = {}
    frontier = set(resource_ids)
    while frontier:
        rows = list(Resource.objects.filter(pk__in=frontier).values_list("pk", "parent_id"))
        parents.update(rows)
        frontier = {parent for _, parent in rows if parent is not None} - set(parents)
    return parents


def services_impacted_by(resource_ids: Iterable[int]) -> dict[int, str]:
    """Every service a fault on these resources hits: {service id: why}."""
    covered = components_of(resource_ids)
    impacted: dict[int, str] = {}
    direct = ServiceDependency.objects.filter(resource_id__in=covered).values_list(
        "service_id", "resource__code"
    )
    for service_id, code in direct.order_by("service_id", "resource__code"):
        impacted.setdefault(service_id, f"depends on {code}")
    frontier = set(impacted)
    while frontier:
        above = ServiceDependency.objects.filter(depends_on_service_id__in=frontier).values_list(
            "service_id", "depends_on_service__name"
        )
        frontier = set()
        for service_id, name in above.order_by("service_id", "depends_on_service__name"):
            if service_id not in impacted:
                impacted[service_id] = f"depends on the {name} service"
                frontier.add(service_id)
    return impacted


def services_impacted_by_each(resource_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """For each resource, the services a fault on it hits, for a whole batch of resources in
    one query per level of the graph (alarm correlation asks this for every batch)."""
    wanted = set(resource_ids)
    # Which of the wanted resources each resource is (a component of), walking down.
    owners: dict[int, set[int]] = {pk: {pk} for pk in wanted}
    frontier = set(wanted)
    while frontier:
        children = Resource.objects.filter(parent_id__in=frontier).values_list("pk", "parent_id")
        frontier = set()
        for child, parent in children:
            if parent is None:
                continue
            known = child in owners
            owners.setdefault(child, set()).update(owners[parent])
            if not known:
                frontier.add(child)
    direct: dict[int, set[int]] = {pk: set() for pk in wanted}
    for service_id, resource_id in ServiceDependency.objects.filter(
        resource_id__in=list(owners)
    ).values_list("service_id", "resource_id"):
        for owner in owners[resource_id]:
            direct[owner].add(service_id)
    # Services above services, walking up once for all of them.
    dependents: dict[int, set[int]] = {}
    frontier = set().union(*direct.values()) if direct else set()
    seen = set(frontier)
    while frontier:
        above = ServiceDependency.objects.filter(depends_on_service_id__in=frontier).values_list(
            "service_id", "depends_on_service_id"
        )
        frontier = set()
        for service_id, below in above:
            dependents.setdefault(below, set()).add(service_id)
            if service_id not in seen:
                seen.add(service_id)
                frontier.add(service_id)
    result: dict[int, frozenset[int]] = {}
    for resource_id, services in direct.items():
        closure, todo = set(services), list(services)
        while todo:
            for upper in dependents.get(todo.pop(), ()):
                if upper not in closure:
                    closure.add(upper)
                    todo.append(upper)
        result[resource_id] = frozenset(closure)
    return result


def localise(alarms: Sequence[Alarm]) -> Localisation:
    """Localise the fault behind these alarms (a trouble report's). Raised alarms count;
    when all have cleared, all of them do (the report keeps its diagnosis)."""
    raised = [alarm for alarm in alarms if alarm.is_raised and alarm.resource_id]
    considered = raised or [alarm for alarm in alarms if alarm.resource_id]
    alarmed = {alarm.resource_id for alarm in considered if alarm.resource_id is not None}
    if not alarmed:
        return Localisation(None, "No alarm names a resource of the inventory.")
    parents = containers_of(alarmed)
    explains: dict[int, set[int]] = {}
    for resource_id in alarmed:
        for candidate in _chain(resource_id, parents):
            explains.setdefault(candidate, set()).add(resource_id)
    severity: dict[int, int] = {}
    first_seen: dict[int, datetime] = {}
    for alarm in considered:
        rid = alarm.resource_id
        if rid is None:
            continue
        severity[rid] = max(severity.get(rid, 0), SEVERITY_RANK.get(alarm.highest_severity, 0))
        first_seen[rid] = min(first_seen.get(rid, alarm.raised_at), alarm.raised_at)

    def score(candidate: int) -> tuple[int, bool, int, float]:
        started = first_seen.get(candidate)
        return (
            len(explains[candidate]),
            candidate in alarmed,
            severity.get(candidate, 0),
            -started.timestamp() if started else float("-inf"),
        )

    root = max(sorted(explains), key=score)
    resources = {r.pk: r for r in Resource.objects.filter(pk__in={root, *alarmed})}
    return Localisation(
        root_resource_id=root,
        explanation=_explain(resources[root], len(explains[root]), len(alarmed), root in alarmed),
        impacted=services_impacted_by(alarmed),
        alarmed_resource_ids=alarmed,
    )


def _chain(resource_id: int, parents: dict[int, int | None]) -> list[int]:
    """The resource and its containers, bottom up (stops on a cycle in bad data)."""
    chain: list[int] = []
    current: int | None = resource_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def _explain(root: Resource, explained: int, alarmed: int, root_alarmed: bool) -> str:
    if alarmed == 1:
        return f"{root} is the only alarmed resource."
    own = "alarms itself" if root_alarmed else "raises no alarm of its own"
    return (
        f"{root} explains {explained} of the {alarmed} alarmed resources (it or its "
        f"components); it {own}."
    )
