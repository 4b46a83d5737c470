"""The trouble report queue and a report's page: its state, localisation, impact on
customers, alarms, linked problems, activities and timeline, and its buttons (exactly the
transitions and operations this person may do now; a refusal is shown as a message or a
form error)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from problems.views.common import done, posted_form, run_or_form_error, template_for
from problems.views.desk_queue import PAGE_SIZES, _paginate
from services import selectors, transitions, workflow
from services.filters import TroubleReportFilter
from services.forms import EscalateForm, ProgressForm, ReplanReportForm
from services.models import WAITING_STATES, ServiceTroubleReport
from services.tables import LinkedProblemTable, TroubleReportTable
from services.views.access import network_required
from services.work_forms import TroubleActivityForm
from services.workflow._base import REPORT_PAST_TENSE

ALARMS_SHOWN = 50
EVENTS_PER_PAGE = 50
LINKED_PER_PAGE = 15


def report_url(report: ServiceTroubleReport) -> str:
    return reverse("network:report", args=[report.pk])


# --- The queue ----------------------------------------------------------------------------
@network_required
@require_GET
def report_queue(request: HttpRequest) -> HttpResponse:
    reports = selectors.trouble_report_queue_for_user(user=request.user, active_only=False)
    filters = TroubleReportFilter(request.GET, queryset=reports)
    rows = filters.qs if filters.is_valid() else reports.active()
    table = TroubleReportTable(rows)
    filtered = any(request.GET.get(name) for name in set(filters.base_filters) - {"state"}) or (
        request.GET.get("state", "active") not in ("", "active")
    )
    table.empty_text = (
        "No trouble report matches these filters."
        if filtered
        else "No active trouble report: the network is healthy."
    )
    RequestConfig(request, paginate=False).configure(table)
    _paginate(table, request, known_count=None)  # type: ignore[arg-type]
    context = {
        "filter": filters,
        "table": table,
        "filtered": filtered,
        "counts": selectors.trouble_report_counts(user=request.user),
        "refresh_seconds": settings.NETWORK_ALARM_REFRESH_SECONDS,
        "refreshed_at": timezone.now(),
        "page_sizes": PAGE_SIZES,
    }
    return render(request, template_for(request, "services/reports.html", "results"), context)


# --- The report page ------------------------------------------------------------------------
@network_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.trouble_report_get_for_user(user=request.user, pk=pk)
    return render(request, "services/report.html", report_context(request, report))


def report_context(request: HttpRequest, report: ServiceTroubleReport, **forms: Any) -> dict:  # type: ignore[type-arg]
    user = request.user
    alarms = selectors.report_alarms(report)
    links = LinkedProblemTable(selectors.linked_problem_rows(report), prefix="problems_")
    summary = selectors.impact_summary(report)
    pages = max(1, -(-summary.linked_problem_count // LINKED_PER_PAGE))
    links.paginate(
        _KnownCountPaginator,
        LINKED_PER_PAGE,
        min(_page(request, "problems_page"), pages),  # past the end: the last page
        known_count=summary.linked_problem_count,
    )
    events = Paginator(
        selectors.report_events(report).order_by("-created_at", "-id"), EVENTS_PER_PAGE
    ).get_page(request.GET.get("events_page"))
    transitions_now = selectors.available_transitions(report, user)
    names = {transition.name for transition in transitions_now}
    return {
        "report": report,
        "transitions": transitions_now,
        "operations": [op for op in OPERATIONS.values() if op.offered(report, user)],
        "can_take": "assign" in names
        and report.assignee_id != user.pk
        and report.team_id is not None
        and any(team.pk == report.team_id for team in user.teams.all()),  # type: ignore[union-attr]
        "summary": summary,
        "alarms": list(alarms[:ALARMS_SHOWN]),
        "alarm_count": alarms.count(),
        "linked": links,
        "events": events,
        "activities": list(selectors.report_activities(report)),
        "can_manage_activities": report.is_active
        and user.has_perm("services.manage_trouble_activities"),
        "can_report_progress": report.is_active and user.has_perm("services.report_progress"),
        "progress_form": forms.get("progress_form") or ProgressForm(),
        "activity_form": TroubleActivityForm(initial={"team": report.team_id}),
    }


class _KnownCountPaginator(Paginator):
    def __init__(self, *args: Any, known_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = known_count  # read once already (impact summary)


def _page(request: HttpRequest, name: str) -> int:
    try:
        return max(1, int(request.GET.get(name, 1)))
    except ValueError:
        return 1


# --- Buttons: the state machine's transitions, and operations beside it -----------------------
@dataclass(frozen=True)
class Operation:
    name: str
    label: str
    form: type[forms.Form] | None
    run: Callable[[ServiceTroubleReport, Any, dict[str, Any]], ServiceTroubleReport]
    offered: Callable[[ServiceTroubleReport, Any], bool]
    done: str


OPERATIONS = {
    "escalate": Operation(
        "escalate",
        "Escalate",
        EscalateForm,
        lambda r, actor, d: workflow.trouble_report_escalate(
            r, actor=actor, reason=d["reason"], level=d.get("level")
        ),
        lambda r, user: (
            r.is_active
            and r.escalation_level < 3
            and user.has_perm("services.escalate_trouble_report")
        ),
        "Escalated.",
    ),
    "replan": Operation(
        "replan",
        "Re-plan",
        ReplanReportForm,
        lambda r, actor, d: workflow.trouble_report_replan(
            r, actor=actor, restore_by=d["restore_by"], reason=d["reason"]
        ),
        lambda r, user: (
            r.is_active
            and r.state not in WAITING_STATES
            and user.has_perm("services.replan_trouble_report")
        ),
        "Re-planned.",
    ),
    "localise": Operation(
        "localise",
        "Localise again",
        None,
        lambda r, actor, d: workflow.trouble_report_localise(r, actor=actor),
        lambda r, user: r.is_active and user.has_perm("services.work_trouble_report"),
        "Localised again from its alarms.",
    ),
}


@network_required
def report_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One of the buttons: a transition (its form, then its workflow function) or an
    operation beside the state machine (escalate, re-plan, localise again)."""
    if name not in transitions.ACTIONS and name not in OPERATIONS:
        raise Http404("No such action.")
    report = selectors.trouble_report_get_for_user(user=request.user, pk=pk)
    label, form_class, run, done_text = _button(report, request.user, name)
    if run is None:  # e.g. a page left open while someone else moved the report on
        why = _refusal(report, request.user, name)
        messages.error(
            request,
            f"“{label}” is not possible now: "
            + (why or f"the report is {report.get_state_display().lower()}.")
            + " The page shows what you can do.",
        )
        return redirect(report_url(report))
    form = posted_form(request, form_class or forms.Form)
    if request.method == "POST" and form.is_valid():
        changed = run_or_form_error(form, lambda: run(report, request.user, form.cleaned_data))
        if changed is not None:
            return done(request, f"{report.reference}: {done_text}", report_url(report))
    context = {"report": report, "label": label, "name": name, "form": form}
    return render(
        request, template_for(request, "services/report_action.html", "action-form"), context
    )


def _button(report: ServiceTroubleReport, user: Any, name: str) -> tuple[str, Any, Any, str]:
    """The button's label, form, workflow call (None when not possible now) and message."""
    if name in OPERATIONS:
        operation = OPERATIONS[name]
        offered = operation.offered(report, user)
        return operation.label, operation.form, operation.run if offered else None, operation.done
    available = {t.name for t in selectors.available_transitions(report, user)}
    action = transitions.ACTIONS[name]
    run = action.run if name in available else None
    return _label(report, name), action.form, run, f"{REPORT_PAST_TENSE[name].capitalize()}."


def _transitions_named(report: ServiceTroubleReport, name: str) -> list[Any]:
    return [
        t
        for t in report.get_all_state_transitions()  # type: ignore[attr-defined]
        if t.name == name
    ]


def _label(report: ServiceTroubleReport, name: str) -> str:
    for transition in _transitions_named(report, name):
        return str(transition.custom.get("label", name))
    return name.replace("_", " ").capitalize()


def _refusal(report: ServiceTroubleReport, user: Any, name: str) -> str:
    """Why a transition is not possible now: the state, the permission, or the first
    situational guard that refuses (guards on the form's input are the form's)."""
    if name in OPERATIONS:
        return ""
    here = [t for t in _transitions_named(report, name) if t.source in (report.state, "*")]
    if not here:
        return f"the report is {report.get_state_display().lower()}."
    transition = here[0]
    if not transition.has_perm(report, user):
        return "you may not do this."
    for condition in transition.conditions:
        if not getattr(condition, "needs_input", False) and not condition(report):
            return str(getattr(condition, "refusal", "a condition is not met."))
    return ""


@network_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress update for the affected customers: on the report's log now, and on every
    linked customer problem's timeline (in Celery, in chunks)."""
    report = selectors.trouble_report_get_for_user(user=request.user, pk=pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        changed = run_or_form_error(
            form,
            lambda: workflow.trouble_report_progress(
                report, actor=request.user, message=form.cleaned_data["message"]
            ),
        )
        if changed is not None:
            return done(
                request,
                "Progress update posted: it reaches every linked customer problem.",
                report_url(report),
            )
    context = report_context(request, report, progress_form=form)
    return render(request, "services/report.html", context)
