"""The admin: transitions as buttons that go through the workflow."""

import pytest
from django.urls import reverse

from problems.models import CustomerProblem, EventKind, Note, RecoveryActivity, State

pytestmark = pytest.mark.django_db


def change_url(problem):
    return reverse("admin:problems_customerproblem_change", args=[problem.pk])


def transition_url(problem, name):
    return reverse("admin:problems_customerproblem_transition", args=[problem.pk, name])


def test_the_change_page_offers_the_transitions_this_user_may_take(client, problem, alice, sue):
    client.force_login(alice)
    page = client.get(change_url(problem)).content.decode()
    assert 'value="assign"' in page and 'value="cancel"' in page
    assert 'value="clear"' not in page  # not from open
    assert 'value="mark_in_jeopardy"' not in page  # the timer's, not a person's
    assert 'value="replan"' not in page


def test_the_assign_button_runs_the_workflow(client, problem, alice):
    client.force_login(alice)
    response = client.post(
        change_url(problem), {"_fsm_transition_to": "assign", **_unchanged(problem)}
    )
    assert response.status_code == 302 and response.url == transition_url(problem, "assign")
    response = client.post(transition_url(problem, "assign"), {"assignee": alice.pk})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.state == State.ASSIGNED and problem.assignee == alice
    assert problem.events.filter(kind=EventKind.ASSIGNED, actor=alice).exists()


def test_a_refused_transition_shows_the_guard_message(client, problem, alice, bob):
    client.force_login(alice)
    response = client.post(transition_url(problem, "assign"), {"assignee": bob.pk}, follow=True)
    assert "member of the problem&#x27;s team" in response.content.decode()
    problem.refresh_from_db()
    assert problem.state == State.OPEN


def test_clear_form_errors_are_shown(client, assigned, alice):
    client.force_login(alice)
    response = client.post(
        transition_url(assigned, "clear"), {"outcome": "restored", "summary": ""}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED


def test_adding_a_problem_goes_through_the_workflow(
    client, alice, company_a, broadband_category, policy
):
    client.force_login(alice)
    response = client.post(
        reverse("admin:problems_customerproblem_add"),
        {
            "title": "Phones dead",
            "description": "No dial tone.",
            "customer": company_a.pk,
            "channel": "phone",
            "category": broadband_category.pk,
            "priority": 3,
            **_empty_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    problem = CustomerProblem.objects.get(title="Phones dead")
    assert problem.sla_policy == policy and problem.restore_by is not None
    assert problem.events.get().kind == EventKind.CREATED


def test_editing_writes_an_event_and_inlines_add_notes_and_activities(client, assigned, alice):
    client.force_login(alice)
    data = {**_unchanged(assigned), "title": "Internet down at HQ", **_empty_inlines()}
    data.update(
        {
            "notes-TOTAL_FORMS": "1",
            "notes-0-body": "Called the customer",
            "notes-0-is_internal": "on",
            "activities-TOTAL_FORMS": "1",
            "activities-0-kind": "service_restoration",
            "activities-0-summary": "Reset the port",
        }
    )
    response = client.post(change_url(assigned), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assigned.refresh_from_db()
    assert assigned.title == "Internet down at HQ"
    kinds = list(assigned.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["updated", "note", "activity_scheduled"]
    assert Note.objects.get().is_internal
    assert RecoveryActivity.objects.get().summary == "Reset the port"


def test_agents_outside_security_do_not_see_security_problems(
    client, make_problem, security_category, sam, alice
):
    secret = make_problem(actor=sam, category=security_category)
    client.force_login(alice)
    assert client.get(change_url(secret)).status_code == 302  # admin: "doesn't exist" redirect
    assert (
        secret.title
        not in client.get(reverse("admin:problems_customerproblem_changelist")).content.decode()
    )
    client.force_login(sam)
    assert client.get(change_url(secret)).status_code == 200


def test_events_cannot_be_edited_in_the_admin(client, problem, sue):
    sue.is_superuser = True
    sue.save()
    client.force_login(sue)
    event = problem.events.get()
    url = reverse("admin:problems_problemevent_change", args=[event.pk])
    assert client.post(url, {"message": "rewritten"}).status_code == 403


@pytest.mark.parametrize(
    "model",
    [
        "customer",
        "user",
        "team",
        "category",
        "slapolicy",
        "knownerror",
        "customerproblem",
        "problemevent",
        "note",
        "recoveryactivity",
        "notification",
    ],
)
def test_every_list_renders_for_a_superuser(admin_client, problem, model):
    response = admin_client.get(reverse(f"admin:problems_{model}_changelist"))
    assert response.status_code == 200


def test_search_by_reference(admin_client, problem):
    response = admin_client.get(
        reverse("admin:problems_customerproblem_changelist"), {"q": problem.reference}
    )
    assert problem.title in response.content.decode()


def _unchanged(problem):
    return {
        "title": problem.title,
        "description": problem.description,
        "customer": problem.customer_id or "",
        "reported_by": problem.reported_by_id or "",
        "category": problem.category_id or "",
        "priority": problem.priority,
        "service_label": problem.service_label,
        "external_id": problem.external_id,
        **_empty_inlines(),
    }


def _empty_inlines():
    data = {}
    for prefix in ("notes", "activities", "events"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data
