"""Forms for the state machine's transitions, shared by the admin and the desk."""

from django import forms
from django.utils import timezone

from problems.models import (
    CancellationKind,
    CustomerProblem,
    HoldReason,
    RestorationOutcome,
    Team,
    User,
)


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True),
        required=False,
        help_text="Leave empty to keep the problem's team.",
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(customer__isnull=True, is_active=True),
        help_text="An active agent of the team.",
    )


class ReplanForm(forms.Form):
    restore_by = forms.DateTimeField(
        label="New restoration target",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def clean_restore_by(self) -> object:
        value = self.cleaned_data["restore_by"]
        if value <= timezone.now():
            raise forms.ValidationError("The new target must be in the future.")
        return value


class ClearForm(forms.Form):
    outcome = forms.ChoiceField(choices=RestorationOutcome.choices)
    summary = forms.CharField(label="Resolution", widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    kind = forms.ChoiceField(label="Why", choices=CancellationKind.choices)
    reason = forms.CharField(label="Explanation", widget=forms.Textarea(attrs={"rows": 3}))
    duplicate_of = forms.CharField(
        required=False,
        label="Duplicate of",
        help_text="Reference of the original, e.g. PRB-0000042",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        reference = (data.get("duplicate_of") or "").strip()
        if data.get("kind") == CancellationKind.DUPLICATE:
            original = (
                CustomerProblem.objects.with_reference(reference).first() if reference else None
            )
            if original is None:
                self.add_error("duplicate_of", "Give the reference of the original problem.")
            data["duplicate_of"] = original
        else:
            data["duplicate_of"] = None
        return data


class CloseForm(forms.Form):
    confirmed = forms.BooleanField(
        label="The customer confirmed the resolution",
        required=False,
        help_text="Leave unticked only when the confirmation window has passed.",
    )


class HoldForm(forms.Form):
    reason = forms.ChoiceField(label="Waiting on", choices=HoldReason.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
