"""TMF656 and TMF642 hubs: events in the specs' envelopes delivered to a real HTTP listener
after commit, in order per resource, filtered by the listener's query, signed, retried
until the listener is back, dead-lettered after the last attempt."""

import hashlib
import hmac
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from problemdesk.api import tasks
from problemdesk.api.models import DeadLetter, Delivery, DeliveryStatus
from tests.services_api.conftest import (
    ALARMS,
    AM,
    PROBLEMS,
    SP,
    assert_tmf_error,
    create_problem,
    patch,
    post_alarm,
)
from tests.services_api.spec import spec_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def subscribe(api, base, listener, query="", secret=""):
    response = api.post(
        f"{base}/hub", {"callback": listener.url, "query": query, "secret": secret}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response["Location"].endswith(f"{base}/hub/{response.json()['id']}")
    return response.json()["id"]


def later(minutes):
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
        tasks.resend_hub_deliveries()


def test_service_problem_events_in_the_specs_envelope(
    staff_api, listener, on_commit, network, nora
):
    subscribe(staff_api, SP, listener)
    with on_commit():
        problem = create_problem(staff_api)
    url = f"{PROBLEMS}/{problem['id']}"
    party = {"id": str(nora.pk), "@referredType": "Individual"}
    with on_commit():
        patch(staff_api, url, {"status": "inProgress", "responsibleParty": party})
    with on_commit():
        patch(staff_api, url, {"status": "pending", "statusChangeReason": "Which port?"})
    with on_commit():
        patch(staff_api, url, {"name": "Renamed"})
    types = listener.types()
    assert types[0] == "ServiceProblemCreateEvent"
    assert types[-3:] == [
        "ServiceProblemStateChangeEvent",
        "ServiceProblemInformationRequiredEvent",
        "ServiceProblemAttributeValueChangeEvent",
    ]
    assert "ServiceProblemStateChangeEvent" in types[1:-3]
    for received in listener.received:
        body = received["body"]
        event_type = body["eventType"]
        assert received["path"] == f"/events/listener/{event_type[0].lower()}{event_type[1:]}"
        assert spec_errors("656", event_type, body) == []
        assert body["event"]["serviceProblem"]["id"] == problem["id"]
    assert listener.events()[-1]["event"]["serviceProblem"]["name"] == "Renamed"
    assert listener.events()[-2]["event"]["serviceProblem"]["status"] == "pending"


def test_the_query_filters_and_the_secret_signs(staff_api, listener, on_commit, network, nora):
    subscribe(
        staff_api,
        SP,
        listener,
        query="eventType=ServiceProblemStateChangeEvent&status=inProgress",
        secret="s3cret",
    )
    with on_commit():
        problem = create_problem(staff_api)
        other = create_problem(staff_api)
    party = {"id": str(nora.pk), "@referredType": "Individual"}
    with on_commit():
        patch(
            staff_api,
            f"{PROBLEMS}/{problem['id']}",
            {"status": "inProgress", "responsibleParty": party},
        )
        patch(
            staff_api,
            f"{PROBLEMS}/{other['id']}",
            {"status": "rejected", "statusChangeReason": "x"},
        )
    assert listener.types() == ["ServiceProblemStateChangeEvent"]
    received = listener.received[0]
    signature = dict(
        part.split("=", 1) for part in received["headers"]["X-ProblemDesk-Signature"].split(",")
    )
    expected = hmac.new(
        b"s3cret", signature["t"].encode() + b"." + received["raw"], hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(signature["v1"], expected)


def test_a_bad_hub_query_or_callback_is_a_400(staff_api, network, listener):
    for query in ("eventType=TroubleTicketCreateEvent", "colour=red", "status=open"):
        response = staff_api.post(
            f"{SP}/hub", {"callback": listener.url, "query": query}, format="json"
        )
        assert_tmf_error(response, 400, "invalidBody")
    response = staff_api.post(f"{AM}/hub", {"callback": "ftp://x"}, format="json")
    assert_tmf_error(response, 400, "invalidBody")
    hub = subscribe(staff_api, AM, listener)
    assert staff_api.delete(f"{AM}/hub/{hub}").status_code == 204
    assert_tmf_error(staff_api.delete(f"{AM}/hub/{hub}"), 404, "notFound")


def test_alarm_events(staff_api, listener, on_commit, network):
    subscribe(staff_api, AM, listener)
    with on_commit():
        alarm = post_alarm(staff_api, on="spare-1", perceivedSeverity="minor")
    url = f"{ALARMS}/{alarm['id']}"
    with on_commit():
        patch(staff_api, url, {"ackState": "acknowledged"})
    with on_commit():
        staff_api.post(
            f"{AM}/commentAlarms",
            {"comment": {"comment": "Looking"}, "alarmPattern": [{"id": alarm["id"]}]},
            format="json",
        )
    with on_commit():
        patch(staff_api, url, {"state": "cleared"})
    assert listener.types() == [
        "AlarmCreateEvent",
        "AlarmAttributeValueChangeEvent",
        "AlarmAttributeValueChangeEvent",
        "CommentAlarmsCreateEvent",
        "AlarmStateChangeEvent",
    ]
    bodies = [b for b in listener.events() if b["eventType"].startswith("Alarm")]
    assert [b.get("fieldPath") for b in bodies[1:]] == [
        "ackState,ackUserId,ackSystemId",
        "comment",
        "state,perceivedSeverity",
    ]
    for body in bodies:
        assert spec_errors("642", body["eventType"], body) == []
    assert bodies[-1]["event"]["alarm"]["state"] == "cleared"


def test_alarm_query_by_severity(staff_api, listener, on_commit, network):
    subscribe(
        staff_api, AM, listener, query="perceivedSeverity=critical,major&serviceAffecting=true"
    )
    with on_commit():
        post_alarm(staff_api, on="spare-1", perceivedSeverity="minor", serviceAffecting=True)
        post_alarm(staff_api, on="core-rtr-1", perceivedSeverity="major", serviceAffecting=False)
        wanted = post_alarm(
            staff_api,
            on="spare-1",
            perceivedSeverity="major",
            serviceAffecting=True,
            specificProblem="b",
        )
    assert [b["event"]["alarm"]["id"] for b in listener.events()] == [wanted["id"]]


def test_retried_in_order_until_back_then_dead_letter(
    staff_api, listener, on_commit, network, settings
):
    settings.HUB_MAX_ATTEMPTS = 3
    subscribe(staff_api, AM, listener)
    listener.answer = 503
    with on_commit():
        alarm = post_alarm(staff_api, on="spare-1")
    with on_commit():
        patch(staff_api, f"{ALARMS}/{alarm['id']}", {"ackState": "acknowledged"})
    assert listener.types() == ["AlarmCreateEvent"]  # the second waits behind the first
    listener.answer = 204
    later(minutes=1)
    assert listener.types()[1:] == ["AlarmCreateEvent", "AlarmAttributeValueChangeEvent"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}

    listener.answer = 500
    with on_commit():
        patch(staff_api, f"{ALARMS}/{alarm['id']}", {"state": "cleared"})
    for minutes in (1, 5, 30):
        later(minutes)
    dead = DeadLetter.objects.get()
    assert (dead.attempts, dead.event.event_type) == (3, "AlarmStateChangeEvent")


def test_customers_cannot_listen(acme_api, listener):
    for base in (SP, AM):
        response = acme_api.post(f"{base}/hub", {"callback": listener.url}, format="json")
        assert_tmf_error(response, 403, "accessDenied")


def test_task_events(staff_api, listener, on_commit, network):
    subscribe(
        staff_api, AM, listener, query="eventType=AckAlarmsCreateEvent,ClearAlarmsCreateEvent"
    )
    alarm = post_alarm(staff_api, on="spare-1")
    with on_commit():
        staff_api.post(
            f"{AM}/ackAlarms",
            {"ackSystemId": "oss", "ackUserId": "bob", "alarmPattern": [{"id": alarm["id"]}]},
            format="json",
        )
    with on_commit():
        staff_api.post(
            f"{AM}/commentAlarms",
            {"comment": {"comment": "x"}, "alarmPattern": [{"id": alarm["id"]}]},
            format="json",
        )
    assert listener.types() == ["AckAlarmsCreateEvent"]
    body = listener.events()[0]
    assert listener.received[0]["path"] == "/events/listener/ackAlarmsCreateEvent"
    assert body["event"]["ackAlarms"]["ackedAlarm"][0]["id"] == alarm["id"]
    assert spec_errors("642", "AckAlarmsCreateEvent", body) == []
