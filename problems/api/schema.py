"""The TroubleTicket as the API returns it, for the OpenAPI description (the renderer is
``render.py``; the schemathesis run checks that the two agree)."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from problems.api.status import STATUSES


class _At(serializers.Serializer):  # type: ignore[type-arg]
    at_attributes: tuple[str, ...] = ("@type", "@baseType", "@schemaLocation")
    required_at: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        for name in self.at_attributes:
            fields[name] = serializers.CharField(required=name in self.required_at)
        return fields


class _Ref(_At):
    at_attributes = ("@type", "@baseType", "@schemaLocation", "@referredType")


@extend_schema_serializer(component_name="ChannelRef")
class ChannelRefSchema(_Ref):
    """The channel that originated the trouble ticket."""

    id = serializers.CharField()
    href = serializers.CharField(required=False)
    name = serializers.CharField(required=False)


@extend_schema_serializer(component_name="Note")
class NoteSchema(_At):
    """A note (InternalNote, staff only, for internal ones)."""

    id = serializers.CharField(required=False)
    author = serializers.CharField(required=False)
    date = serializers.DateTimeField(required=False)
    text = serializers.CharField(required=False)


@extend_schema_serializer(component_name="RelatedParty")
class RelatedPartySchema(_Ref):
    """A related party: customer, reporter, assignee, or as given."""

    required_at = ("@referredType",)
    id = serializers.CharField()
    href = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    role = serializers.CharField(required=False)


@extend_schema_serializer(component_name="RelatedEntity")
class RelatedEntitySchema(_Ref):
    """A related entity: the affected service, or as given."""

    required_at = ("@referredType",)
    id = serializers.CharField()
    href = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    role = serializers.CharField()


@extend_schema_serializer(component_name="Quantity")
class QuantitySchema(serializers.Serializer):  # type: ignore[type-arg]
    """An amount in a given unit."""

    amount = serializers.FloatField(required=False)
    units = serializers.CharField(required=False)


@extend_schema_serializer(component_name="TimePeriod")
class TimePeriodSchema(serializers.Serializer):  # type: ignore[type-arg]
    """A period of time."""

    startDateTime = serializers.DateTimeField(required=False)
    endDateTime = serializers.DateTimeField(required=False)


@extend_schema_serializer(component_name="AttachmentRefOrValue")
class AttachmentSchema(_Ref):
    """An attachment, by reference."""

    id = serializers.CharField(required=False)
    href = serializers.CharField(required=False)
    attachmentType = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    mimeType = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    size = QuantitySchema(required=False)
    validFor = TimePeriodSchema(required=False)


@extend_schema_serializer(component_name="TroubleTicketRelationship")
class RelationshipSchema(_At):
    """A related trouble ticket."""

    id = serializers.CharField(required=False)
    href = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    relationshipType = serializers.CharField(required=False)


@extend_schema_serializer(component_name="StatusChange")
class StatusChangeSchema(_At):
    """A status change, from the ticket's event log."""

    status = serializers.ChoiceField(choices=STATUSES, required=False)
    changeDate = serializers.DateTimeField(required=False)
    changeReason = serializers.CharField(required=False)


@extend_schema_serializer(component_name="TroubleTicket")
class TroubleTicketSchema(_At):
    """A trouble ticket: a ProblemDesk customer problem seen through TMF621."""

    id = serializers.CharField()
    href = serializers.CharField()
    name = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    severity = serializers.CharField(required=False)
    ticketType = serializers.CharField(required=False)
    priority = serializers.CharField(
        required=False, help_text="Ours, derived from the severity (Critical, High, Medium, Low)."
    )
    status = serializers.ChoiceField(choices=STATUSES, required=False)
    statusChangeDate = serializers.DateTimeField(required=False)
    statusChangeReason = serializers.CharField(required=False)
    creationDate = serializers.DateTimeField(required=False)
    lastUpdate = serializers.DateTimeField(required=False)
    expectedResolutionDate = serializers.DateTimeField(
        required=False, help_text="Our restoration target."
    )
    requestedResolutionDate = serializers.DateTimeField(required=False)
    resolutionDate = serializers.DateTimeField(required=False)
    externalId = serializers.CharField(required=False)
    channel = ChannelRefSchema(required=False)
    note = NoteSchema(many=True, required=False)
    relatedParty = RelatedPartySchema(many=True, required=False)
    relatedEntity = RelatedEntitySchema(many=True, required=False)
    attachment = AttachmentSchema(many=True, required=False)
    troubleTicketRelationship = RelationshipSchema(many=True, required=False)
    statusChange = StatusChangeSchema(many=True, required=False)
    reference = serializers.CharField(
        required=False, help_text="Extension: the desk's reference (PRB-0000123)."
    )
    inJeopardy = serializers.BooleanField(
        required=False, help_text="Extension (staff only): the restoration target is in jeopardy."
    )
    escalationLevel = serializers.IntegerField(
        required=False, help_text="Extension (staff only): 0 to 3."
    )
