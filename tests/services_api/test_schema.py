"""The OpenAPI description has every operation the TMF656 and TMF642 specs define (their
``listener/…`` paths are the client's side, not ours), with their ids."""

import json

import pytest
import yaml

from tests.services_api.conftest import SPEC
from tests.services_api.spec import FILES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("which", ["656", "642"])
def test_every_operation_of_the_spec_is_described(client, which):
    spec = json.loads((SPEC / FILES[which]).read_text())
    base = spec["basePath"].rstrip("/")
    wanted = {
        (method.upper(), base + path, operation["operationId"])
        for path, item in spec["paths"].items()
        if not path.startswith("/listener/")
        for method, operation in item.items()
    }
    schema = yaml.safe_load(client.get("/tmf-api/schema/").content)
    described = {
        (method.upper(), path, operation["operationId"])
        for path, item in schema["paths"].items()
        if path.startswith(base)
        for method, operation in item.items()
    }
    # The hub's ids are per API here (one description holds three hubs).
    prefix = {"656": "ServiceProblem", "642": "Alarm"}[which]
    wanted = {
        (m, p, f"{op}{prefix}" if op in ("registerListener", "unregisterListener") else op)
        for m, p, op in wanted
    }
    assert described == wanted
    components = schema["components"]["schemas"]
    if which == "656":
        assert set(components["ServiceProblem_CreateRequest"]["required"]) == {
            "category",
            "priority",
            "description",
            "reason",
            "originatorParty",
        }
    else:
        assert set(components["Alarm_CreateRequest"]["required"]) == {
            "alarmType",
            "perceivedSeverity",
            "probableCause",
            "alarmedObject",
            "sourceSystemId",
            "state",
            "alarmRaisedTime",
        }
