"""Reads for the desk's pages: who sees alarms and reports, and what a page costs."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from problems import selectors as problem_selectors
from services import alarms, selectors, workflow
from services.models import Alarm, ServiceTroubleReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def outage(
    subscribed, report_policy, raise_alarm, make_problem, django_capture_on_commit_callbacks
):
    own = make_problem(service_id=subscribed.fibre.pk)
    with django_capture_on_commit_callbacks(execute=True):
        result = raise_alarm(on="olt-leeds-1/1", perceivedSeverity="critical")
    raise_alarm(on="spare-1", perceivedSeverity="minor")
    raise_alarm(on="dslam-york-1", perceivedSeverity="warning")
    return ServiceTroubleReport.objects.get(pk=result.trouble_report_id), own


def test_staff_see_alarms_and_reports_customers_and_outsiders_do_not(
    outage, nora, alice, carla, olga
):
    report, _ = outage
    for person in (nora, alice):
        assert selectors.alarm_list_for_user(user=person).count() == 3
        assert selectors.trouble_report_get_for_user(user=person, pk=report.pk) == report
    for person in (carla, olga):
        assert not selectors.alarm_list_for_user(user=person).exists()
        with pytest.raises(Http404):
            selectors.trouble_report_get_for_user(user=person, pk=report.pk)
        with pytest.raises(Http404):
            selectors.alarm_get_for_user(user=person, pk=Alarm.objects.first().pk)


def test_the_alarm_list_is_most_severe_first_and_filters(outage, nora):
    listed = list(selectors.alarm_list_for_user(user=nora))
    assert [a.highest_severity for a in listed] == ["critical", "minor", "warning"]
    assert [
        a.alarmed_object_id for a in selectors.alarm_list_for_user(user=nora, severity="minor")
    ] == [
        "olt-leeds-1/1",
        "spare-1",
    ]
    alarms.alarm_acknowledge(listed[0], actor=nora)
    assert selectors.alarm_list_for_user(user=nora, unacknowledged=True).count() == 2
    assert (
        selectors.alarm_list_for_user(user=nora, search="dslam").get().alarmed_object_id
        == "dslam-york-1"
    )
    alarms.alarm_clear(listed[1], actor=nora)
    assert selectors.alarm_list_for_user(user=nora).count() == 2
    assert selectors.alarm_list_for_user(user=nora, raised_only=False).count() == 3


def test_the_alarm_list_costs_one_query_however_long(outage, nora, raise_alarm):
    selectors.can_see_trouble_reports(nora)  # the user's roles are read once per request

    def rows():
        with CaptureQueriesContext(connection) as queries:
            for alarm in selectors.alarm_list_for_user(user=nora, raised_only=False):
                str(alarm.resource), alarm.trouble_report and alarm.trouble_report.reference
        return len(queries)

    before = rows()
    assert before == 1
    for i in range(20):
        raise_alarm(on="spare-1", externalAlarmId=f"more-{i}", perceivedSeverity="minor")
    assert rows() == before


def test_the_queue_and_the_report_page(outage, nora, subscribed):
    report, own = outage
    workflow.trouble_report_open(actor=nora, title="Another", services=[subscribed.dsl])
    selectors.can_see_trouble_reports(nora)  # the user's roles are read once per request
    with CaptureQueriesContext(connection) as queries:
        queue = list(selectors.trouble_report_queue_for_user(user=nora))
        for row in queue:
            str(row.team), str(row.assignee), str(row.root_cause_resource)
    assert len(queries) == 1
    first = next(r for r in queue if r.pk == report.pk)
    assert first.impacted_service_count == 2 and first.raised_alarm_count == 1
    assert first.linked_problem_count == 1
    summary = selectors.impact_summary(report)
    assert [i.service.code for i in summary.impacts] == ["fibre-leeds", "voice-leeds"]
    assert (summary.customer_count, summary.subscriber_count) == (1, 1)
    assert (summary.linked_problem_count, summary.proactive_problem_count) == (1, 0)
    assert list(selectors.linked_problems(report)) == [own]
    assert selectors.report_alarms(report).count() == 1
    assert [e.kind for e in selectors.report_events(report)][:2] == ["created", "alarm_attached"]
    names = {t.name for t in selectors.available_transitions(report, nora)}
    assert names == {"assign", "cancel", "reject"}


def test_from_a_customer_problem_to_its_trouble_reports(outage, nora, carla):
    report, own = outage
    assert [
        link.trouble_report_reference for link in problem_selectors.trouble_report_links_for(own)
    ] == [report.reference]
    assert list(selectors.trouble_reports_for_problem(user=nora, problem=own)) == [report]
    assert not selectors.trouble_reports_for_problem(user=carla, problem=own).exists()
