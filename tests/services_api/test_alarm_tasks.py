"""TMF642 tasks: ackAlarms, unAckAlarms, clearAlarms, commentAlarms over the alarms their
alarmPattern matches; the spec's samples; groupAlarms/unGroupAlarms answer 501."""

import pytest

from services.models import AlarmTask, ServiceTroubleReport, TroubleReportEvent
from tests.services_api.conftest import ALARMS, AM, assert_tmf_error, post_alarm, sample
from tests.services_api.spec import spec_errors

pytestmark = pytest.mark.django_db


def test_ack_then_unack_by_pattern(staff_api, network):
    one = post_alarm(staff_api, on="spare-1", perceivedSeverity="minor")
    two = post_alarm(staff_api, on="spare-1", perceivedSeverity="minor", specificProblem="other")
    other = post_alarm(staff_api, on="core-rtr-1", perceivedSeverity="warning")
    response = staff_api.post(
        f"{AM}/ackAlarms",
        {
            "ackSystemId": "ems-1",
            "ackUserId": "bob@example.net",
            "alarmPattern": [{"alarmedObject": {"id": "spare-1"}, "perceivedSeverity": "minor"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    task = response.json()
    assert response["Location"] == task["href"]
    assert task["state"] == "done"
    assert sorted(a["id"] for a in task["ackedAlarm"]) == sorted([one["id"], two["id"]])
    assert {a["ackUserId"] for a in task["ackedAlarm"]} == {"bob@example.net"}
    assert spec_errors("642", "AckAlarms", task) == []
    assert staff_api.get(f"{ALARMS}/{other['id']}").json()["ackState"] == "unacknowledged"
    # Again: nothing left to acknowledge.
    again = staff_api.post(
        f"{AM}/ackAlarms",
        {"ackSystemId": "ems-1", "ackUserId": "bob", "alarmPattern": [{"id": one["id"]}]},
        format="json",
    ).json()
    assert again["ackedAlarm"] == []
    listed = staff_api.get(f"{AM}/ackAlarms")
    assert listed["X-Total-Count"] == "2"
    assert staff_api.get(f"{AM}/ackAlarms/{task['id']}").json()["id"] == task["id"]
    un = staff_api.post(
        f"{AM}/unAckAlarms",
        {"ackSystemId": "ems-1", "ackUserId": "bob", "alarmPattern": [{"id": str(one["id"])}]},
        format="json",
    ).json()
    assert [a["id"] for a in un["unAckedAlarm"]] == [one["id"]]
    assert un["unAckedAlarm"][0]["ackState"] == "unacknowledged"
    assert spec_errors("642", "UnAckAlarms", un) == []


def test_the_specs_task_samples_are_accepted(staff_api, network):
    for name, path, key in (
        ("AckAlarms.example.json", "ackAlarms", "ackedAlarm"),
        ("ClearAlarms.example.json", "clearAlarms", "clearedAlarm"),
    ):
        response = staff_api.post(f"{AM}/{path}", sample(name), format="json")
        assert response.status_code == 201, response.json()
        assert response.json()[key] == []  # the sample's alarms are not ours


def test_clear_alarms_tells_the_trouble_report(staff_api, subscribed, report_policy, policy):
    alarm = post_alarm(staff_api, on="olt-leeds-1/1", perceivedSeverity="critical")
    task = staff_api.post(
        f"{AM}/clearAlarms",
        {
            "clearSystemId": "ems-1",
            "clearUserId": "bob",
            "alarmClearedTime": "2030-01-01T00:00:00Z",
            "alarmPattern": [{"id": alarm["id"], "state": "raised"}],
        },
        format="json",
    ).json()
    cleared = task["clearedAlarm"][0]
    assert (cleared["state"], cleared["alarmClearedTime"], cleared["clearUserId"]) == (
        "cleared",
        "2030-01-01T00:00:00Z",
        "bob",
    )
    assert spec_errors("642", "ClearAlarms", task) == []
    report = ServiceTroubleReport.objects.get()
    assert TroubleReportEvent.objects.filter(report=report, kind="alarm_cleared").exists()


def test_comment_alarms(staff_api, network):
    one = post_alarm(staff_api, on="spare-1")
    task = staff_api.post(
        f"{AM}/commentAlarms",
        {
            "comment": {"comment": "Dispatched", "userId": "bob", "systemId": "oss"},
            "alarmPattern": [{"id": one["id"]}],
        },
        format="json",
    ).json()
    assert task["comment"]["comment"] == "Dispatched"
    assert task["commentedAlarm"][0]["comment"][0]["comment"] == "Dispatched"
    assert spec_errors("642", "CommentAlarms", task) == []
    assert staff_api.get(f"{ALARMS}/{one['id']}").json()["comment"][0]["userId"] == "bob"


@pytest.mark.parametrize(
    "body",
    [
        {"ackUserId": "bob", "alarmPattern": [{"id": 1}]},
        {"ackSystemId": "s", "ackUserId": "bob", "alarmPattern": []},
        {"ackSystemId": "s", "ackUserId": "bob", "alarmPattern": [{}]},
        {"ackSystemId": "s", "ackUserId": "bob", "alarmPattern": [{"colour": "red"}]},
        {"ackSystemId": "s", "ackUserId": "bob", "alarmPattern": [{"comment": []}]},
        {"ackSystemId": "s", "ackUserId": "bob", "alarmPattern": "all"},
    ],
)
def test_a_bad_task_is_a_400_and_records_nothing(staff_api, network, body):
    assert_tmf_error(staff_api.post(f"{AM}/ackAlarms", body, format="json"), 400, "invalidBody")
    assert not AlarmTask.objects.exists()


def test_a_pattern_value_no_alarm_can_have_matches_nothing(staff_api, network):
    post_alarm(staff_api, on="spare-1")
    task = staff_api.post(
        f"{AM}/ackAlarms",
        {
            "ackSystemId": "s",
            "ackUserId": "b",
            "alarmPattern": [{"state": "sleeping"}, {"id": "x"}],
        },
        format="json",
    ).json()
    assert task["ackedAlarm"] == []


def test_unknown_task_ids_are_404(staff_api, network):
    for path in ("ackAlarms", "unAckAlarms", "clearAlarms", "commentAlarms"):
        assert_tmf_error(staff_api.get(f"{AM}/{path}/12345"), 404, "notFound")
        assert_tmf_error(staff_api.get(f"{AM}/{path}", {"fields": "nope"}), 400, "invalidQuery")


def test_grouping_is_not_implemented(staff_api, network):
    for path in ("groupAlarms", "unGroupAlarms"):
        assert_tmf_error(staff_api.post(f"{AM}/{path}", {}, format="json"), 501, "notImplemented")
        assert_tmf_error(staff_api.get(f"{AM}/{path}"), 501, "notImplemented")
        assert_tmf_error(staff_api.get(f"{AM}/{path}/1"), 501, "notImplemented")
