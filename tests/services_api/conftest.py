"""TMF656/TMF642 fixtures: the TMF621 API fixtures (persona clients, the real HTTP
listener) and the services inventory, reused; a few helpers of our own."""

import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import (  # noqa: F401 - fixtures
    _fresh_throttle_counts,
    acme_api,
    assert_tmf_error,
    basic,
    listener,
    make_api_client,
    staff_api,
)
from tests.services.conftest import (  # noqa: F401 - fixtures
    inventory,
    noc,
    nora,
    raise_alarm,
    report_policy,
    subscribed,
    tmf_alarm,
)

SP = "/tmf-api/serviceProblemManagement/v4"
PROBLEMS = f"{SP}/serviceProblem"
AM = "/tmf-api/alarmManagement/v4"
ALARMS = f"{AM}/alarm"
SPEC = Path(__file__).parent / "tmf"

MINIMAL_PROBLEM = {
    "category": "network",
    "priority": 2,
    "description": "Loss of signal on the Leeds OLT",
    "reason": "Alarm storm on olt-leeds-1",
    "originatorParty": {"id": "noc", "role": "originator", "@referredType": "Organization"},
}


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SPEC / name).read_text())
    return data


def create_problem(api: APIClient, **fields: Any) -> dict[str, Any]:
    response = api.post(PROBLEMS, {**MINIMAL_PROBLEM, **fields}, format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def patch(
    api: APIClient, url: str, body: Any, content_type: str = "application/merge-patch+json"
) -> Any:
    return api.generic("PATCH", url, json.dumps(body), content_type=content_type)


def post_alarm(api: APIClient, expected: int = 201, **fields: Any) -> dict[str, Any]:
    response = api.post(ALARMS, tmf_alarm(**fields), format="json")
    assert response.status_code == expected, response.json()
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def network(inventory: Any, report_policy: Any, policy: Any) -> Any:  # noqa: F811
    """The inventory with its SLA policies (what opening a report needs)."""
    return inventory
