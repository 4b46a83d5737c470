"""Serializer building blocks for TMF resources: strict types (a number is not a string),
the ``@type``-style attributes, and limits that keep bad input a 400."""

from datetime import UTC, datetime
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

NOT_BLANK = RegexValidator(r"\S", "Give a value that is not just spaces.")


class Text(serializers.CharField):
    """A JSON string, and only a string (DRF's CharField would take 12 or true)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Number(serializers.FloatField):
    """A JSON number, and only a number (not true, not "12")."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class When(serializers.DateTimeField):
    """An ISO 8601 date-time between 1970 and 2199: far enough for any ticket, and clear of
    the calendar's edges, where adding a duration (a hold, a target) would overflow."""

    def to_internal_value(self, value: Any) -> datetime:
        parsed: datetime = super().to_internal_value(value)
        if not EARLIEST <= parsed < LATEST:
            raise serializers.ValidationError("Give a date-time between 1970 and 2199.")
        return parsed


class Polymorphic(serializers.Serializer):  # type: ignore[type-arg]
    """Adds TMF's ``@type``, ``@baseType``, ``@schemaLocation`` (and, for references,
    ``@referredType``): names a Python attribute cannot have."""

    at_attributes: tuple[str, ...] = ("@type", "@baseType", "@schemaLocation")
    required_at_attributes: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        for name in self.at_attributes:
            required = name in self.required_at_attributes
            fields[name] = Text(
                max_length=500 if name == "@schemaLocation" else 100,
                required=required,
                allow_blank=not required,
                validators=[NOT_BLANK] if required else [],
            )
        return fields


class Reference(Polymorphic):
    at_attributes = ("@type", "@baseType", "@schemaLocation", "@referredType")
