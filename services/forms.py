"""Forms for trouble reports and alarms, shared by the admin and (next) the desk."""

from django import forms
from django.utils import timezone

from problems.forms import ReasonForm
from problems.models import RestorationOutcome, Team, User

__all__ = [
    "AssignReportForm",
    "EscalateForm",
    "ProgressForm",
    "ReasonForm",
    "ReplanReportForm",
    "ResolveForm",
]


class AssignReportForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True),
        required=False,
        help_text="Leave empty to keep the report's team.",
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(customer__isnull=True, is_active=True),
        help_text="An active agent of the team.",
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=RestorationOutcome.choices)
    summary = forms.CharField(
        label="Resolution",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Told to the customers whose problems are linked.",
    )
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(forms.Form):
    message = forms.CharField(
        label="Update for the affected customers",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Appears on every linked customer problem's timeline, and is e-mailed.",
    )


class EscalateForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.IntegerField(min_value=1, max_value=3, required=False)


class ReplanReportForm(forms.Form):
    restore_by = forms.DateTimeField(
        label="New restoration target",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def clean_restore_by(self) -> object:
        value = self.cleaned_data["restore_by"]
        if value <= timezone.now():
            raise forms.ValidationError("The new target must be in the future.")
        return value
