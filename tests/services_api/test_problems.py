"""TMF656 serviceProblem: create, list, retrieve, PATCH (attributes and the life cycle
through the trouble report workflow), DELETE, with the spec's sample and its schema."""

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from problems.models import TroubleReportLink
from services import workflow
from services.models import Alarm, ReportEventKind, ServiceTroubleReport
from tests import factories
from tests.services_api.conftest import (
    MINIMAL_PROBLEM,
    PROBLEMS,
    assert_tmf_error,
    create_problem,
    patch,
    sample,
)
from tests.services_api.spec import spec_errors

pytestmark = pytest.mark.django_db


def test_minimal_create_is_a_201_with_location_and_a_spec_valid_problem(staff_api, network):
    response = staff_api.post(PROBLEMS, MINIMAL_PROBLEM, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == body["href"]
    assert body["href"].endswith(f"{PROBLEMS}/{body['id']}")
    assert body["status"] == "acknowledged"
    assert body["category"] == "network"
    assert body["reason"] == "Alarm storm on olt-leeds-1"
    assert body["priority"] == 2
    assert body["originatorParty"]["id"] == "noc"
    assert body["trackingRecord"][0]["characteristic"][0]["value"] == "created"
    assert spec_errors("656", "ServiceProblem", body) == []
    report = ServiceTroubleReport.objects.get(pk=body["id"])
    assert report.origin == "api"
    assert report.title == "Alarm storm on olt-leeds-1"  # no name: the reason


def test_the_specs_sample_is_accepted_and_kept(staff_api, network):
    given = sample("ServiceProblem.example.json")
    response = staff_api.post(PROBLEMS, given, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] != given["id"]  # server-owned
    assert body["status"] == "acknowledged"  # status on create is the server's
    assert body["name"] == "My Service Problem"
    for kept in (
        "characteristic",
        "externalIdentifier",
        "affectedLocation",
        "relatedEntity",
        "impactPattern",
        "slaViolation",
        "firstAlert",
        "relatedEvent",
    ):
        assert body[kept] == given[kept], kept
    # References we do not know are kept as given.
    assert [s["id"] for s in body["affectedService"]] == ["NP1_Tokyo_Osaka", "NP1_Tokyo_xxxx"]
    assert body["underlyingAlarm"][0]["id"] == "NP1_A_0000000"
    assert body["note"][0]["text"] == given["note"][0]["text"]  # notes: progress updates
    assert spec_errors("656", "ServiceProblem", body) == []
    assert ServiceTroubleReport.objects.get(pk=body["id"]).external_id == "MC2255771199555"


def test_known_alarms_attach_and_known_services_are_impacted(staff_api, network, raise_alarm):
    alarm_id = raise_alarm(on="spare-1", perceivedSeverity="minor").alarm_id
    body = create_problem(
        staff_api,
        underlyingAlarm=[{"id": str(alarm_id)}],
        affectedService=[{"id": "dsl-york"}],
    )
    assert [a["id"] for a in body["underlyingAlarm"]] == [str(alarm_id)]
    assert body["underlyingAlarm"][0]["href"].endswith(f"/alarmManagement/v4/alarm/{alarm_id}")
    assert str(network.dsl.pk) in [s["id"] for s in body["affectedService"]]
    assert body["affectedNumberOfServices"] >= 1
    assert [r["id"] for r in body["affectedResource"]] == [str(network.spare.pk)]
    assert Alarm.objects.get(pk=alarm_id).trouble_report_id == int(body["id"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": None}, "category"),
        ({"priority": 9}, "priority"),
        ({"priority": "high"}, "priority"),
        ({"description": 12}, "description"),
        ({"reason": "  "}, "reason"),
        ({"originatorParty": {"id": "x"}}, "originatorParty.@referredType"),
        ({"note": [{"author": "me"}]}, "note[0].text"),
    ],
)
def test_bad_create_is_a_400_naming_the_field(staff_api, network, change, field):
    body = {**MINIMAL_PROBLEM, **change}
    body = {k: v for k, v in body.items() if v is not None}
    response = staff_api.post(PROBLEMS, body, format="json")
    error = assert_tmf_error(response, 400, "invalidBody")
    assert field in error["message"]
    assert not ServiceTroubleReport.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(staff_api, network):
    assert_tmf_error(staff_api.post(PROBLEMS, [1, 2], format="json"), 400, "invalidBody")
    assert_tmf_error(
        staff_api.post(PROBLEMS, "{", content_type="application/json"), 400, "invalidBody"
    )
    assert_tmf_error(staff_api.post(PROBLEMS, "x", content_type="text/plain"), 415)


def test_list_filters_pages_and_counts(staff_api, network, nora):
    first = create_problem(staff_api, priority=1, name="First")
    second = create_problem(staff_api, priority=2, name="Second", category="power")
    patch(
        staff_api,
        f"{PROBLEMS}/{second['id']}",
        {
            "status": "inProgress",
            "responsibleParty": {"id": str(nora.pk), "@referredType": "Individual"},
        },
    )
    response = staff_api.get(PROBLEMS, {"status": "inProgress"})
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [second["id"]]
    assert response["X-Total-Count"] == "1"
    assert [p["id"] for p in staff_api.get(PROBLEMS, {"priority": "1"}).json()] == [first["id"]]
    assert [p["id"] for p in staff_api.get(PROBLEMS, {"category": "power"}).json()] == [
        second["id"]
    ]
    assert [p["id"] for p in staff_api.get(PROBLEMS, {"responsibleParty.id": nora.pk}).json()] == [
        second["id"]
    ]
    page = staff_api.get(PROBLEMS, {"limit": 1, "offset": 1, "fields": "name,status"})
    assert page["X-Total-Count"] == "2"
    assert page["X-Result-Count"] == "1"
    assert page.json() == [
        {"id": first["id"], "href": first["href"], "name": "First", "status": "acknowledged"}
    ]
    both = staff_api.get(PROBLEMS, {"status": "acknowledged,inProgress", "sort": "priority"})
    assert [p["id"] for p in both.json()] == [first["id"], second["id"]]
    later = staff_api.get(PROBLEMS, {"creationDate.gt": "2100-01-01T00:00:00Z"})
    assert later.json() == []


@pytest.mark.parametrize(
    "query",
    [
        {"status": "open"},
        {"colour": "red"},
        {"fields": "nonsense"},
        {"limit": "-1"},
        {"priority.gt": "1"},
        {"affectedService.id": "abc"},
        {"sort": "colour"},
    ],
)
def test_a_bad_query_is_a_400(staff_api, network, query):
    assert_tmf_error(staff_api.get(PROBLEMS, query), 400, "invalidQuery")


def test_list_queries_do_not_grow_with_the_problems(
    staff_api, network, raise_alarm, django_assert_max_num_queries
):
    for index in range(3):
        create_problem(
            staff_api,
            underlyingAlarm=[
                {"id": str(raise_alarm(on="spare-1", specificProblem=str(index)).alarm_id)}
            ],
            note=[{"text": "Looking"}],
        )
    with django_assert_max_num_queries(14):
        few = staff_api.get(PROBLEMS)
    for index in range(6):
        create_problem(staff_api, name=f"More {index}", note=[{"text": "More"}])
    with django_assert_max_num_queries(14):
        many = staff_api.get(PROBLEMS)
    assert len(many.json()) == len(few.json()) + 6


def test_retrieve_with_fields_and_unknown_ids_are_404(staff_api, network):
    problem = create_problem(staff_api)
    response = staff_api.get(f"{PROBLEMS}/{problem['id']}", {"fields": "status"})
    assert response.json() == {
        "id": problem["id"],
        "href": problem["href"],
        "status": "acknowledged",
    }
    for missing in ("999999", "abc", "1" * 30):
        assert_tmf_error(staff_api.get(f"{PROBLEMS}/{missing}"), 404, "notFound")
    assert_tmf_error(staff_api.get(f"{PROBLEMS}/{problem['id']}", {"x": "1"}), 400, "invalidQuery")


def test_the_life_cycle_through_patch(staff_api, network, nora, raise_alarm):
    alarm = raise_alarm(on="spare-1", perceivedSeverity="minor")
    problem = create_problem(staff_api, underlyingAlarm=[{"id": str(alarm.alarm_id)}])
    url = f"{PROBLEMS}/{problem['id']}"

    refused = patch(staff_api, url, {"status": "resolved", "statusChangeReason": "Fixed"})
    error = assert_tmf_error(refused, 409, "transitionRefused")
    assert "inProgress, rejected, cancelled" in error["message"]

    # An API client is nobody: it names who works on it.
    assert_tmf_error(patch(staff_api, url, {"status": "inProgress"}), 400, "invalidBody")
    party = {"id": str(nora.pk), "@referredType": "Individual"}
    body = patch(staff_api, url, {"status": "inProgress", "responsibleParty": party}).json()
    assert body["status"] == "inProgress"
    assert body["responsibleParty"]["id"] == str(nora.pk)

    # A guard of the workflow: holding needs a reason.
    assert_tmf_error(patch(staff_api, url, {"status": "held"}), 409, "transitionRefused")
    body = patch(
        staff_api, url, {"status": "held", "statusChangeReason": "Supplier on site"}
    ).json()
    assert (body["status"], body["statusChangeReason"]) == ("held", "Supplier on site")
    body = patch(staff_api, url, {"status": "inProgress", "statusChangeReason": "Back"}).json()
    assert body["status"] == "inProgress"
    body = patch(staff_api, url, {"status": "pending", "statusChangeReason": "Which port?"}).json()
    assert body["status"] == "pending"
    body = patch(
        staff_api,
        url,
        {"status": "resolved", "statusChangeReason": "Card replaced"},
        content_type="application/json",
    ).json()
    assert body["status"] == "resolved"
    assert body["resolutionDate"]

    # Closing waits for the alarms to clear (the workflow's guard).
    error = assert_tmf_error(patch(staff_api, url, {"status": "closed"}), 409, "transitionRefused")
    assert "alarm" in error["message"]
    Alarm.objects.filter(pk=alarm.alarm_id).update(state="cleared", cleared_at="2024-01-01T00:00Z")
    body = patch(staff_api, url, {"status": "closed"}).json()
    assert body["status"] == "closed"
    statuses = [
        c["value"]
        for record in body["trackingRecord"]
        for c in record["characteristic"]
        if c["name"] == "status"
    ]
    assert statuses == [
        "acknowledged",
        "inProgress",
        "held",
        "inProgress",
        "pending",
        "resolved",
        "closed",
    ]
    assert spec_errors("656", "ServiceProblem", body) == []
    assert_tmf_error(patch(staff_api, url, {"status": "inProgress"}), 409, "transitionRefused")


def test_a_refused_patch_leaves_nothing_written(staff_api, network):
    problem = create_problem(staff_api)
    url = f"{PROBLEMS}/{problem['id']}"
    response = patch(
        staff_api, url, {"name": "Renamed", "note": [{"text": "Hello"}], "status": "closed"}
    )
    assert_tmf_error(response, 409, "transitionRefused")
    report = ServiceTroubleReport.objects.get(pk=problem["id"])
    assert report.title != "Renamed"
    assert not report.events.filter(kind=ReportEventKind.PROGRESS).exists()


def test_attributes_change_through_patch(staff_api, network):
    problem = create_problem(staff_api)
    url = f"{PROBLEMS}/{problem['id']}"
    body = patch(
        staff_api,
        url,
        {
            "name": "Renamed",
            "priority": 1,
            "category": "power",
            "characteristic": [{"name": "site", "value": "Leeds"}],
            "note": [{"text": "Engineer dispatched"}],
        },
    ).json()
    assert (body["name"], body["priority"], body["category"]) == ("Renamed", 1, "power")
    assert body["characteristic"] == [{"name": "site", "value": "Leeds"}]
    assert [n["text"] for n in body["note"]] == ["Engineer dispatched"]
    # The same note again (by its id) is not added twice.
    again = patch(staff_api, url, {"note": body["note"]}).json()
    assert len(again["note"]) == 1
    assert_tmf_error(patch(staff_api, url, {"priority": 0}), 400, "invalidBody")
    assert_tmf_error(patch(staff_api, url, {"status": "open"}), 400, "invalidBody")
    assert_tmf_error(
        patch(staff_api, url, {"responsibleParty": {"id": "0", "@referredType": "Individual"}}),
        400,
        "invalidBody",
    )
    assert_tmf_error(patch(staff_api, url, ["x"]), 400, "invalidBody")
    assert_tmf_error(staff_api.generic("PATCH", url, "{}", content_type="text/plain"), 415)


def test_an_agent_with_basic_auth_takes_the_problem_by_starting_it(
    basic, alice, network, staff_api
):
    problem = create_problem(staff_api)
    response = patch(basic(alice), f"{PROBLEMS}/{problem['id']}", {"status": "inProgress"})
    assert response.status_code == 200, response.json()
    assert response.json()["responsibleParty"]["id"] == str(alice.pk)


def test_linked_customer_problems_are_trouble_tickets(staff_api, network, company_a, alice):
    problem = create_problem(staff_api)
    ticket = (
        factories.ProblemFactory(customer=company_a)
        if hasattr(factories, "ProblemFactory")
        else None
    )
    if ticket is None:
        from problems import workflow as problems_workflow

        ticket = problems_workflow.problem_create(
            actor=alice, title="No service", description="d", customer=company_a
        )
    TroubleReportLink.objects.create(
        problem=ticket, trouble_report_id=int(problem["id"]), trouble_report_reference="STR"
    )
    body = staff_api.get(f"{PROBLEMS}/{problem['id']}").json()
    assert body["troubleTicket"] == [
        {
            "id": str(ticket.pk),
            "href": f"http://testserver/tmf-api/troubleTicket/v4/troubleTicket/{ticket.pk}",
            "@referredType": "TroubleTicket",
        }
    ]
    listed = staff_api.get(f"{PROBLEMS}", {"troubleTicket.id": ticket.pk}).json()
    assert [p["id"] for p in listed] == [problem["id"]]


def test_delete_needs_the_permission_and_a_finished_problem(make_api_client, network):
    record, api = make_api_client("Deleter")
    problem = create_problem(api)
    url = f"{PROBLEMS}/{problem['id']}"
    assert_tmf_error(api.delete(url), 403, "accessDenied")
    record.user.user_permissions.add(Permission.objects.get(codename="delete_servicetroublereport"))
    assert_tmf_error(api.delete(url), 409, "transitionRefused")
    patch(api, url, {"status": "rejected", "statusChangeReason": "Planned works"})
    assert api.delete(url).status_code == 204
    assert not ServiceTroubleReport.objects.filter(pk=problem["id"]).exists()
    assert_tmf_error(api.delete(url), 404, "notFound")


def test_problem_groups_are_not_implemented(staff_api, network):
    for path in ("problemGroup", "problemUngroup"):
        response = staff_api.post(f"/tmf-api/serviceProblemManagement/v4/{path}", {}, format="json")
        assert_tmf_error(response, 501, "notImplemented")


def test_a_report_opened_on_the_desk_shows_through_the_api(staff_api, network, nora):
    report = workflow.trouble_report_open(actor=nora, title="Fibre cut", services=[network.fibre])
    body: dict[str, Any] = staff_api.get(f"{PROBLEMS}/{report.pk}").json()
    assert body["name"] == "Fibre cut"
    assert body["category"] == ""
    assert str(network.fibre.pk) in [s["id"] for s in body["affectedService"]]
    assert spec_errors("656", "ServiceProblem", body) == []


def test_fields_skip_the_rows_they_do_not_need(
    staff_api, network, django_assert_num_queries, django_assert_max_num_queries
):
    for index in range(3):
        create_problem(staff_api, name=f"P{index}", note=[{"text": "n"}])
    with django_assert_max_num_queries(10) as everything:
        staff_api.get(PROBLEMS)
    with django_assert_max_num_queries(len(everything.captured_queries) - 4):
        response = staff_api.get(PROBLEMS, {"fields": "name,status"})
    assert [set(p) for p in response.json()] == [{"id", "href", "name", "status"}] * 3
    notes = staff_api.get(PROBLEMS, {"fields": "note"}).json()
    assert [[n["text"] for n in p["note"]] for p in notes] == [["n"]] * 3
