"""What an alarm list (and a hub query, and a task's alarmPattern) can filter on."""

from typing import Any

from django.db.models import Q

from problemdesk.api.query import Attribute
from services.models import AckState, AlarmState, AlarmType, PerceivedSeverity


def _flag(column: str) -> Any:
    def to_q(operator: str, values: list[Any]) -> Q:
        matched = Q(pk__in=[])
        for value in values:
            matched |= Q(**{column: value == "true"})
        return ~matched if operator == "ne" else matched

    return to_q


ATTRIBUTES: dict[str, Attribute] = {
    attribute.name: attribute
    for attribute in (
        Attribute("id", kind="integer", column="pk"),
        Attribute("state", kind="enum", choices=tuple(AlarmState.values), column="state"),
        Attribute("ackState", kind="enum", choices=tuple(AckState.values), column="ack_state"),
        Attribute(
            "perceivedSeverity",
            kind="enum",
            choices=tuple(PerceivedSeverity.values),
            column="perceived_severity",
        ),
        Attribute("alarmType", kind="enum", choices=tuple(AlarmType.values), column="alarm_type"),
        Attribute("probableCause", column="probable_cause", case_insensitive=True),
        Attribute("specificProblem", column="specific_problem"),
        Attribute("sourceSystemId", column="source_system_id"),
        Attribute("reportingSystemId", column="reporting_system_id"),
        Attribute("externalAlarmId", column="external_alarm_id"),
        Attribute("alarmedObject.id", column="alarmed_object_id"),
        Attribute("alarmedObjectType", column="alarmed_object_type", case_insensitive=True),
        Attribute(
            "serviceAffecting",
            kind="enum",
            choices=("true", "false"),
            to_q=_flag("service_affecting"),
            case_insensitive=True,
        ),
        Attribute(
            "isRootCause",
            kind="enum",
            choices=("true", "false"),
            to_q=_flag("is_root_cause"),
            case_insensitive=True,
        ),
        Attribute("alarmRaisedTime", kind="datetime", column="raised_at"),
        Attribute("alarmReportingTime", kind="datetime", column="reported_at"),
        Attribute("alarmChangedTime", kind="datetime", column="changed_at"),
        Attribute("alarmClearedTime", kind="datetime", column="cleared_at"),
    )
}
DATE_ATTRIBUTES = ("alarmRaisedTime", "alarmReportingTime", "alarmChangedTime", "alarmClearedTime")
SORTABLE = {
    "alarmRaisedTime": "raised_at",
    "alarmChangedTime": "changed_at",
    "alarmReportingTime": "reported_at",
    "id": "pk",
}
