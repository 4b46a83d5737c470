"""Forms for the state machine's transitions and the other actions on a problem, shared
by the admin, the desk and the portal.

Every form takes an optional ``problem`` keyword: the desk passes it so that pickers show
only what fits the problem (the agents of its team); the admin builds them without it.
"""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from problems.models import (
    CancellationKind,
    CustomerProblem,
    HoldReason,
    RestorationOutcome,
    Team,
    User,
)

MAX_ESCALATION_LEVEL = 3
DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProblemActionForm(forms.Form):
    """A form about one problem (which may be None where the caller does not know it)."""

    def __init__(self, *args: Any, problem: CustomerProblem | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problem = problem


class AssignForm(ProblemActionForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True),
        required=False,
        help_text="Leave empty to keep the problem's team.",
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(customer__isnull=True, is_active=True),
        empty_label="Choose an agent",
        help_text="An active agent of the team.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.problem is None:
            return
        from problems.selectors import team_agents

        # The picker lists the agents of the chosen team (or of the problem's own team).
        team_id = self._chosen_team_id() or self.problem.team_id
        self.fields["assignee"].queryset = team_agents(team_id)
        self.fields["assignee"].error_messages["invalid_choice"] = (
            "Choose an active agent of the team."
        )
        self.fields["team"].empty_label = (
            f"Keep {self.problem.team}" if self.problem.team_id else "Choose a team"
        )
        # With htmx, choosing another team reloads the agent picker with its agents.
        self.fields["team"].widget.attrs.update(
            {
                "hx-get": reverse("desk:agent_options", args=[self.problem.pk]),
                "hx-target": f"#{self['assignee'].auto_id}",
                "hx-swap": "innerHTML",
            }
        )

    def _chosen_team_id(self) -> int | None:
        raw = self.data.get(self.add_prefix("team")) if self.is_bound else self.initial.get("team")
        try:
            return int(raw) if raw else None
        except (TypeError, ValueError):
            return None


class ReplanForm(ProblemActionForm):
    restore_by = forms.DateTimeField(label="New restoration target", widget=DATETIME_LOCAL)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def clean_restore_by(self) -> object:
        value = self.cleaned_data["restore_by"]
        if value <= timezone.now():
            raise forms.ValidationError("The new target must be in the future.")
        return value


class ClearForm(ProblemActionForm):
    outcome = forms.ChoiceField(choices=RestorationOutcome.choices)
    summary = forms.CharField(label="Resolution", widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(ProblemActionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(ProblemActionForm):
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


class CloseForm(ProblemActionForm):
    confirmed = forms.BooleanField(
        label="The customer confirmed the resolution",
        required=False,
        help_text="Leave unticked only when the confirmation window has passed.",
    )


class HoldForm(ProblemActionForm):
    reason = forms.ChoiceField(label="Waiting on", choices=HoldReason.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResumeForm(ProblemActionForm):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what came back (the customer's answer, the supplier's fix).",
    )


class EscalateForm(ProblemActionForm):
    level = forms.TypedChoiceField(
        coerce=int,
        choices=[(level, f"Level {level}") for level in range(1, MAX_ESCALATION_LEVEL + 1)],
        help_text="Who is told at each level is set in the SLA policy.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.problem is not None:
            current = self.problem.escalation_level
            self.fields["level"].choices = [
                (level, f"Level {level}") for level in range(current + 1, MAX_ESCALATION_LEVEL + 1)
            ]
            self.fields["level"].initial = current + 1


# --- The portal's words for the customer's own transitions ---------------------------------
class ConfirmResolutionForm(ProblemActionForm):
    """Nothing to fill in: pressing the button is the confirmation."""


class CustomerReopenForm(ProblemActionForm):
    reason = forms.CharField(label="What is still wrong?", widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(ProblemActionForm):
    reason = forms.CharField(
        label="Why do you withdraw it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: it works again, or it was reported twice.",
    )
