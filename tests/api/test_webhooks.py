"""Event delivery to a real HTTP listener: the six TMF621 events in the spec's envelope,
after commit, in order per listener and ticket, retried with backoff until the listener is
back, a dead letter after the last attempt (re-driven from the admin), signed when the
listener has a secret, and never in the way of the change that caused it."""

import hashlib
import hmac
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from problemdesk.api import tasks
from problemdesk.api.hub import delivery as hub_delivery
from problemdesk.api.models import DeadLetter, Delivery, DeliveryStatus, HubEvent
from problems import workflow
from problems.models import CustomerProblem
from tests.api.conftest import HUB, TICKETS, create, patch
from tests.api.spec import spec_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the change enqueues after commit (tasks run eagerly in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def subscribe(api, listener, query="", secret=""):
    response = api.post(
        HUB, {"callback": listener.url, "query": query, "secret": secret}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def later(minutes):
    """Travel past the backoff and run the periodic resend, as beat does."""
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
        tasks.resend_hub_deliveries()


def test_the_six_events_in_the_specs_envelope(staff_api, listener, on_commit, alice, settings):
    subscribe(staff_api, listener)
    with on_commit():
        ticket = create(staff_api, severity="Critical")
    with on_commit():
        patch(
            staff_api,
            ticket["id"],
            {
                "status": "inProgress",
                "relatedParty": [
                    {"id": str(alice.pk), "role": "assignee", "@referredType": "Individual"}
                ],
            },
        )
    with on_commit():
        patch(staff_api, ticket["id"], {"note": [{"text": "Checking the line"}]})
    with on_commit():
        patch(staff_api, ticket["id"], {"status": "pending", "statusChangeReason": "Which router?"})
    with on_commit():
        patch(staff_api, ticket["id"], {"status": "inProgress"})
    with on_commit():
        patch(
            staff_api,
            ticket["id"],
            {"status": "resolved", "statusChangeReason": "Replaced the router"},
        )
    with on_commit():
        patch(staff_api, ticket["id"], {"status": "closed"})
    CustomerProblem.objects.get(pk=ticket["id"])
    with on_commit():
        workflow.problem_delete(
            CustomerProblem.objects.get(pk=ticket["id"]), actor=workflow.SYSTEM, reason="Erasure"
        )
    assert listener.types() == [
        "TroubleTicketCreateEvent",
        "TroubleTicketStatusChangeEvent",  # acknowledged → inProgress
        "TroubleTicketAttributeValueChangeEvent",  # the note
        "TroubleTicketStatusChangeEvent",  # → pending
        "TroubleTicketInformationRequiredEvent",
        "TroubleTicketStatusChangeEvent",  # → inProgress
        "TroubleTicketStatusChangeEvent",  # → resolved
        "TroubleTicketResolvedEvent",
        "TroubleTicketStatusChangeEvent",  # → closed
        "TroubleTicketDeleteEvent",
    ]
    for received in listener.received:
        event = received["body"]
        assert spec_errors(event["eventType"], event) == [], event["eventType"]
        assert spec_errors("TroubleTicket", event["event"]["troubleTicket"]) == []
        assert (
            received["path"]
            == "/events/listener/" + event["eventType"][0].lower() + event["eventType"][1:]
        )
        assert received["headers"]["X-ProblemDesk-Event-Id"] == event["eventId"]
        assert received["headers"]["Content-Type"] == "application/json;charset=utf-8"
        assert event["event"]["troubleTicket"]["href"].startswith(settings.SITE_URL)
    events = listener.events()
    assert [e["event"]["troubleTicket"]["status"] for e in events] == [
        "acknowledged",
        "inProgress",
        "inProgress",
        "pending",
        "pending",
        "inProgress",
        "resolved",
        "resolved",
        "closed",
        "closed",
    ]
    assert events[2]["fieldPath"] == "note"
    assert events[4]["description"] == "Which router?"
    assert len({e["eventId"] for e in events}) == len(events)
    assert "X-ProblemDesk-Signature" not in listener.received[0]["headers"]  # no secret


def test_nothing_is_sent_before_commit_nor_after_a_rollback(
    staff_api, listener, django_capture_on_commit_callbacks, alice
):
    subscribe(staff_api, listener)
    with django_capture_on_commit_callbacks() as callbacks:
        ticket = create(staff_api)
    assert listener.received == [] and Delivery.objects.get().status == DeliveryStatus.PENDING
    for callback in callbacks:
        callback()
    assert listener.types() == ["TroubleTicketCreateEvent"]
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.note_add(CustomerProblem.objects.get(pk=ticket["id"]), actor=alice, body="lost")
        raise RuntimeError("the operation around it failed")
    assert callbacks == [] and HubEvent.objects.count() == 1


def test_a_listener_that_is_down_never_holds_up_the_write(
    staff_api, listener, django_capture_on_commit_callbacks
):
    subscribe(staff_api, listener)
    listener.stop()
    with mock.patch.object(
        hub_delivery.transport, "post", wraps=hub_delivery.transport.post
    ) as sent:
        with django_capture_on_commit_callbacks() as callbacks:
            response = staff_api.post(
                TICKETS, {"description": "d", "severity": "Minor", "ticketType": "t"}, format="json"
            )
        assert response.status_code == 201 and len(callbacks) == 1
        assert (
            sent.call_count == 0
        )  # the request wrote the outbox row and enqueued; nothing was sent
    # The broker may even be down at commit: the write stands, the row waits for the resend.
    with (
        mock.patch.object(
            tasks.deliver_hub_event, "delay", side_effect=ConnectionError("broker down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = staff_api.post(
            TICKETS, {"description": "e", "severity": "Minor", "ticketType": "t"}, format="json"
        )
    assert response.status_code == 201
    assert (
        list(Delivery.objects.values_list("status", "attempts"))
        == [(DeliveryStatus.PENDING, 0)] * 2
    )
    listener.start()
    tasks.resend_hub_deliveries()
    assert listener.types() == ["TroubleTicketCreateEvent"] * 2


def test_in_order_per_ticket_and_retried_until_the_listener_is_back(staff_api, listener, on_commit):
    subscribe(staff_api, listener)
    listener.answer = 503
    with on_commit():
        first = create(staff_api)
    with on_commit():
        patch(staff_api, first["id"], {"note": [{"text": "one"}]})
        patch(staff_api, first["id"], {"note": [{"text": "two"}]})
    with on_commit():
        other = create(staff_api)
    # The first event failed once; the rest of that ticket's stream waits behind it; the
    # other ticket's stream is tried on its own.
    assert [r["body"]["event"]["troubleTicket"]["id"] for r in listener.received] == [
        first["id"],
        other["id"],
    ]
    head = Delivery.objects.order_by("pk").first()
    assert (head.attempts, head.last_status_code, head.status) == (1, 503, DeliveryStatus.PENDING)
    assert "HTTP 503" in head.last_error
    assert timedelta(seconds=20) < head.next_attempt_at - timezone.now() <= timedelta(seconds=30)
    listener.received.clear()
    tasks.resend_hub_deliveries()  # not due yet: nothing is sent
    assert listener.received == []
    listener.answer = 204
    later(minutes=1)
    bodies = listener.events()
    assert [
        (b["event"]["troubleTicket"]["id"], b["eventType"])
        for b in bodies
        if b["event"]["troubleTicket"]["id"] == first["id"]
    ] == [
        (first["id"], "TroubleTicketCreateEvent"),
        (first["id"], "TroubleTicketAttributeValueChangeEvent"),
        (first["id"], "TroubleTicketAttributeValueChangeEvent"),
    ]
    assert [
        len(b["event"]["troubleTicket"]["note"])
        for b in bodies
        if b["event"]["troubleTicket"]["id"] == first["id"]
    ] == [0, 1, 2]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_a_listener_that_was_unreachable_gets_it_when_back(staff_api, listener, on_commit):
    subscribe(staff_api, listener)
    listener.stop()
    with on_commit():
        create(staff_api)
    head = Delivery.objects.get()
    assert head.attempts == 1 and "ConnectionRefusedError" in head.last_error
    listener.start()  # same port
    later(minutes=1)
    assert listener.types() == ["TroubleTicketCreateEvent"]


def test_backoff_doubles_up_to_its_maximum(settings):
    settings.HUB_BACKOFF_BASE_SECONDS, settings.HUB_BACKOFF_MAX_SECONDS = 30, 600
    waits = [hub_delivery.backoff(n).total_seconds() for n in range(1, 8)]
    for wait, ceiling in zip(waits, [30, 60, 120, 240, 480, 600, 600], strict=True):
        assert 0.8 * ceiling <= wait <= ceiling


def test_a_dead_letter_after_the_last_attempt_and_its_redrive(
    staff_api, listener, on_commit, admin_client, settings
):
    settings.HUB_MAX_ATTEMPTS = 3
    subscribe(staff_api, listener)
    listener.answer = 500
    with on_commit():
        ticket = create(staff_api)
    with on_commit():
        patch(staff_api, ticket["id"], {"note": [{"text": "after the dead one"}]})
    for minutes in (1, 5, 30):
        later(minutes)
    dead = DeadLetter.objects.get()
    assert (dead.attempts, dead.event.event_type) == (3, "TroubleTicketCreateEvent")
    # The stream moves on past a dead letter: the note's event is tried (and fails) too.
    assert Delivery.objects.exclude(pk=dead.pk).get().attempts >= 1
    page = admin_client.get("/admin/api/deadletter/")
    assert page.status_code == 200 and b"TroubleTicketCreateEvent" in page.content
    listener.answer = 201
    listener.received.clear()
    response = admin_client.post(
        "/admin/api/deadletter/",
        {"action": "redrive_now", "_selected_action": [dead.pk]},
        follow=True,
    )
    assert b"Re-driven 1 delivery" in response.content
    later(minutes=60)
    assert "TroubleTicketCreateEvent" in listener.types()
    assert not DeadLetter.objects.exists()


def test_a_listener_with_a_secret_gets_signed_deliveries(staff_api, listener, on_commit):
    subscribe(staff_api, listener, secret="correct horse battery staple")
    with on_commit():
        create(staff_api)
    received = listener.received[0]
    signature = dict(
        part.split("=", 1) for part in received["headers"]["X-ProblemDesk-Signature"].split(",")
    )
    expected = hmac.new(
        b"correct horse battery staple",
        signature["t"].encode() + b"." + received["raw"],
        hashlib.sha256,
    ).hexdigest()
    assert hmac.compare_digest(signature["v1"], expected)
    assert abs(int(signature["t"]) - timezone.now().timestamp()) < 60


def test_a_task_run_twice_delivers_once(staff_api, listener, django_capture_on_commit_callbacks):
    subscribe(staff_api, listener)
    with django_capture_on_commit_callbacks():
        create(staff_api)
    pk = Delivery.objects.get().pk
    tasks.deliver_hub_event(pk)
    tasks.deliver_hub_event(pk)
    assert len(listener.received) == 1


def test_a_customer_listener_hears_only_its_customers_tickets_as_the_customer_sees_them(
    staff_api, acme_api, make_api_client, company_b, listener, on_commit, alice
):
    subscribe(acme_api, listener)
    _, borealis = make_api_client("Borealis CRM", customer=company_b)
    with on_commit():
        own = create(acme_api)
        create(borealis)
        create(staff_api)  # customer to be identified: not Acme's
    with on_commit():
        patch(staff_api, own["id"], {"note": [{"text": "internal", "@type": "InternalNote"}]})
        patch(staff_api, own["id"], {"note": [{"text": "public"}]})
    assert [e["event"]["troubleTicket"]["id"] for e in listener.events()] == [own["id"], own["id"]]
    last = listener.events()[-1]["event"]["troubleTicket"]
    assert [n["text"] for n in last["note"]] == ["public"] and "escalationLevel" not in last


def test_the_query_chooses_event_types_and_tickets(staff_api, listener, on_commit, alice):
    subscribe(
        staff_api, listener, query="eventType=TroubleTicketStatusChangeEvent&severity=Critical"
    )
    with on_commit():
        critical = create(staff_api, severity="Critical")
        minor = create(staff_api, severity="Minor")
    assign = {
        "status": "inProgress",
        "relatedParty": [{"id": str(alice.pk), "role": "assignee", "@referredType": "Individual"}],
    }
    with on_commit():
        patch(staff_api, critical["id"], assign)
        patch(staff_api, minor["id"], assign)
    assert [(e["eventType"], e["event"]["troubleTicket"]["id"]) for e in listener.events()] == [
        ("TroubleTicketStatusChangeEvent", critical["id"])
    ]


def test_a_callback_that_now_resolves_to_a_private_address_is_not_called(
    staff_api, listener, on_commit, settings
):
    subscribe(staff_api, listener)
    settings.HUB_CALLBACK_ALLOWED_NETWORKS = []  # as if its name now pointed inside
    with on_commit():
        create(staff_api)
    head = Delivery.objects.get()
    assert listener.received == [] and "loopback, private or reserved" in head.last_error


def test_timer_changes_are_published_too(staff_api, listener, on_commit, alice, policy):
    subscribe(staff_api, listener, query="eventType=TroubleTicketAttributeValueChangeEvent")
    ticket = create(staff_api, severity="Minor")
    workflow.problem_assign(int(ticket["id"]), actor=alice, assignee=alice, team=alice.teams.get())
    with time_machine.travel(timezone.now() + timedelta(hours=7)), on_commit():
        workflow.scan_timers()
    assert [e["fieldPath"] for e in listener.events()] == ["inJeopardy", "escalationLevel"]
    assert listener.events()[0]["event"]["troubleTicket"]["inJeopardy"] is True


def test_a_customer_listener_hears_of_changed_details(staff_api, acme_api, listener, on_commit):
    ticket = create(acme_api)
    subscribe(acme_api, listener)
    with on_commit():
        patch(staff_api, ticket["id"], {"name": "Line down at head office", "severity": "Critical"})
    (event,) = listener.events()
    assert (event["eventType"], event["fieldPath"]) == (
        "TroubleTicketAttributeValueChangeEvent",
        "expectedResolutionDate,name,priority,severity",  # a new priority, a new target
    )
    assert event["event"]["troubleTicket"]["name"] == "Line down at head office"
