"""A TMF656 create or PATCH as ``services.workflow`` calls, all in one transaction: a
request refused half-way (a refused transition after a note was added) leaves nothing."""

from typing import Any

from django.db import transaction
from django.db.models import Q

from problems.models import RestorationOutcome, Team, User
from problems.permissions import is_agent
from problems.workflow import InvalidInput, TransitionRefused
from services import workflow
from services.api.access import iso, numeric_id
from services.api.problem_render import DERIVED, KEPT
from services.api.problem_status import MOVES, allowed_targets, status_of
from services.models import Alarm, Service, ServiceTroubleReport

# Derived attributes a caller may give: what we do not derive is kept as given.
GIVEN = tuple(
    name for name in DERIVED if name not in ("affectedNumberOfServices", "trackingRecord")
)


def _plain(value: Any) -> Any:
    """Validated data as plain JSON (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return iso(value)
    return value


def _kept(data: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    kept = dict(current)
    for name in KEPT:
        if name in data:
            kept[name] = _plain(data[name])
    given = dict(kept.get("given") or {})
    for name in GIVEN:
        if name in data:
            given[name] = _plain(data[name])
    if given:
        kept["given"] = given
    return {k: v for k, v in kept.items() if v not in (None, "", [], {})}


def _services(refs: list[dict[str, Any]]) -> list[Service]:
    ids = [numeric_id(ref["id"]) for ref in refs]
    codes = [ref["id"] for ref in refs]
    return list(
        Service.objects.filter(Q(pk__in=[i for i in ids if i is not None]) | Q(code__in=codes))
    )


def _alarms(refs: list[dict[str, Any]]) -> list[Alarm]:
    ids = [i for i in (numeric_id(ref["id"]) for ref in refs) if i is not None]
    return list(Alarm.objects.filter(pk__in=ids))


def problem_create(*, actor: User, data: dict[str, Any]) -> ServiceTroubleReport:
    """Open a trouble report from a ServiceProblem_Create."""
    description = data["description"].strip()
    title = (data.get("name") or "").strip() or data["reason"].strip() or description
    identifiers = data.get("externalIdentifier") or []
    with transaction.atomic():
        report = workflow.trouble_report_open(
            actor=actor,
            title=title[:200],
            description=description,
            priority=data["priority"],
            alarms=_alarms(data.get("underlyingAlarm") or []),
            services=_services(data.get("affectedService") or []),
            origin="api",
            originating_system=(data.get("originatingSystem") or "").strip(),
            external_id=identifiers[0]["id"].strip()[:100] if identifiers else "",
            tmf_attributes=_kept(data, {}),
        )
        for note in data.get("note") or []:
            workflow.trouble_report_progress(report, actor=actor, message=note["text"])
        assignee = _agent(data["responsibleParty"]) if data.get("responsibleParty") else None
        if assignee is not None:
            report = _assign(report, actor=actor, assignee=assignee)
    return report


def problem_update(
    report: ServiceTroubleReport, *, actor: User, data: dict[str, Any]
) -> ServiceTroubleReport:
    """Apply a merge patch: attributes, new notes, an assignment, then the status step."""
    changes: dict[str, Any] = {}
    if "name" in data:
        changes["title"] = data["name"].strip()
    if "description" in data:
        changes["description"] = data["description"].strip()
    if "priority" in data:
        changes["priority"] = data["priority"]
    kept = _kept(data, report.tmf_attributes or {})
    if kept != (report.tmf_attributes or {}):
        changes["tmf_attributes"] = kept
    changes = {k: v for k, v in changes.items() if getattr(report, k) != v}
    assignee = _agent(data["responsibleParty"]) if data.get("responsibleParty") else None
    if data.get("responsibleParty") and assignee is None:
        raise InvalidInput(
            "responsibleParty names who works on the problem: give an agent's id.",
            field="responsibleParty",
        )
    reason = (data.get("statusChangeReason") or "").strip()
    target = data.get("status")
    with transaction.atomic():
        if changes:
            report = workflow.trouble_report_update(report, actor=actor, **changes)
        known = {str(pk) for pk in report.events.values_list("pk", flat=True)}
        for note in data.get("note") or []:
            if (note.get("id") or "") in known:
                continue
            report = workflow.trouble_report_progress(report, actor=actor, message=note["text"])
        current = status_of(report.state)
        move = MOVES.get((current, target)) if target else None
        if assignee is not None and assignee.pk != report.assignee_id and move != "assign":
            report = _assign(report, actor=actor, assignee=assignee)
        if target and target != current:
            if move is None:
                allowed = ", ".join(allowed_targets(current)) or "nothing (it is final)"
                raise TransitionRefused(
                    f"A service problem that is {current} cannot become {target}; "
                    f"from {current} it can become {allowed}."
                )
            report = _run(move, report, actor=actor, assignee=assignee, reason=reason)
    return report


def _run(
    move: str, report: ServiceTroubleReport, *, actor: User, assignee: User | None, reason: str
) -> ServiceTroubleReport:
    """One life-cycle step through its workflow function (with its guards)."""
    if move == "assign":
        if assignee is None and is_agent(actor) and not hasattr(actor, "api_client"):
            assignee = actor
        if assignee is None:
            raise InvalidInput(
                "Name who works on it: responsibleParty with an agent's id.",
                field="responsibleParty",
            )
        return _assign(report, actor=actor, assignee=assignee)
    if move == "close":
        return workflow.trouble_report_close(report, actor=actor)
    if move == "resolve":
        return workflow.trouble_report_resolve(
            report, actor=actor, outcome=RestorationOutcome.RESTORED, summary=reason
        )
    function = getattr(workflow, f"trouble_report_{move}")
    result: ServiceTroubleReport = function(report, actor=actor, reason=reason)
    return result


def _agent(party: dict[str, Any]) -> User | None:
    pk = numeric_id(party.get("id"))
    user = User.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    return user if user is not None and is_agent(user) else None


def _assign(report: ServiceTroubleReport, *, actor: User, assignee: User) -> ServiceTroubleReport:
    team: Team | None = None
    if report.team is None or not report.team.members.filter(pk=assignee.pk).exists():
        team = assignee.teams.filter(is_active=True).order_by("name").first()
    return workflow.trouble_report_assign(report, actor=actor, assignee=assignee, team=team)
