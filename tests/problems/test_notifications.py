"""eTOM Report Customer Problem: the notification list is told of each status change."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from problems import notifications, tasks, workflow
from problems.models import Notification, NotificationStatus, ProblemEvent

pytestmark = pytest.mark.django_db


def assignment_notice():
    return Notification.objects.get(event__kind="assigned")


def addresses(outbox):
    return sorted(address for message in outbox for address in message.to)


def test_a_status_change_is_written_and_sent_after_commit(
    problem, alice, carla, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.problem_assign(problem, actor=alice, assignee=alice)
        assert assignment_notice().status == "pending"  # written first
    assert len(callbacks) == 1 and mailoutbox == []  # nothing sent before commit
    callbacks[0]()
    assert addresses(mailoutbox) == [carla.email]
    assert f"[{problem.reference}] Assigned" in mailoutbox[0].subject
    assert "our service desk" in mailoutbox[0].body  # a customer is not told staff names
    assert assignment_notice().status == NotificationStatus.SENT


def test_nothing_is_written_or_sent_when_the_transaction_rolls_back(
    problem, alice, django_capture_on_commit_callbacks, mailoutbox
):
    sent_before = Notification.objects.count()
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.problem_assign(problem, actor=alice, assignee=alice)
        raise RuntimeError("something after the assignment failed")
    assert callbacks == []
    assert Notification.objects.count() == sent_before
    assert problem.events.count() == 1


def test_the_notification_list(make_problem, alice, carla, company_a, bob, sue):
    colleague = type(carla).objects.create(
        username="pia", email="pia@acme.test", customer=company_a
    )
    company_a.default_contacts.add(colleague)
    problem = make_problem()
    workflow.watchers_set(problem, actor=alice, watchers=[bob])
    workflow.problem_assign(problem, actor=sue, assignee=alice)
    event = ProblemEvent.objects.latest("id")  # not problem.events: that reuses the stale problem
    recipients = notifications.notification_list(event)
    assert sorted(recipients) == sorted([carla.email, colleague.email, bob.email, alice.email])
    assert recipients[carla.email][1] is True and recipients[bob.email][1] is False


def test_the_actor_and_inactive_people_are_not_told(problem, alice, carla):
    carla.is_active = False
    carla.save()
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    assert notifications.notification_list(problem.events.latest("id")) == {}


def test_customers_never_hear_of_internal_events_or_security_problems(
    make_problem, security_category, sam, alice, carla
):
    problem = make_problem()
    workflow.note_add(problem, actor=alice, body="Suspect the cabinet", is_internal=True)
    assert not Notification.objects.filter(email=carla.email, event__kind="note").exists()

    secret = make_problem(actor=sam, category=security_category)
    workflow.problem_assign(secret, actor=sam, assignee=sam)
    assert not Notification.objects.filter(event__problem=secret, for_customer=True).exists()


def test_a_public_note_reaches_the_customer(
    problem, alice, carla, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.note_add(problem, actor=alice, body="An engineer comes at 10:00.")
    assert addresses(mailoutbox) == [carla.email]
    assert "An engineer comes at 10:00." in mailoutbox[0].body


def test_escalation_tells_the_policy_contacts(
    problem, sue, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    time_machine.move_to(problem.restore_by + timedelta(hours=2), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.scan_timers()
    escalation = problem.events.get(kind="escalated")
    told = set(Notification.objects.filter(event=escalation).values_list("email", flat=True))
    # level 1: team mailbox; level 2: supervisors; level 3: Sue and the duty manager.
    assert told == {"broadband@example.test", sue.email, "duty-manager@example.test"}
    assert not Notification.objects.filter(event=escalation, for_customer=True).exists()


def test_delivering_twice_sends_once(problem, alice, mailoutbox):
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    event = problem.events.latest("id")
    assert tasks.deliver_notifications(event.pk) == 1
    assert tasks.deliver_notifications(event.pk) == 0
    assert len(mailoutbox) == 1


def test_a_failing_mail_server_is_retried_and_nothing_is_lost(problem, alice, mailoutbox):
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    event = problem.events.latest("id")
    with (
        mock.patch(
            "django.core.mail.EmailMessage.send", side_effect=SMTPServerDisconnected("down")
        ),
        pytest.raises(tasks.TransientDeliveryError),
    ):
        tasks.deliver_notifications.run(event.pk)
    notification = assignment_notice()
    assert (notification.status, notification.attempts) == ("pending", 1)
    assert "down" in notification.last_error

    assert tasks.deliver_notifications.run(event.pk) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


def test_the_task_retries_with_backoff_on_transient_failures():
    task = tasks.deliver_notifications
    assert tasks.TransientDeliveryError in task.autoretry_for
    assert task.retry_backoff and task.max_retries == notifications.MAX_ATTEMPTS


def test_after_the_last_attempt_a_notification_is_marked_failed(problem, alice):
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    Notification.objects.filter(event__kind="assigned").update(
        attempts=notifications.MAX_ATTEMPTS - 1
    )
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("refused")):
        sent, errors = notifications.deliver_for_event(problem.events.latest("id").pk)
    assert (sent, len(errors)) == (0, 1)
    assert assignment_notice().status == NotificationStatus.FAILED


def test_pending_notifications_whose_task_was_lost_are_resent(
    problem, alice, mailoutbox, time_machine
):
    # In a test nothing commits, so the report's and the assignment's tasks never ran:
    # exactly what happens when the broker is down at commit.
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    assert mailoutbox == []
    assert tasks.resend_pending_notifications() == 0  # too fresh: their tasks may still come
    time_machine.move_to(timezone.now() + timedelta(minutes=3))
    assert tasks.resend_pending_notifications() == 2  # two events
    assert [m.subject.split(":")[0] for m in mailoutbox] == [
        f"[{problem.reference}] Open",
        f"[{problem.reference}] Assigned",
    ]
    assert tasks.resend_pending_notifications() == 0


def test_a_broker_failure_at_commit_does_not_break_the_write(
    problem, alice, django_capture_on_commit_callbacks
):
    with (
        mock.patch("problems.tasks.deliver_notifications.delay", side_effect=OSError("no broker")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workflow.problem_assign(problem, actor=alice, assignee=alice)
    problem.refresh_from_db()
    assert problem.state == "assigned"
    assert assignment_notice().status == NotificationStatus.PENDING
