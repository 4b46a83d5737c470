"""The confirm and not-fixed links of the clearance e-mail: signed, single use, expiring,
superseded by a newer clearance, and friendly when they cannot be used."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from problems import links, workflow
from problems.models import EventKind, SatisfactionSurvey, State
from tests.closeloop.conftest import clear, links_in

pytestmark = pytest.mark.django_db


def test_the_clearance_email_says_what_was_done_and_carries_two_links(clearance_mail, assigned):
    body = clearance_mail.body
    assert "The line card was replaced." in body
    assert "Outcome: Restored." in body
    assert "A failed line card in the street cabinet." in body
    assert set(links_in(body)) == {"confirm", "not-fixed"}
    assert "No need to log in" in body


def test_the_clearance_email_lists_the_completed_recovery_activities(
    assigned, alice, carla, mailoutbox, django_capture_on_commit_callbacks
):
    activity = workflow.activity_schedule(
        assigned, actor=alice, kind="service_restoration", summary="Replace the line card"
    )
    workflow.activity_complete(activity, actor=alice, outcome="restored")
    with django_capture_on_commit_callbacks(execute=True):
        clear(assigned, alice)
    body = next(m.body for m in mailoutbox if "Cleared" in m.subject and carla.email in m.to)
    assert "Service restoration: Replace the line card (restored)" in body


def test_staff_get_no_links(clearance_mail, mailoutbox):
    staff = [m for m in mailoutbox if "Cleared" in m.subject and m is not clearance_mail]
    assert all("/answer/" not in m.body for m in staff)


def test_confirm_shows_a_button_then_closes_the_problem(clearance_mail, assigned, carla):
    path = links_in(clearance_mail.body)["confirm"]
    client = Client()  # not logged in
    page = client.get(path)
    assert page.status_code == 200
    assert "Yes, it is fixed" in page.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.CLEARED  # a GET (a mail scanner) changes nothing
    done = client.post(path)
    assert done.status_code == 200
    assert "the problem is closed" in done.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.CLOSED and assigned.customer_confirmed_at is not None
    event = assigned.events.get(kind=EventKind.CLOSED)
    assert event.actor == carla and event.data == {"confirmed": True, "via": "email_link"}


def test_a_used_link_says_so_and_does_nothing_twice(clearance_mail, assigned):
    path = links_in(clearance_mail.body)["confirm"]
    Client().post(path)
    again = Client().post(path)
    assert again.status_code == 200
    assert "answered already" in again.content.decode()
    assert "confirmed by" in again.content.decode()
    assert assigned.events.filter(kind=EventKind.CLOSED).count() == 1
    assert SatisfactionSurvey.objects.filter(problem=assigned).count() == 1
    other = Client().get(links_in(clearance_mail.body)["not-fixed"])
    assert "answered already" in other.content.decode()


def test_not_fixed_asks_for_a_reason_then_reopens(clearance_mail, assigned, carla):
    path = links_in(clearance_mail.body)["not-fixed"]
    client = Client()
    assert "What is still wrong?" in client.get(path).content.decode()
    empty = client.post(path, {"reason": "  "})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.CLEARED
    done = client.post(path, {"reason": "Still drops every ten minutes."})
    assert "we are on it again" in done.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED
    event = assigned.events.get(kind=EventKind.REOPENED)
    assert event.actor == carla
    assert event.message == "Still drops every ten minutes."
    assert event.data == {"via": "email_link"}
    assert "answered already" in client.post(path, {"reason": "again"}).content.decode()


def test_a_link_of_an_earlier_clearance_is_superseded(clearance_mail, assigned, alice):
    old = links_in(clearance_mail.body)
    Client().post(old["not-fixed"], {"reason": "Not fixed."})
    clear(assigned, alice)  # cleared again: a new e-mail with new links
    page = Client().post(old["confirm"])
    assert "There is a newer resolution" in page.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.CLEARED


def test_a_link_expires_with_the_confirmation_window(clearance_mail, assigned):
    path = links_in(clearance_mail.body)["confirm"]
    assigned.refresh_from_db()
    with time_machine.travel(assigned.confirm_by + timedelta(minutes=1)):
        page = Client().post(path)
    assert page.status_code == 200
    assert "The time to answer has passed" in page.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.CLEARED


def test_a_tampered_link_is_refused_kindly(clearance_mail, assigned):
    path = links_in(clearance_mail.body)["confirm"]
    token = path.split("/")[2]
    forged = links.clearance_token(
        links.ClearanceLink(assigned.pk, 1, 1, links.CONFIRM, timezone.now() + timedelta(days=1))
    )
    for bad in (token[:-3] + "xyz", token.replace(":", ":A", 1), "nonsense", forged[:-1]):
        page = Client().post(f"/answer/{bad}/confirm/")
        assert page.status_code == 400
        assert "This link is not valid" in page.content.decode()
    # A not-fixed link does not confirm, even with its signature intact.
    swapped = links_in(clearance_mail.body)["not-fixed"].replace("not-fixed", "confirm")
    assert "This link is not valid" in Client().post(swapped).content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.CLEARED


def test_a_signed_link_to_another_clearance_is_invalid(clearance_mail, assigned, carla):
    forged = links.ClearanceLink(
        assigned.pk, 999999, carla.pk, links.CONFIRM, timezone.now() + timedelta(days=1)
    )
    page = Client().post(f"/answer/{links.clearance_token(forged)}/confirm/")
    assert "This link is not valid" in page.content.decode()


def test_a_contact_who_left_the_company_cannot_use_it(clearance_mail, assigned, carla):
    carla.is_active = False
    carla.save()
    page = Client().post(links_in(clearance_mail.body)["confirm"])
    assert "no longer valid for you" in page.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == State.CLEARED


def test_the_bulk_restoration_clearance_carries_links(
    assigned, carla, alice, mailoutbox, django_capture_on_commit_callbacks
):
    outage = workflow.Outage(
        trouble_report_id=7, reference="STR-0000007", service_id=1, service_label="Fibre"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = workflow.problems_restore_for_outage(
            actor=alice,
            problem_ids=[assigned.pk],
            outage=outage,
            outcome="restored",
            summary="The fibre was spliced.",
        )
    assert result.cleared == [assigned.pk]
    body = next(m.body for m in mailoutbox if "Cleared" in m.subject and carla.email in m.to)
    assert "Network fault STR-0000007 fixed" in body
    assert Client().post(links_in(body)["confirm"]).status_code == 200
    assigned.refresh_from_db()
    assert assigned.state == State.CLOSED


def test_the_second_use_through_the_workflow_finds_it_used(clearance_mail):
    token = links_in(clearance_mail.body)["confirm"].split("/")[2]
    first = workflow.clearance_link_use(token, action=links.CONFIRM)
    second = workflow.clearance_link_use(token, action=links.CONFIRM)
    assert (first.kind, second.kind) == ("closed", "used")


def test_a_link_after_the_automatic_close_says_why_it_closed(clearance_mail, assigned):
    assigned.refresh_from_db()
    with time_machine.travel(assigned.confirm_by + timedelta(hours=1)):
        workflow.close_unconfirmed()
        page = Client().get(links_in(clearance_mail.body)["not-fixed"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "because the time to confirm had passed" in text
    assert "Report a problem" in text
