"""Opening a service trouble report and moving it through its states (TMF656 life cycle).

Each function is one transaction: lock the report row, check state, permission and guards
(the state machine's), change it, write one event per change; the customers' side (impact
fan-out, progress, restoration) runs after commit in Celery.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.models import Priority, RestorationOutcome, Team, User
from problems.workflow._base import (
    Actor,
    InvalidInput,
    TransitionRefused,
    require_permission,
)
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
from services.workflow._base import (
    lock_report,
    record_report_event,
    run_report_transition,
    save_report,
)
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
        # Alarms that follow within the correlation window attach to it.
        report.last_alarm_at = report.created_at
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


def trouble_report_assign(
    report: ServiceTroubleReport, *, actor: Actor, assignee: User, team: Team | None = None
) -> ServiceTroubleReport:
    """Assign to someone who works on it: an acknowledged report is then in progress.

    Guard: the assignee is an active agent of the report's team (optionally moved).
    """
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        previous = {"assignee": report.assignee_id, "team": report.team_id}
        if team is not None:
            report.team = team
        report.assignee = assignee
        from_state, to_state = run_report_transition(report, "assign", actor=actor)
        if report.started_at is None:
            report.started_at = timezone.now()
        save_report(report)
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.ASSIGNED,
            from_state=from_state,
            to_state=to_state,
            message=f"Assigned to {assignee} ({report.team}).",
            data={"assignee": assignee.pk, "team": report.team_id, "previous": previous},
        )
    return report


def trouble_report_hold(
    report: ServiceTroubleReport, *, actor: Actor, reason: str
) -> ServiceTroubleReport:
    """Held: it cannot progress until an issue is solved (a supplier must act, access to a
    site…). The clock stops. Guard: in progress; a reason."""
    return _wait(report, actor=actor, reason=reason, name="hold", kind=ReportEventKind.HELD)


def trouble_report_mark_pending(
    report: ServiceTroubleReport, *, actor: Actor, reason: str
) -> ServiceTroubleReport:
    """Pending: it needs extra information. The clock stops. Guard: in progress; a reason."""
    return _wait(
        report, actor=actor, reason=reason, name="mark_pending", kind=ReportEventKind.PENDING
    )


def _wait(
    report: ServiceTroubleReport, *, actor: Actor, reason: str, name: str, kind: ReportEventKind
) -> ServiceTroubleReport:
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        report.status_change_reason = reason.strip()
        from_state, to_state = run_report_transition(report, name, actor=actor)
        sla.pause(report, now=timezone.now())
        save_report(report)
        record_report_event(
            report,
            actor=actor,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            message=report.status_change_reason,
        )
    return report


def trouble_report_resume(
    report: ServiceTroubleReport, *, actor: Actor, reason: str
) -> ServiceTroubleReport:
    """Back in progress; its jeopardy point and target move by the time it waited.
    Guard: held or pending; say what changed."""
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        report.status_change_reason = reason.strip()
        from_state, to_state = run_report_transition(report, "resume", actor=actor)
        waited = sla.resume(report, now=timezone.now())
        report.escalation_due_at = sla.next_escalation_at(report, sla.steps_of(report.sla_policy))
        save_report(report)
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.RESUMED,
            from_state=from_state,
            to_state=to_state,
            message=report.status_change_reason,
            data={
                "held_seconds": int(waited.total_seconds()),
                "restore_by": _iso(report.restore_by),
            },
        )
    return report


def trouble_report_resolve(
    report: ServiceTroubleReport,
    *,
    actor: Actor,
    outcome: str,
    summary: str,
    root_cause: str = "",
) -> ServiceTroubleReport:
    """The fault is fixed (restored, or by a temporary workaround). After commit, every
    linked customer problem gets a completed restoration activity and is cleared or
    proposed for clearing (per its service's policy), and contacts told of the outage are
    told it is over.

    Guard: in progress, held or pending; an outcome and a summary; no testing or recovery
    activity still running; ``resolve_trouble_report`` permission.
    """
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        report.resolution_outcome = outcome if outcome in RestorationOutcome.values else ""
        report.resolution_summary = summary.strip()
        report.root_cause = root_cause.strip() or report.root_cause
        from_state, to_state = run_report_transition(report, "resolve", actor=actor)
        now = timezone.now()
        sla.resume(report, now=now)
        report.resolved_at = now
        report.escalation_due_at = None
        save_report(report)
        event = record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.RESOLVED,
            from_state=from_state,
            to_state=to_state,
            message=report.resolution_summary,
            data={"outcome": report.resolution_outcome, "root_cause": report.root_cause},
            for_customers=True,
        )
        from services.tasks import restore_customers

        event_id = event.pk
        transaction.on_commit(lambda: restore_customers.delay(event_id), robust=True)
    return report


def trouble_report_reopen(
    report: ServiceTroubleReport, *, actor: Actor, reason: str
) -> ServiceTroubleReport:
    """The solution did not hold: back in progress, with its targets as they were.
    Customer problems already cleared stay so (their customers may reopen them).
    Guard: resolved; a reason."""
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        report.status_change_reason = reason.strip()
        from_state, to_state = run_report_transition(report, "reopen", actor=actor)
        report.resolved_at = None
        report.resolution_outcome = ""
        report.escalation_due_at = sla.next_escalation_at(report, sla.steps_of(report.sla_policy))
        save_report(report)
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.REOPENED,
            from_state=from_state,
            to_state=to_state,
            message=report.status_change_reason,
        )
    return report


def trouble_report_close(report: ServiceTroubleReport, *, actor: Actor) -> ServiceTroubleReport:
    """Close a resolved report (solution accepted). Guard: resolved, and none of its alarms
    is still raised."""
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        from_state, to_state = run_report_transition(report, "close", actor=actor)
        report.closed_at = timezone.now()
        save_report(report)
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.CLOSED,
            from_state=from_state,
            to_state=to_state,
            message="Solution accepted; the alarms have cleared.",
        )
    return report


def trouble_report_cancel(
    report: ServiceTroubleReport, *, actor: Actor, reason: str
) -> ServiceTroubleReport:
    """Cancel a report opened in error (a duplicate, planned work). Linked customer
    problems are left to their agents. Guard: active; a reason."""
    return _end(report, actor=actor, reason=reason, name="cancel", kind=ReportEventKind.CANCELLED)


def trouble_report_reject(
    report: ServiceTroubleReport, *, actor: Actor, reason: str
) -> ServiceTroubleReport:
    """Reject a report that failed validation (not a fault of ours). Guard: acknowledged
    (nobody worked on it yet); a reason."""
    return _end(report, actor=actor, reason=reason, name="reject", kind=ReportEventKind.REJECTED)


def _end(
    report: ServiceTroubleReport, *, actor: Actor, reason: str, name: str, kind: ReportEventKind
) -> ServiceTroubleReport:
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        report.status_change_reason = reason.strip()
        from_state, to_state = run_report_transition(report, name, actor=actor)
        now = timezone.now()
        sla.resume(report, now=now)
        report.cancelled_at = now
        report.escalation_due_at = None
        save_report(report)
        record_report_event(
            report,
            actor=actor,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            message=report.status_change_reason,
        )
    return report


def trouble_report_progress(
    report: ServiceTroubleReport, *, actor: Actor, message: str
) -> ServiceTroubleReport:
    """Report progress to the affected customers (eTOM *Report Service Problem*): the
    message goes on the report's log now, and on every linked customer problem's timeline
    as a public update after commit (in chunks, in Celery).

    Guard: the report is active; a message; ``report_progress`` permission.
    """
    require_permission(actor, "services.report_progress", "report progress to customers")
    if not message.strip():
        raise InvalidInput("Write the update for the customers.", field="message")
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        if not report.is_active:
            raise TransitionRefused("Progress is reported on active trouble reports only.")
        event = record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.PROGRESS,
            message=message.strip(),
            for_customers=True,
        )
        from services.tasks import propagate_progress

        event_id = event.pk
        transaction.on_commit(lambda: propagate_progress.delay(event_id), robust=True)
    return report


def trouble_report_update(
    report: ServiceTroubleReport,
    *,
    actor: Actor,
    title: str | None = None,
    description: str | None = None,
    priority: int | None = None,
) -> ServiceTroubleReport:
    """Change what the report says, or its priority (which re-applies the SLA policy unless
    the target was re-planned). Guard: active; ``change_servicetroublereport``."""
    require_permission(actor, "services.change_servicetroublereport", "change trouble reports")
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        if not report.is_active:
            raise TransitionRefused("Only an active trouble report can be changed.")
        changes: dict[str, list[object]] = {}
        for name, value in (("title", title), ("description", description), ("priority", priority)):
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
            message="Changed " + ", ".join(changes) + ".",
            data={"changes": changes},
        )
    return report


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
