"""Reporting a problem on behalf of a customer, with known-error suggestions as typed."""

import pytest
from django.urls import reverse

from problems.models import Channel, CustomerProblem, EventKind
from tests.factories import KnownErrorFactory
from tests.support import png, text_file

pytestmark = pytest.mark.django_db
NEW = reverse("desk:problem_new")


@pytest.fixture
def known_error(broadband_category):
    return KnownErrorFactory(category=broadband_category)


def test_the_form(agent_client):
    page = agent_client.get(NEW).content.decode()
    for label in (
        "Customer",
        "Reporting contact",
        "Channel",
        "Category",
        "Priority",
        "Summary",
        "Description",
        "Affected service",
        "Attachments",
    ):
        assert f">{label}" in page
    assert 'hx-post="/desk/known-errors/suggest/"' in page
    assert "Suggestions appear here as you describe the problem." in page
    channels = [
        value for value, _ in agent_client.get(NEW).context["form"].fields["channel"].choices
    ]
    assert channels == [Channel.PHONE, Channel.EMAIL, Channel.DESK]


def test_report_by_phone_for_a_customer(agent_client, carla, broadband_category, policy, alice):
    response = agent_client.post(
        NEW,
        {
            "customer": carla.customer_id,
            "reported_by": carla.pk,
            "channel": "phone",
            "category": broadband_category.pk,
            "priority": 2,
            "title": "Shop offline",
            "description": "The Leeds shop has no internet.",
            "service_label": "Fibre 100 Leeds",
            "files": [png(), text_file()],
        },
    )
    problem = CustomerProblem.objects.get(title="Shop offline")
    assert response.status_code == 302 and response.url == reverse(
        "desk:problem", args=[problem.pk]
    )
    assert problem.channel == Channel.PHONE and problem.reported_by == carla
    assert problem.customer == carla.customer and problem.service_label == "Fibre 100 Leeds"
    assert problem.attachments.count() == 2
    created = problem.events.get(kind=EventKind.CREATED)
    assert created.actor == alice
    page = agent_client.get(response.url).content.decode()
    assert f"{problem.reference} reported." in page


def test_the_contact_names_the_customer(agent_client, carla):
    agent_client.post(
        NEW,
        {
            "reported_by": carla.pk,
            "channel": "email",
            "priority": 3,
            "title": "T",
            "description": "D",
        },
    )
    assert CustomerProblem.objects.get().customer == carla.customer


def test_a_customer_to_be_identified(agent_client):
    agent_client.post(NEW, {"channel": "desk", "priority": 3, "title": "T", "description": "D"})
    assert CustomerProblem.objects.get().customer is None


def test_errors_are_next_to_their_fields(agent_client, carla, company_b):
    response = agent_client.post(
        NEW,
        {
            "customer": company_b.pk,
            "reported_by": carla.pk,
            "channel": "api",
            "priority": 9,
            "title": "",
            "description": "",
            "files": [text_file("virus.exe", b"MZ")],
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"reported_by", "channel", "priority", "title", "description", "files"}
    assert "files of this type cannot be attached" in errors["files"][0]
    assert not CustomerProblem.objects.exists()
    page = response.content.decode()
    assert 'id="id_title_error"' in page and 'aria-describedby="id_title_error"' in page


def test_the_contact_must_belong_to_the_customer(agent_client, carla, company_b):
    response = agent_client.post(
        NEW,
        {
            "customer": company_b.pk,
            "reported_by": carla.pk,
            "channel": "phone",
            "priority": 3,
            "title": "T",
            "description": "D",
        },
    )
    assert response.context["form"].errors["reported_by"] == ["Choose a contact of this customer."]


def test_too_many_files(agent_client, settings):
    settings.ATTACHMENTS_PER_UPLOAD = 1
    response = agent_client.post(
        NEW,
        {
            "channel": "phone",
            "priority": 3,
            "title": "T",
            "description": "D",
            "files": [png(), png()],
        },
    )
    assert response.context["form"].errors["files"] == ["Attach at most 1 files at a time."]


def test_suggestions_as_the_description_is_typed(agent_client, known_error, broadband_category):
    url = reverse("desk:suggestions")
    response = agent_client.post(
        url,
        {
            "title": "Internet drops",
            "description": "connection drops every night, router reconnects",
            "category": broadband_category.pk,
        },
    )
    page = response.content.decode()
    assert known_error.title in page and known_error.workaround in page
    assert "<html" not in page  # a partial for htmx
    nothing = agent_client.post(
        url, {"title": "", "description": "printer jammed"}
    ).content.decode()
    assert "No known error matches what is written so far." in nothing


def test_suggestions_are_kept_when_the_form_comes_back_with_errors(agent_client, known_error):
    response = agent_client.post(
        NEW,
        {
            "channel": "phone",
            "priority": 3,
            "title": "",
            "description": "internet connection drops every night router reconnects",
        },
    )
    assert known_error.title in response.content.decode()


def test_the_best_match_is_linked_to_the_new_problem(agent_client, known_error, broadband_category):
    agent_client.post(
        NEW,
        {
            "channel": "phone",
            "priority": 3,
            "category": broadband_category.pk,
            "title": "Drops",
            "description": "internet connection drops every night router reconnects",
        },
    )
    assert CustomerProblem.objects.get().known_error == known_error


def test_contacts_follow_the_customer(agent_client, carla, dave):
    url = reverse("desk:contact_options")
    page = agent_client.get(url, {"customer": carla.customer_id}).content.decode()
    assert f'value="{carla.pk}"' in page and f'value="{dave.pk}"' not in page
    assert agent_client.get(url, {"customer": "x"}).content.decode().count("<option") == 1
