"""What a TMF621 create or PATCH may carry, validated (types, sizes, required attributes).

Server-owned attributes (id, href, creationDate, lastUpdate, status and statusChange on
create, priority, expectedResolutionDate on create, resolutionDate, statusChangeDate) are
not declared: they are accepted and ignored, never trusted.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from problemdesk.api.fields import NOT_BLANK, Number, Polymorphic, Reference, Text, When
from problems.api.status import STATUSES, status_named

MAX_ITEMS = 20


class NoteInput(Polymorphic):
    """A note to add (an existing note's id leaves it as it is)."""

    id = Text(max_length=50, required=False, help_text="An existing note's id: left as it is.")
    author = Text(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="Ignored: the caller is the author.",
    )
    date = When(required=False, help_text="Ignored: set by the server.")
    text = Text(max_length=10_000, validators=[NOT_BLANK])


class RelatedPartyInput(Reference):
    """A party: role customer (our customer id or account code), reporter, assignee (an
    agent), or any other, kept as given."""

    required_at_attributes = ("@referredType",)
    id = Text(max_length=100, validators=[NOT_BLANK])
    href = Text(max_length=500, required=False, allow_blank=True)
    name = Text(max_length=200, required=False, allow_blank=True)
    role = Text(max_length=100, required=False, allow_blank=True)


class RelatedEntityInput(Reference):
    """An entity: @referredType Service with our numeric service id is the affected service;
    others (bills, products, service trouble reports…) are kept as given."""

    required_at_attributes = ("@referredType",)
    id = Text(max_length=100, validators=[NOT_BLANK])
    href = Text(max_length=500, required=False, allow_blank=True)
    name = Text(max_length=200, required=False, allow_blank=True)
    role = Text(max_length=100, validators=[NOT_BLANK])


class ChannelInput(Reference):
    """The channel the problem was raised through (self service, phone, e-mail…)."""

    id = Text(max_length=100, validators=[NOT_BLANK])
    href = Text(max_length=500, required=False, allow_blank=True)
    name = Text(max_length=100, required=False, allow_blank=True)


class QuantityInput(serializers.Serializer):  # type: ignore[type-arg]
    """An amount in a given unit."""

    amount = Number(required=False)
    units = Text(max_length=50, required=False, allow_blank=True)


class TimePeriodInput(serializers.Serializer):  # type: ignore[type-arg]
    """A period of time."""

    startDateTime = When(required=False)
    endDateTime = When(required=False)


class AttachmentInput(Reference):
    """By reference only: ``content`` (by value) is refused."""

    id = Text(max_length=100, required=False, allow_blank=True)
    href = Text(max_length=500, required=False, allow_blank=True)
    attachmentType = Text(max_length=100, required=False, allow_blank=True)
    description = Text(max_length=1000, required=False, allow_blank=True)
    mimeType = Text(max_length=100, required=False, allow_blank=True)
    name = Text(max_length=200, required=False, allow_blank=True)
    url = Text(max_length=2000, required=False, allow_blank=True)
    size = QuantityInput(required=False)
    validFor = TimePeriodInput(required=False)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and data.get("content"):
            raise serializers.ValidationError(
                {"content": "Attachments are kept by reference: give its url, not its content."}
            )
        return super().to_internal_value(data)


class RelationshipInput(Polymorphic):
    """A related trouble ticket."""

    id = Text(max_length=100, validators=[NOT_BLANK])
    href = Text(max_length=500, required=False, allow_blank=True)
    name = Text(max_length=200, required=False, allow_blank=True)
    relationshipType = Text(max_length=100, required=False, allow_blank=True)


@extend_schema_field({"type": "string", "enum": list(STATUSES)})
class StatusField(Text):
    """One of the TMF621 statuses (its case is forgiven: "Pending" is pending)."""

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        status = status_named(text)
        if status is None:
            raise serializers.ValidationError(f"Use one of {', '.join(STATUSES)}.")
        return status.value


def _many(child: serializers.Serializer, most: int) -> serializers.ListSerializer:  # type: ignore[type-arg]
    return serializers.ListSerializer(child=child, required=False, max_length=most)


def _lists() -> dict[str, serializers.Field]:  # type: ignore[type-arg]
    return {
        "note": _many(NoteInput(), 50),
        "relatedParty": _many(RelatedPartyInput(), MAX_ITEMS),
        "relatedEntity": _many(RelatedEntityInput(), MAX_ITEMS),
        "attachment": _many(AttachmentInput(), MAX_ITEMS),
        "troubleTicketRelationship": _many(RelationshipInput(), MAX_ITEMS),
    }


@extend_schema_serializer(component_name="TroubleTicket_Create")
class TroubleTicketCreateInput(Polymorphic):
    """A trouble ticket to create: description, severity and ticketType are required."""

    name = Text(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="A short title; taken from the description when absent.",
    )
    description = Text(max_length=20_000, validators=[NOT_BLANK])
    severity = Text(
        max_length=50, validators=[NOT_BLANK], help_text="Kept as given; sets our priority."
    )
    ticketType = Text(max_length=50, validators=[NOT_BLANK])
    externalId = Text(max_length=100, required=False, allow_blank=True)
    requestedResolutionDate = When(required=False, allow_null=True)
    channel = ChannelInput(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        return {**super().get_fields(), **_lists()}


@extend_schema_serializer(component_name="TroubleTicket_Update")
class TroubleTicketUpdateInput(Polymorphic):
    """A merge patch: absent attributes stay as they are; ``null`` clears what can be cleared."""

    name = Text(max_length=200, required=False, validators=[NOT_BLANK])
    description = Text(max_length=20_000, required=False, validators=[NOT_BLANK])
    severity = Text(max_length=50, required=False, allow_null=True, allow_blank=True)
    ticketType = Text(max_length=50, required=False, allow_null=True, allow_blank=True)
    externalId = Text(max_length=100, required=False, allow_null=True, allow_blank=True)
    requestedResolutionDate = When(required=False, allow_null=True)
    expectedResolutionDate = When(
        required=False, help_text="A new restoration target: re-plans a ticket in jeopardy."
    )
    status = StatusField(required=False, help_text="Runs the lifecycle step to this status.")
    statusChangeReason = Text(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Why: the reason, resolution summary or note of a status change.",
    )
    channel = ChannelInput(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = {**super().get_fields(), **_lists()}
        for name in ("relatedParty", "relatedEntity", "attachment", "troubleTicketRelationship"):
            fields[name].allow_null = True
        fields["note"].allow_null = True
        return fields
