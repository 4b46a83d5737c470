"""Who may use the network APIs: operations staff and all-customer API clients; customers'
contacts, customer-scoped clients and accounts without a role get a 403; nobody signed in
gets a 401. Throttling answers in the TMF shape."""

import pytest

from tests.services_api.conftest import ALARMS, AM, PROBLEMS, SP, assert_tmf_error, tmf_alarm

pytestmark = pytest.mark.django_db

CALLS = [
    ("get", PROBLEMS, None),
    ("post", PROBLEMS, {}),
    ("get", f"{PROBLEMS}/1", None),
    ("patch", f"{PROBLEMS}/1", {}),
    ("delete", f"{PROBLEMS}/1", None),
    ("get", f"{SP}/serviceProblemEventRecord", None),
    ("post", f"{SP}/hub", {"callback": "http://127.0.0.1:9/"}),
    ("delete", f"{SP}/hub/1", None),
    ("post", f"{SP}/problemGroup", {}),
    ("get", ALARMS, None),
    ("post", ALARMS, {}),
    ("get", f"{ALARMS}/1", None),
    ("patch", f"{ALARMS}/1", {}),
    ("post", f"{AM}/ackAlarms", {}),
    ("get", f"{AM}/clearAlarms", None),
    ("post", f"{AM}/hub", {"callback": "http://127.0.0.1:9/"}),
    ("get", f"{AM}/groupAlarms", None),
]


@pytest.mark.parametrize(("method", "url", "body"), CALLS)
def test_customers_and_people_without_a_role_are_refused(
    acme_api, basic, carla, olga, method, url, body
):
    for caller in (acme_api, basic(carla), basic(olga)):
        response = getattr(caller, method)(url, body, format="json")
        assert_tmf_error(response, 403, "accessDenied")


@pytest.mark.parametrize(("method", "url", "body"), CALLS)
def test_nobody_signed_in_is_a_401(client, method, url, body, policy):
    from rest_framework.test import APIClient

    response = getattr(APIClient(), method)(url, body, format="json")
    error = assert_tmf_error(response, 401, "missingCredentials")
    assert error["message"]


def test_staff_and_agents_get_in(staff_api, basic, alice, network):
    assert staff_api.get(PROBLEMS).status_code == 200
    assert basic(alice).get(ALARMS).status_code == 200


def test_a_client_over_its_rate_gets_a_429(make_api_client, network):
    _, api = make_api_client("Slow", rate_limit="2/min")
    assert api.get(ALARMS).status_code == 200
    assert api.post(ALARMS, tmf_alarm(on="spare-1"), format="json").status_code == 201
    response = api.get(PROBLEMS)
    assert_tmf_error(response, 429, "tooManyRequests")
    assert int(response["Retry-After"]) > 0


def test_unknown_paths_and_methods(staff_api, network):
    assert_tmf_error(staff_api.get(f"{SP}/serviceProblems"), 404, "notFound")
    assert_tmf_error(staff_api.put(f"{PROBLEMS}/1", {}, format="json"), 405, "methodNotAllowed")
    assert_tmf_error(staff_api.delete(ALARMS), 405, "methodNotAllowed")
    assert_tmf_error(staff_api.get(f"{SP}/problemGroup"), 405, "methodNotAllowed")
