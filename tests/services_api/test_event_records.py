"""serviceProblemEventRecord: each problem's log as the events it notified."""

import pytest

from tests.services_api.conftest import PROBLEMS, SP, assert_tmf_error, create_problem, patch
from tests.services_api.spec import spec_errors

pytestmark = pytest.mark.django_db
RECORDS = f"{SP}/serviceProblemEventRecord"


def test_records_list_filter_and_retrieve(staff_api, network, nora):
    problem = create_problem(staff_api)
    other = create_problem(staff_api)
    party = {"id": str(nora.pk), "@referredType": "Individual"}
    patch(
        staff_api,
        f"{PROBLEMS}/{problem['id']}",
        {"status": "inProgress", "responsibleParty": party},
    )
    patch(staff_api, f"{PROBLEMS}/{problem['id']}", {"note": [{"text": "Engineer on site"}]})
    response = staff_api.get(RECORDS, {"serviceProblem.id": problem["id"]})
    assert response.status_code == 200
    records = response.json()
    kinds = [r["notification"]["description"] for r in records]
    assert records[0]["eventType"] == "ServiceProblemCreateEvent"
    assert records[-1]["eventType"] == "ServiceProblemAttributeValueChangeEvent"
    assert kinds[-1] == "Engineer on site"
    state_changes = [r for r in records if r["eventType"] == "ServiceProblemStateChangeEvent"]
    assert len(state_changes) == 1
    assert "Nora" in state_changes[0]["notification"]["description"]
    assert response["X-Total-Count"] == str(len(records))
    for record in records:
        assert spec_errors("656", "ServiceProblemEventRecord", record) == []
        assert record["serviceProblem"]["id"] == problem["id"]
    changes = staff_api.get(RECORDS, {"eventType": "ServiceProblemStateChangeEvent"}).json()
    assert [r["id"] for r in changes] == [state_changes[0]["id"]]
    created = staff_api.get(RECORDS, {"eventType": "ServiceProblemCreateEvent"}).json()
    assert {r["serviceProblem"]["id"] for r in created} == {problem["id"], other["id"]}
    one = staff_api.get(f"{RECORDS}/{records[-1]['id']}", {"fields": "eventType"}).json()
    assert one == {
        "id": records[-1]["id"],
        "href": records[-1]["href"],
        "eventType": "ServiceProblemAttributeValueChangeEvent",
    }
    assert_tmf_error(staff_api.get(f"{RECORDS}/999999"), 404, "notFound")
    assert_tmf_error(staff_api.get(RECORDS, {"eventType": "Nope"}), 400, "invalidQuery")
    later = staff_api.get(RECORDS, {"eventTime.gt": "2100-01-01"}).json()
    assert later == []
