"""The demo's inventory and live outage, from a fresh database (``seed_demo``)."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from problems.models import Channel, CustomerProblem, EventKind, ProblemEvent, TroubleReportLink
from services.models import (
    AckState,
    Alarm,
    AlarmState,
    NoticeKind,
    ReportState,
    Service,
    ServiceNotification,
    ServiceTroubleReport,
    Subscription,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed_demo", problems=30, stdout=None)


def test_an_inventory(seeded):
    assert Service.objects.count() == 7
    assert Subscription.objects.filter(customer__code="acme").count() == 4
    assert Subscription.objects.count() > 60
    assert authenticate(username="noc", password="demo").teams.filter(name="Network operations")


def test_a_live_outage_in_progress_with_its_localisation(seeded):
    outage = ServiceTroubleReport.objects.get(state=ReportState.IN_PROGRESS)
    assert outage.root_cause_resource.code == "olt-lds-01"
    assert "explains 3 of the 3 alarmed resources" in outage.localisation
    assert outage.alarms.count() == 3 and outage.activities.count() == 2
    assert outage.activities.get(kind="recovery").supplier_status.startswith("Engineer dispatched")
    # Customers: their own problems linked, proactive ones for the others, the update on all.
    links = TroubleReportLink.objects.filter(trouble_report_id=outage.pk)
    assert links.filter(proactive=False).count() == 2
    assert links.filter(proactive=True).count() == outage.impacts.get().customer_count - 2
    linked = CustomerProblem.objects.filter(trouble_report_links__trouble_report_id=outage.pk)
    updated = ProblemEvent.objects.filter(problem__in=linked, kind=EventKind.NETWORK_UPDATE)
    assert updated.count() == links.count()
    assert (
        CustomerProblem.objects.filter(channel=Channel.NETWORK).count()
        == links.filter(proactive=True).count()
    )


def test_a_service_that_tells_contacts_and_an_alarm_list(seeded):
    mail = ServiceTroubleReport.objects.get(state=ReportState.ACKNOWLEDGED)
    assert ServiceNotification.objects.filter(report=mail, notice=NoticeKind.OUTAGE).count() >= 2
    raised = Alarm.objects.raised()
    assert raised.filter(trouble_report__isnull=True, ack_state=AckState.UNACKNOWLEDGED).exists()
    assert raised.filter(trouble_report__isnull=True, ack_state=AckState.ACKNOWLEDGED).exists()
    assert Alarm.objects.filter(state=AlarmState.CLEARED).exists()
    assert Alarm.objects.filter(occurrences__gt=1).exists()  # a repeat was counted


def test_running_again_does_not_replay_the_outage(seeded):
    reports, subscriptions = ServiceTroubleReport.objects.count(), Subscription.objects.count()
    call_command("seed_demo", problems=5, stdout=None)
    call_command("seed_demo", problems=5, if_empty=True, stdout=None)
    assert ServiceTroubleReport.objects.count() == reports
    assert Subscription.objects.count() == subscriptions
