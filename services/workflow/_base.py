"""What every trouble report operation shares: locking, events, transitions. The error
types and actors are problems' own (one error shape for the whole desk)."""

from typing import Any

from django.db import transaction
from django_fsm import ConcurrentTransition

from problems.models import User
from problems.workflow._base import (
    Actor,
    ConcurrentUpdate,
    InvalidInput,
    SystemActor,
    actor_label,
    actor_user,
    run_transition,
)
from services.models import ReportEventKind, ServiceTroubleReport, TroubleReportEvent
from services.signals import report_events_recorded

NETWORK_OPERATIONS = SystemActor("network operations")
ALARM_CORRELATION = SystemActor("alarm correlation")
REPORT_TIMER = SystemActor("jeopardy timer")

REPORT_PAST_TENSE = {
    "assign": "assigned",
    "hold": "held",
    "mark_pending": "set pending",
    "resume": "resumed",
    "resolve": "resolved",
    "reopen": "reopened",
    "close": "closed",
    "cancel": "cancelled",
    "reject": "rejected",
}


def lock_report(report: ServiceTroubleReport | int, *, actor: Actor) -> ServiceTroubleReport:
    """Reload the report with its row locked until the transaction ends (inside
    ``transaction.atomic``); a person who may not see reports gets "No such report"."""
    from services.selectors import can_see_trouble_reports

    pk = report.pk if isinstance(report, ServiceTroubleReport) else report
    if isinstance(actor, User) and not can_see_trouble_reports(actor):
        raise InvalidInput("No such trouble report.")
    try:
        return (
            ServiceTroubleReport.objects.select_for_update(of=("self",))
            .select_related("team", "assignee", "sla_policy", "root_cause_resource")
            .get(pk=pk)
        )
    except ServiceTroubleReport.DoesNotExist:
        raise InvalidInput("No such trouble report.") from None


def save_report(report: ServiceTroubleReport) -> None:
    try:
        report.save()
    except ConcurrentTransition:
        raise ConcurrentUpdate(
            "Someone else changed this trouble report at the same moment; reload it and try again."
        ) from None


def record_report_event(
    report: ServiceTroubleReport,
    *,
    actor: Actor,
    kind: ReportEventKind,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
    data: dict[str, Any] | None = None,
    for_customers: bool = False,
) -> TroubleReportEvent:
    """Append an event to the report's log, and write the staff notifications it calls
    for in the same transaction (sent after commit)."""
    from services.notifications import queue_event_notifications

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Events are written inside the operation's transaction.")
    event = TroubleReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
        for_customers=for_customers,
    )
    queue_event_notifications(event)
    report_events_recorded.send(sender=TroubleReportEvent, events=[event])
    return event


def record_report_events(
    report: ServiceTroubleReport,
    *,
    actor: Actor,
    kind: ReportEventKind,
    entries: list[tuple[str, dict[str, Any]]],
) -> list[TroubleReportEvent]:
    """Append many events of one kind that tell nobody (alarms correlated in a batch), in
    one insert: (message, data) each."""
    from services.notifications import STAFF_NOTIFIED_KINDS

    if kind in STAFF_NOTIFIED_KINDS:
        raise ValueError("Events that notify staff are written one by one.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Events are written inside the operation's transaction.")
    events = TroubleReportEvent.objects.bulk_create(
        [
            TroubleReportEvent(
                report=report,
                kind=kind,
                actor=actor_user(actor),
                actor_label=actor_label(actor),
                message=message,
                data=data,
            )
            for message, data in entries
        ]
    )
    report_events_recorded.send(sender=TroubleReportEvent, events=events)
    return events


def run_report_transition(
    report: ServiceTroubleReport, name: str, *, actor: Actor
) -> tuple[str, str]:
    return run_transition(
        report, name, actor=actor, noun="trouble report", past_tense=REPORT_PAST_TENSE
    )
