"""A service trouble report as a TMF656 ServiceProblem.

What the report knows fills the attributes: its alarms (``underlyingAlarm``, and their
resources as ``affectedResource``), the localisation (``affectedService``,
``rootCauseResource``), the linked customer problems (``troubleTicket``, TMF621 hrefs), the
assignee (``responsibleParty``), the log (``trackingRecord``; progress updates are ``note``).
Attributes we only keep for the caller are in ``tmf_attributes``.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch

from problemdesk.api.query import select_fields
from problems.models import TroubleReportLink
from services.api.access import ALARM_BASE, SERVICE_PROBLEM_BASE, TROUBLE_TICKET_BASE, iso
from services.api.problem_status import status_of
from services.models import (
    Alarm,
    ReportEventKind,
    ServiceTroubleReport,
    TroubleReportEvent,
    TroubleReportImpact,
)
from services.models.reports import ReportQuerySet

# Kept as the caller gave them (create and PATCH).
KEPT = (
    "category",
    "reason",
    "impactImportanceFactor",
    "originatorParty",
    "relatedParty",
    "externalIdentifier",
    "characteristic",
    "relatedEntity",
    "affectedLocation",
    "impactPattern",
    "relatedEvent",
    "slaViolation",
    "firstAlert",
)
DERIVED = (
    "affectedNumberOfServices",
    "affectedResource",
    "affectedService",
    "rootCauseResource",
    "rootCauseService",
    "troubleTicket",
    "underlyingAlarm",
    "trackingRecord",
    "parentProblem",
    "underlyingProblem",
)
SELECTABLE = (
    "id",
    "href",
    "@type",
    "name",
    "description",
    "priority",
    "status",
    "statusChangeReason",
    "statusChangeDate",
    "creationDate",
    "lastUpdate",
    "resolutionDate",
    "originatingSystem",
    "problemEscalation",
    "responsibleParty",
    "note",
    *KEPT,
    *DERIVED,
)


def problem_href(base_url: str, pk: int) -> str:
    return f"{base_url}{SERVICE_PROBLEM_BASE}/serviceProblem/{pk}"


def alarm_href(base_url: str, pk: int) -> str:
    return f"{base_url}{ALARM_BASE}/alarm/{pk}"


# Which attributes need which related rows (``fields=`` skips reading the others).
NEEDS_EVENTS = {"statusChangeDate", "note", "trackingRecord"}
NEEDS_ALARMS = {"underlyingAlarm", "affectedResource"}
NEEDS_IMPACTS = {"affectedService", "affectedNumberOfServices"}
NEEDS_LINKS = {"troubleTicket"}


def _wants(fields: set[str] | None, names: set[str]) -> bool:
    return fields is None or bool(fields & names)


def with_related(reports: ReportQuerySet, fields: set[str] | None = None) -> ReportQuerySet:
    """The joins and prefetches a page of problems needs (a fixed number of queries), only
    those the asked-for attributes need."""
    prefetches: list[Prefetch[Any]] = []
    if _wants(fields, NEEDS_ALARMS):
        prefetches.append(
            Prefetch("alarms", queryset=Alarm.objects.select_related("resource").order_by("pk"))
        )
    if _wants(fields, NEEDS_IMPACTS):
        prefetches.append(
            Prefetch(
                "impacts",
                queryset=TroubleReportImpact.objects.select_related("service").order_by(
                    "service_id"
                ),
            )
        )
    if _wants(fields, NEEDS_EVENTS):
        prefetches.append(
            Prefetch("events", queryset=TroubleReportEvent.objects.order_by("created_at", "pk"))
        )
    return reports.select_related("assignee", "team", "root_cause_resource").prefetch_related(
        *prefetches
    )


def links_of(report_ids: Sequence[int]) -> dict[int, list[TroubleReportLink]]:
    """The linked customer problems of each report (one query for a page)."""
    found: dict[int, list[TroubleReportLink]] = {pk: [] for pk in report_ids}
    for link in TroubleReportLink.objects.filter(trouble_report_id__in=report_ids).order_by(
        "problem_id"
    ):
        found.setdefault(link.trouble_report_id, []).append(link)
    return found


def render_problems(
    reports: Iterable[ServiceTroubleReport], *, base_url: str, fields: set[str] | None = None
) -> list[dict[str, Any]]:
    reports = list(reports)
    links = links_of([report.pk for report in reports]) if _wants(fields, NEEDS_LINKS) else {}
    return [
        render_problem(report, base_url=base_url, links=links.get(report.pk, []), fields=fields)
        for report in reports
    ]


def render_problem(
    report: ServiceTroubleReport,
    *,
    base_url: str,
    links: list[TroubleReportLink] | None = None,
    fields: set[str] | None = None,
) -> dict[str, Any]:
    """The problem as JSON (``report`` loaded through ``with_related``)."""
    if links is None:
        links = links_of([report.pk])[report.pk] if _wants(fields, NEEDS_LINKS) else []
    kept = report.tmf_attributes or {}
    events = list(report.events.all()) if _wants(fields, NEEDS_EVENTS) else []
    alarms = list(report.alarms.all()) if _wants(fields, NEEDS_ALARMS) else []
    impacts = list(report.impacts.all()) if _wants(fields, NEEDS_IMPACTS) else []
    status_changes = [e for e in events if e.to_state and e.to_state != e.from_state]
    problem: dict[str, Any] = {
        "id": str(report.pk),
        "href": problem_href(base_url, report.pk),
        "@type": "ServiceProblem",
        "name": report.title,
        "description": report.description,
        "category": kept.get("category", ""),
        "priority": report.priority,
        "reason": kept.get("reason", ""),
        "status": status_of(report.state),
        "creationDate": iso(report.created_at),
        "lastUpdate": iso(report.updated_at),
        "originatingSystem": report.originating_system,
        "problemEscalation": str(report.escalation_level),
        "affectedNumberOfServices": len(impacts),
    }
    if report.status_change_reason:
        problem["statusChangeReason"] = report.status_change_reason
    if status_changes:
        problem["statusChangeDate"] = iso(status_changes[-1].created_at)
    if report.resolved_at:
        problem["resolutionDate"] = iso(report.resolved_at)
    for name in KEPT[2:]:
        if kept.get(name) not in (None, "", []):
            problem[name] = kept[name]
    if "externalIdentifier" not in problem and report.external_id:
        problem["externalIdentifier"] = [{"id": report.external_id}]
    if report.assignee is not None:
        problem["responsibleParty"] = {
            "id": str(report.assignee.pk),
            "name": report.assignee.get_full_name() or report.assignee.username,
            "role": "assignee",
            "@referredType": "Individual",
        }
    if report.team is not None:
        problem.setdefault("relatedParty", [])
        problem["relatedParty"] = [
            *problem["relatedParty"],
            {
                "id": str(report.team.pk),
                "name": report.team.name,
                "role": "team",
                "@referredType": "Team",
            },
        ]
    problem["affectedService"] = [
        {"id": str(i.service_id), "name": i.service.name, "@referredType": "Service"}
        for i in impacts
    ]
    resources = {a.resource_id: a.resource for a in alarms if a.resource is not None}
    problem["affectedResource"] = [
        {"id": str(pk), "name": resource.name, "@referredType": "Resource"}
        for pk, resource in sorted(resources.items())
    ]
    if report.root_cause_resource is not None:
        problem["rootCauseResource"] = [
            {
                "id": str(report.root_cause_resource.pk),
                "name": report.root_cause_resource.name,
                "@referredType": "Resource",
            }
        ]
    problem["underlyingAlarm"] = [
        {"id": str(a.pk), "href": alarm_href(base_url, a.pk), "@referredType": "Alarm"}
        for a in alarms
    ]
    problem["troubleTicket"] = [
        {
            "id": str(link.problem_id),
            "href": f"{base_url}{TROUBLE_TICKET_BASE}/troubleTicket/{link.problem_id}",
            "@referredType": "TroubleTicket",
        }
        for link in links
    ]
    problem["note"] = [
        {
            "id": str(e.pk),
            "author": e.actor_label,
            "date": iso(e.created_at),
            "text": e.message,
            "@type": "Note",
        }
        for e in events
        if e.kind == ReportEventKind.PROGRESS
    ]
    problem["trackingRecord"] = [tracking_record(e) for e in events]
    for name, refs in (kept.get("given") or {}).items():
        ours = problem.get(name) or []
        known = {ref.get("id") for ref in ours}
        problem[name] = [*ours, *(ref for ref in refs if ref.get("id") not in known)]
    return select_fields(problem, fields)


def tracking_record(event: TroubleReportEvent) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": str(event.pk),
        "description": event.message or event.get_kind_display(),
        "systemId": "problemdesk",
        "time": iso(event.created_at),
        "user": event.actor_label,
        "characteristic": [{"name": "kind", "value": event.kind, "valueType": "string"}],
        "@type": "TrackingRecord",
    }
    if event.to_state:
        record["characteristic"].append(
            {"name": "status", "value": status_of(event.to_state), "valueType": "string"}
        )
    return record
