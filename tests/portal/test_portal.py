"""The self-service portal: a customer's contact and their company's problems."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from problems import workflow
from problems.models import CancellationKind, Channel, CustomerProblem, EventKind, State
from problems.service_catalogue import register_service_provider, unregister_service_provider
from tests.support import client_for, png, text_file

pytestmark = pytest.mark.django_db
LIST = reverse("portal:problems")
REPORT = reverse("portal:report")


def page_of(problem):
    return reverse("portal:problem", args=[problem.pk])


def listed(response):
    return [problem.title for problem in response.context["page"].object_list]


@pytest.fixture
def portfolio(make_problem, company_b, dave, sam, security_category, alice):
    ours = make_problem(title="Our internet is down")
    theirs = make_problem(title="Borealis phones", customer=company_b, reported_by=dave)
    secret = workflow.problem_create(
        actor=sam,
        title="Phishing at Acme",
        description="x",
        category=security_category,
        customer=ours.customer,
    )
    done = workflow.problem_assign(make_problem(title="Old outage"), actor=alice, assignee=alice)
    workflow.problem_clear(done, actor=alice, outcome="restored", summary="Fixed")
    workflow.problem_close(done, actor=alice, confirmed=True)
    return {"ours": ours, "theirs": theirs, "secret": secret, "done": done}


# --- The list -----------------------------------------------------------------------------------
def test_only_our_companys_problems_and_never_security_ones(customer_client, portfolio):
    assert listed(customer_client.get(LIST)) == ["Our internet is down"]
    assert set(listed(customer_client.get(LIST, {"show": "all"}))) == {
        "Our internet is down",
        "Old outage",
    }
    assert listed(customer_client.get(LIST, {"show": "closed"})) == ["Old outage"]


def test_status_in_plain_words(customer_client, portfolio, alice):
    workflow.problem_assign(portfolio["ours"], actor=alice, assignee=alice)
    page = customer_client.get(LIST, {"show": "all"}).content.decode()
    assert "Being worked on" in page and "Closed" in page
    assert "Assigned" not in page and "assigned" not in page


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("open", "Received"),
        ("assigned", "Being worked on"),
        ("waiting", "Waiting for your answer"),
        ("supplier", "Waiting on a partner"),
        ("cleared", "Resolved: please confirm"),
        ("withdrawn", "Withdrawn"),
    ],
)
def test_every_state_has_plain_words(customer_client, problem, alice, carla, setup, words):
    if setup != "open" and setup != "withdrawn":
        workflow.problem_assign(problem, actor=alice, assignee=alice)
    if setup in ("waiting", "supplier"):
        workflow.problem_hold(
            problem, actor=alice, reason="customer" if setup == "waiting" else "supplier"
        )
    if setup == "cleared":
        workflow.problem_clear(problem, actor=alice, outcome="restored", summary="Fixed")
    if setup == "withdrawn":
        workflow.problem_cancel(problem, actor=carla, kind="withdrawn", reason="Works again")
    assert words in customer_client.get(page_of(problem)).content.decode()


def test_search_and_an_empty_list(customer_client, portfolio):
    assert listed(customer_client.get(LIST, {"q": "internet"})) == ["Our internet is down"]
    assert listed(customer_client.get(LIST, {"q": portfolio["ours"].reference})) == [
        "Our internet is down"
    ]
    page = customer_client.get(LIST, {"q": "zebra"}).content.decode()
    assert "Nothing matches “zebra”." in page


def test_an_empty_portal_invites_a_report(customer_client):
    page = customer_client.get(LIST).content.decode()
    assert "No open problems" in page and REPORT in page


def test_resolved_problems_waiting_for_confirmation_are_pointed_out(
    customer_client, assigned, alice
):
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Fixed")
    page = customer_client.get(LIST).content.decode()
    assert "1 problem is resolved and waiting for your confirmation." in page
    assert listed(customer_client.get(LIST, {"show": "confirm"})) == [assigned.title]


def test_the_list_pages(customer_client, make_problem):
    for number in range(23):
        make_problem(title=f"Problem {number}")
    assert len(listed(customer_client.get(LIST))) == 20
    assert len(listed(customer_client.get(LIST, {"page": 2}))) == 3


# --- Reporting ---------------------------------------------------------------------------------
def test_report_a_problem_with_files(customer_client, carla, broadband_category, policy):
    response = customer_client.post(
        REPORT,
        {
            "category": broadband_category.pk,
            "priority": 2,
            "title": "No internet at the shop",
            "description": "Since 9:00 nothing loads.",
            "files": [png(), text_file()],
        },
        follow=True,
    )
    problem = CustomerProblem.objects.get()
    assert response.redirect_chain[-1][0] == page_of(problem)
    assert f"we have your report {problem.reference}" in response.content.decode()
    assert problem.customer == carla.customer and problem.reported_by == carla
    assert problem.channel == Channel.PORTAL and problem.priority == 2
    assert problem.team == broadband_category.default_team
    assert problem.attachments.count() == 2


def test_report_form_errors(customer_client):
    response = customer_client.post(
        REPORT, {"title": "", "description": "", "files": [text_file("a.exe", b"MZ")]}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"category", "priority", "title", "description", "files"}
    assert not CustomerProblem.objects.exists()


def test_security_categories_are_not_offered(
    customer_client, security_category, broadband_category
):
    choices = customer_client.get(REPORT).context["form"].fields["category"].queryset
    assert broadband_category in choices and security_category not in choices


def test_the_service_is_asked_when_service_data_exists(customer_client, carla, broadband_category):
    def provider(customer):
        return [(41, "Fibre 500 · Leeds shop")] if customer == carla.customer else []

    register_service_provider(provider)
    try:
        page = customer_client.get(REPORT).content.decode()
        assert "Which service?" in page and "Fibre 500 · Leeds shop" in page
        customer_client.post(
            REPORT,
            {
                "category": broadband_category.pk,
                "service": 41,
                "priority": 3,
                "title": "Slow",
                "description": "Slow",
            },
        )
        problem = CustomerProblem.objects.get()
        assert problem.service_id == 41 and problem.service_label == "Fibre 500 · Leeds shop"
        response = customer_client.post(
            REPORT,
            {
                "category": broadband_category.pk,
                "service": 99,
                "priority": 3,
                "title": "Slow",
                "description": "Slow",
            },
        )
        assert "service" in response.context["form"].errors
    finally:
        unregister_service_provider(provider)
    assert "Which service?" not in customer_client.get(REPORT).content.decode()


# --- A problem ----------------------------------------------------------------------------------
def test_the_public_timeline_hides_everything_internal(customer_client, assigned, alice, policy):
    workflow.note_add(assigned, actor=alice, body="Customer's router is ancient", is_internal=True)
    workflow.note_add(assigned, actor=alice, body="An engineer comes at 10:00")
    workflow.attachment_add(
        assigned, actor=alice, upload=text_file("internal.log"), is_internal=True
    )
    workflow.attachment_add(assigned, actor=alice, upload=png("for-you.png"))
    workflow.problem_escalate(assigned, actor=alice, reason="Escalated for VIP", level=2)
    with time_machine.travel(assigned.jeopardy_at + timedelta(minutes=1)):
        workflow.handle_problem_timers(assigned.pk)
    page = customer_client.get(page_of(assigned)).content.decode()
    assert "An engineer comes at 10:00" in page
    assert "An engineer is working on it." in page  # the assignment, without the name
    assert "for-you.png" in page
    for hidden in (
        "Customer&#x27;s router is ancient",
        "router is ancient",
        "internal.log",
        "Escalat",
        "jeopardy",
        "Jeopardy",
        "Alice",
        "alice",
        "Broadband support",
    ):
        assert hidden not in page, hidden
    kinds = {event.kind for event in customer_client.get(page_of(assigned)).context["events"]}
    assert EventKind.ESCALATED not in kinds and EventKind.IN_JEOPARDY not in kinds


def test_another_companys_problem_is_a_404(portfolio, dave, carla):
    assert client_for(dave).get(page_of(portfolio["ours"])).status_code == 404
    assert client_for(carla).get(page_of(portfolio["theirs"])).status_code == 404
    assert client_for(carla).get(page_of(portfolio["secret"])).status_code == 404
    for name in ("note_add", "watchers", "attachment_add"):
        url = reverse(f"portal:{name}", args=[portfolio["ours"].pk])
        assert client_for(dave).post(url, {"body": "x"}).status_code == 404
    url = reverse("portal:problem_action", args=[portfolio["ours"].pk, "cancel"])
    assert client_for(dave).post(url, {"reason": "x"}).status_code == 404
    portfolio["ours"].refresh_from_db()
    assert portfolio["ours"].state == State.OPEN


def test_add_a_message(customer_client, problem, carla):
    url = reverse("portal:note_add", args=[problem.pk])
    response = customer_client.post(url, {"body": ""})
    assert response.context["note_form"].errors == {"body": ["This field is required."]}
    response = customer_client.post(url, {"body": "The shop router shows a red light"}, follow=True)
    assert "Your message was added." in response.content.decode()
    note = problem.notes.get()
    assert note.author == carla and not note.is_internal


def test_attach_a_file(customer_client, problem):
    url = reverse("portal:attachment_add", args=[problem.pk])
    response = customer_client.post(url, {"files": [png()], "is_internal": "on"}, follow=True)
    assert "Attached screenshot.png." in response.content.decode()
    attachment = problem.attachments.get()
    assert not attachment.is_internal  # a customer's file is always public
    response = customer_client.get(reverse("portal:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    response = customer_client.post(url, {"files": [text_file("x.exe", b"MZ")]})
    assert "cannot be attached" in response.content.decode()


def test_withdraw_while_open(customer_client, problem, alice):
    url = reverse("portal:problem_action", args=[problem.pk, "cancel"])
    assert customer_client.post(url, {"reason": ""}).context["form"].errors == {
        "reason": ["This field is required."]
    }
    response = customer_client.post(url, {"reason": "It works again"}, follow=True)
    assert "Withdrawn." in response.content.decode()
    problem.refresh_from_db()
    assert problem.state == State.CANCELLED
    assert problem.cancellation_kind == CancellationKind.WITHDRAWN


def test_no_withdrawing_once_assigned(customer_client, assigned):
    page = customer_client.get(page_of(assigned)).content.decode()
    assert 'data-action="cancel"' not in page
    url = reverse("portal:problem_action", args=[assigned.pk, "cancel"])
    response = customer_client.post(url, {"reason": "x"}, follow=True)
    assert "is not possible any more" in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED


def test_confirm_the_resolution(customer_client, assigned, alice, carla):
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Port replaced")
    page = customer_client.get(page_of(assigned)).content.decode()
    assert "Port replaced" in page
    assert 'data-action="close"' in page and 'data-action="reopen"' in page
    url = reverse("portal:problem_action", args=[assigned.pk, "close"])
    response = customer_client.post(url, {}, follow=True)
    assert "Thank you: the problem is closed." in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.CLOSED and assigned.customer_confirmed_at is not None
    assert assigned.events.get(kind=EventKind.CLOSED).actor == carla


def test_reopen_with_a_reason(customer_client, assigned, alice):
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Port replaced")
    url = reverse("portal:problem_action", args=[assigned.pk, "reopen"])
    response = customer_client.post(url, {"reason": ""})
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert "What is still wrong?" in response.content.decode()
    customer_client.post(url, {"reason": "Still down in the evening"})
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED


def test_after_the_confirmation_window_reopening_is_refused(customer_client, assigned, alice):
    cleared = workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Done")
    with time_machine.travel(cleared.confirm_by + timedelta(minutes=1)):
        page = customer_client.get(page_of(assigned)).content.decode()
        assert 'data-action="reopen"' not in page


def test_choose_who_of_the_company_is_told(customer_client, problem, carla, company_a, dave, alice):
    from tests.factories import contact

    priya = contact("priya", company_a)
    workflow.watchers_set(problem, actor=alice, watchers=[alice])
    url = reverse("portal:watchers", args=[problem.pk])
    choices = (
        customer_client.get(page_of(problem)).context["watchers_form"].fields["watchers"].queryset
    )
    assert set(choices) == {carla, priya}
    response = customer_client.post(url, {"watchers": [priya.pk]}, follow=True)
    assert "We will tell the people you chose." in response.content.decode()
    assert set(problem.watchers.all()) == {priya, alice}  # staff watchers stay
    response = customer_client.post(url, {"watchers": [dave.pk]})
    assert response.context["watchers_form"].errors["watchers"]


def test_a_finished_problem_offers_a_new_report(customer_client, portfolio):
    page = customer_client.get(page_of(portfolio["done"])).content.decode()
    assert "report a new problem" in page
    assert "Send the message" not in page


def test_the_action_form_loads_as_an_htmx_partial(customer_client, problem):
    url = reverse("portal:problem_action", args=[problem.pk, "cancel"])
    page = customer_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert page.lstrip().startswith(
        '<div class="card border-primary-subtle shadow-sm" id="action-card"'
    )
    response = customer_client.post(url, {"reason": "ok"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == page_of(problem)


def test_an_unknown_portal_action_is_a_404(customer_client, problem):
    assert (
        customer_client.get(
            reverse("portal:problem_action", args=[problem.pk, "assign"])
        ).status_code
        == 404
    )
