"""The desk's problem pages: report one, open one, act on it, note, watch, workarounds."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from problems import selectors, workflow
from problems.known_errors import suggestions_for, suggestions_for_problem
from problems.models import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    CustomerProblem,
    KnownError,
    SatisfactionSurvey,
)
from problems.report_forms import AttachmentForm, ProblemCreateForm, ProblemEditForm, contacts_of
from problems.transitions import ACTIONS, OPERATIONS, available_actions, find_action
from problems.views.access import desk_required
from problems.views.common import done, posted_form, run_or_form_error, run_or_message, template_for
from problems.work_forms import NoteForm, WatchersForm


def problem_url(problem: CustomerProblem) -> str:
    return reverse("desk:problem", args=[problem.pk])


# --- Report a problem on behalf of a customer ---------------------------------------------------
@desk_required
def problem_new(request: HttpRequest) -> HttpResponse:
    form = posted_form(request, ProblemCreateForm, initial=_new_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problem = run_or_form_error(
            form,
            lambda: workflow.problem_report(
                actor=request.user,
                attachments=data["files"],
                title=data["title"],
                description=data["description"],
                customer=data["customer"],
                reported_by=data["reported_by"],
                channel=data["channel"],
                category=data["category"],
                priority=data["priority"],
                service_label=data["service_label"],
            ),
        )
        if problem is not None:
            return done(request, f"{problem.reference} reported.", problem_url(problem))
    suggestions = []
    if form.is_bound:
        suggestions = suggestions_for(
            f"{request.POST.get('title', '')}\n{request.POST.get('description', '')}",
            category_id=_int(request.POST.get("category")),
        )
    return render(
        request, "desk/problem_new.html", {"form": form, "suggestions": suggestions, "typed": True}
    )


def _new_initial(request: HttpRequest) -> dict[str, Any]:
    return {name: request.GET[name] for name in ("customer", "channel") if request.GET.get(name)}


@desk_required
@require_POST
def known_error_suggestions(request: HttpRequest) -> HttpResponse:
    """The known errors matching what is being typed (htmx, as the description changes)."""
    text = f"{request.POST.get('title', '')}\n{request.POST.get('description', '')}"
    suggestions = suggestions_for(text, category_id=_int(request.POST.get("category")))
    return render(
        request,
        "desk/_suggestions.html",
        {"suggestions": suggestions, "typed": bool(text.strip())},
    )


@desk_required
@require_GET
def contact_options(request: HttpRequest) -> HttpResponse:
    """The reporting-contact choices for a customer (htmx, when the customer changes)."""
    customer_id = _int(request.GET.get("customer"))
    contacts = contacts_of(customer_id) if customer_id else []
    return render(request, "desk/_contact_options.html", {"contacts": contacts})


@desk_required
@require_GET
def agent_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignee choices for the chosen team (htmx, when the team changes)."""
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    team_id = _int(request.GET.get("team")) or problem.team_id
    return render(request, "desk/_agent_options.html", {"agents": selectors.team_agents(team_id)})


# --- The problem page -----------------------------------------------------------------------
@desk_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    return render(request, "desk/problem.html", problem_context(request, problem))


def problem_context(request: HttpRequest, problem: CustomerProblem, **forms: Any) -> dict[str, Any]:
    user = request.user
    actions = available_actions(problem, user)
    action_names = {available.name for available in actions}
    is_team_member = problem.team_id is not None and any(
        team.pk == problem.team_id
        for team in user.teams.all()  # type: ignore[union-attr]
    )
    return {
        "problem": problem,
        "actions": actions,
        "transitions": [a for a in actions if a.name in ACTIONS],
        "operations": [a for a in actions if a.name in OPERATIONS],
        "can_take": "assign" in action_names and is_team_member and problem.assignee_id != user.pk,
        "events": selectors.events_for(problem, user=user),
        "activities": selectors.activities_for(problem),
        "attachments": selectors.attachments_for(problem, user=user),
        "suggestions": suggestions_for_problem(problem),
        "told_automatically": selectors.told_automatically(problem),
        "watchers": list(problem.watchers.select_related("customer")),
        "trouble_report_links": list(selectors.trouble_report_links_for(problem)),
        "can_manage_activities": problem.state in ACTIVE_STATES
        and user.has_perm("problems.manage_activities"),
        "can_edit": problem.state not in TERMINAL_STATES
        and user.has_perm("problems.change_customerproblem"),
        "note_form": forms.get("note_form") or NoteForm(),
        "watchers_form": forms.get("watchers_form") or WatchersForm(problem=problem),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "survey": SatisfactionSurvey.objects.filter(problem=problem).first(),
    }


@desk_required
def problem_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One of the buttons: a transition of the state machine, or hold/resume/escalate."""
    if name not in ACTIONS and name not in OPERATIONS:
        raise Http404("No such action.")
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    action = find_action(problem, request.user, name, table=ACTIONS)
    if action is None:  # e.g. a page left open while someone else moved the problem on
        label = (ACTIONS.get(name) or OPERATIONS[name]).label
        messages.error(
            request,
            f"“{label}” is not possible now: the problem is "
            f"{problem.get_state_display().lower()}. The page shows what you can do.",
        )
        return redirect(problem_url(problem))
    form = posted_form(request, action.form, problem=problem)
    if request.method == "POST" and form.is_valid():
        changed = run_or_form_error(
            form, lambda: action.run(problem, request.user, form.cleaned_data)
        )
        if changed is not None:
            return done(request, f"{problem.reference}: {action.done}", problem_url(problem))
    context = {"problem": problem, "action": action, "name": name, "form": form}
    return render(
        request, template_for(request, "desk/problem_action.html", "action-form"), context
    )


@desk_required
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    form = ProblemEditForm(request.POST or None, problem=problem)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            return done(request, "Nothing was changed.", problem_url(problem))
        changed = run_or_form_error(
            form, lambda: workflow.problem_update(problem, actor=request.user, **changes)
        )
        if changed is not None:
            return done(request, f"{problem.reference}: details saved.", problem_url(problem))
    return render(request, "desk/problem_edit.html", {"problem": problem, "form": form})


@desk_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        note = run_or_form_error(
            form,
            lambda: workflow.note_add(
                problem,
                actor=request.user,
                body=form.cleaned_data["body"],
                is_internal=form.is_internal,
            ),
        )
        if note is not None:
            message = "Internal note added." if note.is_internal else "Reply sent to the customer."
            return done(request, message, problem_url(problem))
    context = problem_context(request, problem, note_form=form)
    return render(request, "desk/problem.html", context)


@desk_required
@require_POST
def watchers_update(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    form = WatchersForm(request.POST, problem=problem)
    if form.is_valid():
        changed = run_or_form_error(
            form,
            lambda: workflow.watchers_set(problem, actor=request.user, watchers=form.chosen()),
        )
        if changed is not None:
            return done(request, "Notification list saved.", problem_url(problem))
    return render(
        request, "desk/problem.html", problem_context(request, problem, watchers_form=form)
    )


@desk_required
@require_POST
def workaround_apply(request: HttpRequest, pk: int, known_error_pk: int) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    known_error = get_object_or_404(KnownError, pk=known_error_pk, is_active=True)
    applied = run_or_message(
        request,
        lambda: workflow.problem_apply_workaround(
            problem, actor=request.user, known_error=known_error
        ),
    )
    if applied is None:
        return redirect(problem_url(problem))
    return done(request, f"Workaround of {known_error.reference} recorded.", problem_url(problem))


def _int(raw: Any) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None
