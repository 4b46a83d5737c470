"""eTOM *Report Customer Problem*: tell everyone on a problem's notification list.

An outbox: the workflow writes one ``Notification`` row per recipient in the same
transaction as the event, and a task sends them after commit. If the broker is down at
commit, the rows stay pending and the periodic resend picks them up: nothing is lost.
A row is marked sent under a row lock, so a task delivered twice sends nothing twice.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from problems.models import (
    EscalationStep,
    EventKind,
    Notification,
    NotificationStatus,
    ProblemEvent,
    User,
)
from problems.permissions import SUPERVISOR

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Events that reach the notification list: every status change, plus these.
NOTIFIED_KINDS = {EventKind.ESCALATED, EventKind.NOTE, EventKind.ON_HOLD, EventKind.RESUMED}


def notification_list(event: ProblemEvent) -> dict[str, tuple[User | None, bool]]:
    """Addresses to tell of this event: {email: (user or None, customer-facing?)}."""
    problem = event.problem
    restricted = problem.category is not None and problem.category.is_security
    people: list[User] = list(problem.watchers.filter(is_active=True))
    if problem.reported_by_id:
        people.append(problem.reported_by)  # type: ignore[arg-type]
    if problem.customer_id:
        people.extend(problem.customer.default_contacts.filter(is_active=True))  # type: ignore[union-attr]
    if problem.assignee_id:
        people.append(problem.assignee)  # type: ignore[arg-type]

    recipients: dict[str, tuple[User | None, bool]] = {}
    for person in people:
        for_customer = person.customer_id is not None
        if not person.email or not person.is_active or person.pk == event.actor_id:
            continue
        if for_customer and (restricted or not event.is_public):
            continue  # security events and internal changes never reach customers
        recipients.setdefault(person.email.lower(), (person, for_customer))

    if event.kind == EventKind.ESCALATED:
        for email, user in escalation_contacts(event).items():
            recipients.setdefault(email, (user, False))
    return recipients


def escalation_contacts(event: ProblemEvent) -> dict[str, User | None]:
    """Who the SLA policy says is told at the levels this escalation reached."""
    problem = event.problem
    levels = event.data.get("levels") or [event.data.get("to_level")]
    steps = EscalationStep.objects.filter(policy_id=problem.sla_policy_id, level__in=levels)
    contacts: dict[str, User | None] = {}
    for step in steps.prefetch_related("notify_users"):
        for user in step.notify_users.all():
            if user.email and user.is_active:
                contacts[user.email.lower()] = user
        if step.notify_supervisors:
            supervisors = User.objects.filter(groups__name=SUPERVISOR, is_active=True)
            for user in supervisors.exclude(email=""):
                contacts[user.email.lower()] = user
        if step.notify_team and problem.team_id and problem.team.email:  # type: ignore[union-attr]
            contacts.setdefault(problem.team.email.lower(), None)  # type: ignore[union-attr]
        for email in step.extra_emails():
            contacts.setdefault(email.lower(), None)
    return contacts


def should_notify(event: ProblemEvent) -> bool:
    if event.kind in (EventKind.NOTE, EventKind.ATTACHMENT_ADDED):
        return event.is_public  # internal notes and files are for the record, not for mail
    return event.is_state_change or event.kind in NOTIFIED_KINDS


def queue_notifications(event: ProblemEvent) -> int:
    """Write the event's notifications; send them once the transaction commits."""
    if not should_notify(event):
        return 0
    rows = [
        Notification(event=event, recipient=user, email=email, for_customer=for_customer)
        for email, (user, for_customer) in notification_list(event).items()
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(lambda: _enqueue(event.pk), robust=True)
    return len(rows)


def _enqueue(event_id: int) -> None:
    from problems.tasks import deliver_notifications

    deliver_notifications.delay(event_id)


def render_message(notification: Notification) -> EmailMessage:
    event = notification.event
    problem = event.problem
    context = {
        "event": event,
        "problem": problem,
        "for_customer": notification.for_customer,
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string("problems/email/event_subject.txt", context).strip()
    body = render_to_string("problems/email/event_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[notification.email])


def deliver_for_event(event_id: int) -> tuple[int, list[Exception]]:
    """Send the event's pending notifications. Returns (sent, errors)."""
    pending = Notification.objects.filter(event_id=event_id, status=NotificationStatus.PENDING)
    return deliver(pending.values_list("pk", flat=True))


def deliver(notification_ids: Iterable[int]) -> tuple[int, list[Exception]]:
    sent, errors = 0, []
    for pk in list(notification_ids):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("event__problem__customer", "event__problem__category")
                .filter(pk=pk, status=NotificationStatus.PENDING)
                .first()
            )
            if notification is None:
                continue  # sent by another run, or being sent right now
            notification.attempts += 1
            try:
                render_message(notification).send()
            except Exception as error:  # any failure: record it, keep the row for a retry
                logger.warning("Notification %s to %s failed: %s", pk, notification.email, error)
                notification.last_error = str(error)[:2000]
                if notification.attempts >= MAX_ATTEMPTS:
                    notification.status = NotificationStatus.FAILED
                errors.append(error)
            else:
                notification.status = NotificationStatus.SENT
                notification.sent_at = timezone.now()
                notification.last_error = ""
                sent += 1
            notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return sent, errors


def stale_pending(older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Events with notifications still pending after ``older_than``: their task was lost
    (broker down at commit) or is still failing."""
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff)
        .values_list("event_id", flat=True)
        .distinct()
        .order_by("event_id")[:1000]
    )
