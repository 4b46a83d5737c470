"""Opening a service trouble report (by an operator, the API or alarm correlation) and
changing what it says."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.models import Priority, Team
from problems.workflow._base import Actor, InvalidInput, TransitionRefused, require_permission
from services.models import (
    Alarm,
    PerceivedSeverity,
    ReportEventKind,
    ReportOrigin,
    ReportState,
    Service,
    ServiceTroubleReport,
    TroubleReportImpact,
)
from services.signals import report_deleting
from services.workflow._base import lock_report, record_report_event, save_report
from services.workflow.diagnosis import attach_alarm, enqueue_assessment, relocalise

PRIORITY_OF_SEVERITY = {
    PerceivedSeverity.CRITICAL: Priority.CRITICAL,
    PerceivedSeverity.MAJOR: Priority.HIGH,
    PerceivedSeverity.MINOR: Priority.MEDIUM,
}


def trouble_report_open(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    priority: int = Priority.HIGH,
    team: Team | None = None,
    alarms: Sequence[Alarm] = (),
    services: Sequence[Service] = (),
    origin: str = ReportOrigin.OPERATOR,
    originating_system: str = "",
    external_id: str = "",
    tmf_attributes: dict[str, Any] | None = None,
) -> ServiceTroubleReport:
    """Open a service trouble report, with the alarms it is about and the services the
    operator knows are impacted (if any): localised at once from the alarms, targets from
    the trouble-report SLA policy of its priority, and the impacted services' customers
    informed by the impact fan-out after commit.

    Guard: a title and a known priority; each alarm is raised and not on another active
    report; staff need ``add_servicetroublereport``.
    """
    require_permission(actor, "services.add_servicetroublereport", "open trouble reports")
    if not title.strip():
        raise InvalidInput("Give the report a title.", field="title")
    if priority not in Priority.values:
        raise InvalidInput("Unknown priority.", field="priority")
    with transaction.atomic():
        locked = list(
            Alarm.objects.select_for_update(of=("self",))
            .select_related("trouble_report")
            .filter(pk__in=[alarm.pk for alarm in alarms])
            .order_by("pk")
        )
        for alarm in locked:
            if not alarm.is_raised:
                raise InvalidInput(f"The alarm on {alarm.alarmed_object_id} has cleared.")
            if alarm.trouble_report is not None and alarm.trouble_report.is_active:
                raise InvalidInput(
                    f"The alarm on {alarm.alarmed_object_id} is already on "
                    f"{alarm.trouble_report.reference}."
                )
        report = open_report(
            actor=actor,
            title=title,
            description=description,
            priority=priority,
            team=team,
            alarms=locked,
            services=services,
            origin=origin,
            originating_system=originating_system,
            external_id=external_id,
            tmf_attributes=tmf_attributes,
        )
    return report


def open_report(
    *,
    actor: Actor,
    title: str,
    description: str,
    priority: int,
    team: Team | None,
    alarms: Sequence[Alarm],
    origin: str,
    services: Sequence[Service] = (),
    originating_system: str = "",
    external_id: str = "",
    tmf_attributes: dict[str, Any] | None = None,
) -> ServiceTroubleReport:
    """The opening itself, inside the caller's transaction, with the alarms locked by it
    (alarm correlation opens reports this way too)."""
    report = ServiceTroubleReport(
        title=title.strip()[:200],
        description=description.strip(),
        priority=priority,
        team=team,
        origin=origin,
        originating_system=originating_system,
        external_id=external_id,
        tmf_attributes=tmf_attributes or {},
        created_at=timezone.now(),
    )
    sla.apply_policy(report, sla.trouble_report_policy_for(priority))
    report.save()
    record_report_event(
        report,
        actor=actor,
        kind=ReportEventKind.CREATED,
        to_state=ReportState.ACKNOWLEDGED,
        message=f"Opened by {ReportOrigin(origin).label.lower()}.",
        data={"priority": priority, "alarms": [alarm.pk for alarm in alarms]},
    )
    for alarm in alarms:
        attach_alarm(report, alarm, actor=actor)
    if not alarms:
        # Alarms raised within the correlation window of its opening attach to it.
        report.first_alarm_at = report.last_alarm_at = report.created_at
    new = relocalise(report, actor=actor)
    named = [service for service in services if service.pk not in new]
    if named:
        TroubleReportImpact.objects.bulk_create(
            [
                TroubleReportImpact(report=report, service=s, reason="named by the operator")
                for s in named
            ],
            ignore_conflicts=True,
        )
        new = sorted({*new, *(service.pk for service in named)})
    if report.team_id is None:
        report.team = _operations_team(new)
    save_report(report)
    enqueue_assessment(report, new)
    return report


def _operations_team(service_ids: list[int]) -> Team | None:
    service = (
        Service.objects.filter(pk__in=service_ids, operations_team__isnull=False)
        .select_related("operations_team")
        .order_by("name")
        .first()
    )
    return service.operations_team if service else None


def trouble_report_update(
    report: ServiceTroubleReport,
    *,
    actor: Actor,
    title: str | None = None,
    description: str | None = None,
    priority: int | None = None,
    tmf_attributes: dict[str, Any] | None = None,
) -> ServiceTroubleReport:
    """Change what the report says, or its priority (which re-applies the SLA policy unless
    the target was re-planned), or the attributes kept for the TMF656 API.
    Guard: active; ``change_servicetroublereport``."""
    require_permission(actor, "services.change_servicetroublereport", "change trouble reports")
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        if not report.is_active:
            raise TransitionRefused("Only an active trouble report can be changed.")
        changes: dict[str, list[object]] = {}
        for name, value in (
            ("title", title),
            ("description", description),
            ("priority", priority),
            ("tmf_attributes", tmf_attributes),
        ):
            if value is not None and value != getattr(report, name):
                changes[name] = [getattr(report, name), value]
                setattr(report, name, value)
        if not changes:
            return report
        if not report.title.strip():
            raise InvalidInput("Give the report a title.", field="title")
        if report.priority not in Priority.values:
            raise InvalidInput("Unknown priority.", field="priority")
        replanned = report.events.filter(kind=ReportEventKind.REPLANNED).exists()
        if "priority" in changes and not replanned:
            sla.apply_policy(report, sla.trouble_report_policy_for(report.priority))
        save_report(report)
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.UPDATED,
            message="Changed "
            + ", ".join("TMF attributes" if n == "tmf_attributes" else n for n in changes)
            + ".",
            data={"changes": changes},
        )
    return report


def trouble_report_delete(report: ServiceTroubleReport, *, actor: Actor) -> None:
    """Erase a finished (closed, cancelled or rejected) report and its log; its alarms stay,
    unlinked. Guard: finished; ``delete_servicetroublereport``, which no role has by default
    (an administrator grants it)."""
    require_permission(actor, "services.delete_servicetroublereport", "delete trouble reports")
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        if report.state not in (ReportState.CLOSED, ReportState.CANCELLED, ReportState.REJECTED):
            raise TransitionRefused(
                "Only a closed, cancelled or rejected trouble report can be deleted: "
                "cancel it first."
            )
        report_deleting.send(sender=ServiceTroubleReport, report=report)
        report.delete()
