"""What TMF642 requests may carry, validated: an alarm to ingest, a PATCH, and the tasks
(ackAlarms, unAckAlarms, clearAlarms, commentAlarms). Server-owned attributes are not
declared: accepted and ignored."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from problemdesk.api.fields import NOT_BLANK, Polymorphic, Text, When
from services.api.access import StrictBoolean
from services.models import AckState, AlarmState, AlarmType, PerceivedSeverity

MAX_PATTERNS = 100


class AlarmedObjectInput(Polymorphic):
    id = Text(max_length=200, validators=[NOT_BLANK])
    href = Text(max_length=500, required=False, allow_blank=True)


class CommentInput(Polymorphic):
    comment = Text(max_length=10_000, validators=[NOT_BLANK])
    systemId = Text(max_length=100, required=False, allow_blank=True)
    userId = Text(max_length=150, required=False, allow_blank=True)
    time = When(required=False)


class _Object(Polymorphic):
    """A TMF request body (a JSON object)."""


@extend_schema_serializer(component_name="Alarm_Create")
class AlarmCreateInput(_Object):
    """An alarm as its source reports it: ingested as the alarm feed is (the same message
    twice is ingested once; the same alarm again counts an occurrence; a clear closes it)."""

    alarmType = serializers.ChoiceField(choices=AlarmType.values)
    perceivedSeverity = serializers.ChoiceField(choices=PerceivedSeverity.values)
    probableCause = Text(max_length=200, validators=[NOT_BLANK])
    alarmedObject = AlarmedObjectInput()
    sourceSystemId = Text(max_length=100, validators=[NOT_BLANK])
    state = serializers.ChoiceField(choices=AlarmState.values)
    alarmRaisedTime = When()
    alarmChangedTime = When(required=False)
    alarmClearedTime = When(required=False)
    alarmReportingTime = When(required=False)
    externalAlarmId = Text(max_length=200, required=False, allow_blank=True)
    alarmedObjectType = Text(max_length=100, required=False, allow_blank=True)
    specificProblem = Text(max_length=500, required=False, allow_blank=True)
    alarmDetails = Text(max_length=10_000, required=False, allow_blank=True)
    proposedRepairedActions = Text(max_length=10_000, required=False, allow_blank=True)
    reportingSystemId = Text(max_length=100, required=False, allow_blank=True)
    serviceAffecting = StrictBoolean(required=False)


@extend_schema_serializer(component_name="Alarm_Update")
class AlarmUpdateInput(_Object):
    """A merge patch: ackState acknowledges or unacknowledges, state or perceivedSeverity
    ``cleared`` clears, another perceivedSeverity updates it, new comments are added,
    alarmDetails and proposedRepairedActions change. What identifies the alarm at its
    source cannot change (a different value is a 400)."""

    ackState = serializers.ChoiceField(choices=AckState.values, required=False)
    ackUserId = Text(max_length=150, required=False, allow_blank=True)
    ackSystemId = Text(max_length=100, required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=AlarmState.values, required=False)
    perceivedSeverity = serializers.ChoiceField(choices=PerceivedSeverity.values, required=False)
    clearUserId = Text(max_length=150, required=False, allow_blank=True)
    clearSystemId = Text(max_length=100, required=False, allow_blank=True)
    alarmClearedTime = When(required=False)
    alarmDetails = Text(max_length=10_000, required=False, allow_blank=True)
    proposedRepairedActions = Text(max_length=10_000, required=False, allow_blank=True)
    comment = serializers.ListField(child=CommentInput(), max_length=100, required=False)
    # Identity: accepted when unchanged.
    alarmType = serializers.ChoiceField(choices=AlarmType.values, required=False)
    probableCause = Text(max_length=200, required=False)
    specificProblem = Text(max_length=500, required=False, allow_blank=True)
    alarmedObjectType = Text(max_length=100, required=False, allow_blank=True)
    externalAlarmId = Text(max_length=200, required=False, allow_blank=True)
    reportingSystemId = Text(max_length=100, required=False, allow_blank=True)
    serviceAffecting = StrictBoolean(required=False)
    isRootCause = StrictBoolean(required=False)
    alarmedObject = AlarmedObjectInput(required=False)


IDENTITY = (
    "alarmType",
    "probableCause",
    "specificProblem",
    "alarmedObjectType",
    "externalAlarmId",
    "reportingSystemId",
    "serviceAffecting",
    "isRootCause",
    "alarmedObject",
)


def _patterns() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.DictField(child=serializers.JSONField()),
        min_length=1,
        max_length=MAX_PATTERNS,
        help_text="Alarms to act on: each item an Alarm whose given attributes must match "
        "(id, state, ackState, perceivedSeverity, alarmType, probableCause, "
        "specificProblem, sourceSystemId, externalAlarmId, alarmedObject.id…).",
    )


@extend_schema_serializer(component_name="AckAlarms_Create")
class AckAlarmsInput(_Object):
    ackSystemId = Text(max_length=100, validators=[NOT_BLANK])
    ackUserId = Text(max_length=150, validators=[NOT_BLANK])
    ackTime = When(required=False)
    alarmPattern = _patterns()


@extend_schema_serializer(component_name="UnAckAlarms_Create")
class UnAckAlarmsInput(_Object):
    ackSystemId = Text(max_length=100, validators=[NOT_BLANK])
    ackUserId = Text(max_length=150, validators=[NOT_BLANK])
    ackTime = When(required=False)
    alarmPattern = _patterns()


@extend_schema_serializer(component_name="ClearAlarms_Create")
class ClearAlarmsInput(_Object):
    clearSystemId = Text(max_length=100, validators=[NOT_BLANK])
    clearUserId = Text(max_length=150, validators=[NOT_BLANK])
    alarmClearedTime = When()
    alarmPattern = _patterns()


@extend_schema_serializer(component_name="CommentAlarms_Create")
class CommentAlarmsInput(_Object):
    comment = CommentInput()
    alarmPattern = _patterns()
