"""Forms of the desk's network pages: opening a report from an alarm, testing and recovery
activities (own staff or a supplier), and linking a customer problem to a report."""

from typing import Any

from django import forms

from problems.forms import DATETIME_LOCAL
from problems.models import Priority, Team
from problems.work_forms import staff_users
from services.models import (
    OUTCOMES_BY_KIND,
    Supplier,
    TroubleActivityKind,
    TroubleActivityOutcome,
)


class OpenReportForm(forms.Form):
    title = forms.CharField(max_length=200)
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TroubleActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=TroubleActivityKind.choices)
    summary = forms.CharField(max_length=200, help_text="What is to be done.")
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True), required=False, empty_label="No team"
    )
    assignee = forms.ModelChoiceField(
        queryset=staff_users(), required=False, empty_label="Nobody yet"
    )
    supplier = forms.ModelChoiceField(
        label="Supplier or partner",
        queryset=Supplier.objects.filter(is_active=True),
        required=False,
        empty_label="Our own staff",
        help_text="A request to a supplier is e-mailed to them.",
    )
    external_reference = forms.CharField(label="Their reference", required=False, max_length=100)
    scheduled_for = forms.DateTimeField(required=False, widget=DATETIME_LOCAL)


class TroubleActivityUpdateForm(forms.Form):
    start = forms.BooleanField(label="Mark as started", required=False)
    assignee = forms.ModelChoiceField(
        label="Re-assign to", queryset=staff_users(), required=False, empty_label="Keep as it is"
    )
    external_reference = forms.CharField(
        label="Supplier's reference", required=False, max_length=100
    )
    supplier_status = forms.CharField(
        label="Supplier's status", required=False, max_length=200, help_text="What they report."
    )
    note = forms.CharField(
        label="Progress", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TroubleActivityCompleteForm(forms.Form):
    outcome = forms.ChoiceField(choices=TroubleActivityOutcome.choices)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind in TroubleActivityKind.values:
            allowed = OUTCOMES_BY_KIND[TroubleActivityKind(kind)]
            self.fields["outcome"].choices = [(o.value, o.label) for o in allowed]


class TroubleActivityCancelForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class LinkReportForm(forms.Form):
    report = forms.CharField(
        label="Trouble report",
        max_length=30,
        help_text="Its reference, e.g. STR-0000012.",
        widget=forms.TextInput(attrs={"placeholder": "STR-…"}),
    )


class UnlinkReportForm(forms.Form):
    reason = forms.CharField(
        label="Why it is not this fault",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "e.g. the customer's router is faulty"}),
    )
