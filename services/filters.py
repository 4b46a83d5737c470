"""Filters of the desk's alarm list and trouble report queue (django-filter)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from problems.models import Priority, Team
from services.localisation import components_of
from services.models import (
    ACTIVE_REPORT_STATES,
    RAISED_STATES,
    WAITING_STATES,
    AckState,
    PerceivedSeverity,
    ReportState,
    Service,
    ServiceDependency,
    TroubleReportImpact,
)
from services.models.reports import REFERENCE_PATTERN

ALARM_STATES = [
    ("raised", "Raised"),
    ("unacknowledged", "Raised, not acknowledged"),
    ("acknowledged", "Raised, acknowledged"),
    ("cleared", "Cleared"),
    ("any", "Any state"),
]
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AlarmFilter(django_filters.FilterSet):
    """Raised alarms unless the state filter says otherwise (the list is a live view)."""

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Object, cause, problem, details"}
        ),
    )
    severity = django_filters.MultipleChoiceFilter(
        method="filter_severity",
        choices=[c for c in PerceivedSeverity.choices if c[0] != PerceivedSeverity.CLEARED],
        label="Severity",
        widget=forms.CheckboxSelectMultiple,
    )
    state = django_filters.ChoiceFilter(
        choices=ALARM_STATES, method="filter_state", empty_label=None, label="State"
    )
    # Typed, not a list: listing the systems would read every alarm on each refresh.
    source = django_filters.CharFilter(
        field_name="source_system_id", lookup_expr="iexact", label="Source system"
    )
    resource = django_filters.CharFilter(
        label="Resource", method="filter_resource", widget=forms.TextInput(attrs={"type": "search"})
    )
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.filter(is_active=True),
        method="filter_service",
        empty_label="Any service",
        label="Service",
    )
    raised_after = django_filters.DateTimeFilter(
        field_name="raised_at", lookup_expr="gte", label="Raised from", widget=DATETIME_INPUT
    )
    raised_before = django_filters.DateTimeFilter(
        field_name="raised_at", lookup_expr="lte", label="Raised until", widget=DATETIME_INPUT
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # The live view: raised alarms, unless another state is asked for.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("state"):
            data["state"] = "raised"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(alarmed_object_id__icontains=text)
            | Q(probable_cause__icontains=text)
            | Q(specific_problem__icontains=text)
            | Q(alarm_details__icontains=text)
            | Q(external_alarm_id=text)
        )

    def filter_severity(self, queryset: QuerySet[Any], name: str, value: list[str]) -> Any:
        """A raised alarm by its severity now; a cleared one by the worst it was."""
        if not value:
            return queryset
        return queryset.filter(
            Q(state__in=RAISED_STATES, perceived_severity__in=value)
            | (~Q(state__in=RAISED_STATES) & Q(highest_severity__in=value))
        )

    def filter_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        raised = Q(state__in=RAISED_STATES)
        return {
            "raised": queryset.filter(raised),
            "unacknowledged": queryset.filter(raised, ack_state=AckState.UNACKNOWLEDGED),
            "acknowledged": queryset.filter(raised, ack_state=AckState.ACKNOWLEDGED),
            "cleared": queryset.exclude(raised),
        }.get(value, queryset)

    def filter_resource(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(alarmed_object_id__istartswith=text) | Q(resource__name__icontains=text)
        )

    def filter_service(self, queryset: QuerySet[Any], name: str, value: Service) -> Any:
        """Alarms on what the service runs on (its resources and their components), and
        alarms correlated to a trouble report that impacts it."""
        if value is None:
            return queryset
        direct = ServiceDependency.objects.filter(service=value, resource__isnull=False)
        resources = components_of(direct.values_list("resource_id", flat=True))
        reports = TroubleReportImpact.objects.filter(service=value).values("report_id")
        return queryset.filter(Q(resource_id__in=resources) | Q(trouble_report_id__in=reports))


REPORT_STATES = [
    ("active", "Active"),
    ("waiting", "Held or pending"),
    *ReportState.choices,
    ("any", "Any state"),
]


class TroubleReportFilter(django_filters.FilterSet):
    """Active reports unless the state filter says otherwise."""

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Reference or title"}),
    )
    state = django_filters.ChoiceFilter(
        choices=REPORT_STATES, method="filter_state", empty_label=None, label="State"
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, empty_label="Any priority")
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.filter(is_active=True),
        field_name="impacts__service",
        empty_label="Any service",
        label="Impacted service",
    )
    jeopardy = django_filters.ChoiceFilter(
        choices=[("yes", "In jeopardy"), ("no", "Not in jeopardy")],
        method="filter_jeopardy",
        empty_label="Either",
        label="Jeopardy",
    )
    escalation = django_filters.ChoiceFilter(
        choices=[("0", "Not escalated"), ("1", "Level 1+"), ("2", "Level 2+"), ("3", "Level 3")],
        method="filter_escalation",
        empty_label="Any level",
        label="Escalation",
    )
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.filter(is_active=True), empty_label="Any team"
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        data = data.copy() if data is not None else None
        if data is not None and not data.get("state"):
            data["state"] = "active"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        condition = Q(title__icontains=text) | Q(external_id=text)
        match = REFERENCE_PATTERN.match(text)
        if match:
            condition |= Q(pk=int(match.group(1)))
        return queryset.filter(condition)

    def filter_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "active":
            return queryset.filter(state__in=ACTIVE_REPORT_STATES)
        if value == "waiting":
            return queryset.filter(state__in=WAITING_STATES)
        if value in ReportState.values:
            return queryset.filter(state=value)
        return queryset

    def filter_jeopardy(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "yes":
            return queryset.filter(jeopardy_since__isnull=False, state__in=ACTIVE_REPORT_STATES)
        if value == "no":
            return queryset.exclude(jeopardy_since__isnull=False, state__in=ACTIVE_REPORT_STATES)
        return queryset

    def filter_escalation(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "0":
            return queryset.filter(escalation_level=0)
        return queryset.filter(escalation_level__gte=int(value))
