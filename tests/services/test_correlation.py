"""Correlation: alarms attach to one open trouble report within the window; a critical or
major alarm on a service with subscribers opens one; the report is localised."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from problems import workflow as problems_workflow
from problems.models import Priority
from services import alarms, workflow
from services.alarm_input import AlarmInput
from services.models import (
    Alarm,
    ReportEventKind,
    ReportOrigin,
    ReportState,
    Resource,
    Service,
    ServiceDependency,
    ServiceTroubleReport,
    Subscription,
)
from tests import factories
from tests.services.conftest import tmf_alarm

pytestmark = pytest.mark.django_db


def report_of(result):
    return ServiceTroubleReport.objects.get(pk=result.trouble_report_id)


def impacted_codes(report):
    return set(report.impacted_services.values_list("code", flat=True))


def test_a_major_alarm_on_a_subscribed_service_opens_a_report(
    raise_alarm, subscribed, report_policy, noc, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    result = raise_alarm(on="olt-leeds-1/1", perceivedSeverity="major")
    report = report_of(result)
    assert report.state == ReportState.ACKNOWLEDGED and report.tmf_status == "acknowledged"
    assert report.origin == ReportOrigin.ALARM and report.originating_system == "ems-1"
    assert report.priority == Priority.HIGH  # major
    assert report.title == "lossOfSignal on Card 1"
    assert report.team == noc  # the impacted service's operations team
    assert report.sla_policy == report_policy
    assert report.restore_by == report.created_at + timedelta(hours=4)
    assert report.jeopardy_at == report.created_at + timedelta(hours=3)
    # Localised: the card, and the services above it.
    assert report.root_cause_resource == subscribed.card1
    assert impacted_codes(report) == {"fibre-leeds", "voice-leeds"}
    assert Alarm.objects.get(pk=result.alarm_id).is_root_cause
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == [
        ReportEventKind.CREATED,
        ReportEventKind.ALARM_ATTACHED,
        ReportEventKind.LOCALISED,
    ]
    assert report.events.get(kind="created").actor_label == "alarm correlation"


def test_a_critical_alarm_opens_a_critical_report(raise_alarm, subscribed, report_policy):
    assert report_of(raise_alarm(perceivedSeverity="critical")).priority == Priority.CRITICAL


@pytest.mark.parametrize("severity", ["minor", "warning", "indeterminate"])
def test_lesser_alarms_open_nothing(raise_alarm, subscribed, severity):
    result = raise_alarm(on="olt-leeds-1/1", perceivedSeverity=severity)
    assert result.trouble_report_id is None
    assert not ServiceTroubleReport.objects.exists()


def test_no_report_without_subscribers(raise_alarm, inventory):
    assert raise_alarm(on="dslam-york-1", perceivedSeverity="critical").trouble_report_id is None
    Subscription.objects.create(
        customer=factories.CustomerFactory(),
        service=inventory.dsl,
        site="York",
        is_active=False,  # an ended subscription does not count
    )
    assert raise_alarm(on="dslam-york-1", perceivedSeverity="critical").trouble_report_id is None


def test_no_report_for_a_resource_outside_the_graph(raise_alarm, subscribed):
    assert raise_alarm(on="spare-1", perceivedSeverity="critical").trouble_report_id is None
    assert raise_alarm(on="who-knows", perceivedSeverity="critical").trouble_report_id is None


def test_alarms_under_the_same_service_within_the_window_share_one_report(
    raise_alarm, subscribed, report_policy, time_machine, settings
):
    settings.SERVICE_ALARM_CORRELATION_WINDOW_MINUTES = 15
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    first = raise_alarm(on="olt-leeds-1/1", raised=start)
    time_machine.move_to(start + timedelta(minutes=10), tick=False)
    second = raise_alarm(
        on="olt-leeds-1/2", perceivedSeverity="minor", raised=start + timedelta(minutes=10)
    )
    assert second.trouble_report_id == first.trouble_report_id
    report = report_of(first)
    assert report.alarms.count() == 2
    assert report.root_cause_resource == subscribed.olt  # both cards: their chassis
    assert report.last_alarm_at == start + timedelta(minutes=10)
    # The window slides with the last alarm: 24 minutes after the first is still in.
    third = raise_alarm(
        on="olt-leeds-1/1", specificProblem="other", raised=start + timedelta(minutes=24)
    )
    assert third.trouble_report_id == first.trouble_report_id


def test_an_alarm_after_the_window_opens_a_new_report(
    raise_alarm, subscribed, report_policy, settings
):
    settings.SERVICE_ALARM_CORRELATION_WINDOW_MINUTES = 15
    start = timezone.now() - timedelta(hours=1)
    first = raise_alarm(on="olt-leeds-1/1", raised=start)
    late = raise_alarm(on="olt-leeds-1/2", raised=start + timedelta(minutes=16))
    assert late.trouble_report_id not in (None, first.trouble_report_id)
    # An alarm raised long before the report's first one is not part of it either.
    early = raise_alarm(
        on="olt-leeds-1/2",
        perceivedSeverity="minor",
        externalAlarmId="old",
        raised=start - timedelta(minutes=20),
    )
    assert early.trouble_report_id is None
    minor_late = raise_alarm(
        on="olt-leeds-1/2", perceivedSeverity="minor", raised=start + timedelta(minutes=40)
    )
    assert minor_late.trouble_report_id is None  # too late for either, too minor for its own


def test_an_alarm_on_another_service_gets_its_own_report(raise_alarm, subscribed, report_policy):
    fibre = raise_alarm(on="olt-leeds-1/1")
    york = raise_alarm(on="dslam-york-1")
    assert york.trouble_report_id != fibre.trouble_report_id
    assert impacted_codes(report_of(york)) == {"dsl-york"}


def test_a_core_alarm_joins_the_open_report_and_widens_its_impact(
    raise_alarm, subscribed, report_policy, django_capture_on_commit_callbacks
):
    fibre = raise_alarm(on="olt-leeds-1/1")
    with django_capture_on_commit_callbacks() as callbacks:
        core = raise_alarm(on="core-rtr-1", perceivedSeverity="critical")
    assert core.trouble_report_id == fibre.trouble_report_id
    report = report_of(core)
    assert impacted_codes(report) == {"fibre-leeds", "voice-leeds", "ip-core", "dsl-york"}
    localised = report.events.filter(kind=ReportEventKind.LOCALISED).latest("id")
    assert "Newly impacted: DSL York, IP core." in localised.message
    assert callbacks  # the new services' customers are informed after commit


def test_a_repeat_of_a_correlated_alarm_does_not_attach_again(
    raise_alarm, subscribed, report_policy
):
    first = raise_alarm(on="olt-leeds-1/1", externalAlarmId="X", message_id="1")
    raise_alarm(on="olt-leeds-1/1", externalAlarmId="X", message_id="2")
    report = report_of(first)
    assert report.events.filter(kind=ReportEventKind.ALARM_ATTACHED).count() == 1


def test_a_minor_alarm_that_becomes_major_opens_a_report(raise_alarm, subscribed, report_policy):
    minor = raise_alarm(
        on="olt-leeds-1/1", externalAlarmId="X", perceivedSeverity="minor", message_id="1"
    )
    assert minor.trouble_report_id is None
    major = raise_alarm(
        on="olt-leeds-1/1", externalAlarmId="X", perceivedSeverity="major", message_id="2"
    )
    assert major.trouble_report_id is not None


def test_a_service_cycle_in_bad_data_does_not_loop(raise_alarm, subscribed, report_policy):
    ServiceDependency.objects.create(
        service=subscribed.ip_core, depends_on_service=subscribed.voice
    )
    result = raise_alarm(on="olt-leeds-1/1")
    assert "ip-core" in impacted_codes(report_of(result))


# --- Opening by hand --------------------------------------------------------------------
def test_an_operator_opens_a_report_from_a_minor_alarm(
    raise_alarm, subscribed, report_policy, nora
):
    alarm = Alarm.objects.get(
        pk=raise_alarm(on="olt-leeds-1/2", perceivedSeverity="minor").alarm_id
    )
    report = workflow.trouble_report_open(
        actor=nora, title="Degraded PON card", priority=Priority.MEDIUM, alarms=[alarm]
    )
    alarm.refresh_from_db()
    assert alarm.trouble_report == report and report.origin == ReportOrigin.OPERATOR
    assert report.root_cause_resource == subscribed.card2
    assert report.events.get(kind="created").actor == nora
    with pytest.raises(problems_workflow.InvalidInput, match="already on STR-"):
        workflow.trouble_report_open(actor=nora, title="Again", alarms=[alarm])


def test_an_operator_names_impacted_services_without_alarms(subscribed, report_policy, nora):
    report = workflow.trouble_report_open(
        actor=nora, title="Customers report no dial tone", services=[subscribed.voice]
    )
    assert impacted_codes(report) == {"voice-leeds"}
    assert report.impacts.get().reason == "named by the operator"
    # Alarms on that service within the window attach to it.
    assert report.last_alarm_at == report.created_at


def test_opening_refuses_bad_input_and_people_without_the_right(subscribed, nora, carla, olga):
    with pytest.raises(problems_workflow.InvalidInput):
        workflow.trouble_report_open(actor=nora, title=" ")
    with pytest.raises(problems_workflow.InvalidInput):
        workflow.trouble_report_open(actor=nora, title="x", priority=9)
    for person in (carla, olga):
        with pytest.raises(problems_workflow.NotPermitted):
            workflow.trouble_report_open(actor=person, title="x")
    assert not ServiceTroubleReport.objects.exists()


def test_a_service_without_operations_team_leaves_the_report_unassigned_to_a_team(
    raise_alarm, subscribed, report_policy
):
    Service.objects.update(operations_team=None)
    assert report_of(raise_alarm(on="olt-leeds-1/1")).team is None


def test_correlating_a_batch_costs_queries_per_report_not_per_alarm(
    subscribed, report_policy, nora
):
    ports = Resource.objects.bulk_create(
        [Resource(code=f"pon-{i}", name=f"PON {i}", kind="PON port") for i in range(110)]
    )
    ServiceDependency.objects.bulk_create(
        [ServiceDependency(service=subscribed.fibre, resource=port) for port in ports]
    )
    workflow.trouble_report_open(actor=nora, title="Fibre down", services=[subscribed.fibre])

    def batch(codes):
        return [
            AlarmInput.from_tmf(tmf_alarm(on=code, perceivedSeverity="minor")) for code in codes
        ]

    # The first alarms change the diagnosis (root resource, a newly impacted service).
    first = alarms.alarms_ingest(batch([p.code for p in ports[:5]]))
    with CaptureQueriesContext(connection) as few:
        small = alarms.alarms_ingest(batch([p.code for p in ports[5:15]]))
    with CaptureQueriesContext(connection) as many:
        large = alarms.alarms_ingest(batch([p.code for p in ports[15:]]))
    assert {r.trouble_report_id for r in first + small + large} == {small[0].trouble_report_id}
    assert small[0].trouble_report_id is not None
    assert len(many) == len(few)
