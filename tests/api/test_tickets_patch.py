"""PATCH /troubleTicket/{id}: a merge patch of attributes, notes, parties, and a status that
runs the matching workflow step with its guards (refused → a TMF error, nothing written)."""

import json
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from problems import workflow
from problems.models import CustomerProblem, EventKind, Note, Priority, State
from tests.api.conftest import TICKETS, assert_tmf_error, create, patch

pytestmark = pytest.mark.django_db


def problem_of(ticket):
    return CustomerProblem.objects.get(pk=ticket["id"])


@pytest.fixture
def ticket(acme_api):
    """Company A's ticket, reported by its CRM (a customer-scoped client)."""
    return create(acme_api, severity="Minor")


def assign_body(agent):
    return {
        "status": "inProgress",
        "relatedParty": [{"id": str(agent.pk), "role": "assignee", "@referredType": "Individual"}],
    }


@pytest.fixture
def in_progress(staff_api, ticket, alice):
    response = patch(staff_api, ticket["id"], assign_body(alice))
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.parametrize(
    "content_type",
    ["application/merge-patch+json", "application/json", "application/json;charset=utf-8"],
)
def test_attributes_change_through_the_workflow(staff_api, ticket, content_type):
    response = patch(
        staff_api,
        ticket["id"],
        {
            "name": "Internet down",
            "severity": "Critical",
            "ticketType": "outage",
            "externalId": "INC-7",
            "requestedResolutionDate": "2030-01-01T12:00:00Z",
            "description": "Nothing loads.",
        },
        content_type=content_type,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["severity"], body["priority"], body["ticketType"]) == (
        "Internet down",
        "Critical",
        "Critical",
        "outage",
    )
    assert body["requestedResolutionDate"] == "2030-01-01T12:00:00Z"
    problem = problem_of(ticket)
    assert problem.priority == Priority.CRITICAL and problem.external_id == "INC-7"
    update = problem.events.get(kind=EventKind.UPDATED)
    assert update.actor_label == "api-network-oss"
    assert set(update.data["changes"]) >= {
        "title",
        "severity",
        "priority",
        "ticket_type",
        "external_id",
    }


def test_null_clears_what_can_be_cleared(staff_api, ticket):
    patch(
        staff_api,
        ticket["id"],
        {"externalId": "X", "requestedResolutionDate": "2030-01-01T00:00:00Z"},
    )
    body = patch(
        staff_api, ticket["id"], {"externalId": None, "requestedResolutionDate": None}
    ).json()
    assert "externalId" not in body and "requestedResolutionDate" not in body
    response = patch(staff_api, ticket["id"], {"description": None})
    assert_tmf_error(response, 400, "invalidBody")


def test_sending_back_the_ticket_as_read_changes_nothing(staff_api, acme_api, ticket):
    shown = acme_api.get(f"{TICKETS}/{ticket['id']}").json()
    events = problem_of(ticket).events.count()
    response = patch(acme_api, ticket["id"], shown)
    assert response.status_code == 200, response.json()
    assert problem_of(ticket).events.count() == events


def test_other_patch_formats_are_415(staff_api, ticket):
    response = staff_api.generic(
        "PATCH",
        f"{TICKETS}/{ticket['id']}",
        json.dumps([{"op": "replace", "path": "/name", "value": "x"}]),
        content_type="application/json-patch+json",
    )
    assert_tmf_error(response, 415, "unsupportedMediaType")


def test_a_customer_may_not_edit_the_report(acme_api, ticket):
    response = patch(acme_api, ticket["id"], {"description": "Rewritten"})
    assert_tmf_error(response, 403, "accessDenied")
    assert problem_of(ticket).description == "No dial tone on the main line"


def test_notes_are_appended_and_existing_ones_left_alone(acme_api, staff_api, ticket):
    first = patch(acme_api, ticket["id"], {"note": [{"text": "Still down"}]}).json()["note"]
    assert [n["text"] for n in first] == ["Still down"]
    edited = [{**first[0], "text": "I never said that"}, {"text": "Router rebooted"}]
    notes = patch(acme_api, ticket["id"], {"note": edited}).json()["note"]
    assert [n["text"] for n in notes] == ["Still down", "Router rebooted"]
    patch(staff_api, ticket["id"], {"note": [{"text": "Check the DSLAM", "@type": "InternalNote"}]})
    assert (
        len(acme_api.get(f"{TICKETS}/{ticket['id']}").json()["note"]) == 2
    )  # customers see no internal notes
    assert len(staff_api.get(f"{TICKETS}/{ticket['id']}").json()["note"]) == 3


# --- status: the lifecycle -------------------------------------------------------------------
def test_acknowledged_to_in_progress_assigns(in_progress, alice):
    assert in_progress["status"] == "inProgress"
    problem = problem_of(in_progress)
    assert (problem.state, problem.assignee, problem.team.name) == (
        State.ASSIGNED,
        alice,
        "Broadband support",
    )


def test_starting_work_needs_someone_to_do_it(staff_api, basic, ticket, alice):
    response = patch(staff_api, ticket["id"], {"status": "inProgress"})
    assert "assignee" in assert_tmf_error(response, 400, "invalidBody")["message"]
    # An agent calling as themselves takes the ticket (and, as it had none, their team).
    body = patch(basic(alice), ticket["id"], {"status": "inProgress"}).json()
    assert body["status"] == "inProgress" and problem_of(ticket).assignee == alice


def test_an_assignee_outside_the_team_is_refused(staff_api, ticket, alice, bob):
    patch(staff_api, ticket["id"], assign_body(alice))
    response = patch(
        staff_api,
        ticket["id"],
        {"relatedParty": [{"id": str(bob.pk), "role": "assignee", "@referredType": "Individual"}]},
    )
    body = assert_tmf_error(response, 409, "transitionRefused")
    assert "member of the problem's team" in body["message"]


def test_pending_asks_the_customer_and_in_progress_resumes(staff_api, in_progress):
    response = patch(
        staff_api,
        in_progress["id"],
        {"status": "pending", "statusChangeReason": "Which router model?"},
    )
    assert response.json()["status"] == "pending"
    problem = problem_of(in_progress)
    assert problem.is_on_hold and problem.hold_reason == "customer"
    assert response.json()["statusChangeReason"] == "Which router model?"
    assert (
        patch(staff_api, in_progress["id"], {"status": "inProgress"}).json()["status"]
        == "inProgress"
    )
    assert not problem_of(in_progress).is_on_hold


def test_held_waits_on_a_supplier(staff_api, in_progress):
    assert patch(staff_api, in_progress["id"], {"status": "held"}).json()["status"] == "held"
    assert problem_of(in_progress).hold_reason == "supplier"
    assert_tmf_error(
        patch(staff_api, in_progress["id"], {"status": "pending"}), 409, "transitionRefused"
    )


def test_resolved_clears_with_the_reason_as_resolution(staff_api, in_progress):
    response = patch(staff_api, in_progress["id"], {"status": "resolved"})
    assert "statusChangeReason" in assert_tmf_error(response, 400, "invalidBody")["message"]
    body = patch(
        staff_api,
        in_progress["id"],
        {"status": "Resolved", "statusChangeReason": "Replaced the modem"},
    ).json()
    assert body["status"] == "resolved" and "resolutionDate" in body
    problem = problem_of(in_progress)
    assert (problem.state, problem.resolution_summary) == (State.CLEARED, "Replaced the modem")


def test_the_customer_accepts_or_rejects_the_resolution(staff_api, acme_api, in_progress):
    patch(staff_api, in_progress["id"], {"status": "resolved", "statusChangeReason": "Fixed"})
    reopened = patch(
        acme_api, in_progress["id"], {"status": "inProgress", "statusChangeReason": "Still down"}
    )
    assert reopened.json()["status"] == "inProgress"
    assert (
        problem_of(in_progress).events.filter(kind=EventKind.REOPENED).get().actor_label
        == "api-acme-crm"
    )
    patch(staff_api, in_progress["id"], {"status": "resolved", "statusChangeReason": "Fixed now"})
    closed = patch(acme_api, in_progress["id"], {"status": "closed"}).json()
    assert closed["status"] == "closed"
    assert problem_of(in_progress).customer_confirmed_at is not None


def test_cancelled_and_rejected(staff_api, acme_api):
    withdrawn = create(acme_api)
    assert_tmf_error(patch(acme_api, withdrawn["id"], {"status": "cancelled"}), 400, "invalidBody")
    body = patch(
        acme_api, withdrawn["id"], {"status": "cancelled", "statusChangeReason": "Works again"}
    ).json()
    assert body["status"] == "cancelled" and problem_of(withdrawn).cancellation_kind == "withdrawn"
    rejected = create(acme_api)
    response = patch(acme_api, rejected["id"], {"status": "rejected", "statusChangeReason": "x"})
    assert_tmf_error(response, 403, "accessDenied")
    body = patch(
        staff_api, rejected["id"], {"status": "rejected", "statusChangeReason": "Not our service"}
    ).json()
    assert body["status"] == "rejected" and problem_of(rejected).cancellation_kind == "not_accepted"
    last = body["statusChange"][-1]
    assert (last["status"], last["changeReason"]) == ("rejected", "Not our service")


@pytest.mark.parametrize(
    ("steps", "target", "message"),
    [
        (
            [],
            "resolved",
            "A ticket that is acknowledged cannot become resolved; "
            "from acknowledged it can become inProgress, cancelled, rejected.",
        ),
        ([], "closed", "cannot become closed"),
        (["assign", "hold"], "resolved", "from held it can become inProgress"),
        (
            ["assign", "resolve", "close"],
            "inProgress",
            "from closed it can become nothing (it is final)",
        ),
        (["assign"], "acknowledged", "cannot become acknowledged"),
    ],
)
def test_steps_the_lifecycle_does_not_have_are_409(
    staff_api, ticket, alice, steps, target, message
):
    actions = {
        "assign": assign_body(alice),
        "hold": {"status": "held"},
        "resolve": {"status": "resolved", "statusChangeReason": "Fixed"},
        "close": {"status": "closed"},
    }
    for step in steps:
        assert patch(staff_api, ticket["id"], actions[step]).status_code == 200
    response = patch(staff_api, ticket["id"], {"status": target, "statusChangeReason": "because"})
    assert message in assert_tmf_error(response, 409, "transitionRefused")["message"]


def test_a_guard_refusal_is_409_with_the_guards_words(staff_api, in_progress, alice):
    workflow.activity_schedule(
        problem_of(in_progress), actor=alice, kind="service_restoration", summary="Swap the card"
    )
    response = patch(
        staff_api, in_progress["id"], {"status": "resolved", "statusChangeReason": "Fixed"}
    )
    body = assert_tmf_error(response, 409, "transitionRefused")
    assert (
        body["message"]
        == "A recovery activity is still scheduled or in progress: complete or cancel it first."
    )


def test_a_refused_step_leaves_nothing_written(staff_api, ticket):
    events = problem_of(ticket).events.count()
    response = patch(
        staff_api, ticket["id"], {"name": "Renamed", "note": [{"text": "lost"}], "status": "closed"}
    )
    assert_tmf_error(response, 409)
    problem = problem_of(ticket)
    assert (
        problem.title != "Renamed"
        and not Note.objects.exists()
        and problem.events.count() == events
    )


def test_an_unknown_status_is_400(staff_api, ticket):
    assert (
        "Use one of acknowledged"
        in assert_tmf_error(patch(staff_api, ticket["id"], {"status": "done"}), 400)["message"]
    )


def test_a_concurrent_update_is_409(staff_api, ticket):
    with mock.patch(
        "problems.api.actions.workflow.problem_update",
        side_effect=workflow.ConcurrentUpdate("Someone else changed it."),
    ):
        response = patch(staff_api, ticket["id"], {"name": "Mine"})
    assert_tmf_error(response, 409, "concurrentUpdate")


def test_a_new_restoration_target_replans_a_ticket_in_jeopardy(staff_api, basic, in_progress, sue):
    problem = problem_of(in_progress)
    with time_machine.travel(problem.jeopardy_at + timedelta(minutes=1)):
        workflow.scan_timers()
        target = (timezone.now() + timedelta(hours=4)).replace(microsecond=0)
        body = {
            "expectedResolutionDate": target.isoformat(),
            "statusChangeReason": "Engineer booked",
        }
        assert_tmf_error(
            patch(staff_api, in_progress["id"], body), 403, "accessDenied"
        )  # agents do not re-plan
        replanned = patch(basic(sue), in_progress["id"], body).json()
    assert replanned["expectedResolutionDate"] == target.isoformat().replace("+00:00", "Z")
    assert replanned["inJeopardy"] is False
    assert (
        problem_of(in_progress)
        .events.filter(kind=EventKind.REPLANNED, message="Engineer booked")
        .exists()
    )


def test_another_customers_ticket_is_not_found(make_api_client, company_b, ticket):
    _, borealis = make_api_client("Borealis CRM", customer=company_b)
    assert_tmf_error(patch(borealis, ticket["id"], {"note": [{"text": "hi"}]}), 404, "notFound")
    assert not Note.objects.exists()


def test_nested_required_attributes_are_required_in_a_patch_too(staff_api, ticket):
    response = patch(
        staff_api, ticket["id"], {"relatedParty": [{"role": "x", "@referredType": "Individual"}]}
    )
    assert (
        "relatedParty[0].id: This field is required." in assert_tmf_error(response, 400)["message"]
    )
    assert (
        "note[0].text"
        in assert_tmf_error(patch(staff_api, ticket["id"], {"note": [{}]}), 400)["message"]
    )
