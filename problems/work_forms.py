"""Forms for working a problem: notes, recovery activities, the notification list."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from problems.forms import DATETIME_LOCAL
from problems.models import ActivityKind, ActivityOutcome, CustomerProblem, Team, User


def staff_users() -> QuerySet[User]:
    return User.objects.filter(customer__isnull=True, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class NoteForm(forms.Form):
    """Desk note: the button pressed says whether the customer sees it."""

    INTERNAL, PUBLIC = "internal", "public"
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))
    # Set by the button pressed; without one the note stays internal (the safe side).
    visibility = forms.ChoiceField(
        choices=[(INTERNAL, "Internal note"), (PUBLIC, "Reply to the customer")],
        required=False,
        widget=forms.HiddenInput,
    )

    @property
    def is_internal(self) -> bool:
        return self.cleaned_data.get("visibility") != self.PUBLIC


class CustomerNoteForm(forms.Form):
    body = forms.CharField(label="Add a message", widget=forms.Textarea(attrs={"rows": 3}))


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices)
    summary = forms.CharField(max_length=200, help_text="What is to be done.")
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True), required=False, empty_label="No team"
    )
    assignee = forms.ModelChoiceField(
        queryset=staff_users(), required=False, empty_label="Nobody yet"
    )
    supplier_name = forms.CharField(
        label="Supplier or partner",
        required=False,
        max_length=200,
        help_text="Needed for a supplier/partner request.",
    )
    external_reference = forms.CharField(label="Their reference", required=False, max_length=100)
    scheduled_for = forms.DateTimeField(required=False, widget=DATETIME_LOCAL)


class ActivityUpdateForm(forms.Form):
    start = forms.BooleanField(label="Mark as started", required=False)
    assignee = forms.ModelChoiceField(
        label="Re-assign to", queryset=staff_users(), required=False, empty_label="Keep as it is"
    )
    external_reference = forms.CharField(
        label="Supplier's reference", required=False, max_length=100
    )
    note = forms.CharField(
        label="Progress", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActivityCompleteForm(forms.Form):
    outcome = forms.ChoiceField(choices=ActivityOutcome.choices)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActivityCancelForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class WatchersForm(forms.Form):
    """The desk's notification list: tick who is told; add anyone else who may see it."""

    watchers = forms.ModelMultipleChoiceField(
        label="Told of every change",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    add = forms.ModelChoiceField(
        label="Add a colleague",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody else",
    )

    def __init__(self, *args: Any, problem: CustomerProblem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problem = problem
        # The people who may sensibly be told: current watchers, the customer's contacts
        # and the problem's team.
        who = Q(watched_problems=problem)
        if problem.customer_id is not None:
            who |= Q(customer_id=problem.customer_id)
        if problem.team_id is not None:
            who |= Q(teams=problem.team_id, customer__isnull=True)
        candidates = User.objects.filter(who, is_active=True)
        self.fields["watchers"].queryset = (
            User.objects.filter(pk__in=candidates.values("pk"))
            .select_related("customer")
            .order_by("customer_id", "first_name", "last_name", "username")
        )
        self.fields["watchers"].label_from_instance = _person_label
        self.fields["add"].queryset = staff_users().exclude(pk__in=candidates.values("pk"))
        if not self.is_bound:
            self.initial["watchers"] = list(problem.watchers.values_list("pk", flat=True))

    def chosen(self) -> list[User]:
        chosen = list(self.cleaned_data["watchers"])
        if self.cleaned_data.get("add") is not None:
            chosen.append(self.cleaned_data["add"])
        return chosen


class CustomerWatchersForm(forms.Form):
    """The portal's notification list: people of the customer's own company."""

    watchers = forms.ModelMultipleChoiceField(
        label="Also tell",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, problem: CustomerProblem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = User.objects.filter(customer_id=problem.customer_id, is_active=True).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["watchers"].queryset = contacts
        self.fields["watchers"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )
        if not self.is_bound:
            self.initial["watchers"] = list(
                problem.watchers.filter(customer_id=problem.customer_id).values_list(
                    "pk", flat=True
                )
            )


def _person_label(user: User) -> str:
    name = user.get_full_name() or user.username
    if user.customer_id:
        return f"{name} ({user.customer})"
    return f"{name} (staff)"
