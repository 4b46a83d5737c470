"""POST /troubleTicket: the spec's minimal and sample tickets, what the server owns, where
the customer comes from, severity → priority, and bad input as TMF errors."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from problems.models import Channel, CustomerProblem, EventKind, Priority, State
from tests import factories
from tests.api.conftest import MINIMAL, TICKETS, assert_tmf_error, create
from tests.api.spec import sample_ticket, spec_errors

pytestmark = pytest.mark.django_db


def same_time(a, b):
    return (
        a is not None and b is not None and datetime.fromisoformat(a) == datetime.fromisoformat(b)
    )


def test_the_minimal_ticket_of_a_staff_client_leaves_the_customer_to_be_identified(staff_api):
    response = staff_api.post(TICKETS, MINIMAL, format="json")
    assert response.status_code == 201
    ticket = response.json()
    assert response["Location"] == ticket["href"]
    assert ticket["href"].endswith(f"/tmf-api/troubleTicket/v4/troubleTicket/{ticket['id']}")
    assert ticket["status"] == "acknowledged"
    assert (ticket["severity"], ticket["ticketType"], ticket["priority"]) == (
        "Major",
        "incident",
        "High",
    )
    assert ticket["name"] == MINIMAL["description"]  # no name: the description's first words
    problem = CustomerProblem.objects.get(pk=ticket["id"])
    assert problem.customer is None and problem.state == State.OPEN
    assert problem.channel == Channel.API and problem.priority == Priority.HIGH
    created = problem.events.get(kind=EventKind.CREATED)
    assert created.actor_label == "api-network-oss"  # the event log names the client
    assert created.actor.api_client.name == "Network OSS"


def test_a_customer_scoped_client_reports_for_its_customer(acme_api, company_a):
    ticket = create(acme_api)
    problem = CustomerProblem.objects.get(pk=ticket["id"])
    assert problem.customer == company_a
    assert {
        "id": str(company_a.pk),
        "name": "Acme",
        "role": "customer",
        "@referredType": "Customer",
    } in ticket["relatedParty"]


def test_the_customer_comes_from_related_party_by_id_or_account_code(
    staff_api, company_a, company_b
):
    by_id = create(
        staff_api,
        relatedParty=[{"id": str(company_b.pk), "role": "customer", "@referredType": "Customer"}],
    )
    by_code = create(
        staff_api,
        relatedParty=[{"id": "ACME", "role": "customer", "@referredType": "Organization"}],
    )
    assert CustomerProblem.objects.get(pk=by_id["id"]).customer == company_b
    assert CustomerProblem.objects.get(pk=by_code["id"]).customer == company_a


def test_a_customer_scoped_client_cannot_report_for_another_customer(acme_api, company_b):
    response = acme_api.post(
        TICKETS,
        {
            **MINIMAL,
            "relatedParty": [
                {"id": str(company_b.pk), "role": "customer", "@referredType": "Customer"}
            ],
        },
        format="json",
    )
    assert_tmf_error(response, 403, "accessDenied")
    assert not CustomerProblem.objects.exists()


def test_the_specs_sample_ticket_is_accepted_and_produced(staff_api):
    sample = sample_ticket()
    before = timezone.now()
    response = staff_api.post(TICKETS, sample, format="json")
    assert response.status_code == 201, response.json()
    ticket = response.json()
    assert spec_errors("TroubleTicket", ticket) == []
    # What the server owns is ours, not the sample's.
    assert ticket["id"] != sample["id"] and "mycsp.com" not in ticket["href"]
    assert ticket["status"] == "acknowledged"  # not the sample's "Pending"
    assert ticket["priority"] == "Critical"  # from severity "Urgent", not the sample's "High"
    assert datetime.fromisoformat(ticket["creationDate"]) >= before
    assert not same_time(ticket.get("expectedResolutionDate"), sample["expectedResolutionDate"])
    assert [change["status"] for change in ticket["statusChange"]] == ["acknowledged"]
    # What the caller says is kept.
    for attribute in ("name", "severity", "ticketType", "externalId"):
        assert ticket[attribute] == sample[attribute], attribute
    assert ticket["description"] == sample["description"].strip()
    assert same_time(ticket["requestedResolutionDate"], sample["requestedResolutionDate"])
    assert ticket["attachment"] == sample["attachment"]
    assert ticket["troubleTicketRelationship"] == sample["troubleTicketRelationship"]
    assert ticket["channel"] == sample["channel"]
    assert ticket["relatedEntity"] == sample["relatedEntity"]
    assert ticket["relatedParty"] == sample["relatedParty"]  # customer 9176 is not ours: kept
    assert [(n["text"], n["@type"]) for n in ticket["note"]] == [
        (sample["note"][0]["text"], "Note")
    ]
    problem = CustomerProblem.objects.get(pk=ticket["id"])
    assert problem.customer is None  # to be identified on the desk
    assert problem.channel == Channel.PORTAL  # "self service"
    assert problem.notes.get().author_label == "api-network-oss"  # the caller, not "Jack Smith"


def test_server_owned_values_are_ignored(staff_api):
    ticket = create(
        staff_api,
        id="999",
        href="http://elsewhere/x",
        status="closed",
        creationDate="2001-01-01T00:00:00Z",
        lastUpdate="2001-01-01T00:00:00Z",
        priority="Low",
        resolutionDate="2001-01-01T00:00:00Z",
        statusChange=[{"status": "closed", "changeDate": "2001-01-01T00:00:00Z"}],
    )
    assert ticket["id"] != "999" and ticket["status"] == "acknowledged"
    assert ticket["priority"] == "High" and not ticket["creationDate"].startswith("2001")
    assert "resolutionDate" not in ticket


@pytest.mark.parametrize(
    ("severity", "priority"),
    [
        ("Critical", "Critical"),
        ("urgent", "Critical"),
        ("Major", "High"),
        ("minor", "Medium"),
        ("Low", "Low"),
        ("whatever", "Medium"),
    ],
)
def test_severity_is_kept_and_sets_our_priority(staff_api, severity, priority):
    ticket = create(staff_api, severity=severity)
    assert (ticket["severity"], ticket["priority"]) == (severity, priority)


def test_the_priority_brings_its_sla_targets(staff_api, policy):
    ticket = create(staff_api, severity="Minor")  # Medium: the policy restores in 8 h
    target = datetime.fromisoformat(ticket["expectedResolutionDate"])
    assert abs(target - (timezone.now() + timedelta(hours=8))) < timedelta(minutes=1)


def test_a_ticket_type_named_like_a_category_routes_to_its_team(
    staff_api, broadband_category, security_category
):
    routed = CustomerProblem.objects.get(pk=create(staff_api, ticketType="broadband")["id"])
    assert routed.category == broadband_category and routed.team == broadband_category.default_team
    # A client that may not see security events cannot file into that category.
    unrouted = CustomerProblem.objects.get(pk=create(staff_api, ticketType="Security event")["id"])
    assert unrouted.category is None


def test_the_reporter_the_service_and_an_assignee_on_create(staff_api, carla, alice, company_a):
    ticket = create(
        staff_api,
        name="Line down",
        relatedParty=[
            {"id": str(company_a.pk), "role": "customer", "@referredType": "Customer"},
            {"id": "carla", "role": "originator", "@referredType": "Individual"},
            {"id": str(alice.pk), "role": "assignee", "@referredType": "Individual"},
        ],
        relatedEntity=[
            {
                "id": "4711",
                "name": "Fibre 1G Head office",
                "role": "affectedService",
                "@referredType": "Service",
            },
            {"id": "SP-9", "role": "serviceTroubleReport", "@referredType": "ServiceProblem"},
        ],
    )
    problem = CustomerProblem.objects.get(pk=ticket["id"])
    assert (problem.reported_by, problem.assignee, problem.state) == (carla, alice, State.ASSIGNED)
    assert problem.team == factories.TeamFactory(name="Broadband support")  # alice's team
    assert (problem.service_id, problem.service_label) == (4711, "Fibre 1G Head office")
    assert ticket["status"] == "inProgress"
    roles = {party["role"]: party["id"] for party in ticket["relatedParty"]}
    assert roles == {
        "customer": str(company_a.pk),
        "reporter": str(carla.pk),
        "assignee": str(alice.pk),
    }
    assert ticket["relatedEntity"][1] == {
        "id": "SP-9",
        "role": "serviceTroubleReport",
        "@referredType": "ServiceProblem",
    }


def test_an_unknown_assignee_refuses_the_whole_create(staff_api):
    response = staff_api.post(
        TICKETS,
        {
            **MINIMAL,
            "relatedParty": [{"id": "nobody", "role": "assignee", "@referredType": "Individual"}],
        },
        format="json",
    )
    body = assert_tmf_error(response, 400, "invalidBody")
    assert "nobody" in body["message"]
    assert not CustomerProblem.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"severity": "Major", "ticketType": "incident"}, "description: This field is required."),
        ({**MINIMAL, "description": "   "}, "description:"),
        ({**MINIMAL, "severity": 3}, "severity: Not a valid string."),
        (
            {**MINIMAL, "requestedResolutionDate": "next week"},
            "requestedResolutionDate: Datetime has wrong format",
        ),
        (
            {**MINIMAL, "name": "x" * 201},
            "name: Ensure this field has no more than 200 characters.",
        ),
        ({**MINIMAL, "note": {"text": "not a list"}}, "note: Expected a list"),
        (
            {**MINIMAL, "relatedParty": [{"id": "1", "role": "customer"}]},
            "relatedParty[0].@referredType: This field is required.",
        ),
        (
            {**MINIMAL, "attachment": [{"name": "scan", "content": "aGVsbG8="}]},
            "attachment[0].content: Attachments are kept by reference",
        ),
        (
            {**MINIMAL, "description": "nul \x00 byte"},
            "description: Null characters are not allowed.",
        ),
        ([MINIMAL], "Invalid data. Expected a dictionary"),
    ],
)
def test_invalid_tickets_are_400_with_what_is_wrong(staff_api, body, message):
    response = staff_api.post(TICKETS, body, format="json")
    error = assert_tmf_error(response, 400, "invalidBody")
    assert message in error["message"], error["message"]
    assert not CustomerProblem.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"description": NaN}', b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe"],
)
def test_a_body_that_is_not_json_is_400(staff_api, raw):
    response = staff_api.generic("POST", TICKETS, raw, content_type="application/json")
    assert_tmf_error(response, 400, "invalidBody")


def test_other_media_types_are_415(staff_api):
    response = staff_api.generic(
        "POST", TICKETS, "description=x", content_type="application/x-www-form-urlencoded"
    )
    assert_tmf_error(response, 415, "unsupportedMediaType")
    response = staff_api.generic(
        "POST", TICKETS, json.dumps(MINIMAL), content_type="application/merge-patch+json"
    )
    assert_tmf_error(response, 415, "unsupportedMediaType")


def test_a_body_over_the_limit_is_413_before_it_is_read(staff_api, settings):
    settings.API_MAX_REQUEST_BYTES = 2048
    response = staff_api.post(TICKETS, {**MINIMAL, "description": "x" * 3000}, format="json")
    assert_tmf_error(response, 413, "requestTooLarge")


def test_notes_are_added_as_the_callers_and_internal_ones_only_by_staff(staff_api, acme_api):
    ticket = create(
        staff_api,
        note=[{"text": "Seen from the NOC"}, {"text": "Cabinet 12", "@type": "InternalNote"}],
    )
    problem = CustomerProblem.objects.get(pk=ticket["id"])
    assert [(n.body, n.is_internal, n.author_label) for n in problem.notes.order_by("pk")] == [
        ("Seen from the NOC", False, "api-network-oss"),
        ("Cabinet 12", True, "api-network-oss"),
    ]
    assert [n["@type"] for n in ticket["note"]] == ["Note", "InternalNote"]
    response = acme_api.post(
        TICKETS, {**MINIMAL, "note": [{"text": "x", "@type": "InternalNote"}]}, format="json"
    )
    assert_tmf_error(response, 403, "accessDenied")
    assert CustomerProblem.objects.count() == 1  # the refused create left nothing behind


def test_dates_far_out_are_refused(staff_api):
    for value in ("9999-12-31T23:59:59Z", "1900-01-01T00:00:00Z"):
        response = staff_api.post(
            TICKETS, {**MINIMAL, "requestedResolutionDate": value}, format="json"
        )
        assert "between 1970 and 2199" in assert_tmf_error(response, 400)["message"]
