"""The live alarm list on the desk: who may open it, filters, sorting, acknowledge and clear
(one alarm or the selected ones), and opening a trouble report from an alarm by hand."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.models import AckState, Alarm, AlarmState, ReportEventKind, ServiceTroubleReport
from tests.support import client_for

pytestmark = pytest.mark.django_db
URL = reverse("network:alarms")


def rows(response):
    """The alarmed objects listed, in order."""
    return [row.record.alarmed_object_id for row in response.context["table"].page.object_list]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


class TestAccess:
    def test_agents_supervisors_and_network_operations_open_the_alarm_list(
        self, outage, nora, alice, sue
    ):
        for person in (nora, alice, sue):
            response = client_for(person).get(URL)
            assert response.status_code == 200
            assert b"olt-leeds-1/1" in response.content

    def test_customers_and_people_without_a_role_get_a_403_that_shows_no_alarm(
        self, outage, carla, olga
    ):
        for person in (carla, olga):
            response = client_for(person).get(URL)
            assert response.status_code == 403
            assert b"olt-leeds-1" not in response.content

    def test_anonymous_visitors_are_sent_to_log_in(self, client, outage):
        response = client.get(URL)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_customer_cannot_acknowledge_by_posting(self, outage, carla):
        alarm = Alarm.objects.get(alarmed_object_id="spare-1")
        response = client_for(carla).post(
            reverse("network:alarm_action", args=["acknowledge"]), {"one": alarm.pk}
        )
        assert response.status_code == 403
        alarm.refresh_from_db()
        assert alarm.ack_state == AckState.UNACKNOWLEDGED

    def test_the_navigation_shows_the_network_pages_to_staff_only(self, outage, alice, carla):
        desk = client_for(alice).get(reverse("desk:queue")).content.decode()
        assert 'href="/desk/network/alarms/"' in desk
        assert 'href="/desk/network/reports/"' in desk
        portal = client_for(carla).get(reverse("portal:problems")).content.decode()
        assert "/desk/network/" not in portal


class TestListing:
    def test_raised_alarms_most_severe_first_with_their_report(self, outage, nora):
        report, _ = outage
        response = client_for(nora).get(URL)
        assert rows(response) == ["olt-leeds-1/1", "spare-1", "dslam-york-1"]
        page = response.content.decode()
        assert report.reference in page and 'href="/desk/network/reports/' in page

    def test_cleared_alarms_leave_the_live_list_and_show_under_cleared(self, outage, nora):
        Alarm.objects.filter(alarmed_object_id="spare-1").update(
            state=AlarmState.CLEARED, cleared_at=timezone.now(), perceived_severity="cleared"
        )
        client = client_for(nora)
        assert "spare-1" not in rows(client.get(URL))
        assert rows(client.get(URL, {"state": "cleared"})) == ["spare-1"]
        cleared_minor = {"state": "cleared", "severity": "minor"}
        assert rows(client.get(URL, cleared_minor)) == ["spare-1"]  # the worst it was
        everything = rows(client.get(URL, {"state": "any"}))
        assert everything == ["dslam-york-1", "spare-1", "olt-leeds-1/1"]  # newest first

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"severity": ["critical"]}, ["olt-leeds-1/1"]),
            ({"severity": ["minor", "warning"]}, ["spare-1", "dslam-york-1"]),
            ({"source": "NMS-2"}, ["spare-1"]),
            ({"resource": "olt-leeds"}, ["olt-leeds-1/1"]),
            ({"resource": "DSLAM York"}, ["dslam-york-1"]),
            ({"q": "spare"}, ["spare-1"]),
            ({"state": "unacknowledged", "q": "dslam"}, ["dslam-york-1"]),
            ({"state": "acknowledged"}, []),
        ],
    )
    def test_filters(self, outage, nora, query, expected):
        assert rows(client_for(nora).get(URL, query)) == expected

    def test_the_service_filter_finds_alarms_on_what_the_service_runs_on(
        self, outage, nora, subscribed
    ):
        client = client_for(nora)
        assert rows(client.get(URL, {"service": subscribed.fibre.pk})) == ["olt-leeds-1/1"]
        assert rows(client.get(URL, {"service": subscribed.dsl.pk})) == ["dslam-york-1"]

    def test_the_time_range_filter(self, outage, nora):
        Alarm.objects.filter(alarmed_object_id="spare-1").update(
            raised_at=timezone.now() - timedelta(days=2)
        )
        since = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        client = client_for(nora)
        assert "spare-1" not in rows(client.get(URL, {"raised_after": since}))
        assert rows(client.get(URL, {"raised_before": since})) == ["spare-1"]

    def test_a_bad_date_is_an_error_beside_the_field_and_the_list_stays_live(self, outage, nora):
        response = client_for(nora).get(URL, {"raised_after": "yesterday-ish"})
        assert response.status_code == 200
        assert "Enter a valid date/time." in response.content.decode()
        assert len(rows(response)) == 3

    def test_sorting_by_a_column(self, outage, nora):
        client = client_for(nora)
        by_object = rows(client.get(URL, {"sort": "alarmed_object_id"}))
        assert by_object == sorted(by_object)
        least_severe_first = rows(client.get(URL, {"sort": "severity"}))
        assert least_severe_first == ["dslam-york-1", "spare-1", "olt-leeds-1/1"]
        assert rows(client.get(URL, {"sort": "-severity"}))[0] == "olt-leeds-1/1"

    def test_pages(self, outage, nora, raise_alarm):
        for index in range(30):
            raise_alarm(on=f"probe-{index:02}", perceivedSeverity="warning")
        client = client_for(nora)
        first = client.get(URL)
        assert len(rows(first)) == 25 and first.context["table"].paginator.count == 33
        assert len(rows(client.get(URL, {"page": 2}))) == 8
        assert len(rows(client.get(URL, {"per_page": 50}))) == 33

    def test_an_empty_list_says_all_is_quiet_and_empty_filters_say_so(self, nora):
        client = client_for(nora)
        assert "No alarm is raised: all quiet." in client.get(URL).content.decode()
        response = client.get(URL, {"q": "nothing-like-this"})
        assert "No alarm matches these filters." in response.content.decode()

    def test_the_htmx_refresh_returns_the_results_only_and_keeps_the_filters(self, outage, nora):
        response = client_for(nora).get(URL, {"severity": ["critical"]}, HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert page.lstrip().startswith("<section") and "<html" not in page
        assert 'hx-get="/desk/network/alarms/?severity=critical"' in page
        assert rows(response) == ["olt-leeds-1/1"]

    def test_people_without_the_permissions_see_no_buttons(self, outage, alice):
        from django.contrib.auth.models import Permission

        client = client_for(alice)
        assert "Acknowledge selected" in client.get(URL).content.decode()
        alice.user_permissions.clear()
        for group in alice.groups.all():
            group.permissions.remove(
                *Permission.objects.filter(codename__in=["acknowledge_alarm", "clear_alarm"])
            )
        page = client_for(alice).get(URL).content.decode()
        assert "Acknowledge selected" not in page and ">Clear</button>" not in page


class TestActions:
    def act(self, client, name, data, query=""):
        return client.post(
            reverse("network:alarm_action", args=[name]),
            {**data, "next": URL + query},
            follow=True,
        )

    def test_acknowledge_one_alarm_keeps_the_filters_and_says_so(self, outage, nora):
        alarm = Alarm.objects.get(alarmed_object_id="spare-1")
        response = self.act(client_for(nora), "acknowledge", {"one": alarm.pk}, "?q=spare")
        assert response.redirect_chain[-1][0] == URL + "?q=spare"
        assert messages_of(response) == ["Alarm acknowledged: spare-1."]
        alarm.refresh_from_db()
        assert alarm.ack_state == AckState.ACKNOWLEDGED and alarm.acknowledged_by == nora
        assert "Acknowledged" in response.content.decode()

    def test_acknowledge_the_selected_alarms_each_on_its_own(self, outage, nora, alice):
        spare, dslam = (
            Alarm.objects.get(alarmed_object_id=code) for code in ("spare-1", "dslam-york-1")
        )
        self.act(client_for(alice), "acknowledge", {"one": spare.pk})
        response = self.act(client_for(nora), "acknowledge", {"selected": [spare.pk, dslam.pk]})
        said = messages_of(response)
        assert "Alarm acknowledged: dslam-york-1." in said
        assert any(
            m.startswith("Not acknowledged: spare-1: Already acknowledged by alice") for m in said
        )
        spare.refresh_from_db()
        dslam.refresh_from_db()
        assert spare.acknowledged_by == alice and dslam.acknowledged_by == nora

    def test_clear_an_alarm_tells_its_trouble_report(self, outage, nora):
        report, _ = outage
        alarm = report.alarms.get()
        response = self.act(client_for(nora), "clear", {"one": alarm.pk})
        assert messages_of(response) == ["Alarm cleared: olt-leeds-1/1."]
        alarm.refresh_from_db()
        assert alarm.state == AlarmState.CLEARED and alarm.cleared_by == nora
        event = report.events.filter(kind=ReportEventKind.ALARM_CLEARED).get()
        assert event.actor == nora and "No alarm of this report is raised" in event.message

    def test_clearing_twice_is_refused_with_a_message(self, outage, nora):
        alarm = Alarm.objects.get(alarmed_object_id="spare-1")
        client = client_for(nora)
        self.act(client, "clear", {"one": alarm.pk})
        response = self.act(client, "clear", {"one": alarm.pk})
        assert messages_of(response) == ["Not cleared: spare-1: The alarm has already cleared."]

    def test_nothing_selected_is_a_warning(self, outage, nora):
        response = self.act(client_for(nora), "acknowledge", {})
        assert messages_of(response) == ["Select the alarms first."]

    def test_an_unknown_action_is_a_404_and_get_is_refused(self, outage, nora):
        client = client_for(nora)
        assert client.post(reverse("network:alarm_action", args=["delete"])).status_code == 404
        assert client.get(reverse("network:alarm_action", args=["clear"])).status_code == 405

    def test_a_next_url_elsewhere_is_ignored(self, outage, nora):
        alarm = Alarm.objects.get(alarmed_object_id="spare-1")
        response = client_for(nora).post(
            reverse("network:alarm_action", args=["acknowledge"]),
            {"one": alarm.pk, "next": "https://evil.example/"},
        )
        assert response["Location"] == URL


class TestOpenReportFromAlarm:
    def test_an_operator_opens_a_report_for_an_alarm_without_one(self, outage, nora):
        alarm = Alarm.objects.get(alarmed_object_id="dslam-york-1")
        url = reverse("network:report_from_alarm", args=[alarm.pk])
        client = client_for(nora)
        form = client.get(url)
        assert form.context["form"]["title"].value() == "lossOfSignal on dslam-york-1"
        response = client.post(
            url, {"title": "DSLAM York down", "priority": 2, "description": ""}, follow=True
        )
        report = ServiceTroubleReport.objects.get(title="DSLAM York down")
        assert response.redirect_chain[-1][0] == reverse("network:report", args=[report.pk])
        assert f"{report.reference} opened for the alarm on dslam-york-1." in messages_of(response)
        alarm.refresh_from_db()
        assert alarm.trouble_report == report
        assert report.events.filter(kind=ReportEventKind.CREATED, actor=nora).exists()

    def test_an_alarm_already_on_an_active_report_goes_to_that_report(self, outage, nora):
        report, _ = outage
        alarm = report.alarms.get()
        response = client_for(nora).get(reverse("network:report_from_alarm", args=[alarm.pk]))
        assert response["Location"] == reverse("network:report", args=[report.pk])

    def test_a_missing_title_is_a_form_error(self, outage, nora):
        alarm = Alarm.objects.get(alarmed_object_id="spare-1")
        response = client_for(nora).post(
            reverse("network:report_from_alarm", args=[alarm.pk]), {"title": "", "priority": 3}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["title"] == ["This field is required."]

    def test_a_cleared_alarm_is_refused_beside_the_form(self, outage, nora):
        alarm = Alarm.objects.get(alarmed_object_id="spare-1")
        Alarm.objects.filter(pk=alarm.pk).update(
            state=AlarmState.CLEARED, cleared_at=timezone.now()
        )
        response = client_for(nora).post(
            reverse("network:report_from_alarm", args=[alarm.pk]), {"title": "x", "priority": 3}
        )
        assert "The alarm on spare-1 has cleared." in response.context["form"].non_field_errors()
        assert not ServiceTroubleReport.objects.filter(title="x").exists()

    def test_a_customer_gets_a_403_and_an_unknown_alarm_a_404(self, outage, nora, carla):
        alarm = Alarm.objects.first()
        url = reverse("network:report_from_alarm", args=[alarm.pk])
        assert client_for(carla).get(url).status_code == 403
        missing = reverse("network:report_from_alarm", args=[999999])
        assert client_for(nora).get(missing).status_code == 404
