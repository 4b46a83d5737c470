"""What a TMF656 create or PATCH may carry, validated (types, sizes, required attributes).
Server-owned attributes (id, href, status on create, dates, trackingRecord…) are not
declared: accepted and ignored, never trusted."""

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from problemdesk.api.fields import NOT_BLANK, Polymorphic, Reference, Text, When
from services.api.access import StrictInteger
from services.api.problem_status import STATUSES

MAX_ITEMS = 50


def _list(child: serializers.Field, **kwargs: Any) -> serializers.ListField:  # type: ignore[type-arg]
    return serializers.ListField(child=child, max_length=MAX_ITEMS, required=False, **kwargs)


class ProblemRefInput(Reference):
    """A reference to another entity (service, resource, alarm, ticket, problem…)."""

    id = Text(max_length=100, validators=[NOT_BLANK])
    href = Text(max_length=500, required=False, allow_blank=True)
    name = Text(max_length=200, required=False, allow_blank=True)


@extend_schema_serializer(component_name="ServiceProblemRelatedParty")
class ProblemPartyInput(ProblemRefInput):
    """A party: for responsibleParty, an agent's id assigns the problem to them."""

    required_at_attributes = ("@referredType",)
    role = Text(max_length=100, required=False, allow_blank=True)


class ProblemEntityInput(ProblemRefInput):
    required_at_attributes = ("@referredType",)
    role = Text(max_length=100, validators=[NOT_BLANK])


class ProblemPlaceInput(Reference):
    id = Text(max_length=100, required=False, allow_blank=True)
    href = Text(max_length=500, required=False, allow_blank=True)
    name = Text(max_length=200, required=False, allow_blank=True)
    role = Text(max_length=100, required=False, allow_blank=True)


class ProblemEventRefInput(ProblemRefInput):
    eventTime = When(required=False)


class ProblemExternalIdentifierInput(Polymorphic):
    id = Text(max_length=100, validators=[NOT_BLANK])
    href = Text(max_length=500, required=False, allow_blank=True)
    externalIdentifierType = Text(max_length=100, required=False, allow_blank=True)
    owner = Text(max_length=100, required=False, allow_blank=True)


class ProblemCharacteristicInput(Polymorphic):
    id = Text(max_length=100, required=False, allow_blank=True)
    name = Text(max_length=100, validators=[NOT_BLANK])
    valueType = Text(max_length=50, required=False, allow_blank=True)
    value = serializers.JSONField()


class ProblemImpactPatternInput(Polymorphic):
    id = Text(max_length=100, required=False, allow_blank=True)
    href = Text(max_length=500, required=False, allow_blank=True)
    description = Text(max_length=2000, required=False, allow_blank=True)
    characteristic = _list(ProblemCharacteristicInput())


class ProblemNoteInput(Polymorphic):
    """A note to add: a progress update (it reaches the linked customer problems). A note
    with the id of one already there is left as it is."""

    id = Text(max_length=50, required=False, allow_blank=True)
    author = Text(max_length=150, required=False, allow_blank=True)
    date = When(required=False)
    text = Text(max_length=10_000, validators=[NOT_BLANK])


class _ProblemFields(Polymorphic):
    name = Text(max_length=200, required=False, validators=[NOT_BLANK])
    description = Text(max_length=10_000, validators=[NOT_BLANK])
    category = Text(max_length=100, validators=[NOT_BLANK])
    priority = StrictInteger(min_value=1, max_value=4)
    reason = Text(max_length=2000, validators=[NOT_BLANK])
    impactImportanceFactor = Text(max_length=100, required=False, allow_blank=True)
    originatorParty = ProblemPartyInput()
    responsibleParty = ProblemPartyInput(required=False)
    relatedParty = _list(ProblemPartyInput())
    relatedEntity = _list(ProblemEntityInput())
    affectedLocation = _list(ProblemPlaceInput())
    relatedEvent = _list(ProblemEventRefInput())
    slaViolation = _list(ProblemRefInput())
    externalIdentifier = _list(ProblemExternalIdentifierInput())
    characteristic = _list(ProblemCharacteristicInput())
    impactPattern = ProblemImpactPatternInput(required=False)
    firstAlert = ProblemEntityInput(required=False)
    note = _list(ProblemNoteInput())
    affectedService = _list(ProblemRefInput())
    affectedResource = _list(ProblemRefInput())
    rootCauseService = _list(ProblemRefInput())
    rootCauseResource = _list(ProblemRefInput())
    underlyingAlarm = _list(ProblemRefInput())
    troubleTicket = _list(ProblemRefInput())
    parentProblem = _list(ProblemRefInput())
    underlyingProblem = _list(ProblemRefInput())


@extend_schema_serializer(component_name="ServiceProblem_Create")
class ServiceProblemCreateInput(_ProblemFields):
    """A service problem to open (category, priority, description, reason and
    originatorParty are required). Known services in affectedService are named as impacted;
    known raised alarms in underlyingAlarm are attached; other references are kept."""

    originatingSystem = Text(max_length=100, required=False, allow_blank=True)


@extend_schema_serializer(component_name="ServiceProblem_Update")
class ServiceProblemUpdateInput(_ProblemFields):
    """A merge patch. A new ``status`` runs that step of the life cycle (statusChangeReason
    says why); responsibleParty with an agent's id assigns; notes are added."""

    status = serializers.ChoiceField(choices=list(STATUSES), required=False)
    statusChangeReason = Text(max_length=2000, required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields
