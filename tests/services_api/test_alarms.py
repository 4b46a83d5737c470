"""TMF642 alarm: create is ingestion (its de-duplication and clears through the API),
list, retrieve, PATCH (acknowledge, comment, clear, severity), DELETE."""

import pytest
from django.contrib.auth.models import Permission

from services.models import AckState, Alarm, AlarmComment, AlarmMessage, ServiceTroubleReport
from tests.services_api.conftest import (
    ALARMS,
    PROBLEMS,
    assert_tmf_error,
    patch,
    post_alarm,
    sample,
    tmf_alarm,
)
from tests.services_api.spec import spec_errors

pytestmark = pytest.mark.django_db


def test_the_specs_sample_alarm_is_ingested(staff_api, network):
    given = sample("Alarm.example.json")
    response = staff_api.post(ALARMS, given, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == body["href"]
    assert response["X-Alarm-Outcome"] == "created"
    assert body["id"] != int(given["id"])
    for name in (
        "externalAlarmId",
        "alarmType",
        "perceivedSeverity",
        "probableCause",
        "specificProblem",
        "alarmedObjectType",
        "sourceSystemId",
        "alarmDetails",
        "alarmRaisedTime",
        "alarmChangedTime",
    ):
        assert body[name] == given[name], name
    assert body["alarmedObject"] == {"id": "93051825"}
    assert body["ackState"] == "unacknowledged"  # acknowledging is ours to do, not the source's
    assert spec_errors("642", "Alarm", body) == []


def test_ingestion_deduplicates_counts_repeats_and_clears(staff_api, network):
    alarm = tmf_alarm(on="spare-1", perceivedSeverity="minor")
    first = staff_api.post(ALARMS, alarm, format="json", HTTP_X_MESSAGE_ID="m-1")
    assert first.status_code == 201
    again = staff_api.post(ALARMS, alarm, format="json", HTTP_X_MESSAGE_ID="m-1")
    assert (again.status_code, again["X-Alarm-Outcome"]) == (200, "duplicate")
    assert again.json()["id"] == first.json()["id"]
    repeat = staff_api.post(ALARMS, alarm, format="json", HTTP_X_MESSAGE_ID="m-2")
    assert (repeat.status_code, repeat["X-Alarm-Outcome"]) == (200, "repeated")
    assert Alarm.objects.get().occurrences == 2
    worse = staff_api.post(
        ALARMS, {**alarm, "perceivedSeverity": "warning"}, format="json", HTTP_X_MESSAGE_ID="m-3"
    )
    assert worse["X-Alarm-Outcome"] == "updated"
    assert worse.json()["state"] == "updated"
    # Without a message id, the same content twice is one message.
    clear = {**alarm, "state": "cleared", "perceivedSeverity": "cleared"}
    cleared = staff_api.post(ALARMS, clear, format="json")
    assert (cleared.status_code, cleared["X-Alarm-Outcome"]) == (200, "cleared")
    assert cleared.json()["state"] == "cleared" and cleared.json()["alarmClearedTime"]
    twice = staff_api.post(ALARMS, clear, format="json")
    assert twice["X-Alarm-Outcome"] == "duplicate" and twice.json()["id"] == first.json()["id"]
    assert Alarm.objects.count() == 1
    assert AlarmMessage.objects.count() == 4


def test_a_clear_for_nothing_raised_is_a_409(staff_api, network):
    response = staff_api.post(
        ALARMS, tmf_alarm(state="cleared", perceivedSeverity="cleared"), format="json"
    )
    assert_tmf_error(response, 409, "transitionRefused")
    assert not Alarm.objects.exists()


def test_a_major_alarm_opens_a_service_problem(staff_api, subscribed, report_policy, policy):
    body = post_alarm(staff_api, on="olt-leeds-1/1", perceivedSeverity="critical")
    report = ServiceTroubleReport.objects.get()
    problem = staff_api.get(f"{PROBLEMS}/{report.pk}").json()
    assert [a["id"] for a in problem["underlyingAlarm"]] == [str(body["id"])]
    assert str(subscribed.fibre.pk) in [s["id"] for s in problem["affectedService"]]
    alarm = staff_api.get(f"{ALARMS}/{body['id']}").json()
    assert str(subscribed.fibre.pk) in [s["id"] for s in alarm["affectedService"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"alarmType": "badAlarm"}, "alarmType"),
        ({"perceivedSeverity": None}, "perceivedSeverity"),
        ({"alarmedObject": None}, "alarmedObject"),
        ({"alarmedObject": {"href": "x"}}, "alarmedObject.id"),
        ({"alarmRaisedTime": "yesterday"}, "alarmRaisedTime"),
        ({"state": None}, "state"),
        ({"sourceSystemId": 7}, "sourceSystemId"),
        ({"serviceAffecting": "maybe"}, "serviceAffecting"),
    ],
)
def test_a_bad_alarm_is_a_400_naming_the_field(staff_api, network, change, field):
    alarm = {**tmf_alarm(), **change}
    alarm = {k: v for k, v in alarm.items() if v is not None}
    error = assert_tmf_error(staff_api.post(ALARMS, alarm, format="json"), 400, "invalidBody")
    assert field in error["message"]
    assert not Alarm.objects.exists()


def test_list_filters_and_pages(staff_api, network):
    minor = post_alarm(staff_api, on="spare-1", perceivedSeverity="minor")
    warning = post_alarm(
        staff_api, on="core-rtr-1", perceivedSeverity="warning", serviceAffecting=True
    )
    got = staff_api.get(ALARMS, {"perceivedSeverity": "minor"})
    assert [a["id"] for a in got.json()] == [minor["id"]]
    assert got["X-Total-Count"] == "1"
    assert [a["id"] for a in staff_api.get(ALARMS, {"alarmedObject.id": "core-rtr-1"}).json()] == [
        warning["id"]
    ]
    assert [a["id"] for a in staff_api.get(ALARMS, {"serviceAffecting": "true"}).json()] == [
        warning["id"]
    ]
    page = staff_api.get(ALARMS, {"fields": "state", "limit": 1, "sort": "id"})
    assert page.json() == [{"id": minor["id"], "href": minor["href"], "state": "raised"}]
    assert (page["X-Total-Count"], page["X-Result-Count"]) == ("2", "1")
    for query in ({"state": "open"}, {"alarmRaisedTime.gt": "soon"}, {"perceived": "x"}):
        assert_tmf_error(staff_api.get(ALARMS, query), 400, "invalidQuery")


def test_list_queries_do_not_grow(staff_api, network, django_assert_max_num_queries):
    post_alarm(staff_api, on="spare-1")
    with django_assert_max_num_queries(8):
        staff_api.get(ALARMS)
    for index in range(5):
        post_alarm(staff_api, on=f"x-{index}")
    with django_assert_max_num_queries(8):
        assert len(staff_api.get(ALARMS).json()) == 6


def test_retrieve_and_404(staff_api, network):
    alarm = post_alarm(staff_api)
    assert staff_api.get(f"{ALARMS}/{alarm['id']}").json()["id"] == alarm["id"]
    for missing in ("0", "abc", "99999999"):
        assert_tmf_error(staff_api.get(f"{ALARMS}/{missing}"), 404, "notFound")


def test_patch_acknowledges_comments_updates_and_clears(staff_api, network):
    alarm = post_alarm(staff_api, on="spare-1", perceivedSeverity="minor")
    url = f"{ALARMS}/{alarm['id']}"
    body = patch(
        staff_api, url, {"ackState": "acknowledged", "ackUserId": "bob", "ackSystemId": "oss"}
    ).json()
    assert (body["ackState"], body["ackUserId"], body["ackSystemId"]) == (
        "acknowledged",
        "bob",
        "oss",
    )
    body = patch(staff_api, url, {"ackState": "unacknowledged"}).json()
    assert body["ackState"] == "unacknowledged"
    comment = {
        "comment": "Dispatched",
        "userId": "bob",
        "systemId": "oss",
        "time": "2024-05-01T08:00:00Z",
    }
    body = patch(staff_api, url, {"comment": [comment]}).json()
    assert body["comment"] == [{**comment, "@type": "Comment"}]
    body = patch(staff_api, url, {"comment": body["comment"]}).json()  # merge: nothing new
    assert len(body["comment"]) == 1
    body = patch(
        staff_api,
        url,
        {"perceivedSeverity": "major", "alarmDetails": "rx=-30dBm"},
        content_type="application/json",
    ).json()
    assert (body["state"], body["perceivedSeverity"], body["alarmDetails"]) == (
        "updated",
        "major",
        "rx=-30dBm",
    )
    body = patch(
        staff_api, url, {"state": "cleared", "clearUserId": "bob", "clearSystemId": "oss"}
    ).json()
    assert (
        body["state"],
        body["perceivedSeverity"],
        body["clearUserId"],
        body["clearSystemId"],
    ) == ("cleared", "cleared", "bob", "oss")
    assert spec_errors("642", "Alarm", body) == []
    assert_tmf_error(patch(staff_api, url, {"state": "raised"}), 409, "transitionRefused")
    assert_tmf_error(
        patch(staff_api, url, {"perceivedSeverity": "minor"}), 409, "transitionRefused"
    )


def test_patch_refuses_changing_the_alarms_identity(staff_api, network):
    alarm = post_alarm(staff_api, on="spare-1")
    url = f"{ALARMS}/{alarm['id']}"
    ok = patch(
        staff_api,
        url,
        {"probableCause": alarm["probableCause"], "alarmedObject": {"id": "spare-1"}},
    )
    assert ok.status_code == 200
    for change in (
        {"probableCause": "other"},
        {"alarmedObject": {"id": "x"}},
        {"isRootCause": True},
    ):
        assert_tmf_error(patch(staff_api, url, change), 400, "invalidBody")
    assert_tmf_error(patch(staff_api, url, {"ackState": "maybe"}), 400, "invalidBody")
    assert_tmf_error(patch(staff_api, url, {"comment": [{"userId": "x"}]}), 400, "invalidBody")


def test_a_refused_patch_writes_nothing(staff_api, network):
    alarm = post_alarm(staff_api, on="spare-1")
    url = f"{ALARMS}/{alarm['id']}"
    patch(staff_api, url, {"state": "cleared"})
    response = patch(staff_api, url, {"comment": [{"comment": "late"}], "alarmDetails": "new"})
    assert_tmf_error(response, 409, "transitionRefused")
    assert not AlarmComment.objects.exists()


def test_delete_needs_the_permission_and_a_cleared_alarm(make_api_client, network):
    record, api = make_api_client("Deleter")
    alarm = post_alarm(api, on="spare-1")
    url = f"{ALARMS}/{alarm['id']}"
    assert_tmf_error(api.delete(url), 403, "accessDenied")
    record.user.user_permissions.add(Permission.objects.get(codename="delete_alarm"))
    assert_tmf_error(api.delete(url), 409, "transitionRefused")
    patch(api, url, {"state": "cleared"})
    assert api.delete(url).status_code == 204
    assert_tmf_error(api.get(url), 404, "notFound")
    assert AlarmMessage.objects.filter(alarm__isnull=True).count() == 1


def test_an_agent_acknowledges_as_themself(basic, alice, network, staff_api):
    alarm = post_alarm(staff_api, on="spare-1")
    body = patch(basic(alice), f"{ALARMS}/{alarm['id']}", {"ackState": "acknowledged"}).json()
    assert body["ackState"] == "acknowledged"
    assert Alarm.objects.get().acknowledged_by == alice
    assert Alarm.objects.get().ack_state == AckState.ACKNOWLEDGED


def test_the_longest_external_alarm_id_is_one_alarm(staff_api, network):
    long_id = "7" * 200
    first = post_alarm(staff_api, on="spare-1", externalAlarmId=long_id)
    again = staff_api.post(ALARMS, tmf_alarm(on="spare-1", externalAlarmId=long_id), format="json")
    assert (again.status_code, again.json()["id"]) == (200, first["id"])
    assert first["externalAlarmId"] == long_id
