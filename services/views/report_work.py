"""Testing and recovery activities on a trouble report's page: schedule (own staff or a
supplier/partner), start, record progress and the supplier's reference and status,
complete with an outcome, cancel. Each runs its ``services.workflow`` function."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from problems.views.common import done, posted_form, run_or_form_error, run_or_message, template_for
from services import selectors, workflow
from services.models import ServiceTroubleReport, TroubleReportActivity
from services.views.access import network_required
from services.work_forms import (
    TroubleActivityCancelForm,
    TroubleActivityCompleteForm,
    TroubleActivityForm,
    TroubleActivityUpdateForm,
)


def _activities_url(report: ServiceTroubleReport) -> str:
    return reverse("network:report", args=[report.pk]) + "#activities"


@network_required
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.trouble_report_get_for_user(user=request.user, pk=pk)
    form = posted_form(request, TroubleActivityForm, initial={"team": report.team_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = run_or_form_error(
            form,
            lambda: workflow.trouble_activity_schedule(
                report,
                actor=request.user,
                kind=data["kind"],
                summary=data["summary"],
                details=data["details"],
                assignee=data["assignee"],
                team=data["team"],
                supplier=data["supplier"],
                external_reference=data["external_reference"],
                scheduled_for=data["scheduled_for"],
            ),
        )
        if activity is not None:
            sent = (
                f" The request is e-mailed to {activity.supplier}."
                if activity.supplier and activity.supplier.email
                else ""
            )
            return done(
                request, f"Activity scheduled: {activity.summary}.{sent}", _activities_url(report)
            )
    context = {
        "report": report,
        "form": form,
        "title": "Schedule a testing or recovery activity",
        "submit": "Schedule",
        "action_url": reverse("network:activity_new", args=[report.pk]),
    }
    return render(
        request, template_for(request, "services/activity_form.html", "activity-form"), context
    )


Run = Callable[[TroubleReportActivity, Any, dict[str, Any]], TroubleReportActivity]
ACTIVITY_ACTIONS: dict[str, tuple[type[forms.Form], str, str, Run]] = {
    "update": (
        TroubleActivityUpdateForm,
        "Record progress",
        "progress recorded.",
        lambda a, actor, d: workflow.trouble_activity_update(
            a,
            actor=actor,
            start=d["start"],
            note=d["note"],
            assignee=d["assignee"],
            external_reference=d["external_reference"],
            supplier_status=d["supplier_status"] or None,
        ),
    ),
    "complete": (
        TroubleActivityCompleteForm,
        "Complete",
        "completed.",
        lambda a, actor, d: workflow.trouble_activity_complete(
            a, actor=actor, outcome=d["outcome"], notes=d["notes"]
        ),
    ),
    "cancel": (
        TroubleActivityCancelForm,
        "Cancel the activity",
        "cancelled.",
        lambda a, actor, d: workflow.trouble_activity_cancel(a, actor=actor, reason=d["reason"]),
    ),
}


@network_required
def activity_action(request: HttpRequest, pk: int, activity_pk: int, name: str) -> HttpResponse:
    if name not in ACTIVITY_ACTIONS:
        raise Http404("No such action.")
    report, activity = _activity(request, pk, activity_pk)
    form_class, title, message, run = ACTIVITY_ACTIONS[name]
    extra: dict[str, Any] = {}
    if name == "update":
        extra["initial"] = {
            "external_reference": activity.external_reference,
            "supplier_status": activity.supplier_status,
        }
    if name == "complete":
        extra["kind"] = activity.kind
    form = posted_form(request, form_class, **extra)
    if request.method == "POST" and form.is_valid():
        changed = run_or_form_error(form, lambda: run(activity, request.user, form.cleaned_data))
        if changed is not None:
            return done(request, f"{activity.summary}: {message}", _activities_url(report))
    context = {
        "report": report,
        "activity": activity,
        "form": form,
        "title": f"{title}: {activity.summary}",
        "submit": title,
        "action_url": reverse("network:activity_action", args=[report.pk, activity.pk, name]),
    }
    return render(
        request, template_for(request, "services/activity_form.html", "activity-form"), context
    )


@network_required
@require_POST
def activity_start(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    report, activity = _activity(request, pk, activity_pk)
    started = run_or_message(
        request,
        lambda: workflow.trouble_activity_update(activity, actor=request.user, start=True),
    )
    if started is None:
        return redirect(_activities_url(report))
    return done(request, f"{activity.summary}: started.", _activities_url(report))


def _activity(
    request: HttpRequest, pk: int, activity_pk: int
) -> tuple[ServiceTroubleReport, TroubleReportActivity]:
    report = selectors.trouble_report_get_for_user(user=request.user, pk=pk)
    activity = get_object_or_404(
        TroubleReportActivity.objects.select_related("supplier"), pk=activity_pk, report=report
    )
    return report, activity
