"""The report's period and filters, as a GET form (the URL is the report: bookmark it,
share it, export it)."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from problems.models import Category, Customer, Priority, Team, User
from problems.permissions import AGENT, SUPERVISOR
from reporting.period import DEFAULT_PRESET, PRESETS, Period, ReportScope
from services.models import Service

MAX_PERIOD_DAYS = 3 * 366


class PeriodForm(forms.Form):
    preset = forms.ChoiceField(
        label="Period", choices=list(PRESETS.items()), required=False, initial=DEFAULT_PRESET
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else ("form-control form-control-sm")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset = data.get("preset") or DEFAULT_PRESET
        data["preset"] = preset
        if preset != "custom":
            return data
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        if start is None:
            self.add_error("start", "Give the first day of the period.")
        if end is None:
            self.add_error("end", "Give the last day of the period.")
        if start and end:
            if end < start:
                self.add_error("end", "The last day must not be before the first.")
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", "A period may cover at most three years.")
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        if data["preset"] == "custom":
            return Period.from_days(data["start"], data["end"])
        return Period.from_preset(data["preset"])


class ReportForm(PeriodForm):
    team = forms.ModelChoiceField(Team.objects.filter(is_active=True), required=False)
    assignee = forms.ModelChoiceField(
        User.objects.filter(groups__name__in=[AGENT, SUPERVISOR], is_active=True)
        .distinct()
        .order_by("username"),
        label="Agent",
        required=False,
    )
    priority = forms.TypedChoiceField(
        choices=[("", "Any"), *Priority.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    category = forms.ModelChoiceField(Category.objects.all(), required=False)
    customer = forms.ModelChoiceField(Customer.objects.order_by("name"), required=False)
    service = forms.ModelChoiceField(Service.objects.order_by("name"), required=False)

    def scope(self) -> ReportScope:
        filters: dict[str, int] = {}
        for name in ("team", "assignee", "category", "customer", "service"):
            value = self.cleaned_data.get(name)
            if value is not None:
                filters[name] = value.pk
        if self.cleaned_data.get("priority") is not None:
            filters["priority"] = self.cleaned_data["priority"]
        return ReportScope(self.period(), filters)


def default_custom_days() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=29), today
