"""A customer problem and its trouble reports: the links on the problem's desk page and on
the portal (public facts only), and linking or unlinking by an agent."""

import pytest
from django.urls import reverse

from problems import workflow as problem_workflow
from problems.models import EventKind, TroubleReportLink
from services import workflow
from tests.support import client_for

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def other_report(nora, subscribed):
    return workflow.trouble_report_open(
        actor=nora, title="DSL York slow", services=[subscribed.dsl]
    )


def test_the_problem_page_links_to_its_trouble_reports(outage, alice):
    report, own = outage
    page = client_for(alice).get(reverse("desk:problem", args=[own.pk])).content.decode()
    assert f'href="/desk/network/reports/{report.pk}/"' in page
    assert report.reference in page and "Not this fault?" in page


def test_an_agent_links_a_problem_by_the_reports_reference(outage, other_report, alice, subscribed):
    _, own = outage
    response = client_for(alice).post(
        reverse("network:problem_link", args=[own.pk]),
        {"report": other_report.reference.lower()},
        follow=True,
    )
    assert messages_of(response)[-1].startswith(
        f"{own.reference} linked to {other_report.reference}"
    )
    link = TroubleReportLink.objects.get(problem=own, trouble_report_id=other_report.pk)
    assert link.service_id == subscribed.dsl.pk and not link.proactive
    event = own.events.filter(kind=EventKind.TROUBLE_REPORT_LINKED).last()
    assert event.actor == alice and event.is_public and other_report.reference in event.message


def test_linking_twice_or_to_an_unknown_report_is_refused_with_a_message(outage, alice):
    report, own = outage
    client = client_for(alice)
    url = reverse("network:problem_link", args=[own.pk])
    response = client.post(url, {"report": report.reference}, follow=True)
    assert messages_of(response)[-1] == f"{own.reference} is already linked to {report.reference}."
    response = client.post(url, {"report": "STR-9999999"}, follow=True)
    assert messages_of(response)[-1].startswith("No trouble report has that reference")
    assert TroubleReportLink.objects.filter(problem=own).count() == 1


def test_a_closed_problem_is_not_linked(outage, other_report, alice, make_problem):
    problem = make_problem()
    problem_workflow.problem_cancel(problem, actor=alice, kind="incorrect", reason="Wrong")
    response = client_for(alice).post(
        reverse("network:problem_link", args=[problem.pk]),
        {"report": other_report.reference},
        follow=True,
    )
    assert "only an active problem is linked" in messages_of(response)[-1]
    assert not TroubleReportLink.objects.filter(problem=problem).exists()


def test_an_agent_unlinks_a_wrong_link_with_a_reason(
    outage, alice, django_capture_on_commit_callbacks
):
    report, own = outage
    client = client_for(alice)
    url = reverse("network:problem_unlink", args=[own.pk, report.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert messages_of(response)[-1] == "Say why the problem is not caused by this fault."
    response = client.post(url, {"reason": "The customer's own router is faulty."}, follow=True)
    assert messages_of(response)[-1] == f"{own.reference} is no longer linked."
    assert not TroubleReportLink.objects.filter(problem=own).exists()
    event = own.events.get(kind=EventKind.TROUBLE_REPORT_UNLINKED)
    assert event.actor == alice and "router is faulty" in event.message
    assert event.data["trouble_report"] == report.pk
    # Progress on the report no longer reaches the problem.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.trouble_report_progress(report, actor=alice, message="Still working on it.")
    assert not own.events.filter(kind=EventKind.NETWORK_UPDATE).exists()
    response = client.post(url, {"reason": "again"}, follow=True)
    assert messages_of(response)[-1] == f"{own.reference} is not linked to that trouble report."


def test_customers_cannot_link_or_unlink(outage, carla):
    report, own = outage
    client = client_for(carla)
    assert (
        client.post(
            reverse("network:problem_link", args=[own.pk]), {"report": report.reference}
        ).status_code
        == 403
    )
    unlink = reverse("network:problem_unlink", args=[own.pk, report.pk])
    assert client.post(unlink, {"reason": "x"}).status_code == 403
    assert TroubleReportLink.objects.filter(problem=own).exists()


def test_the_portal_shows_the_faults_reference_only(outage, carla, nora):
    report, own = outage
    page = client_for(carla).get(reverse("portal:problem", args=[own.pk])).content.decode()
    assert 'id="network-faults"' in page and report.reference in page
    assert "/desk/network/" not in page
    assert report.root_cause_resource.code not in page  # no network internals
    assert "nora" not in page.lower()


def test_problems_proposed_for_clearing_have_their_own_queue(
    outage, nora, alice, make_problem, django_capture_on_commit_callbacks
):
    """The report is resolved; Acme's problem is still open (unassigned), so it cannot be
    cleared for the customer: it is proposed for clearing and an agent finds it here."""
    report, own = outage
    other = make_problem(title="Printer jammed")
    workflow.trouble_report_assign(report, actor=nora, assignee=nora)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.trouble_report_resolve(report, actor=nora, outcome="restored", summary="Fixed")
    own.refresh_from_db()
    assert own.clearance_proposed_at is not None
    response = client_for(alice).get(reverse("desk:queue"), {"queue": "restored"})
    listed = [row.record.pk for row in response.context["table"].page.object_list]
    assert listed == [own.pk] and other.pk not in listed
    assert "Service restored: to clear" in response.content.decode()


def test_the_late_link_scan_does_not_link_again_what_an_agent_unlinked(
    outage, alice, make_problem, subscribed
):
    """Beat links problems reported during an outage; a problem an agent judged to be
    another fault stays unlinked (another problem on the service is linked as before)."""
    from services import impact

    report, own = outage
    problem_workflow.problem_unlink_trouble_report(
        own, actor=alice, trouble_report_id=report.pk, reason="Their router is broken."
    )
    later = make_problem(title="No internet either", service_id=subscribed.fibre.pk)
    assert impact.link_late_problems() == 1
    assert TroubleReportLink.objects.filter(problem=later, trouble_report_id=report.pk).exists()
    assert not TroubleReportLink.objects.filter(problem=own).exists()
    # By hand, an agent may link it again.
    problem_workflow.problem_link_trouble_report(
        own,
        actor=alice,
        outage=problem_workflow.Outage(report.pk, report.reference, subscribed.fibre.pk, ""),
    )
    assert TroubleReportLink.objects.filter(problem=own).exists()
