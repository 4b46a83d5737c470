"""What a serviceProblem list (and a hub query) can filter and sort on."""

from typing import Any

from django.db.models import Q

from problemdesk.api.query import Attribute
from problems.models import TroubleReportLink
from services.api.problem_status import STATUSES, status_q
from services.models import Alarm, TroubleReportImpact


def _ids(operator: str, values: list[Any], q_for: Any) -> Q:
    matched: Q = q_for([int(v) for v in values])
    return ~matched if operator == "ne" else matched


def _service_q(operator: str, values: list[Any]) -> Q:
    return _ids(
        operator,
        values,
        lambda ids: Q(
            pk__in=TroubleReportImpact.objects.filter(service_id__in=ids).values("report_id")
        ),
    )


def _alarm_q(operator: str, values: list[Any]) -> Q:
    return _ids(
        operator,
        values,
        lambda ids: Q(
            pk__in=Alarm.objects.filter(pk__in=ids, trouble_report__isnull=False).values(
                "trouble_report_id"
            )
        ),
    )


def _ticket_q(operator: str, values: list[Any]) -> Q:
    return _ids(
        operator,
        values,
        lambda ids: Q(
            pk__in=TroubleReportLink.objects.filter(problem_id__in=ids).values("trouble_report_id")
        ),
    )


def _category_q(operator: str, values: list[Any]) -> Q:
    matched = Q(pk__in=[])
    for value in values:
        matched |= Q(tmf_attributes__category=value)
    return ~matched if operator == "ne" else matched


ATTRIBUTES: dict[str, Attribute] = {
    attribute.name: attribute
    for attribute in (
        Attribute("status", kind="enum", choices=STATUSES, to_q=status_q),
        Attribute("priority", kind="enum", choices=("1", "2", "3", "4"), column="priority"),
        Attribute("name", column="title", case_insensitive=True),
        Attribute("originatingSystem", column="originating_system", case_insensitive=True),
        Attribute("category", to_q=_category_q),
        Attribute("externalIdentifier.id", column="external_id"),
        Attribute(
            "problemEscalation",
            kind="enum",
            choices=("0", "1", "2", "3"),
            column="escalation_level",
        ),
        Attribute("responsibleParty.id", kind="integer", column="assignee_id"),
        Attribute("affectedService.id", kind="integer", to_q=_service_q),
        Attribute("underlyingAlarm.id", kind="integer", to_q=_alarm_q),
        Attribute("troubleTicket.id", kind="integer", to_q=_ticket_q),
        Attribute("creationDate", kind="datetime", column="created_at"),
        Attribute("lastUpdate", kind="datetime", column="updated_at"),
        Attribute("resolutionDate", kind="datetime", column="resolved_at"),
    )
}
DATE_ATTRIBUTES = ("creationDate", "lastUpdate", "resolutionDate")
SORTABLE = {
    "creationDate": "created_at",
    "lastUpdate": "updated_at",
    "priority": "priority",
    "resolutionDate": "resolved_at",
    "id": "pk",
}
