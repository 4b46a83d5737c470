"""Who may call: bearer tokens (stored hashed, revocable), HTTP Basic, customer scoping,
throttling per client; and every error, wherever it comes from, in the TMF shape."""

from unittest import mock

import pytest
from rest_framework.test import APIClient

from problemdesk.api.clients import api_client_rekey, api_client_revoke, hash_token
from problemdesk.api.models import ApiClient
from problems.models import CustomerProblem
from tests.api.conftest import BASE, MINIMAL, TICKETS, assert_tmf_error, bearer, create
from tests.api.spec import spec_errors

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_with_a_challenge(db):
    response = APIClient().get(TICKETS)
    body = assert_tmf_error(response, 401, "missingCredentials")
    assert response["WWW-Authenticate"] == 'Bearer realm="tmf-api"'
    assert spec_errors("Error", body) == []
    assert body["referenceError"].endswith("/tmf-api/errors/#missingCredentials")


@pytest.mark.parametrize(
    "header",
    ["Bearer pdk_nope", "Bearer", "Bearer a b", "Basic bm9ib2R5Om5vcGU=", "Bearer pdk_\u00e9"],
)
def test_bad_credentials_are_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_tmf_error(client.get(TICKETS), 401, "invalidCredentials")


def test_tokens_are_stored_hashed_and_revocable(make_api_client):
    record, caller = make_api_client("CRM")
    assert record.token_hash == hash_token(caller.token) and caller.token not in str(
        ApiClient.objects.values().get()
    )
    assert caller.get(TICKETS).status_code == 200
    new_token = api_client_rekey(record)
    assert_tmf_error(caller.get(TICKETS), 401, "invalidCredentials")
    assert bearer(new_token).get(TICKETS).status_code == 200
    api_client_revoke(record)
    assert_tmf_error(bearer(new_token).get(TICKETS), 401, "invalidCredentials")
    record.user.refresh_from_db()
    assert not record.user.is_active


def test_a_service_user_cannot_sign_in_with_a_password(make_api_client, basic):
    record, _ = make_api_client("CRM")
    assert not record.user.has_usable_password()
    assert_tmf_error(basic(record.user, "anything").get(TICKETS), 401, "invalidCredentials")


def test_people_call_with_basic_and_see_what_they_may_see(
    basic, alice, carla, dave, olga, acme_api
):
    ticket = create(acme_api)
    assert [t["id"] for t in basic(alice).get(TICKETS).json()] == [ticket["id"]]
    assert [t["id"] for t in basic(carla).get(TICKETS).json()] == [ticket["id"]]
    assert basic(dave).get(TICKETS).json() == []
    assert_tmf_error(basic(dave).get(f"{TICKETS}/{ticket['id']}"), 404, "notFound")
    body = assert_tmf_error(basic(olga).get(TICKETS), 403, "accessDenied")
    assert body["message"] == "Your account has no role that works trouble tickets."
    assert_tmf_error(basic(alice, "wrong").get(TICKETS), 401, "invalidCredentials")


def test_a_customer_scoped_client_sees_only_its_customers_tickets(
    staff_api, acme_api, make_api_client, company_b
):
    own = create(acme_api)
    _, borealis = make_api_client("Borealis CRM", customer=company_b)
    theirs = create(borealis)
    unidentified = create(staff_api)
    assert [t["id"] for t in acme_api.get(TICKETS).json()] == [own["id"]]
    assert {t["id"] for t in staff_api.get(TICKETS).json()} == {
        own["id"],
        theirs["id"],
        unidentified["id"],
    }
    for path in (f"{TICKETS}/{theirs['id']}", f"{TICKETS}/{unidentified['id']}"):
        assert_tmf_error(acme_api.get(path), 404, "notFound")
        assert_tmf_error(acme_api.delete(path), 404, "notFound")


def test_security_event_tickets_stay_hidden_from_agents_and_customers(
    staff_api, basic, sam, make_problem, security_category
):
    problem = make_problem(category=security_category, actor=sam)
    assert_tmf_error(staff_api.get(f"{TICKETS}/{problem.pk}"), 404)
    assert basic(sam).get(f"{TICKETS}/{problem.pk}").status_code == 200


def test_each_client_has_its_own_rate(make_api_client, settings):
    settings.API_THROTTLE_RATE = "3/min"
    _, first = make_api_client("First")
    _, second = make_api_client("Second", rate_limit="5/min")
    for _ in range(3):
        assert first.get(TICKETS).status_code == 200
    response = first.get(TICKETS)
    assert_tmf_error(response, 429, "tooManyRequests")
    assert int(response["Retry-After"]) > 0
    assert [second.get(TICKETS).status_code for _ in range(6)] == [200] * 5 + [429]


def test_unknown_paths_and_methods(staff_api):
    assert_tmf_error(staff_api.get("/tmf-api/troubleTicket/v4/nothing"), 404, "notFound")
    assert_tmf_error(staff_api.get("/tmf-api/troubleTicket/v9/troubleTicket"), 404, "notFound")
    assert_tmf_error(staff_api.put(f"{TICKETS}/1", MINIMAL, format="json"), 405, "methodNotAllowed")
    assert_tmf_error(staff_api.delete(TICKETS), 405, "methodNotAllowed")
    response = staff_api.options(TICKETS)
    assert_tmf_error(response, 405, "methodNotAllowed")
    assert response["Allow"] == "GET, POST, HEAD"
    assert_tmf_error(staff_api.get(f"{BASE}/hub"), 405, "methodNotAllowed")


def test_only_json_is_answered(staff_api):
    assert_tmf_error(staff_api.get(TICKETS, HTTP_ACCEPT="text/html"), 406, "notAcceptable")


def test_a_bad_content_length_is_400(staff_api):
    response = staff_api.generic(
        "POST", TICKETS, b"{}", content_type="application/json", CONTENT_LENGTH="lots"
    )
    assert_tmf_error(response, 400, "badRequest")


def test_too_many_query_fields_is_400(staff_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"severity={n}" for n in range(20))
    assert_tmf_error(staff_api.get(f"{TICKETS}?{query}"), 400, "badRequest")


def test_a_host_we_do_not_serve_is_400(staff_api):
    body = assert_tmf_error(staff_api.get(TICKETS, HTTP_HOST="evil.example"), 400, "badRequest")
    assert body["referenceError"].startswith("http://127.0.0.1:8000/")  # SITE_URL, not the bad host


def test_a_bug_is_a_tmf_500_and_logged(staff_api, caplog):
    with mock.patch("problems.api.views.render_ticket", side_effect=RuntimeError("boom")):
        create_response = staff_api.get(TICKETS)  # an empty list renders nothing
        ticket_id = CustomerProblem.objects.create(title="t", description="d").pk
        response = staff_api.get(f"{TICKETS}/{ticket_id}")
    assert create_response.status_code == 200
    body = assert_tmf_error(response, 500, "internalError")
    assert "boom" not in body["message"]  # no internals leak
    assert "Unhandled error on GET" in caplog.text


def test_the_errors_catalogue_is_served(client):
    page = client.get("/tmf-api/errors/")
    assert page.status_code == 200 and b'id="transitionRefused"' in page.content
    assert (
        client.get("/tmf-api/errors/", HTTP_ACCEPT="application/json").json()["notFound"]["status"]
        == 404
    )


def test_guessing_is_slowed_down(basic, alice, staff_api, settings):
    settings.API_AUTH_FAILURES_PER_MINUTE = 3
    for _ in range(3):
        assert_tmf_error(basic(alice, "guess").get(TICKETS), 401, "invalidCredentials")
    response = basic(alice, "secret").get(TICKETS)  # even the right password must wait now
    assert_tmf_error(response, 429, "tooManyRequests")
    assert response["Retry-After"] == "61"
    assert_tmf_error(bearer("pdk_wrong").get(TICKETS), 429)


def test_a_caller_without_an_address_is_still_answered(db):
    client = APIClient(REMOTE_ADDR=None)
    client.credentials(HTTP_AUTHORIZATION="Bearer pdk_wrong")
    assert_tmf_error(client.get(TICKETS), 401, "invalidCredentials")
