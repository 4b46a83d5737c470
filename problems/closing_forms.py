"""The forms behind the e-mail links: not fixed (a reason) and the satisfaction survey."""

from django import forms

from problems.models import SCORE_CHOICES


class NotFixedForm(forms.Form):
    reason = forms.CharField(
        label="What is still wrong?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: the line still drops every few minutes.",
    )


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How satisfied are you with how we handled this problem?",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a score from 1 to 5."},
    )
    comment = forms.CharField(
        label="Anything you would like to tell us? (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
