"""Opening a service trouble report and moving it through its states (TMF656 life cycle).

Each function is one transaction: lock the report row, check state, permission and guards
(the state machine's), change it, write one event per change; the customers' side (impact
fan-out, progress, restoration) runs after commit in Celery.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.models import RestorationOutcome, Team, User
from problems.workflow._base import (
    Actor,
    InvalidInput,
    TransitionRefused,
    require_permission,
)
from services.models import (
    ReportEventKind,
    ServiceTroubleReport,
)
from services.workflow._base import (
    lock_report,
    record_report_event,
    run_report_transition,
    save_report,
)


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


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
