"""The admin for service problem management: CSV imports, alarms, and trouble reports
whose buttons and forms go through the workflow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from problems.models import Priority
from services.models import (
    AckState,
    Alarm,
    ReportEventKind,
    ReportState,
    ServiceTroubleReport,
    Supplier,
    TroubleReportActivity,
)

pytestmark = pytest.mark.django_db


def upload(text, name="file.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.mark.parametrize(
    "model", ["supplier", "resource", "service", "servicedependency", "subscription"]
)
def test_each_inventory_list_offers_its_csv_import(client, sue, subscribed, model):
    client.force_login(sue)
    page = client.get(reverse(f"admin:services_{model}_changelist")).content.decode()
    assert reverse(f"admin:services_{model}_import") in page and "Import CSV" in page
    form = client.get(reverse(f"admin:services_{model}_import"))
    assert form.status_code == 200 and "All or nothing" in form.content.decode()


def test_a_good_file_is_imported_from_the_admin(client, sue):
    client.force_login(sue)
    response = client.post(
        reverse("admin:services_supplier_import"),
        {"file": upload("code,name,email\nfibreco,FibreCo,dispatch@fibreco.test\n")},
        follow=True,
    )
    assert "Suppliers: 1 created, 0 updated, 0 unchanged." in response.content.decode()
    assert Supplier.objects.get().email == "dispatch@fibreco.test"


def test_a_bad_file_shows_its_errors_and_writes_nothing(client, sue):
    client.force_login(sue)
    response = client.post(
        reverse("admin:services_supplier_import"),
        {"file": upload("code,name,email\nfibreco,FibreCo,not-an-email\n,Nameless,\n")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 2: email: Enter a valid email address." in page
    assert "Line 3: code is required." in page
    assert not Supplier.objects.exists()
    header = client.post(reverse("admin:services_supplier_import"), {"file": upload("x,y\n1,2\n")})
    assert "The header must name these columns" in header.content.decode()


def test_agents_may_not_import(client, alice, db):
    client.force_login(alice)
    assert client.get(reverse("admin:services_supplier_import")).status_code == 403


def test_alarms_are_acknowledged_and_opened_into_a_report_from_the_list(
    client, nora, subscribed, report_policy, raise_alarm
):
    alarm = Alarm.objects.get(pk=raise_alarm(on="dslam-york-1", perceivedSeverity="minor").alarm_id)
    client.force_login(nora)
    url = reverse("admin:services_alarm_changelist")
    assert "dslam-york-1" in client.get(url).content.decode()
    client.post(url, {"action": "acknowledge", "_selected_action": [alarm.pk]})
    alarm.refresh_from_db()
    assert alarm.ack_state == AckState.ACKNOWLEDGED and alarm.acknowledged_by == nora
    response = client.post(
        url, {"action": "open_trouble_report", "_selected_action": [alarm.pk]}, follow=True
    )
    alarm.refresh_from_db()
    assert alarm.trouble_report is not None
    assert f"Opened {alarm.trouble_report.reference}." in response.content.decode()


def test_customers_see_no_alarms_or_reports(client, carla, subscribed, raise_alarm):
    raise_alarm(on="olt-leeds-1/1")
    client.force_login(carla)
    assert client.get(reverse("admin:services_alarm_changelist")).status_code in (302, 403)


@pytest.fixture
def report(subscribed, report_policy, nora):
    from services import workflow

    return workflow.trouble_report_open(
        actor=nora, title="Fibre down", services=[subscribed.fibre], priority=Priority.HIGH
    )


def change_url(report):
    return reverse("admin:services_servicetroublereport_change", args=[report.pk])


def transition_url(report, name):
    return reverse("admin:services_servicetroublereport_transition", args=[report.pk, name])


def test_the_report_page_offers_its_transitions_and_runs_them_through_the_workflow(
    client, nora, report
):
    client.force_login(nora)
    page = client.get(change_url(report)).content.decode()
    assert 'value="assign"' in page and 'value="reject"' in page
    assert 'value="resolve"' not in page
    assert "1 impacted service(s)" in page and "Post a progress update" in page
    response = client.post(transition_url(report, "assign"), {"assignee": nora.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.IN_PROGRESS
    assert report.events.filter(kind=ReportEventKind.ASSIGNED, actor=nora).exists()


def test_a_refused_transition_shows_the_guard_message(client, nora, alice, report):
    client.force_login(nora)
    response = client.post(transition_url(report, "assign"), {"assignee": alice.pk}, follow=True)
    assert "member of the report&#x27;s team" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.ACKNOWLEDGED


def test_opening_a_report_from_the_admin(client, nora, subscribed, report_policy):
    client.force_login(nora)
    response = client.post(
        reverse("admin:services_servicetroublereport_add"),
        {
            "title": "Voice outage reported by customers",
            "description": "No dial tone in Leeds",
            "priority": Priority.CRITICAL,
            "services": [subscribed.voice.pk],
            **empty_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ServiceTroubleReport.objects.get()
    assert report.priority == Priority.CRITICAL
    assert list(report.impacted_services.values_list("code", flat=True)) == ["voice-leeds"]
    assert report.events.first().kind == ReportEventKind.CREATED


def test_progress_escalation_and_activities_from_the_report_page(client, nora, report):
    client.force_login(nora)
    progress = reverse("admin:services_servicetroublereport_progress", args=[report.pk])
    assert (
        client.post(progress, {"message": ""}).status_code == 200
    )  # the form says what is missing
    response = client.post(progress, {"message": "Engineers on site."})
    assert response.status_code == 302
    assert report.events.get(kind=ReportEventKind.PROGRESS).message == "Engineers on site."
    escalate = reverse("admin:services_servicetroublereport_escalate", args=[report.pk])
    client.post(escalate, {"reason": "Hospital affected", "level": 2})
    report.refresh_from_db()
    assert report.escalation_level == 2
    response = client.post(escalate, {"reason": "Again", "level": 1})
    assert "above 2" in response.content.decode()


def test_activities_are_scheduled_and_updated_through_the_workflow(
    client, nora, report, subscribed
):
    client.force_login(nora)
    data = {
        "title": report.title,
        "description": report.description,
        "priority": report.priority,
        **empty_inlines(),
        "activities-TOTAL_FORMS": "1",
        "activities-0-kind": "recovery",
        "activities-0-summary": "Splice the cable",
        "activities-0-supplier": subscribed.supplier.pk,
    }
    response = client.post(change_url(report), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = TroubleReportActivity.objects.get()
    assert activity.supplier == subscribed.supplier
    assert report.events.filter(kind=ReportEventKind.ACTIVITY_SCHEDULED).exists()
    update = reverse("admin:services_troublereportactivity_update", args=[activity.pk])
    client.post(update, {"external_reference": "FC-1", "supplier_status": "Crew on site"})
    activity.refresh_from_db()
    assert (activity.external_reference, activity.supplier_status) == ("FC-1", "Crew on site")


def test_admin_lists_load(client, sue, report, raise_alarm):
    raise_alarm(on="olt-leeds-1/1")
    client.force_login(sue)
    for name in (
        "servicetroublereport",
        "alarm",
        "troublereportactivity",
        "servicenotification",
        "resource",
        "service",
    ):
        assert client.get(reverse(f"admin:services_{name}_changelist")).status_code == 200, name


def empty_inlines():
    data = {}
    for prefix in ("impacts", "alarms", "activities", "events"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data
