"""The desk queue's filters (django-filter)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from problems.models import Category, Customer, Priority, State, Team, User
from problems.models.problem import REFERENCE_PATTERN

ESCALATION_LEVELS = [(str(level), f"Level {level}") for level in range(4)]


class ProblemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Reference, title or description"}
        ),
    )
    state = django_filters.ChoiceFilter(choices=State.choices, empty_label="Any state")
    priority = django_filters.ChoiceFilter(choices=Priority.choices, empty_label="Any priority")
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.filter(is_active=True), empty_label="Any team"
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(customer__isnull=True, is_active=True, teams__isnull=False)
        .distinct()
        .order_by("first_name", "last_name", "username"),
        empty_label="Anyone",
    )
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(), empty_label="Any customer"
    )
    service = django_filters.CharFilter(
        label="Service", field_name="service_label", lookup_expr="icontains"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), empty_label="Any category"
    )
    escalation_level = django_filters.ChoiceFilter(
        label="Escalation", choices=ESCALATION_LEVELS, empty_label="Any level"
    )
    on_hold = django_filters.BooleanFilter(
        label="On hold",
        method="filter_on_hold",
        widget=forms.Select(choices=[("", "Either"), ("true", "On hold"), ("false", "Running")]),
    )

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        condition = Q(title__icontains=text) | Q(description__icontains=text)
        match = REFERENCE_PATTERN.match(text)
        if match:
            condition |= Q(pk=int(match.group(1)))
        condition |= Q(external_id=text)
        return queryset.filter(condition)

    def filter_on_hold(self, queryset: QuerySet[Any], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        return queryset.filter(on_hold_since__isnull=not value)
