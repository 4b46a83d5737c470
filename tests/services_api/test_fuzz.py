"""Property-based fuzzing of the TMF656 and TMF642 APIs from the OpenAPI description
(schemathesis): no 500 for any input, no response that contradicts the description."""

import zlib
from datetime import timedelta
from unittest import mock

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from problemdesk.api.clients import api_client_create
from problemdesk.api.models import EventSubscription
from problemdesk.wsgi import application
from services import alarm_tasks, workflow
from services.alarm_input import AlarmInput
from services.alarms import alarm_ingest
from services.models import Alarm
from tests.services.conftest import tmf_alarm

# The grouping operations answer 501 by design (a documented departure; a "server error"
# to the fuzzer): test_problems.py and test_alarm_tasks.py check them.
schema = (
    schemathesis.openapi.from_wsgi("/tmf-api/schema/?format=json", application)
    .include(path_regex="^/tmf-api/(serviceProblemManagement|alarmManagement)/")
    .exclude(path_regex="/(problemGroup|problemUngroup|groupAlarms|unGroupAlarms)")
)

SEEDED: dict[str, list[str]] = {}


def _kind(path: str) -> str:
    for segment in ("hub", "serviceProblemEventRecord", "serviceProblem", "alarm"):
        if f"/{segment}/" in path:
            return "problemHub" if segment == "hub" and "serviceProblem" in path else segment
    return path.rstrip("/").rsplit("/", 2)[-2]


@schemathesis.hook
def before_call(context, case, kwargs):
    """Most cases address a seeded resource of the path's kind; one in four keeps its
    generated id (the 404s). The choice is a hash: a shrunk case replays."""
    parameters = case.path_parameters
    if not isinstance(parameters, dict) or "id" not in parameters:
        return
    seeded = SEEDED.get(_kind(case.operation.path)) or []
    digest = zlib.crc32(repr((case.method, case.body, case.query)).encode())
    if seeded and digest % 4:
        parameters["id"] = seeded[digest % len(seeded)]


@pytest.fixture
def token(db, nora, noc, network, settings):
    """A staff client's token, and problems, alarms and tasks in several states."""
    settings.API_AUTH_FAILURES_PER_MINUTE = 1_000_000
    record, token = api_client_create(name="Fuzzer", rate_limit="1000000/min")
    for codename in ("delete_servicetroublereport", "delete_alarm"):
        record.user.user_permissions.add(Permission.objects.get(codename=codename))
    raised = [
        alarm_ingest(AlarmInput.from_tmf(tmf_alarm(on="spare-1", specificProblem=str(n)))).alarm_id
        for n in range(3)
    ]
    alarms = list(Alarm.objects.filter(pk__in=raised))
    alarm_tasks.alarms_acknowledge(alarms[:1], actor=nora, request={"alarmPattern": []})
    alarm_tasks.alarms_unacknowledge(alarms[:1], actor=nora, request={"alarmPattern": []})
    alarm_tasks.alarms_comment(alarms, actor=nora, text="Seen", request={"alarmPattern": []})
    alarm_tasks.alarms_clear(
        alarms[2:],
        actor=nora,
        cleared_at=timezone.now() - timedelta(minutes=1),
        request={"alarmPattern": []},
    )
    opened = workflow.trouble_report_open(actor=nora, title="Open", alarms=alarms[:1])
    started = workflow.trouble_report_open(actor=nora, title="Started")
    workflow.trouble_report_assign(started, actor=nora, assignee=nora, team=noc)
    rejected = workflow.trouble_report_open(actor=nora, title="Rejected")
    workflow.trouble_report_reject(rejected, actor=nora, reason="Planned works")
    reports = [opened, started, rejected]
    from services.models import AlarmTask, TroubleReportEvent

    SEEDED.clear()
    SEEDED["serviceProblem"] = [str(r.pk) for r in reports]
    SEEDED["alarm"] = [str(pk) for pk in raised]
    SEEDED["serviceProblemEventRecord"] = [
        str(pk) for pk in TroubleReportEvent.objects.values_list("pk", flat=True)[:5]
    ]
    for task in AlarmTask.objects.all():
        SEEDED.setdefault(task.kind, []).append(str(task.pk))
    for api, key in (("serviceProblem", "problemHub"), ("alarm", "hub")):
        hub = EventSubscription.objects.create(
            api=api, callback="http://127.0.0.1:9/", owner=record.user
        )
        SEEDED[key] = [str(hub.pk)]
    with mock.patch("problemdesk.api.hub.transport.resolve", return_value=["93.184.215.14"]):
        yield token


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
