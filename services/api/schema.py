"""The TMF656 and TMF642 resources as the API returns them, for the OpenAPI description
(the renderers are ``problem_render`` and ``alarm_render``; schemathesis checks that they
agree)."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from services.api.problem_status import STATUSES
from services.models import AckState, AlarmState, AlarmType, PerceivedSeverity


class _At(serializers.Serializer):  # type: ignore[type-arg]
    at_attributes: tuple[str, ...] = ("@type", "@baseType", "@schemaLocation")

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        for name in self.at_attributes:
            fields[name] = serializers.CharField(required=False)
        return fields


@extend_schema_serializer(component_name="ServiceProblemEntityRef")
class EntityRefSchema(_At):
    """A reference (service, resource, alarm, trouble ticket, party, place…)."""

    at_attributes = ("@type", "@baseType", "@schemaLocation", "@referredType")
    id = serializers.CharField(required=False)
    href = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    role = serializers.CharField(required=False)


@extend_schema_serializer(component_name="ServiceProblemCharacteristic")
class CharacteristicSchema(_At):
    id = serializers.CharField(required=False)
    name = serializers.CharField()
    valueType = serializers.CharField(required=False)
    value = serializers.JSONField()


@extend_schema_serializer(component_name="TrackingRecord")
class TrackingRecordSchema(_At):
    """One entry of the problem's log."""

    id = serializers.CharField()
    description = serializers.CharField()
    systemId = serializers.CharField()
    time = serializers.DateTimeField()
    user = serializers.CharField()
    characteristic = CharacteristicSchema(many=True)


@extend_schema_serializer(component_name="ServiceProblemNote")
class NoteSchema(_At):
    id = serializers.CharField(required=False)
    author = serializers.CharField(required=False)
    date = serializers.DateTimeField(required=False)
    text = serializers.CharField(required=False)


@extend_schema_serializer(component_name="ServiceProblemImpactPattern")
class ImpactPatternSchema(_At):
    id = serializers.CharField(required=False)
    href = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    characteristic = CharacteristicSchema(many=True, required=False)


@extend_schema_serializer(component_name="ServiceProblemExternalIdentifier")
class ExternalIdentifierSchema(_At):
    id = serializers.CharField()
    href = serializers.CharField(required=False)
    externalIdentifierType = serializers.CharField(required=False)
    owner = serializers.CharField(required=False)


def _refs() -> EntityRefSchema:
    return EntityRefSchema(many=True, required=False)


@extend_schema_serializer(component_name="ServiceProblem")
class ServiceProblemSchema(_At):
    """A service trouble report as a TMF656 ServiceProblem."""

    id = serializers.CharField()
    href = serializers.CharField()
    name = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    category = serializers.CharField(required=False)
    priority = serializers.IntegerField(required=False)
    reason = serializers.CharField(required=False)
    status = serializers.ChoiceField(choices=list(STATUSES), required=False)
    statusChangeReason = serializers.CharField(required=False)
    statusChangeDate = serializers.DateTimeField(required=False)
    creationDate = serializers.DateTimeField(required=False)
    lastUpdate = serializers.DateTimeField(required=False)
    resolutionDate = serializers.DateTimeField(required=False)
    originatingSystem = serializers.CharField(required=False)
    problemEscalation = serializers.CharField(required=False)
    impactImportanceFactor = serializers.CharField(required=False)
    affectedNumberOfServices = serializers.IntegerField(required=False)
    originatorParty = EntityRefSchema(required=False)
    responsibleParty = EntityRefSchema(required=False)
    firstAlert = EntityRefSchema(required=False)
    impactPattern = ImpactPatternSchema(required=False)
    relatedParty = _refs()
    relatedEntity = _refs()
    affectedLocation = _refs()
    relatedEvent = _refs()
    slaViolation = _refs()
    affectedService = _refs()
    affectedResource = _refs()
    rootCauseService = _refs()
    rootCauseResource = _refs()
    underlyingAlarm = _refs()
    troubleTicket = _refs()
    parentProblem = _refs()
    underlyingProblem = _refs()
    externalIdentifier = ExternalIdentifierSchema(many=True, required=False)
    characteristic = CharacteristicSchema(many=True, required=False)
    note = NoteSchema(many=True, required=False)
    trackingRecord = TrackingRecordSchema(many=True, required=False)


@extend_schema_serializer(component_name="ServiceProblemRef")
class ServiceProblemRefSchema(_At):
    id = serializers.CharField()
    href = serializers.CharField()


@extend_schema_serializer(component_name="ServiceProblemEventRecord")
class EventRecordSchema(serializers.Serializer):  # type: ignore[type-arg]
    """An event of a service problem's log, as the notification it was."""

    id = serializers.CharField()
    href = serializers.CharField()
    eventTime = serializers.DateTimeField(required=False)
    eventType = serializers.CharField(required=False)
    recordTime = serializers.DateTimeField(required=False)
    notification = serializers.JSONField(required=False)
    serviceProblem = ServiceProblemRefSchema(required=False)


@extend_schema_serializer(component_name="AlarmedObject")
class AlarmedObjectSchema(_At):
    id = serializers.CharField(required=False)
    href = serializers.CharField(required=False)


@extend_schema_serializer(component_name="AlarmComment")
class CommentSchema(_At):
    comment = serializers.CharField(required=False)
    systemId = serializers.CharField(required=False)
    time = serializers.DateTimeField(required=False)
    userId = serializers.CharField(required=False)


@extend_schema_serializer(component_name="Alarm")
class AlarmSchema(_At):
    """An alarm (TMF642)."""

    id = serializers.IntegerField()
    href = serializers.CharField()
    externalAlarmId = serializers.CharField(required=False)
    state = serializers.ChoiceField(choices=AlarmState.values, required=False)
    alarmType = serializers.ChoiceField(choices=AlarmType.values, required=False)
    perceivedSeverity = serializers.ChoiceField(choices=PerceivedSeverity.values, required=False)
    probableCause = serializers.CharField(required=False)
    specificProblem = serializers.CharField(required=False)
    alarmedObjectType = serializers.CharField(required=False)
    alarmedObject = AlarmedObjectSchema(required=False)
    sourceSystemId = serializers.CharField(required=False)
    reportingSystemId = serializers.CharField(required=False)
    alarmDetails = serializers.CharField(required=False)
    proposedRepairedActions = serializers.CharField(required=False)
    alarmRaisedTime = serializers.DateTimeField(required=False)
    alarmReportingTime = serializers.DateTimeField(required=False)
    alarmChangedTime = serializers.DateTimeField(required=False)
    alarmClearedTime = serializers.DateTimeField(required=False)
    ackState = serializers.ChoiceField(choices=AckState.values, required=False)
    ackUserId = serializers.CharField(required=False)
    ackSystemId = serializers.CharField(required=False)
    clearUserId = serializers.CharField(required=False)
    clearSystemId = serializers.CharField(required=False)
    serviceAffecting = serializers.BooleanField(required=False)
    isRootCause = serializers.BooleanField(required=False)
    affectedService = AlarmedObjectSchema(many=True, required=False)
    comment = CommentSchema(many=True, required=False)


class _Task(_At):
    id = serializers.CharField()
    href = serializers.CharField()
    state = serializers.CharField(required=False)
    alarmPattern = serializers.ListField(child=serializers.JSONField(), required=False)


@extend_schema_serializer(component_name="AckAlarms")
class AckAlarmsSchema(_Task):
    ackSystemId = serializers.CharField(required=False)
    ackUserId = serializers.CharField(required=False)
    ackTime = serializers.DateTimeField(required=False)
    ackedAlarm = AlarmSchema(many=True, required=False)


@extend_schema_serializer(component_name="UnAckAlarms")
class UnAckAlarmsSchema(_Task):
    ackSystemId = serializers.CharField(required=False)
    ackUserId = serializers.CharField(required=False)
    ackTime = serializers.DateTimeField(required=False)
    unAckedAlarm = AlarmSchema(many=True, required=False)


@extend_schema_serializer(component_name="ClearAlarms")
class ClearAlarmsSchema(_Task):
    clearSystemId = serializers.CharField(required=False)
    clearUserId = serializers.CharField(required=False)
    alarmClearedTime = serializers.DateTimeField(required=False)
    clearedAlarm = AlarmSchema(many=True, required=False)


@extend_schema_serializer(component_name="CommentAlarms")
class CommentAlarmsSchema(_Task):
    comment = CommentSchema(required=False)
    commentedAlarm = AlarmSchema(many=True, required=False)
