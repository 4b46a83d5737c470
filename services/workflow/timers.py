"""The trouble report's clock: jeopardy, escalation and re-planning, with the machinery
customer problems use (``problems.sla``, ``problems.workflow.timers.scan``)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from problems import sla
from problems.workflow._base import Actor, InvalidInput, TransitionRefused, require_permission
from problems.workflow.timers import scan, step_reason
from services.models import ReportEventKind, ServiceTroubleReport
from services.models.reports import JEOPARDY_WATCHED_REPORT_STATES
from services.workflow._base import REPORT_TIMER, lock_report, record_report_event, save_report


def scan_trouble_report_timers(now: datetime | None = None) -> dict[str, int]:
    """Find the reports whose jeopardy or escalation point has passed (one indexed query)
    and handle each in its own transaction; running it twice changes nothing."""
    due = ServiceTroubleReport.objects.timers_due(now or timezone.now())
    return scan(due, handle_report_timers)


def handle_report_timers(pk: int) -> tuple[bool, bool]:
    """Mark one report in jeopardy and/or escalate it as its policy says, if due."""
    with transaction.atomic():
        report = lock_report(pk, actor=REPORT_TIMER)
        now = timezone.now()
        moved = escalated = False
        if (
            report.state in JEOPARDY_WATCHED_REPORT_STATES
            and report.jeopardy_since is None
            and sla.jeopardy_due(report, now)
        ):
            report.jeopardy_since = now
            record_report_event(
                report,
                actor=REPORT_TIMER,
                kind=ReportEventKind.IN_JEOPARDY,
                message=f"Restoration target {report.restore_by:%Y-%m-%d %H:%M %Z} in jeopardy.",
                data={"jeopardy_at": _iso(report.jeopardy_at)},
            )
            moved = True
        step = sla.escalation_due(report, now)
        if step is not None:
            escalation = sla.escalate(report, to_level=step.level, reason=step_reason(step))
            _record_escalation(report, actor=REPORT_TIMER, escalation=escalation)
            escalated = True
        next_due = sla.next_escalation_at(report, sla.steps_of(report.sla_policy))
        if moved or escalated or next_due != report.escalation_due_at:
            report.escalation_due_at = next_due
            save_report(report)
    return moved, escalated


def trouble_report_escalate(
    report: ServiceTroubleReport, *, actor: Actor, reason: str, level: int | None = None
) -> ServiceTroubleReport:
    """Raise the escalation level by hand (the timer does it by the policy). Guard: active,
    a level above the current one and at most 3, a reason; ``escalate_trouble_report``."""
    require_permission(actor, "services.escalate_trouble_report", "escalate trouble reports")
    if not reason.strip():
        raise InvalidInput("Say why the report is escalated.", field="reason")
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        if not report.is_active:
            raise TransitionRefused("Only an active trouble report can be escalated.")
        target = report.escalation_level + 1 if level is None else level
        try:
            escalation = sla.escalate(report, to_level=target, reason=reason.strip())
        except sla.EscalationRefused as refusal:
            raise InvalidInput(str(refusal), field="level") from None
        _record_escalation(report, actor=actor, escalation=escalation)
        save_report(report)
    return report


def _record_escalation(
    report: ServiceTroubleReport, *, actor: Actor, escalation: sla.Escalation
) -> None:
    record_report_event(
        report,
        actor=actor,
        kind=ReportEventKind.ESCALATED,
        message=escalation.reason,
        data=escalation.data,
    )


def trouble_report_replan(
    report: ServiceTroubleReport, *, actor: Actor, restore_by: datetime, reason: str
) -> ServiceTroubleReport:
    """Set a new restoration target: the jeopardy point becomes the policy's share of the
    time left, and a report in jeopardy is out of it. The escalation level is kept.

    Guard: active and not waiting (held or pending: the clock is paused, and resuming
    moves the targets); a reason; the new target in the future; ``replan_trouble_report``.
    """
    require_permission(actor, "services.replan_trouble_report", "re-plan trouble reports")
    if not reason.strip():
        raise InvalidInput("Say why the target moves.", field="reason")
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        if not report.is_active:
            raise TransitionRefused("Only an active trouble report can be re-planned.")
        if report.on_hold_since is not None:
            raise TransitionRefused("Resume the report before re-planning its target.")
        now = timezone.now()
        if restore_by <= now:
            raise InvalidInput("The new target must be in the future.", field="restore_by")
        old_target = report.restore_by
        sla.replan_targets(report, restore_by=restore_by, now=now)
        report.jeopardy_since = None
        report.escalation_due_at = sla.next_escalation_at(report, sla.steps_of(report.sla_policy))
        save_report(report)
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.REPLANNED,
            message=reason.strip(),
            data={"old_restore_by": _iso(old_target), "restore_by": _iso(restore_by)},
        )
    return report


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
