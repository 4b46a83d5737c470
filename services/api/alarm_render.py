"""An alarm as a TMF642 Alarm."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from problemdesk.api.query import select_fields
from services.api.access import ALARM_BASE, iso
from services.models import Alarm, AlarmComment, TroubleReportImpact

SELECTABLE = (
    "id",
    "href",
    "@type",
    "externalAlarmId",
    "state",
    "alarmType",
    "perceivedSeverity",
    "probableCause",
    "specificProblem",
    "alarmedObjectType",
    "alarmedObject",
    "sourceSystemId",
    "reportingSystemId",
    "alarmDetails",
    "proposedRepairedActions",
    "alarmRaisedTime",
    "alarmReportingTime",
    "alarmChangedTime",
    "alarmClearedTime",
    "ackState",
    "ackUserId",
    "ackSystemId",
    "clearUserId",
    "clearSystemId",
    "serviceAffecting",
    "isRootCause",
    "affectedService",
    "comment",
)


def alarm_href(base_url: str, pk: int) -> str:
    return f"{base_url}{ALARM_BASE}/alarm/{pk}"


def with_related(alarms: QuerySet[Alarm]) -> QuerySet[Alarm]:
    """A page of alarms with their comments and their report's impacted services."""
    return alarms.select_related("trouble_report").prefetch_related(
        Prefetch("comments", queryset=AlarmComment.objects.order_by("time", "pk")),
        Prefetch(
            "trouble_report__impacts",
            queryset=TroubleReportImpact.objects.order_by("service_id"),
        ),
    )


def render_alarms(
    alarms: Iterable[Alarm], *, base_url: str, fields: set[str] | None = None
) -> list[dict[str, Any]]:
    return [render_alarm(alarm, base_url=base_url, fields=fields) for alarm in alarms]


def render_alarm(alarm: Alarm, *, base_url: str, fields: set[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": alarm.pk,
        "href": alarm_href(base_url, alarm.pk),
        "@type": "Alarm",
        "state": alarm.state,
        "alarmType": alarm.alarm_type,
        "perceivedSeverity": alarm.perceived_severity,
        "probableCause": alarm.probable_cause,
        "alarmedObject": {"id": alarm.alarmed_object_id},
        "sourceSystemId": alarm.source_system_id,
        "alarmRaisedTime": iso(alarm.raised_at),
        "alarmReportingTime": iso(alarm.reported_at),
        "alarmChangedTime": iso(alarm.changed_at),
        "ackState": alarm.ack_state,
        "serviceAffecting": alarm.service_affecting,
        "isRootCause": alarm.is_root_cause,
    }
    for name, value in (
        ("externalAlarmId", alarm.external_alarm_id),
        ("specificProblem", alarm.specific_problem),
        ("alarmedObjectType", alarm.alarmed_object_type),
        ("reportingSystemId", alarm.reporting_system_id),
        ("alarmDetails", alarm.alarm_details),
        ("proposedRepairedActions", alarm.proposed_repaired_actions),
        ("alarmClearedTime", iso(alarm.cleared_at)),
        ("ackUserId", alarm.ack_user_id),
        ("ackSystemId", alarm.ack_system_id),
        ("clearUserId", alarm.clear_user_id),
        ("clearSystemId", alarm.clear_system_id if alarm.cleared_at else ""),
    ):
        if value:
            body[name] = value
    if alarm.trouble_report is not None:
        body["affectedService"] = [
            {"id": str(impact.service_id), "@type": "AffectedService"}
            for impact in alarm.trouble_report.impacts.all()
        ]
    body["comment"] = [
        {
            "comment": comment.text,
            "systemId": comment.system_id,
            "time": iso(comment.time),
            "userId": comment.user_id_label,
            "@type": "Comment",
        }
        for comment in alarm.comments.all()
    ]
    return select_fields(body, fields)
