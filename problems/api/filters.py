"""What a trouble ticket list (and a hub subscription's query) can filter and sort on."""

from typing import Any

from django.db.models import Q

from problemdesk.api.query import Attribute
from problems.api.severity import PRIORITY_BY_LABEL
from problems.api.status import STATUSES, status_q
from problems.models import CustomerProblem


def _priority_q(operator: str, values: list[Any]) -> Q:
    matched = Q(priority__in=[PRIORITY_BY_LABEL[value] for value in values])
    return ~matched if operator == "ne" else matched


def _party_q(operator: str, values: list[Any]) -> Q:
    """Any related party: the customer, the reporter or the assignee."""
    ids = [int(value) for value in values]
    matched = Q(customer_id__in=ids) | Q(reported_by_id__in=ids) | Q(assignee_id__in=ids)
    return ~matched if operator == "ne" else matched


def _entity_q(operator: str, values: list[Any]) -> Q:
    """The affected service, by our service reference."""
    matched = Q(service_id__in=[int(value) for value in values])
    return ~matched if operator == "ne" else matched


def _reference_q(operator: str, values: list[Any]) -> Q:
    matched = Q(pk__in=[])
    for value in values:
        matched |= Q(pk__in=CustomerProblem.objects.with_reference(value).values("pk"))
    return ~matched if operator == "ne" else matched


ATTRIBUTES: dict[str, Attribute] = {
    attribute.name: attribute
    for attribute in (
        Attribute("id", kind="integer", column="pk"),
        Attribute("name", column="title"),
        Attribute("severity", column="severity", case_insensitive=True),
        Attribute("ticketType", column="ticket_type", case_insensitive=True),
        Attribute("priority", kind="enum", choices=tuple(PRIORITY_BY_LABEL), to_q=_priority_q),
        Attribute("status", kind="enum", choices=STATUSES, to_q=status_q),
        Attribute("externalId", column="external_id"),
        Attribute("creationDate", kind="datetime", column="created_at"),
        Attribute("lastUpdate", kind="datetime", column="updated_at"),
        Attribute("expectedResolutionDate", kind="datetime", column="restore_by"),
        Attribute("requestedResolutionDate", kind="datetime", column="requested_resolution_at"),
        Attribute("resolutionDate", kind="datetime", column="cleared_at"),
        Attribute("relatedParty.id", kind="integer", to_q=_party_q),
        Attribute("relatedEntity.id", kind="integer", to_q=_entity_q),
        Attribute("reference", to_q=_reference_q),
    )
}

SORTABLE = {
    "id": "pk",
    "name": "title",
    "severity": "severity",
    "ticketType": "ticket_type",
    "priority": "priority",
    "creationDate": "created_at",
    "lastUpdate": "updated_at",
    "expectedResolutionDate": "restore_by",
    "requestedResolutionDate": "requested_resolution_at",
    "resolutionDate": "cleared_at",
}
DATE_ATTRIBUTES = tuple(name for name, spec in ATTRIBUTES.items() if spec.kind == "datetime")
