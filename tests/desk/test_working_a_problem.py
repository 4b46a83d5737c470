"""Working a problem on the desk: notes, activities, watchers, workarounds, files."""

import pytest
from django.urls import reverse

from problems import workflow
from problems.models import ActivityStatus, EventKind, RecoveryActivity
from tests.factories import KnownErrorFactory
from tests.support import client_for, png, text_file

pytestmark = pytest.mark.django_db


def page_of(problem):
    return reverse("desk:problem", args=[problem.pk])


# --- Notes -------------------------------------------------------------------------------------
def test_internal_note(agent_client, problem):
    response = agent_client.post(
        reverse("desk:note_add", args=[problem.pk]),
        {"body": "Line test clean", "visibility": "internal"},
        follow=True,
    )
    assert "Internal note added." in response.content.decode()
    note = problem.notes.get()
    assert note.is_internal and note.body == "Line test clean"
    assert not problem.events.get(kind=EventKind.NOTE).is_public


def test_a_note_without_a_button_stays_internal(agent_client, problem):
    agent_client.post(reverse("desk:note_add", args=[problem.pk]), {"body": "Checked"})
    assert problem.notes.get().is_internal


def test_reply_to_the_customer(agent_client, problem):
    response = agent_client.post(
        reverse("desk:note_add", args=[problem.pk]),
        {"body": "We are on it", "visibility": "public"},
        follow=True,
    )
    assert "Reply sent to the customer." in response.content.decode()
    assert problem.events.get(kind=EventKind.NOTE).is_public


def test_an_empty_note_is_an_error_on_the_page(agent_client, problem):
    response = agent_client.post(
        reverse("desk:note_add", args=[problem.pk]), {"body": " ", "visibility": "internal"}
    )
    assert response.status_code == 200
    assert response.context["note_form"].errors == {"body": ["This field is required."]}
    assert 'id="id_body_error"' in response.content.decode()
    assert not problem.notes.exists()


# --- Recovery activities -----------------------------------------------------------------------
def test_schedule_start_update_complete(agent_client, assigned, alice, sue):
    url = reverse("desk:activity_new", args=[assigned.pk])
    response = agent_client.post(
        url,
        {"kind": "service_restoration", "summary": "Swap the line card", "assignee": alice.pk},
        follow=True,
    )
    assert "Activity scheduled: Swap the line card." in response.content.decode()
    activity = RecoveryActivity.objects.get()
    assert activity.assignee == alice and activity.status == ActivityStatus.SCHEDULED

    agent_client.post(reverse("desk:activity_start", args=[assigned.pk, activity.pk]))
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.IN_PROGRESS

    update = reverse("desk:activity_action", args=[assigned.pk, activity.pk, "update"])
    agent_client.post(update, {"assignee": sue.pk, "note": "Handed to Sue"})
    activity.refresh_from_db()
    assert activity.assignee == sue

    complete = reverse("desk:activity_action", args=[assigned.pk, activity.pk, "complete"])
    response = agent_client.post(complete, {"notes": "Done"})
    assert response.context["form"].errors == {"outcome": ["This field is required."]}
    response = agent_client.post(
        complete, {"outcome": "restored", "notes": "Card swapped"}, follow=True
    )
    assert "Activity completed." in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.COMPLETED and activity.outcome == "restored"
    kinds = list(assigned.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.ACTIVITY_UPDATED) == 2
    assert EventKind.ACTIVITY_COMPLETED in kinds


def test_activity_form_errors(agent_client, assigned):
    url = reverse("desk:activity_new", args=[assigned.pk])
    response = agent_client.post(url, {"kind": "supplier_request", "summary": "Ask the carrier"})
    assert response.context["form"].errors == {"supplier_name": ["Name the supplier or partner."]}
    response = agent_client.post(url, {"kind": "", "summary": ""})
    assert set(response.context["form"].errors) == {"kind", "summary"}
    assert not RecoveryActivity.objects.exists()


def test_an_update_with_nothing_to_say_is_an_error(agent_client, assigned, alice):
    activity = workflow.activity_schedule(
        assigned, actor=alice, kind="customer_education", summary="Call"
    )
    url = reverse("desk:activity_action", args=[assigned.pk, activity.pk, "update"])
    response = agent_client.post(url, {})
    assert "Nothing to update" in response.content.decode()


def test_cancel_an_activity_needs_a_reason(agent_client, assigned, alice):
    activity = workflow.activity_schedule(
        assigned, actor=alice, kind="customer_education", summary="Call"
    )
    url = reverse("desk:activity_action", args=[assigned.pk, activity.pk, "cancel"])
    assert agent_client.post(url, {"reason": ""}).context["form"].errors == {
        "reason": ["This field is required."]
    }
    agent_client.post(url, {"reason": "Not needed"})
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED


def test_an_activity_of_another_problem_is_a_404(agent_client, assigned, make_problem, alice):
    other = make_problem(title="Other")
    activity = workflow.activity_schedule(
        other, actor=alice, kind="customer_education", summary="Call"
    )
    url = reverse("desk:activity_action", args=[assigned.pk, activity.pk, "update"])
    assert agent_client.get(url).status_code == 404
    assert (
        agent_client.get(
            reverse("desk:activity_action", args=[other.pk, activity.pk, "explode"])
        ).status_code
        == 404
    )


def test_activities_on_a_closed_problem_are_refused(agent_client, assigned, alice):
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="ok")
    response = agent_client.post(
        reverse("desk:activity_new", args=[assigned.pk]),
        {"kind": "customer_education", "summary": "Call"},
    )
    assert "Activities are scheduled on active problems only." in response.content.decode()


def test_the_activity_form_loads_as_an_htmx_partial(agent_client, assigned):
    response = agent_client.get(
        reverse("desk:activity_new", args=[assigned.pk]), headers={"HX-Request": "true"}
    )
    assert response.content.decode().lstrip().startswith('<div class="card border-primary-subtle')


# --- Notification list ---------------------------------------------------------------------------
def test_add_and_remove_watchers(agent_client, problem, carla, sue, bob, company_a):
    from tests.factories import contact

    priya = contact("priya", company_a)
    url = reverse("desk:watchers", args=[problem.pk])
    response = agent_client.post(url, {"watchers": [priya.pk, sue.pk], "add": bob.pk}, follow=True)
    assert "Notification list saved." in response.content.decode()
    assert set(problem.watchers.all()) == {priya, sue, bob}
    agent_client.post(url, {"watchers": [sue.pk]})
    assert set(problem.watchers.all()) == {sue}
    event = problem.events.filter(kind=EventKind.WATCHERS_CHANGED).last()
    assert event.data["removed"] == sorted([priya.pk, bob.pk])


def test_another_companys_contact_cannot_be_added(agent_client, problem, dave):
    response = agent_client.post(
        reverse("desk:watchers", args=[problem.pk]), {"watchers": [dave.pk]}
    )
    assert response.context["watchers_form"].errors["watchers"]
    assert not problem.watchers.exists()


def test_the_page_lists_who_is_told_automatically(agent_client, assigned, carla, alice):
    page = agent_client.get(page_of(assigned)).content.decode()
    start = page.index("Always told of status changes")
    told = page[start : page.index("</p>", start)]
    assert str(carla) in told and str(alice) in told


# --- Known errors ---------------------------------------------------------------------------------
def test_suggestions_and_apply_workaround(agent_client, make_problem, broadband_category):
    known_error = KnownErrorFactory(category=broadband_category)
    problem = make_problem(
        title="Drops at night",
        description="internet connection drops every night router reconnects",
    )
    page = agent_client.get(page_of(problem)).content.decode()
    assert known_error.title in page and "Apply workaround" in page
    response = agent_client.post(
        reverse("desk:workaround_apply", args=[problem.pk, known_error.pk]), follow=True
    )
    assert f"Workaround of {known_error.reference} recorded." in response.content.decode()
    problem.refresh_from_db()
    assert problem.workaround_applied and problem.known_error == known_error
    assert problem.events.filter(kind=EventKind.WORKAROUND_APPLIED).exists()


def test_applying_a_workaround_to_a_closed_problem_is_refused(agent_client, assigned, alice):
    known_error = KnownErrorFactory()
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="ok")
    response = agent_client.post(
        reverse("desk:workaround_apply", args=[assigned.pk, known_error.pk]), follow=True
    )
    assert "Workarounds are applied to active problems only." in response.content.decode()


# --- Attachments ----------------------------------------------------------------------------------
def test_attach_files_on_the_desk(agent_client, problem):
    response = agent_client.post(
        reverse("desk:attachment_add", args=[problem.pk]),
        {"files": [png(), text_file()], "is_internal": "on"},
        follow=True,
    )
    assert "Attached screenshot.png, trace.log." in response.content.decode()
    assert problem.attachments.filter(is_internal=True).count() == 2


def test_attachment_errors_show_on_the_page(agent_client, problem, settings):
    url = reverse("desk:attachment_add", args=[problem.pk])
    response = agent_client.post(url, {})
    assert response.context["attachment_form"].errors == {"files": ["Choose a file to attach."]}
    response = agent_client.post(url, {"files": [text_file("photo.png", b"not a png")]})
    assert "does not look like a .png file" in response.content.decode()
    settings.ATTACHMENT_MAX_BYTES = 3
    response = agent_client.post(url, {"files": [text_file()]})
    assert "files may be at most 3" in response.content.decode()
    assert not problem.attachments.exists()


def test_download_is_an_attachment_with_the_sanitised_name(agent_client, problem, alice):
    attachment = workflow.attachment_add(problem, actor=alice, upload=png("../../my shot.png"))
    response = agent_client.get(reverse("desk:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my_shot.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png().read()


def test_files_of_security_problems_stay_hidden_from_agents(sam, alice, security_category):
    secret = workflow.problem_create(
        actor=sam, title="Breach", description="x", category=security_category
    )
    attachment = workflow.attachment_add(secret, actor=sam, upload=png())
    url = reverse("desk:attachment", args=[attachment.pk])
    assert client_for(alice).get(url).status_code == 404
    assert client_for(sam).get(url).status_code == 200


def test_media_url_does_not_serve_uploads(agent_client, problem, alice):
    attachment = workflow.attachment_add(problem, actor=alice, upload=png())
    assert agent_client.get(f"/media/{attachment.file.name}").status_code == 404
