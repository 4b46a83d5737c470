"""POST /hub and DELETE /hub/{id}: registering listeners, what callbacks are allowed, and the
query that chooses the events."""

from unittest import mock

import pytest

from problemdesk.api.hub import transport
from problemdesk.api.models import Delivery, DeliveryStatus, EventSubscription
from tests.api.conftest import HUB, assert_tmf_error
from tests.api.spec import spec_errors

pytestmark = pytest.mark.django_db


def register(api, **body):
    return api.post(HUB, body, format="json")


def test_registering_a_listener(staff_api, listener):
    response = register(
        staff_api,
        callback=listener.url,
        query="eventType=TroubleTicketCreateEvent",
        secret="s3cret",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "id": body["id"],
        "callback": listener.url,
        "query": "eventType=TroubleTicketCreateEvent",
    }
    assert spec_errors("EventSubscription", body) == []
    assert response["Location"].endswith(f"{HUB}/{body['id']}")
    subscription = EventSubscription.objects.get(pk=body["id"])
    assert subscription.secret == "s3cret" and subscription.owner.username == "api-network-oss"
    assert subscription.criteria == {"eventTypes": ["TroubleTicketCreateEvent"], "conditions": []}


def test_the_query_is_parsed_and_checked(staff_api, listener):
    query = (
        "eventType=troubleTicketStatusChangeEvent,TroubleTicketResolvedEvent"
        "&event.troubleTicket.severity=Critical&creationDate.gt=2024-01-01"
    )
    subscription = EventSubscription.objects.get(
        pk=register(staff_api, callback=listener.url, query=query).json()["id"]
    )
    assert subscription.criteria["eventTypes"] == [
        "TroubleTicketResolvedEvent",
        "TroubleTicketStatusChangeEvent",
    ]
    assert subscription.criteria["conditions"] == [
        {"attribute": "severity", "operator": "eq", "values": ["Critical"]},
        {"attribute": "creationDate", "operator": "gt", "values": ["2024-01-01T00:00:00+00:00"]},
    ]
    for bad, message in [
        ("eventType=TroubleTicketExplodedEvent", "Unknown event type 'TroubleTicketExplodedEvent'"),
        ("colour=red", "'colour' is not an attribute you can filter on"),
        ("status=open", "'open' is not a status"),
    ]:
        body = assert_tmf_error(
            register(staff_api, callback=listener.url, query=bad), 400, "invalidBody"
        )
        assert message in body["message"]


@pytest.mark.parametrize(
    ("callback", "message"),
    [
        ("ftp://example.net/x", "http:// or https:// URL"),
        ("not a url", "http:// or https:// URL"),
        ("http://10.1.2.3/listener", "loopback, private or reserved"),
        ("http://169.254.169.254/latest/meta-data", "loopback, private or reserved"),
        ("http://[fd00::1]/x", "loopback, private or reserved"),
        ("http://user:pw@example.net/x", "credentials"),
        ("http://example.net:99999/x", "not a valid URL"),
    ],
)
def test_callbacks_that_are_refused(staff_api, callback, message):
    with mock.patch.object(transport, "resolve", return_value=["93.184.215.14"]):
        body = assert_tmf_error(register(staff_api, callback=callback), 400, "invalidBody")
    assert message in body["message"]


def test_a_host_resolving_to_a_private_address_is_refused(staff_api):
    with mock.patch.object(transport, "resolve", return_value=["93.184.215.14", "192.168.1.10"]):
        assert_tmf_error(register(staff_api, callback="https://listener.example.net/tmf"), 400)
    with mock.patch.object(transport, "resolve", side_effect=OSError("no such host")):
        body = assert_tmf_error(
            register(staff_api, callback="https://nowhere.example.net/tmf"), 400
        )
    assert "does not resolve" in body["message"]
    with mock.patch.object(transport, "resolve", return_value=["93.184.215.14"]):
        assert register(staff_api, callback="https://listener.example.net/tmf").status_code == 201


def test_loopback_only_where_the_setting_allows_it(staff_api, listener, settings):
    assert register(staff_api, callback=listener.url).status_code == 201  # embedded default
    settings.HUB_CALLBACK_ALLOWED_NETWORKS = []  # the production default
    assert_tmf_error(register(staff_api, callback=listener.url), 400)
    settings.HUB_CALLBACK_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert register(staff_api, callback="http://10.20.30.40:8080/oss").status_code == 201


def test_removing_a_listener_cancels_what_waits_for_it(staff_api, make_api_client, listener):
    subscription_id = register(staff_api, callback=listener.url).json()["id"]
    _, other = make_api_client("Other")
    assert_tmf_error(other.delete(f"{HUB}/{subscription_id}"), 404, "notFound")
    subscription = EventSubscription.objects.get(pk=subscription_id)
    waiting = Delivery.objects.create(
        event=_event(), subscription=subscription, resource_id="1", audience="staff"
    )
    assert staff_api.delete(f"{HUB}/{subscription_id}").status_code == 204
    subscription.refresh_from_db()
    waiting.refresh_from_db()
    assert not subscription.is_active and waiting.status == DeliveryStatus.CANCELLED
    assert_tmf_error(staff_api.delete(f"{HUB}/{subscription_id}"), 404, "notFound")
    assert_tmf_error(staff_api.delete(f"{HUB}/abc"), 404, "notFound")


def test_customers_register_too(basic, carla, listener):
    assert register(basic(carla), callback=listener.url).status_code == 201


def test_input_errors(staff_api):
    assert (
        "callback: This field is required." in assert_tmf_error(register(staff_api), 400)["message"]
    )
    assert_tmf_error(register(staff_api, callback=42), 400)


def _event():
    from problemdesk.api.models import HubEvent

    return HubEvent.objects.create(
        api="troubleTicket", event_type="TroubleTicketCreateEvent", resource_id="1"
    )


@pytest.mark.parametrize(
    ("callback", "message"),
    [
        ("ftp://example.net/x", "must be an http:// or https:// URL"),
        ("http://user:pw@example.net/x", "no credentials"),
        ("http://example.net/x#part", "cannot have a #fragment"),
        ("http:///path", "names no host"),
    ],
)
def test_the_transport_vets_callbacks_itself(callback, message):
    """The admin, and each delivery, go through this check too (not only the API's form)."""
    with pytest.raises(transport.CallbackRefused, match=message):
        transport.check_callback(callback)
