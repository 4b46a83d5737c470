"""Who may use the network APIs, and the helpers their views share."""

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from problemdesk.api.errors import TMFError
from services.selectors import can_see_trouble_reports

SERVICE_PROBLEM_BASE = "/tmf-api/serviceProblemManagement/v4"
ALARM_BASE = "/tmf-api/alarmManagement/v4"
TROUBLE_TICKET_BASE = "/tmf-api/troubleTicket/v4"


class WorksNetwork(BasePermission):
    """Service problems and alarms are for operations: staff who work problems, and API
    clients for all customers. Customers' contacts and customer-scoped clients are refused
    with a 403 (they hear of faults through their own trouble tickets)."""

    message = "Service problems and alarms are for network operations staff only."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return getattr(user, "customer_id", None) is None and can_see_trouble_reports(user)


PERMISSIONS: list[type[BasePermission]] = [IsAuthenticated, WorksNetwork]


def numeric_id(text: Any) -> int | None:
    """Our ids are whole numbers; anything else names nothing."""
    value = str(text).strip() if isinstance(text, str | int) and not isinstance(text, bool) else ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def not_found(what: str) -> TMFError:
    return TMFError("notFound", f"No such {what}.")


def iso(value: Any) -> str | None:
    """ISO 8601 in UTC with a Z; milliseconds when that is all the value has (as given)."""
    if value is None:
        return None
    spec = "milliseconds" if value.microsecond % 1000 == 0 and value.microsecond else "auto"
    text: str = value.isoformat(timespec=spec)
    return text.replace("+00:00", "Z")


class StrictBoolean(serializers.BooleanField):
    """A JSON boolean, and only a boolean (DRF's would take 0, 1, "yes")."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictInteger(serializers.IntegerField):
    """A JSON integer, and only an integer (DRF's would take "2" and 2.0)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        value: int = super().to_internal_value(data)
        return value
