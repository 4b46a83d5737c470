"""TMF656 and TMF642 hub events (connected by ``problemdesk.api``'s autodiscovery of
``<app>.api.events``, so the worker's and beat's changes publish too).

Service problems, from the trouble report log (written in the same transaction):
created → ServiceProblemCreateEvent; a change of state → ServiceProblemStateChangeEvent
(and ServiceProblemInformationRequiredEvent on pending); anything else the log records
(alarm correlated or cleared, localisation, assignment, progress note, details…) →
ServiceProblemAttributeValueChangeEvent.

Alarms, from ``services.signals.alarms_changed``: created → AlarmCreateEvent; raised →
updated (a new severity) and cleared → AlarmStateChangeEvent; repeated, acknowledged,
unacknowledged, commented → AlarmAttributeValueChangeEvent; deleted → AlarmDeleteEvent.
Network events go to staff listeners only (customers cannot register on these hubs).
"""

from typing import Any

from django.conf import settings
from django.dispatch import receiver

from problemdesk.api.hub.publish import publish
from problemdesk.api.hub.registry import HubApi, register
from problemdesk.api.models import EventSubscription
from services.api.alarm_filters import ATTRIBUTES as ALARM_ATTRIBUTES
from services.api.alarm_render import render_alarm
from services.api.problem_filters import ATTRIBUTES as PROBLEM_ATTRIBUTES
from services.api.problem_render import render_problem, with_related
from services.models import (
    Alarm,
    AlarmTask,
    ReportEventKind,
    ServiceTroubleReport,
    TroubleReportEvent,
)
from services.selectors import can_see_trouble_reports
from services.signals import (
    alarm_deleting,
    alarm_task_recorded,
    alarms_changed,
    report_events_recorded,
)

PROBLEM_CREATE = "ServiceProblemCreateEvent"
PROBLEM_STATE_CHANGE = "ServiceProblemStateChangeEvent"
PROBLEM_ATTRIBUTE_CHANGE = "ServiceProblemAttributeValueChangeEvent"
PROBLEM_INFORMATION_REQUIRED = "ServiceProblemInformationRequiredEvent"

SERVICE_PROBLEM = register(
    HubApi(
        name="serviceProblem",
        resource="serviceProblem",
        event_types=(
            PROBLEM_CREATE,
            PROBLEM_STATE_CHANGE,
            PROBLEM_ATTRIBUTE_CHANGE,
            PROBLEM_INFORMATION_REQUIRED,
        ),
        attributes=PROBLEM_ATTRIBUTES,
    )
)

ALARM_CREATE = "AlarmCreateEvent"
ALARM_STATE_CHANGE = "AlarmStateChangeEvent"
ALARM_ATTRIBUTE_CHANGE = "AlarmAttributeValueChangeEvent"
ALARM_DELETE = "AlarmDeleteEvent"

# A task is done when created: its StateChangeEvents are never sent (listed, so that a
# subscription may name them).
TASK_EVENTS = tuple(
    f"{name}{suffix}"
    for name in ("AckAlarms", "UnAckAlarms", "ClearAlarms", "CommentAlarms")
    for suffix in ("CreateEvent", "StateChangeEvent")
)

ALARM = register(
    HubApi(
        name="alarm",
        resource="alarm",
        event_types=(
            ALARM_CREATE,
            ALARM_STATE_CHANGE,
            ALARM_ATTRIBUTE_CHANGE,
            ALARM_DELETE,
            *TASK_EVENTS,
        ),
        attributes=ALARM_ATTRIBUTES,
    )
)

# Which attributes a logged event changes, when it does not change the state.
KIND_FIELDS = {
    ReportEventKind.UPDATED: "name,description,priority",
    ReportEventKind.ALARM_ATTACHED: "underlyingAlarm,affectedResource",
    ReportEventKind.ALARM_CLEARED: "underlyingAlarm",
    ReportEventKind.LOCALISED: "affectedService,rootCauseResource,affectedNumberOfServices",
    ReportEventKind.IMPACT_ASSESSED: "affectedService,affectedNumberOfServices",
    ReportEventKind.CUSTOMERS_INFORMED: "troubleTicket",
    ReportEventKind.ASSIGNED: "responsibleParty,relatedParty",
    ReportEventKind.PROGRESS: "note",
    ReportEventKind.ESCALATED: "problemEscalation",
}
ALARM_FIELDS = {
    "repeated": "alarmChangedTime,alarmDetails",
    "acknowledged": "ackState,ackUserId,ackSystemId",
    "unacknowledged": "ackState,ackUserId,ackSystemId",
    "commented": "comment",
}


def problem_event_types(event: TroubleReportEvent) -> list[tuple[str, str]]:
    """(event type, fieldPath) pairs for one logged event."""
    if event.kind == ReportEventKind.CREATED:
        return [(PROBLEM_CREATE, "")]
    if event.to_state and event.to_state != event.from_state:
        found = [(PROBLEM_STATE_CHANGE, "status")]
        if event.to_state == "pending":
            found.append((PROBLEM_INFORMATION_REQUIRED, "statusChangeReason"))
        return found
    return [
        (PROBLEM_ATTRIBUTE_CHANGE, KIND_FIELDS.get(ReportEventKind(event.kind), "trackingRecord"))
    ]


def _listened(api: HubApi) -> bool:
    return EventSubscription.objects.filter(api=api.name, is_active=True).exists()


@receiver(report_events_recorded, dispatch_uid="services.api.events.problem_events")
def problem_events(sender: Any, events: list[TroubleReportEvent], **kwargs: Any) -> None:
    if not events or not _listened(SERVICE_PROBLEM):
        return
    # A batch (alarms correlated at once) is one event per report and kind of change.
    chosen: dict[tuple[int, str, str], TroubleReportEvent] = {}
    for event in events:
        for event_type, field_path in problem_event_types(event):
            chosen[(event.report_id, event_type, field_path)] = event
    rendered: dict[int, dict[str, Any]] = {}
    for (report_id, event_type, field_path), event in chosen.items():

        def render(audience: str, report_id: int = report_id) -> dict[str, Any]:
            if report_id not in rendered:
                fresh = with_related(ServiceTroubleReport.objects.filter(pk=report_id)).first()
                rendered[report_id] = (
                    render_problem(fresh, base_url=settings.SITE_URL) if fresh else {}
                )
            return rendered[report_id]

        publish(
            SERVICE_PROBLEM,
            event_type=event_type,
            resource_id=str(report_id),
            render=render,
            can_see=can_see_trouble_reports,
            internal=True,
            field_path=field_path,
            title=f"Service problem {report_id}: {event.get_kind_display().lower()}",
            description=event.message[:1000],
            correlation_id=f"report-event-{event.pk}",
        )


def alarm_event_type(what: str) -> tuple[str, str]:
    if what == "created":
        return ALARM_CREATE, ""
    if what in ("updated", "cleared"):
        return ALARM_STATE_CHANGE, "state,perceivedSeverity"
    return ALARM_ATTRIBUTE_CHANGE, ALARM_FIELDS.get(what, "")


@receiver(alarms_changed, dispatch_uid="services.api.events.alarm_events")
def alarm_events(sender: Any, changes: list[tuple[Alarm, str]], **kwargs: Any) -> None:
    # One query when nobody listens, however many alarms a batch brought.
    if not changes or not _listened(ALARM):
        return
    for alarm, what in changes:
        event_type, field_path = alarm_event_type(what)
        _publish_alarm(alarm, event_type, field_path, what)


def _publish_alarm(alarm: Alarm, event_type: str, field_path: str, what: str) -> None:
    def render(audience: str) -> dict[str, Any]:
        return render_alarm(alarm, base_url=settings.SITE_URL)

    publish(
        ALARM,
        event_type=event_type,
        resource_id=str(alarm.pk),
        render=render,
        can_see=can_see_trouble_reports,
        internal=True,
        field_path=field_path,
        title=f"Alarm {alarm.pk}: {what}",
        description=str(alarm)[:1000],
        correlation_id=f"alarm-{alarm.pk}-{what}",
    )


@receiver(alarm_deleting, dispatch_uid="services.api.events.alarm_deleted")
def alarm_deleted(sender: Any, alarm: Alarm, **kwargs: Any) -> None:
    if _listened(ALARM):
        _publish_alarm(alarm, ALARM_DELETE, "", "deleted")


@receiver(alarm_task_recorded, dispatch_uid="services.api.events.alarm_task")
def alarm_task_created(sender: Any, task: AlarmTask, **kwargs: Any) -> None:
    """AckAlarmsCreateEvent… with the task as the API shows it (``event.ackAlarms``)."""
    if not _listened(ALARM):
        return
    from services.api.task_views import render_task

    name = str(task.kind)

    def render(audience: str) -> dict[str, Any]:
        return render_task(task, base_url=settings.SITE_URL)

    publish(
        ALARM,
        event_type=f"{name[:1].upper()}{name[1:]}CreateEvent",
        resource_id=f"{name}-{task.pk}",
        render=render,
        can_see=can_see_trouble_reports,
        internal=True,
        title=f"{name} {task.pk}: done",
        correlation_id=f"{name}-{task.pk}",
        resource_key=name,
    )
