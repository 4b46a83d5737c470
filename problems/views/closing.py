"""The pages behind the e-mail links (no login): confirm a resolution, say it is not
fixed, answer the satisfaction survey. A link that cannot be used any more (used,
superseded, expired, altered) gets a page that says what happened and what to do next,
never an error."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from problems import workflow
from problems.closing_forms import NotFixedForm, SurveyForm
from problems.links import CONFIRM, REOPEN, BadLink, read_survey_token
from problems.models import SatisfactionSurvey
from problems.views.common import run_or_form_error
from problems.workflow import LinkVerdict


def _verdict_page(request: HttpRequest, verdict: LinkVerdict, *, action: str) -> HttpResponse:
    # A link that cannot be used is not an error of the site: 200, with what to do.
    status = 400 if verdict.kind == "invalid" else 200
    return render(
        request,
        "closing/link_result.html",
        {"verdict": verdict, "action": action, "problem": verdict.problem},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the resolution and a button (mail scanners follow links: a GET changes
    nothing); POST closes the problem."""
    if request.method == "POST":
        verdict = workflow.clearance_link_use(token, action=CONFIRM)
        return _verdict_page(request, verdict, action=CONFIRM)
    verdict = workflow.clearance_link_check(token, action=CONFIRM)
    if verdict.kind != "ready":
        return _verdict_page(request, verdict, action=CONFIRM)
    return render(request, "closing/confirm.html", {"problem": verdict.problem})


@never_cache
@require_http_methods(["GET", "POST"])
def not_fixed(request: HttpRequest, token: str) -> HttpResponse:
    """Ask what is still wrong, then reopen the problem with that reason."""
    form = NotFixedForm(request.POST or None)
    verdict = workflow.clearance_link_check(token, action=REOPEN)
    if verdict.kind != "ready":
        return _verdict_page(request, verdict, action=REOPEN)
    if request.method == "POST" and form.is_valid():
        used = run_or_form_error(
            form,
            lambda: workflow.clearance_link_use(
                token, action=REOPEN, reason=form.cleaned_data["reason"]
            ),
        )
        if used is not None:
            return _verdict_page(request, used, action=REOPEN)
    return render(request, "closing/not_fixed.html", {"problem": verdict.problem, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey_id = read_survey_token(token)
    except BadLink as bad:
        return _survey_page(request, bad.reason, status=400 if bad.reason == "invalid" else 200)
    found = SatisfactionSurvey.objects.select_related("problem").filter(pk=survey_id).first()
    if found is None:
        return _survey_page(request, "invalid", status=400)
    if found.answered_at is not None:
        return _survey_page(request, "answered", survey=found)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answered = run_or_form_error(
            form,
            lambda: workflow.survey_answer(
                survey_id, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            ),
        )
        if answered is not None:
            return _survey_page(request, "thanks", survey=answered)
        if (
            form.errors.get("__all__")
            and SatisfactionSurvey.objects.filter(pk=survey_id, answered_at__isnull=False).exists()
        ):  # answered by someone else a moment ago
            return _survey_page(request, "answered", survey=found)
    return render(
        request, "closing/survey.html", {"survey": found, "problem": found.problem, "form": form}
    )


def _survey_page(request: HttpRequest, outcome: str, *, status: int = 200, **extra: Any) -> Any:
    survey = extra.get("survey")
    context = {"outcome": outcome, "survey": survey, "problem": survey.problem if survey else None}
    return render(request, "closing/survey_result.html", context, status=status)
