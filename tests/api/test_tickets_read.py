"""GET /troubleTicket and /troubleTicket/{id}: filters with operators, fields, paging headers,
sort, customer scoping, and a page that costs the same queries whatever its length."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from problems import workflow
from problems.models import HoldReason
from tests.api.conftest import TICKETS, assert_tmf_error, create
from tests.api.spec import spec_errors

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.json()
    return [ticket["id"] for ticket in response.json()]


@pytest.fixture
def three(staff_api, alice):
    """A Critical ticket from 2024-05-01, a Major one from 2024-05-10 (in progress, alice),
    a Minor one from 2024-05-20 (resolved)."""
    with time_machine.travel("2024-05-01T09:00:00Z", tick=False):
        critical = create(staff_api, severity="Critical", ticketType="outage", externalId="EXT-1")
    with time_machine.travel("2024-05-10T09:00:00Z", tick=False):
        major = create(staff_api, severity="Major", ticketType="incident")
        workflow.problem_assign(
            int(major["id"]), actor=alice, assignee=alice, team=alice.teams.get()
        )
    with time_machine.travel("2024-05-20T09:00:00Z", tick=False):
        minor = create(staff_api, severity="Minor", ticketType="incident")
        problem = workflow.problem_assign(
            int(minor["id"]), actor=alice, assignee=alice, team=alice.teams.get()
        )
        workflow.problem_clear(
            problem, actor=alice, outcome="restored", summary="Swapped the router"
        )
    return critical["id"], major["id"], minor["id"]


def test_the_list_newest_first_with_counts(staff_api, three):
    critical, major, minor = three
    response = staff_api.get(TICKETS)
    assert ids(response) == [minor, major, critical]
    assert (response["X-Total-Count"], response["X-Result-Count"]) == ("3", "3")
    for ticket in response.json():
        assert spec_errors("TroubleTicket", ticket) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("severity=Critical", ["critical"]),
        ("severity=critical,minor", ["minor", "critical"]),
        ("ticketType=incident", ["minor", "major"]),
        ("status=inProgress", ["major"]),
        ("status=acknowledged,resolved", ["minor", "critical"]),
        ("status.ne=acknowledged", ["minor", "major"]),
        ("priority=High", ["major"]),
        ("externalId=EXT-1", ["critical"]),
        ("creationDate.gt=2024-05-10T09:00:00Z", ["minor"]),
        ("creationDate.gte=2024-05-10T09:00:00Z", ["minor", "major"]),
        ("creationDate.lt=2024-05-10", ["critical"]),
        ("creationDate.lte=2024-05-10T09:00:00Z", ["major", "critical"]),
        ("creationDate>=2024-05-10T09:00:00%2B00:00", ["minor", "major"]),
        ("creationDate<2024-05-02", ["critical"]),
        ("creationDate.gt=2024-05-02&creationDate.lt=2024-05-15", ["major"]),
        ("resolutionDate.gte=2024-05-01", ["minor"]),
        ("status=inProgress&severity=Critical", []),
    ],
)
def test_filters(staff_api, three, query, expected):
    names = dict(zip(("critical", "major", "minor"), three, strict=True))
    response = staff_api.get(f"{TICKETS}?{query}")
    assert ids(response) == [names[name] for name in expected]
    assert response["X-Total-Count"] == str(len(expected))


def test_filter_by_related_party(staff_api, three, alice):
    _, major, minor = three
    assert ids(staff_api.get(f"{TICKETS}?relatedParty.id={alice.pk}")) == [minor, major]


def test_pending_and_held_are_statuses_of_their_own(staff_api, three, alice):
    _, major, _ = three
    workflow.problem_hold(int(major), actor=alice, reason=HoldReason.SUPPLIER)
    assert ids(staff_api.get(f"{TICKETS}?status=held")) == [major]
    assert ids(staff_api.get(f"{TICKETS}?status=inProgress")) == []
    assert staff_api.get(f"{TICKETS}/{major}").json()["status"] == "held"


def test_paging_and_sorting(staff_api, three):
    critical, major, minor = three
    response = staff_api.get(f"{TICKETS}?offset=1&limit=1")
    assert ids(response) == [major]
    assert (response["X-Total-Count"], response["X-Result-Count"]) == ("3", "1")
    assert ids(staff_api.get(f"{TICKETS}?sort=creationDate")) == [critical, major, minor]
    assert ids(staff_api.get(f"{TICKETS}?sort=priority,-creationDate")) == [critical, major, minor]
    counted = staff_api.get(f"{TICKETS}?limit=0")
    assert ids(counted) == [] and counted["X-Total-Count"] == "3"


def test_fields_selects_attributes(staff_api, three):
    response = staff_api.get(f"{TICKETS}?fields=status,severity&limit=1")
    assert response.json() == [
        {
            "id": three[2],
            "href": response.json()[0]["href"],
            "severity": "Minor",
            "status": "resolved",
        }
    ]
    one = staff_api.get(f"{TICKETS}/{three[0]}?fields=name,statusChange").json()
    assert set(one) == {"id", "href", "name", "statusChange"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("colour=red", "'colour' is not an attribute you can filter on"),
        ("creationDate.gt=yesterday", "'creationDate' takes an ISO 8601 date"),
        ("severity.gt=Major", "'severity' compares by equality only"),
        ("status=open", "'open' is not a status"),
        ("fields=name,secret", "Unknown attribute(s) in fields: secret"),
        ("limit=-1", "'limit' must be from 0 to 1000"),
        ("limit=5000", "'limit' must be from 0 to 1000"),
        ("offset=ten", "'offset' must be a whole number"),
        ("offset=99999999999999999999", "'offset' must be from 0 to 1000000000000000"),
        ("sort=colour", "Cannot sort by 'colour'"),
        ("id=abc", "'id' takes a whole number"),
        ("severity=", "Give a value for 'severity'"),
        ("severity=%00", "NUL characters"),
        ("limit=1&limit=2", "Give 'limit' once"),
    ],
)
def test_bad_query_parameters_are_400(staff_api, query, message):
    body = assert_tmf_error(staff_api.get(f"{TICKETS}?{query}"), 400, "invalidQuery")
    assert message in body["message"], body["message"]


def test_retrieve_and_its_errors(staff_api, three):
    ticket = staff_api.get(f"{TICKETS}/{three[1]}").json()
    assert ticket["id"] == three[1] and ticket["status"] == "inProgress"
    assert spec_errors("TroubleTicket", ticket) == []
    assert_tmf_error(staff_api.get(f"{TICKETS}/999999"), 404, "notFound")
    assert_tmf_error(staff_api.get(f"{TICKETS}/not-a-number"), 404, "notFound")
    assert_tmf_error(staff_api.get(f"{TICKETS}/{three[1]}?severity=Major"), 400, "invalidQuery")


def test_status_change_history_comes_from_the_event_log(staff_api, three, alice):
    _, major, _ = three
    problem = workflow.problem_hold(
        int(major), actor=alice, reason=HoldReason.CUSTOMER, note="Which router?"
    )
    workflow.problem_resume(problem, actor=alice, note="Customer answered")
    ticket = staff_api.get(f"{TICKETS}/{major}").json()
    history = [(change["status"], change.get("changeReason")) for change in ticket["statusChange"]]
    assert history == [
        ("acknowledged", "Reported by api."),
        ("inProgress", "Assigned to Alice (Broadband support)."),
        ("pending", "Which router?"),
        ("inProgress", "Customer answered"),
    ]
    assert ticket["statusChangeReason"] == "Customer answered"
    assert ticket["statusChangeDate"] == ticket["statusChange"][-1]["changeDate"]


def test_jeopardy_is_an_extension_for_staff_not_a_status(
    staff_api, acme_api, company_a, alice, policy
):
    ticket = create(acme_api, severity="Minor")
    problem = workflow.problem_assign(
        int(ticket["id"]), actor=alice, assignee=alice, team=alice.teams.get()
    )
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        workflow.scan_timers()
        staff_view = staff_api.get(f"{TICKETS}/{problem.pk}").json()
        customer_view = acme_api.get(f"{TICKETS}/{problem.pk}").json()
    assert staff_view["status"] == customer_view["status"] == "inProgress"
    assert staff_view["inJeopardy"] is True and staff_view["escalationLevel"] == 1
    assert "inJeopardy" not in customer_view and "escalationLevel" not in customer_view
    assert [c["status"] for c in staff_view["statusChange"]] == ["acknowledged", "inProgress"]


def test_a_page_costs_the_same_queries_whatever_its_length(
    staff_api, alice, django_assert_max_num_queries
):
    for n in range(3):
        ticket = create(staff_api, note=[{"text": f"note {n}"}])
        workflow.problem_assign(
            int(ticket["id"]), actor=alice, assignee=alice, team=alice.teams.get()
        )
    with django_assert_max_num_queries(10) as small:
        staff_api.get(TICKETS)
    queries = len(small)  # now: the next requests reset the connection's query log
    for n in range(12):
        ticket = create(staff_api, note=[{"text": f"note {n}"}, {"text": "again"}])
        workflow.problem_assign(
            int(ticket["id"]), actor=alice, assignee=alice, team=alice.teams.get()
        )
    with django_assert_max_num_queries(queries):
        response = staff_api.get(TICKETS)
    assert response["X-Result-Count"] == "15"


def test_dates_at_the_calendars_edges_are_400(staff_api):
    for value in ("0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00", "0001-01-01"):
        assert_tmf_error(staff_api.get(f"{TICKETS}?creationDate.gt={value}"), 400, "invalidQuery")
