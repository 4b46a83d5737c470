"""eTOM 1.4.6 *Track & Manage Service Problem*: testing and recovery activities, by our
staff or addressed to a supplier/partner (who answers with a reference and status updates).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from problems.models import ActivityStatus, Team, User
from problems.workflow._base import (
    Actor,
    InvalidInput,
    TransitionRefused,
    actor_user,
    require_permission,
)
from services.models import (
    OUTCOMES_BY_KIND,
    ReportEventKind,
    Supplier,
    TroubleActivityKind,
    TroubleActivityOutcome,
    TroubleReportActivity,
)
from services.models.reports import ServiceTroubleReport
from services.workflow._base import lock_report, record_report_event

PERMISSION = "services.manage_trouble_activities"


def trouble_activity_schedule(
    report: ServiceTroubleReport,
    *,
    actor: Actor,
    kind: str,
    summary: str,
    details: str = "",
    assignee: User | None = None,
    team: Team | None = None,
    supplier: Supplier | None = None,
    external_reference: str = "",
    scheduled_for: datetime | None = None,
) -> TroubleReportActivity:
    """Schedule a testing or recovery activity on an active report. One addressed to a
    supplier is sent to the supplier's e-mail address after commit.

    Guard: the report is active; a kind and a summary; the supplier (if any) is active;
    ``manage_trouble_activities`` permission.
    """
    require_permission(actor, PERMISSION, "schedule testing and recovery activities")
    if kind not in TroubleActivityKind.values:
        raise InvalidInput("Choose testing or recovery.", field="kind")
    if not summary.strip():
        raise InvalidInput("Say what is to be done.", field="summary")
    if supplier is not None and not supplier.is_active:
        raise InvalidInput(f"{supplier} is no longer an active supplier.", field="supplier")
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        if not report.is_active:
            raise TransitionRefused("Activities are scheduled on active trouble reports only.")
        activity = TroubleReportActivity.objects.create(
            report=report,
            kind=kind,
            summary=summary.strip(),
            details=details.strip(),
            assignee=assignee,
            team=team,
            supplier=supplier,
            external_reference=external_reference.strip(),
            scheduled_for=scheduled_for,
            created_by=actor_user(actor),
        )
        to = f" (to {supplier})" if supplier else ""
        event = record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.ACTIVITY_SCHEDULED,
            message=f"{activity.get_kind_display()}{to}: {activity.summary}",
            data={"activity": activity.pk, "kind": kind, "supplier": supplier and supplier.pk},
        )
        if supplier is not None and supplier.email:
            from services.notifications import queue_supplier_request

            queue_supplier_request(event, email=supplier.email)
    return activity


def trouble_activity_update(
    activity: TroubleReportActivity,
    *,
    actor: Actor,
    start: bool = False,
    note: str = "",
    assignee: User | None = None,
    external_reference: str | None = None,
    supplier_status: str | None = None,
) -> TroubleReportActivity:
    """Record progress on a running activity: start it, re-assign it, or record what the
    supplier says (their reference, their status). Guard: still running; something to
    record."""
    require_permission(actor, PERMISSION, "update testing and recovery activities")
    with transaction.atomic():
        report = lock_report(activity.report_id, actor=actor)
        activity = TroubleReportActivity.objects.select_for_update().get(pk=activity.pk)
        if not activity.is_running:
            raise TransitionRefused("This activity is no longer running.")
        changes: dict[str, object] = {}
        if start and activity.status == ActivityStatus.SCHEDULED:
            activity.status = ActivityStatus.IN_PROGRESS
            activity.started_at = timezone.now()
            changes["status"] = ActivityStatus.IN_PROGRESS
        if assignee is not None and assignee.pk != activity.assignee_id:
            activity.assignee = assignee
            changes["assignee"] = assignee.pk
        for name, value in (
            ("external_reference", external_reference),
            ("supplier_status", supplier_status),
        ):
            if value is not None and value.strip() != getattr(activity, name):
                setattr(activity, name, value.strip())
                changes[name] = value.strip()
        if not changes and not note.strip():
            raise InvalidInput("Nothing to update: start it, re-assign it or add a note.")
        activity.save()
        said = (
            f" {activity.supplier} says: {activity.supplier_status}."
            if ("supplier_status" in changes)
            else ""
        )
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.ACTIVITY_UPDATED,
            message=(note.strip() or f"{activity.summary}: updated.") + said,
            data={"activity": activity.pk, "changes": changes},
        )
    return activity


def trouble_activity_complete(
    activity: TroubleReportActivity, *, actor: Actor, outcome: str, notes: str = ""
) -> TroubleReportActivity:
    """Complete an activity with its outcome: a test finds the fault, finds none or is
    inconclusive; a recovery restores, works around or fails. Guard: still running; an
    outcome of its kind."""
    require_permission(actor, PERMISSION, "complete testing and recovery activities")
    allowed = OUTCOMES_BY_KIND.get(TroubleActivityKind(activity.kind), ())
    if outcome not in allowed:
        labels = ", ".join(TroubleActivityOutcome(o).label.lower() for o in allowed)
        raise InvalidInput(f"The outcome of this activity is one of: {labels}.", field="outcome")
    return _finish(
        activity, actor=actor, status=ActivityStatus.COMPLETED, outcome=outcome, notes=notes
    )


def trouble_activity_cancel(
    activity: TroubleReportActivity, *, actor: Actor, reason: str
) -> TroubleReportActivity:
    """Cancel an activity no longer needed. Guard: still running; a reason."""
    require_permission(actor, PERMISSION, "cancel testing and recovery activities")
    if not reason.strip():
        raise InvalidInput("Say why the activity is cancelled.", field="reason")
    return _finish(activity, actor=actor, status=ActivityStatus.CANCELLED, outcome="", notes=reason)


def _finish(
    activity: TroubleReportActivity, *, actor: Actor, status: str, outcome: str, notes: str
) -> TroubleReportActivity:
    with transaction.atomic():
        report = lock_report(activity.report_id, actor=actor)
        activity = TroubleReportActivity.objects.select_for_update().get(pk=activity.pk)
        if not activity.is_running:
            raise TransitionRefused("This activity is no longer running.")
        activity.status = status
        activity.outcome = outcome
        activity.outcome_notes = notes.strip()
        activity.completed_at = timezone.now()
        activity.save()
        completed = status == ActivityStatus.COMPLETED
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.ACTIVITY_COMPLETED
            if completed
            else ReportEventKind.ACTIVITY_UPDATED,
            message=(
                f"{activity.summary}: {activity.get_outcome_display().lower()}."
                if completed
                else f"{activity.summary}: cancelled. {activity.outcome_notes}"
            )
            + (f" {activity.outcome_notes}" if completed and activity.outcome_notes else ""),
            data={"activity": activity.pk, "status": status, "outcome": outcome},
        )
    return activity
