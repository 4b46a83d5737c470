"""The self-service portal: a customer's contact reports problems of their company,
follows them in plain words, adds messages and files, confirms or reopens a resolution,
withdraws a report, and chooses who of their company is told."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from problems import selectors, workflow
from problems.display import customer_status
from problems.models import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    Channel,
    CustomerProblem,
    SatisfactionSurvey,
    State,
)
from problems.models.problem import REFERENCE_PATTERN
from problems.report_forms import AttachmentForm, ProblemReportForm
from problems.transitions import PORTAL_ACTIONS, available_actions, find_action
from problems.views.access import portal_required
from problems.views.common import done, posted_form, run_or_form_error, template_for
from problems.work_forms import CustomerNoteForm, CustomerWatchersForm

PAGE_SIZE = 20
LIST_TABS = {
    "open": ("Open", Q(state__in=[*ACTIVE_STATES, State.CLEARED])),
    "confirm": ("To confirm", Q(state=State.CLEARED)),
    "closed": ("Closed", Q(state__in=TERMINAL_STATES)),
    "all": ("All", Q()),
}


def problem_url(problem: CustomerProblem) -> str:
    return reverse("portal:problem", args=[problem.pk])


@portal_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("show", "open")
    if tab not in LIST_TABS:
        tab = "open"
    problems = selectors.customer_problem_list(user=request.user).filter(LIST_TABS[tab][1])
    search = request.GET.get("q", "").strip()
    if search:
        condition = Q(title__icontains=search) | Q(description__icontains=search)
        if match := REFERENCE_PATTERN.match(search):
            condition |= Q(pk=int(match.group(1)))
        problems = problems.filter(condition)
    page = Paginator(problems.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    waiting = selectors.customer_problem_list(user=request.user).filter(state=State.CLEARED).count()
    context = {
        "page": page,
        "tab": tab,
        "tabs": [(slug, label) for slug, (label, _) in LIST_TABS.items()],
        "search": search,
        "waiting_for_confirmation": waiting,
    }
    return render(request, "portal/problems.html", context)


@portal_required
def report(request: HttpRequest) -> HttpResponse:
    customer = request.user.customer  # type: ignore[union-attr]
    form = posted_form(request, ProblemReportForm, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problem = run_or_form_error(
            form,
            lambda: workflow.problem_report(
                actor=request.user,
                attachments=data["files"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                priority=data["priority"],
                channel=Channel.PORTAL,
                **form.service_fields(),
            ),
        )
        if problem is not None:
            return done(
                request,
                f"Thank you: we have your report {problem.reference} and will keep you posted.",
                problem_url(problem),
            )
    return render(request, "portal/report.html", {"form": form})


@portal_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    return render(request, "portal/problem.html", problem_context(request, problem))


def problem_context(request: HttpRequest, problem: CustomerProblem, **forms: Any) -> dict[str, Any]:
    user = request.user
    return {
        "problem": problem,
        "actions": available_actions(problem, user, table=PORTAL_ACTIONS),
        "events": selectors.events_for(problem, user=user),
        "attachments": selectors.attachments_for(problem, user=user),
        "is_finished": problem.state in TERMINAL_STATES,
        # Public: only the fault's reference and when it was tied to the problem.
        "network_faults": list(
            problem.trouble_report_links.order_by("created_at", "id").values(
                "trouble_report_reference", "created_at"
            )
        ),
        "note_form": forms.get("note_form") or CustomerNoteForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(customer_facing=True),
        "watchers_form": forms.get("watchers_form") or CustomerWatchersForm(problem=problem),
        "survey": SatisfactionSurvey.objects.filter(problem=problem).first(),
    }


@portal_required
def problem_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Confirm the resolution, say it is not fixed, or withdraw the report."""
    if name not in PORTAL_ACTIONS:
        raise Http404("No such action.")
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    action = find_action(problem, request.user, name, table=PORTAL_ACTIONS)
    if action is None:
        messages.error(
            request,
            f"“{PORTAL_ACTIONS[name].label}” is not possible any more: the problem is now "
            f"“{_status(problem)}”.",
        )
        return redirect(problem_url(problem))
    form = posted_form(request, action.form, problem=problem)
    if request.method == "POST" and form.is_valid():
        changed = run_or_form_error(
            form, lambda: action.run(problem, request.user, form.cleaned_data)
        )
        if changed is not None:
            return done(request, action.done, problem_url(problem))
    context = {"problem": problem, "action": action, "name": name, "form": form}
    return render(
        request, template_for(request, "portal/problem_action.html", "action-form"), context
    )


def _status(problem: CustomerProblem) -> str:
    return customer_status(problem).label


@portal_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    form = CustomerNoteForm(request.POST)
    if form.is_valid():
        note = run_or_form_error(
            form,
            lambda: workflow.note_add(problem, actor=request.user, body=form.cleaned_data["body"]),
        )
        if note is not None:
            return done(request, "Your message was added.", problem_url(problem))
    return render(request, "portal/problem.html", problem_context(request, problem, note_form=form))


@portal_required
@require_POST
def watchers_update(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    form = CustomerWatchersForm(request.POST, problem=problem)
    if form.is_valid():
        changed = run_or_form_error(
            form,
            lambda: workflow.watchers_set(
                problem, actor=request.user, watchers=form.cleaned_data["watchers"]
            ),
        )
        if changed is not None:
            return done(request, "We will tell the people you chose.", problem_url(problem))
    return render(
        request, "portal/problem.html", problem_context(request, problem, watchers_form=form)
    )
