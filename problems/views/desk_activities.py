"""Recovery activities on the desk (eTOM Correct & Recover): schedule, start, update,
complete with an outcome, cancel."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from problems import selectors, workflow
from problems.models import CustomerProblem, RecoveryActivity
from problems.views.access import desk_required
from problems.views.common import done, posted_form, run_or_form_error, run_or_message, template_for
from problems.work_forms import (
    ActivityCancelForm,
    ActivityCompleteForm,
    ActivityForm,
    ActivityUpdateForm,
)


def _activities_url(problem: CustomerProblem) -> str:
    return reverse("desk:problem", args=[problem.pk])


@desk_required
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    form = posted_form(request, ActivityForm, initial={"team": problem.team_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = run_or_form_error(
            form,
            lambda: workflow.activity_schedule(
                problem,
                actor=request.user,
                kind=data["kind"],
                summary=data["summary"],
                details=data["details"],
                assignee=data["assignee"],
                team=data["team"],
                supplier_name=data["supplier_name"],
                external_reference=data["external_reference"],
                scheduled_for=data["scheduled_for"],
            ),
        )
        if activity is not None:
            return done(
                request, f"Activity scheduled: {activity.summary}.", _activities_url(problem)
            )
    context = {
        "problem": problem,
        "form": form,
        "title": "Schedule a recovery activity",
        "submit": "Schedule",
        "action_url": reverse("desk:activity_new", args=[problem.pk]),
    }
    return render(
        request, template_for(request, "desk/activity_form.html", "activity-form"), context
    )


ActivityRun = Callable[[RecoveryActivity, Any, dict[str, Any]], RecoveryActivity]
ACTIVITY_ACTIONS: dict[str, tuple[type[forms.Form], str, str, ActivityRun]] = {
    "update": (
        ActivityUpdateForm,
        "Record progress",
        "Progress recorded.",
        lambda a, actor, d: workflow.activity_update(
            a,
            actor=actor,
            start=d["start"],
            note=d["note"],
            assignee=d["assignee"],
            external_reference=d["external_reference"] or None,
        ),
    ),
    "complete": (
        ActivityCompleteForm,
        "Complete",
        "Activity completed.",
        lambda a, actor, d: workflow.activity_complete(
            a, actor=actor, outcome=d["outcome"], notes=d["notes"]
        ),
    ),
    "cancel": (
        ActivityCancelForm,
        "Cancel the activity",
        "Activity cancelled.",
        lambda a, actor, d: workflow.activity_cancel(a, actor=actor, reason=d["reason"]),
    ),
}


@desk_required
def activity_action(request: HttpRequest, pk: int, activity_pk: int, name: str) -> HttpResponse:
    if name not in ACTIVITY_ACTIONS:
        raise Http404("No such action.")
    problem, activity = _activity(request, pk, activity_pk)
    form_class, title, message, run = ACTIVITY_ACTIONS[name]
    initial = {"external_reference": activity.external_reference} if name == "update" else {}
    form = posted_form(request, form_class, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = run_or_form_error(form, lambda: run(activity, request.user, form.cleaned_data))
        if changed is not None:
            return done(request, f"{activity.summary}: {message}", _activities_url(problem))
    context = {
        "problem": problem,
        "activity": activity,
        "form": form,
        "title": f"{title}: {activity.summary}",
        "submit": title,
        "action_url": reverse("desk:activity_action", args=[problem.pk, activity.pk, name]),
    }
    return render(
        request, template_for(request, "desk/activity_form.html", "activity-form"), context
    )


@desk_required
@require_POST
def activity_start(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    problem, activity = _activity(request, pk, activity_pk)
    started = run_or_message(
        request, lambda: workflow.activity_update(activity, actor=request.user, start=True)
    )
    if started is None:
        return redirect(_activities_url(problem))
    return done(request, f"{activity.summary}: started.", _activities_url(problem))


def _activity(
    request: HttpRequest, pk: int, activity_pk: int
) -> tuple[CustomerProblem, RecoveryActivity]:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    activity = get_object_or_404(RecoveryActivity, pk=activity_pk, problem=problem)
    return problem, activity
