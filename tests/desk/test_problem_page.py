"""The desk's problem page and its buttons: each transition's form, its errors, htmx."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from problems import workflow
from problems.models import EventKind, State
from tests.support import client_for

pytestmark = pytest.mark.django_db


def page_of(problem):
    return reverse("desk:problem", args=[problem.pk])


def action_url(problem, name):
    return reverse("desk:problem_action", args=[problem.pk, name])


def buttons(response):
    return [available.name for available in response.context["actions"]]


def test_the_page_shows_the_problem(agent_client, problem, carla, alice):
    workflow.note_add(problem, actor=alice, body="Checked the DSLAM", is_internal=True)
    workflow.note_add(problem, actor=alice, body="We are on it")
    page = agent_client.get(page_of(problem)).content.decode()
    assert problem.reference in page and problem.title in page and problem.description in page
    assert carla.customer.name in page and str(carla) in page
    assert "Broadband support" in page  # the team
    assert "Restore by" in page and "Jeopardy point" in page
    assert "time-left text-bg-success" in page
    internal = page.index("Checked the DSLAM")
    assert "internal" in page[page.rfind("<li", 0, internal) : internal]
    public = page.index("We are on it")
    assert "internal" not in page[page.rfind("<li", 0, public) : public]


def test_buttons_are_the_state_machines_transitions_for_this_user(
    agent_client, supervisor_client, problem, alice, policy
):
    assert buttons(agent_client.get(page_of(problem))) == ["assign", "cancel", "escalate"]
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    assert buttons(agent_client.get(page_of(problem))) == [
        "assign",
        "clear",
        "cancel",
        "hold",
        "escalate",
    ]
    with time_machine.travel(problem.jeopardy_at + timedelta(minutes=1)):
        workflow.handle_problem_timers(problem.pk)
    # Re-plan is a supervisor's transition; hold only from assigned.
    assert "replan" not in buttons(agent_client.get(page_of(problem)))
    assert "replan" in buttons(supervisor_client.get(page_of(problem)))


def test_a_running_activity_hides_clear(agent_client, assigned, alice):
    workflow.activity_schedule(assigned, actor=alice, kind="service_restoration", summary="Fix")
    assert "clear" not in buttons(agent_client.get(page_of(assigned)))


def test_cleared_and_closed_problems_offer_what_fits(agent_client, assigned, alice):
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Fixed")
    assert buttons(agent_client.get(page_of(assigned))) == ["reopen", "close"]
    workflow.problem_close(assigned, actor=alice, confirmed=True)
    response = agent_client.get(page_of(assigned))
    assert buttons(response) == []
    assert "Nothing to do here" in response.content.decode()


def test_assign_to_me(agent_client, problem, alice):
    response = agent_client.post(action_url(problem, "assign"), {"assignee": alice.pk})
    assert response.status_code == 302 and response.url == page_of(problem)
    problem.refresh_from_db()
    assert problem.state == State.ASSIGNED and problem.assignee == alice
    page = agent_client.get(response.url).content.decode()
    assert "Assigned." in page  # the message after the action


def test_the_assign_form_lists_only_the_teams_agents(agent_client, problem, alice, sue, bob):
    response = agent_client.get(action_url(problem, "assign"))
    choices = {str(user) for user in response.context["form"].fields["assignee"].queryset}
    assert choices == {str(alice), str(sue)}


def test_assign_errors_are_next_to_the_field(agent_client, problem, bob):
    response = agent_client.post(action_url(problem, "assign"), {})
    assert response.status_code == 200
    assert response.context["form"].errors == {"assignee": ["This field is required."]}
    response = agent_client.post(action_url(problem, "assign"), {"assignee": bob.pk})
    assert "Choose an active agent of the team." in response.context["form"].errors["assignee"]
    assert 'aria-invalid="true"' in response.content.decode()
    problem.refresh_from_db()
    assert problem.state == State.OPEN


def test_assign_to_another_team(agent_client, problem, bob, voice):
    response = agent_client.post(
        action_url(problem, "assign"), {"team": voice.pk, "assignee": bob.pk}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.team == voice and problem.assignee == bob


def test_the_team_picker_reloads_the_agents(agent_client, problem, bob, voice):
    response = agent_client.get(
        reverse("desk:agent_options", args=[problem.pk]), {"team": voice.pk}
    )
    page = response.content.decode()
    assert f'value="{bob.pk}"' in page and "alice" not in page.lower()
    form_page = agent_client.get(action_url(problem, "assign")).content.decode()
    assert f'hx-get="{reverse("desk:agent_options", args=[problem.pk])}"' in form_page


def test_clear_with_its_errors(agent_client, assigned):
    url = action_url(assigned, "clear")
    response = agent_client.post(url, {"outcome": "restored", "summary": ""})
    assert response.context["form"].errors == {"summary": ["This field is required."]}
    response = agent_client.post(url, {"outcome": "fixed?", "summary": "Done"})
    assert "outcome" in response.context["form"].errors
    response = agent_client.post(
        url, {"outcome": "restored", "summary": "Port replaced", "root_cause": "Bad port"}
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.state == State.CLEARED and assigned.root_cause == "Bad port"
    assert assigned.events.filter(kind=EventKind.CLEARED).exists()


def test_a_guard_refusal_becomes_a_form_error(agent_client, assigned, alice):
    page = agent_client.get(action_url(assigned, "clear"))  # the form is open…
    assert page.status_code == 200
    workflow.activity_schedule(assigned, actor=alice, kind="service_restoration", summary="Fix")
    response = agent_client.post(
        action_url(assigned, "clear"), {"outcome": "restored", "summary": "Done"}, follow=True
    )
    # …but meanwhile an activity started: the state machine now refuses, and says why.
    assert "is not possible now" in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED


def test_a_workflow_refusal_with_a_field_shows_on_that_field(agent_client, assigned, monkeypatch):
    def refuse(*args, **kwargs):
        raise workflow.InvalidInput("Someone else changed it.", field="summary")

    monkeypatch.setattr("problems.workflow.problem_clear", refuse)
    response = agent_client.post(
        action_url(assigned, "clear"), {"outcome": "restored", "summary": "Done"}
    )
    assert response.context["form"].errors == {"summary": ["Someone else changed it."]}


def test_cancel_as_duplicate_needs_the_original(agent_client, problem, make_problem):
    url = action_url(problem, "cancel")
    response = agent_client.post(url, {"kind": "duplicate", "reason": "Twice"})
    assert (
        "Give the reference of the original problem."
        in response.context["form"].errors["duplicate_of"]
    )
    original = make_problem(title="First report")
    response = agent_client.post(
        url, {"kind": "duplicate", "reason": "Twice", "duplicate_of": original.reference}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.state == State.CANCELLED and problem.duplicate_of == original


def test_replan_by_a_supervisor(supervisor_client, assigned, policy):
    with time_machine.travel(assigned.jeopardy_at + timedelta(minutes=1)):
        workflow.handle_problem_timers(assigned.pk)
    url = action_url(assigned, "replan")
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = supervisor_client.post(url, {"restore_by": past, "reason": "Parts"})
    assert "The new target must be in the future." in response.context["form"].errors["restore_by"]
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = supervisor_client.post(url, {"restore_by": later, "reason": "Parts on order"})
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED


def test_hold_resume_and_escalate(agent_client, assigned):
    response = agent_client.post(action_url(assigned, "hold"), {"reason": "nobody"})
    assert "reason" in response.context["form"].errors
    agent_client.post(
        action_url(assigned, "hold"), {"reason": "customer", "note": "Asked for logs"}
    )
    assigned.refresh_from_db()
    assert assigned.is_on_hold
    assert "resume" in buttons(agent_client.get(page_of(assigned)))
    agent_client.post(action_url(assigned, "resume"), {"note": "Logs arrived"})
    assigned.refresh_from_db()
    assert not assigned.is_on_hold
    response = agent_client.post(action_url(assigned, "escalate"), {"level": "2", "reason": ""})
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    agent_client.post(action_url(assigned, "escalate"), {"level": "2", "reason": "VIP customer"})
    assigned.refresh_from_db()
    assert assigned.escalation_level == 2


def test_a_transition_not_available_now_is_refused_with_a_message(agent_client, problem):
    response = agent_client.get(action_url(problem, "clear"), follow=True)
    assert response.redirect_chain[-1][0] == page_of(problem)
    assert "“Clear” is not possible now: the problem is open." in response.content.decode()
    response = agent_client.post(
        action_url(problem, "clear"), {"outcome": "restored", "summary": "x"}
    )
    problem.refresh_from_db()
    assert problem.state == State.OPEN


def test_an_unknown_action_is_a_404(agent_client, problem):
    assert agent_client.get(action_url(problem, "explode")).status_code == 404
    assert agent_client.get(action_url(problem, "mark_in_jeopardy")).status_code == 404


def test_htmx_loads_the_form_as_a_partial(agent_client, problem):
    response = agent_client.get(action_url(problem, "cancel"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith(
        '<div class="card border-primary-subtle shadow-sm" id="action-card"'
    )
    assert "<html" not in page


def test_htmx_posts_answer_a_redirect_or_the_form_with_errors(agent_client, problem, alice):
    headers = {"HX-Request": "true"}
    response = agent_client.post(action_url(problem, "assign"), {}, headers=headers)
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert "<html" not in response.content.decode()
    response = agent_client.post(
        action_url(problem, "assign"), {"assignee": alice.pk}, headers=headers
    )
    assert response["HX-Redirect"] == page_of(problem)


def test_assign_to_me_button_for_team_members(agent_client, problem, bob):
    page = agent_client.get(page_of(problem)).content.decode()
    assert "Assign to me" in page
    page = client_for(bob).get(page_of(problem)).content.decode()  # bob is in voice
    assert "Assign to me" not in page


def test_edit_details(agent_client, problem, alice):
    url = reverse("desk:problem_edit", args=[problem.pk])
    response = agent_client.post(url, {"title": "", "description": "x", "priority": 3})
    assert response.context["form"].errors == {"title": ["This field is required."]}
    data = {
        "title": problem.title,
        "description": problem.description,
        "customer": problem.customer_id,
        "reported_by": problem.reported_by_id,
        "category": problem.category_id,
        "priority": 2,
        "service_label": "Fibre 500",
        "external_id": "",
    }
    response = agent_client.post(url, data, follow=True)
    assert "details saved" in response.content.decode()
    problem.refresh_from_db()
    assert problem.priority == 2 and problem.service_label == "Fibre 500"
    event = problem.events.get(kind=EventKind.UPDATED)
    assert set(event.data["changes"]) >= {"priority", "service_label"}
    response = agent_client.post(
        url, {**data, "priority": 2, "service_label": "Fibre 500"}, follow=True
    )
    assert "Nothing was changed." in response.content.decode()


def test_edit_refuses_a_contact_of_another_customer(agent_client, problem, dave):
    url = reverse("desk:problem_edit", args=[problem.pk])
    response = agent_client.post(
        url,
        {
            "title": problem.title,
            "description": problem.description,
            "customer": problem.customer_id,
            "reported_by": dave.pk,
            "priority": 3,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reported_by"]


def test_edit_of_a_closed_problem_is_refused(agent_client, assigned, alice):
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="ok")
    workflow.problem_close(assigned, actor=alice, confirmed=True)
    url = reverse("desk:problem_edit", args=[assigned.pk])
    response = agent_client.post(url, {"title": "New", "description": "x", "priority": 3})
    assert "A closed or cancelled problem cannot be changed." in response.content.decode()
