"""The network pages read a fixed number of queries, however many alarms, reports, linked
problems, activities and events there are."""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from problems.models import TroubleReportLink
from services import workflow
from services.models import (
    AckState,
    Alarm,
    AlarmState,
    PerceivedSeverity,
    Resource,
    ServiceTroubleReport,
    TroubleReportActivity,
    TroubleReportEvent,
)
from tests import factories
from tests.support import bulk_problems, client_for, count_queries

pytestmark = pytest.mark.django_db


def add_alarms(count, reports, resources):
    """Alarms of every severity and state, on different resources and reports (each a
    related row the list shows: a missing join would cost a query per row)."""
    now = timezone.now()
    combos = itertools.islice(
        itertools.cycle(
            itertools.product(
                [s for s in PerceivedSeverity.values if s != "cleared"],
                [AlarmState.RAISED, AlarmState.UPDATED, AlarmState.CLEARED],
                [AckState.UNACKNOWLEDGED, AckState.ACKNOWLEDGED],
                [*reports, None],
                [*resources, None],
            )
        ),
        count,
    )
    start = Alarm.objects.count()
    Alarm.objects.bulk_create(
        [
            Alarm(
                source_system_id="ems-bulk",
                alarm_key=f"bulk-{start + index}",
                alarmed_object_id=resource.code if resource else f"unknown-{index}",
                resource=resource,
                alarm_type="equipmentAlarm",
                perceived_severity="cleared" if state == AlarmState.CLEARED else severity,
                highest_severity=severity,
                probable_cause="equipmentMalfunction",
                state=state,
                cleared_at=now if state == AlarmState.CLEARED else None,
                ack_state=ack,
                ack_user_id="nora" if ack == AckState.ACKNOWLEDGED else "",
                trouble_report=report,
                raised_at=now - timedelta(minutes=index),
            )
            for index, (severity, state, ack, report, resource) in enumerate(combos)
        ]
    )


@pytest.fixture
def reports(nora, noc, subscribed):
    return [
        workflow.trouble_report_open(actor=nora, title=f"Fault {i}", team=noc, services=[s])
        for i, s in enumerate([subscribed.fibre, subscribed.dsl, subscribed.voice])
    ]


@pytest.mark.parametrize(
    "query",
    [
        "?per_page=100",
        "?state=any&per_page=100&sort=-severity",
        "?state=acknowledged&q=equipment&per_page=100",
        "?severity=critical&severity=minor&per_page=100",
    ],
)
def test_the_alarm_list_with_60_and_with_400_alarms(
    nora, reports, subscribed, django_assert_max_num_queries, query
):
    resources = list(Resource.objects.all())
    client = client_for(nora)
    url = reverse("network:alarms") + query
    add_alarms(60, reports, resources)  # every severity, state and acknowledgement
    few = count_queries(client, url)
    assert client.get(url).context["table"].paginator.count > 0
    add_alarms(340, reports, resources)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["table"].page.object_list) > 10
    assert few <= 12


def test_the_alarm_list_htmx_refresh_costs_the_same(nora, reports, django_assert_max_num_queries):
    resources = list(Resource.objects.all())
    client = client_for(nora)
    url = reverse("network:alarms") + "?per_page=100"
    add_alarms(10, reports, resources)
    few = count_queries(client, url)
    add_alarms(200, reports, resources)
    with django_assert_max_num_queries(few):
        client.get(url, HTTP_HX_REQUEST="true")


def test_the_report_queue_with_3_and_with_60_reports(
    nora, noc, reports, subscribed, django_assert_max_num_queries
):
    client = client_for(nora)
    url = reverse("network:reports") + "?per_page=100"
    few = count_queries(client, url)
    agents = [factories.agent(f"op{i}", noc) for i in range(3)]
    for index in range(57):
        report = workflow.trouble_report_open(
            actor=nora, title=f"More {index}", team=noc, services=[subscribed.fibre]
        )
        if index % 3 == 0:
            workflow.trouble_report_assign(report, actor=nora, assignee=agents[index % 3])
    add_alarms(120, list(ServiceTroubleReport.objects.all()), list(Resource.objects.all()))
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.context["table"].paginator.count == 60
    assert few <= 10


def test_the_report_page_with_few_and_with_many_links_alarms_activities_and_events(
    nora, reports, subscribed, company_a, company_b, broadband, django_assert_max_num_queries
):
    report = reports[0]
    client = client_for(nora)
    url = reverse("network:report", args=[report.pk])

    def grow(count):
        problems = bulk_problems(count, customer=company_a, team=broadband)
        problems += bulk_problems(count, customer=company_b, team=broadband, assignee=nora)
        TroubleReportLink.objects.bulk_create(
            [
                TroubleReportLink(
                    problem=problem,
                    trouble_report_id=report.pk,
                    trouble_report_reference=report.reference,
                    service_id=subscribed.fibre.pk,
                    customer=problem.customer,
                    proactive=False,
                )
                for index, problem in enumerate(problems)
            ]
        )
        add_alarms(count, [report], list(Resource.objects.all()))
        TroubleReportActivity.objects.bulk_create(
            [
                TroubleReportActivity(
                    report=report,
                    kind="recovery",
                    summary=f"Step {i}",
                    supplier=subscribed.supplier if i % 2 else None,
                    assignee=nora if i % 3 else None,
                    team=broadband,
                )
                for i in range(count // 10 + 1)
            ]
        )
        TroubleReportEvent.objects.bulk_create(
            [
                TroubleReportEvent(report=report, kind="progress", actor=nora, actor_label="nora")
                for _ in range(count)
            ]
        )

    grow(5)
    few = count_queries(client, url)
    grow(300)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.context["summary"].linked_problem_count == 610
    assert len(response.context["linked"].page.object_list) == 15
    assert few <= 25
