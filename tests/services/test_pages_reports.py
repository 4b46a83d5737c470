"""The trouble report queue and a report's page on the desk: who may open them, filters
and counts, what the page shows, and its buttons (transitions, operations, activities,
progress), each through the services workflow."""

import pytest
from django.urls import reverse

from problems.models import EventKind
from services import workflow
from services.models import (
    ReportEventKind,
    ReportState,
    ServiceNotification,
    ServiceTroubleReport,
    TroubleReportActivity,
)
from tests.support import client_for

pytestmark = pytest.mark.django_db
QUEUE = reverse("network:reports")


def page_url(report, *parts):
    if not parts:
        return reverse("network:report", args=[report.pk])
    return reverse(f"network:{parts[0]}", args=[report.pk, *parts[1:]])


def listed(response):
    return [row.record.pk for row in response.context["table"].page.object_list]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def quiet_report(nora, noc):
    """A second report, opened by hand, on no service."""
    return workflow.trouble_report_open(actor=nora, title="Planned work overran", team=noc)


class TestQueue:
    def test_staff_see_the_active_reports_with_counts(self, outage, quiet_report, nora):
        report, _ = outage
        response = client_for(nora).get(QUEUE)
        assert response.status_code == 200
        assert set(listed(response)) == {report.pk, quiet_report.pk}
        counts = response.context["counts"]
        assert (counts.active, counts.acknowledged, counts.in_jeopardy) == (2, 2, 0)
        row = next(r.record for r in response.context["table"].page.object_list)
        assert hasattr(row, "linked_problem_count")
        page = response.content.decode()
        assert report.reference in page and "olt-leeds-1" in page

    def test_customers_get_a_403_and_anonymous_visitors_the_login(self, outage, carla, client):
        assert client_for(carla).get(QUEUE).status_code == 403
        assert client.get(QUEUE).status_code == 302

    @pytest.mark.parametrize(
        ("query", "which"),
        [
            ({"state": "in_progress"}, set()),
            ({"state": "waiting"}, set()),
            ({"state": "acknowledged"}, {"outage", "quiet"}),
            ({"priority": 1}, {"outage"}),
            ({"jeopardy": "yes"}, set()),
            ({"jeopardy": "no"}, {"outage", "quiet"}),
            ({"escalation": "1"}, set()),
            ({"escalation": "0"}, {"outage", "quiet"}),
            ({"q": "overran"}, {"quiet"}),
        ],
    )
    def test_filters(self, outage, quiet_report, nora, query, which):
        ids = {"outage": outage[0].pk, "quiet": quiet_report.pk}
        assert set(listed(client_for(nora).get(QUEUE, query))) == {ids[w] for w in which}

    def test_filter_by_impacted_service_and_by_reference(
        self, outage, quiet_report, nora, subscribed
    ):
        report, _ = outage
        client = client_for(nora)
        assert listed(client.get(QUEUE, {"service": subscribed.voice.pk})) == [report.pk]
        assert listed(client.get(QUEUE, {"q": report.reference})) == [report.pk]

    def test_jeopardy_and_escalation_show_in_counts_and_filters(self, outage, quiet_report, nora):
        from django.utils import timezone

        ServiceTroubleReport.objects.filter(pk=quiet_report.pk).update(
            jeopardy_since=timezone.now(), escalation_level=2
        )
        response = client_for(nora).get(QUEUE, {"jeopardy": "yes"})
        assert listed(response) == [quiet_report.pk]
        assert (response.context["counts"].in_jeopardy, response.context["counts"].escalated) == (
            1,
            1,
        )
        assert listed(client_for(nora).get(QUEUE, {"escalation": "2"})) == [quiet_report.pk]

    def test_an_empty_queue_says_so(self, nora):
        page = client_for(nora).get(QUEUE).content.decode()
        assert "No active trouble report: the network is healthy." in page

    def test_held_and_pending_reports_are_waiting(self, quiet_report, nora):
        workflow.trouble_report_assign(quiet_report, actor=nora, assignee=nora)
        workflow.trouble_report_hold(quiet_report, actor=nora, reason="Supplier must act")
        response = client_for(nora).get(QUEUE, {"state": "waiting"})
        assert listed(response) == [quiet_report.pk]
        assert response.context["counts"].waiting == 1

    def test_ended_reports_are_found_by_state(self, quiet_report, nora):
        workflow.trouble_report_reject(quiet_report, actor=nora, reason="Not ours")
        client = client_for(nora)
        assert listed(client.get(QUEUE)) == []
        assert listed(client.get(QUEUE, {"state": "rejected"})) == [quiet_report.pk]
        assert listed(client.get(QUEUE, {"state": "any"})) == [quiet_report.pk]


class TestReportPage:
    def test_the_page_shows_localisation_impact_alarms_and_linked_problems(self, outage, nora):
        report, own = outage
        response = client_for(nora).get(page_url(report))
        assert response.status_code == 200
        page = response.content.decode()
        assert "olt-leeds-1/1" in page  # the most likely root resource
        assert report.localisation and report.localisation in page
        assert 'data-service="fibre-leeds"' in page and 'data-service="voice-leeds"' in page
        assert '<strong data-count="customers">1</strong>' in page
        assert '<strong data-count="subscribers">1</strong>' in page
        assert 'data-count="alarms">1<' in page
        assert 'data-count="linked">1<' in page and own.reference in page
        assert "Reported, then linked" in page

    def test_a_page_of_linked_problems_past_the_end_shows_the_last(self, outage, nora):
        report, own = outage
        for query in ("?problems_page=99", "?problems_page=x", "?events_page=99"):
            response = client_for(nora).get(page_url(report) + query)
            assert response.status_code == 200 and own.reference in response.content.decode()

    def test_only_the_transitions_this_person_may_do_now_are_buttons(self, outage, nora):
        report, _ = outage
        page = client_for(nora).get(page_url(report)).content.decode()
        assert 'data-action="assign"' in page and 'data-action="reject"' in page
        assert 'data-action="resolve"' not in page and 'data-action="close"' not in page
        assert 'data-action="escalate"' in page
        assert 'data-action="replan"' not in page  # supervisors only

    def test_a_supervisor_may_replan(self, outage, sue):
        report, _ = outage
        assert 'data-action="replan"' in client_for(sue).get(page_url(report)).content.decode()

    def test_an_unknown_report_is_a_404_and_a_customer_gets_a_403(self, outage, nora, carla):
        report, _ = outage
        assert client_for(nora).get(reverse("network:report", args=[999999])).status_code == 404
        assert client_for(carla).get(page_url(report)).status_code == 403

    def test_assign_to_me_then_resolve_restores_the_linked_problem(
        self, outage, nora, django_capture_on_commit_callbacks
    ):
        report, own = outage
        client = client_for(nora)
        response = client.post(
            page_url(report, "report_action", "assign"), {"assignee": nora.pk}, follow=True
        )
        assert messages_of(response) == [f"{report.reference}: Assigned."]
        report.refresh_from_db()
        assert report.state == ReportState.IN_PROGRESS and report.assignee == nora
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                page_url(report, "report_action", "resolve"),
                {"outcome": "restored", "summary": "Card reseated."},
                follow=True,
            )
        assert messages_of(response) == [f"{report.reference}: Resolved."]
        own.refresh_from_db()
        assert own.activities.filter(external_reference=report.reference).exists()

    def test_a_guard_refusal_is_shown_as_a_message_with_its_reason(self, outage, nora):
        report, _ = outage
        workflow.trouble_report_assign(report, actor=nora, assignee=nora)
        workflow.trouble_activity_schedule(report, actor=nora, kind="testing", summary="Loop test")
        client = client_for(nora)
        assert 'data-action="resolve"' not in client.get(page_url(report)).content.decode()
        response = client.post(
            page_url(report, "report_action", "resolve"),
            {"outcome": "restored", "summary": "Fixed"},
            follow=True,
        )
        said = messages_of(response)[-1]
        assert said.startswith("“Resolve (service restored)” is not possible now")
        assert "A testing or recovery activity is still scheduled or in progress" in said
        report.refresh_from_db()
        assert report.state == ReportState.IN_PROGRESS

    def test_a_guard_that_checks_the_input_refuses_beside_the_form(self, outage, nora, bob):
        report, _ = outage
        response = client_for(nora).post(
            page_url(report, "report_action", "assign"), {"assignee": bob.pk}
        )
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        assert "active agent who is a member of the report's team" in errors[0]
        report.refresh_from_db()
        assert report.assignee is None

    def test_a_transition_not_possible_now_is_a_message(self, outage, nora):
        report, _ = outage
        response = client_for(nora).post(page_url(report, "report_action", "close"), follow=True)
        assert (
            "“Close (solution accepted)” is not possible now: the report is acknowledged."
            in messages_of(response)[0]
        )

    def test_a_missing_reason_is_a_form_error(self, outage, nora):
        report, _ = outage
        response = client_for(nora).post(page_url(report, "report_action", "reject"), {})
        assert response.context["form"].errors["reason"] == ["This field is required."]

    def test_the_action_form_comes_as_a_partial_for_htmx(self, outage, nora):
        report, _ = outage
        response = client_for(nora).get(
            page_url(report, "report_action", "reject"), HTTP_HX_REQUEST="true"
        )
        page = response.content.decode()
        assert 'id="action-card"' in page and "<html" not in page

    def test_escalate_and_localise_again(self, outage, nora):
        report, _ = outage
        client = client_for(nora)
        client.post(page_url(report, "report_action", "escalate"), {"reason": "Big outage"})
        report.refresh_from_db()
        assert report.escalation_level == 1
        response = client.post(page_url(report, "report_action", "localise"), follow=True)
        assert messages_of(response)[-1] == f"{report.reference}: Localised again from its alarms."

    def test_progress_reaches_the_linked_problem(
        self, outage, nora, django_capture_on_commit_callbacks
    ):
        report, own = outage
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(nora).post(
                page_url(report, "progress_add"), {"message": "Engineer on site."}, follow=True
            )
        assert "Progress update posted" in messages_of(response)[0]
        assert report.events.filter(kind=ReportEventKind.PROGRESS, actor=nora).exists()
        assert own.events.filter(
            kind=EventKind.NETWORK_UPDATE, message__startswith="Engineer on site."
        ).exists()

    def test_an_empty_progress_update_is_a_form_error(self, outage, nora):
        report, _ = outage
        response = client_for(nora).post(page_url(report, "progress_add"), {"message": ""})
        assert response.context["progress_form"].errors["message"] == ["This field is required."]


class TestActivities:
    def test_a_supplier_activity_scheduled_updated_and_completed(self, outage, nora, subscribed):
        report, _ = outage
        client = client_for(nora)
        response = client.post(
            page_url(report, "activity_new"),
            {
                "kind": "recovery",
                "summary": "Replace the fibre splice",
                "supplier": subscribed.supplier.pk,
            },
            follow=True,
        )
        assert "The request is e-mailed to FibreCo Field Services." in messages_of(response)[0]
        activity = TroubleReportActivity.objects.get(report=report)
        assert ServiceNotification.objects.filter(email="dispatch@fibreco.test").exists()
        client.post(
            page_url(report, "activity_action", activity.pk, "update"),
            {"external_reference": "FC-1234", "supplier_status": "Engineer dispatched"},
        )
        page = client.get(page_url(report)).content.decode()
        assert "FC-1234" in page and "Engineer dispatched" in page
        response = client.post(
            page_url(report, "activity_action", activity.pk, "complete"),
            {"outcome": "restored", "notes": "Spliced."},
            follow=True,
        )
        assert messages_of(response) == ["Replace the fibre splice: completed."]
        activity.refresh_from_db()
        assert activity.status == "completed" and activity.outcome == "restored"
        assert report.events.filter(kind=ReportEventKind.ACTIVITY_COMPLETED).exists()

    def test_a_test_offers_only_test_outcomes(self, outage, nora):
        report, _ = outage
        activity = workflow.trouble_activity_schedule(
            report, actor=nora, kind="testing", summary="Loop test"
        )
        response = client_for(nora).get(
            page_url(report, "activity_action", activity.pk, "complete")
        )
        choices = [value for value, _ in response.context["form"].fields["outcome"].choices]
        assert choices == ["fault_found", "no_fault_found", "inconclusive"]
        response = client_for(nora).post(
            page_url(report, "activity_action", activity.pk, "complete"), {"outcome": "restored"}
        )
        assert "outcome" in response.context["form"].errors

    def test_start_and_cancel(self, outage, nora):
        report, _ = outage
        activity = workflow.trouble_activity_schedule(
            report, actor=nora, kind="testing", summary="Loop test"
        )
        client = client_for(nora)
        client.post(page_url(report, "activity_start", activity.pk))
        activity.refresh_from_db()
        assert activity.status == "in_progress"
        client.post(page_url(report, "activity_action", activity.pk, "cancel"), {"reason": "Moot"})
        activity.refresh_from_db()
        assert activity.status == "cancelled"
        response = client.post(page_url(report, "activity_start", activity.pk), follow=True)
        assert messages_of(response)[-1] == "This activity is no longer running."

    def test_an_activity_of_another_report_is_a_404(self, outage, quiet_report, nora):
        report, _ = outage
        activity = workflow.trouble_activity_schedule(
            quiet_report, actor=nora, kind="testing", summary="Elsewhere"
        )
        url = page_url(report, "activity_action", activity.pk, "update")
        assert client_for(nora).get(url).status_code == 404
