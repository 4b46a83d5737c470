"""eTOM *Report Customer Problem*: tell everyone on a problem's notification list.

An outbox: the workflow writes one ``Notification`` row per recipient in the same
transaction as the event, and a task sends them after commit. If the broker is down at
commit, the rows stay pending and the periodic resend picks them up: nothing is lost.
A row is marked sent under a row lock, so a task delivered twice sends nothing twice.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from problems import sla
from problems.models import (
    ActivityStatus,
    Category,
    Customer,
    CustomerProblem,
    EventKind,
    Notification,
    NotificationStatus,
    OutboxMessage,
    ProblemEvent,
    RecoveryActivity,
    RestorationOutcome,
    User,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Events that reach the notification list: every status change, plus these.
NOTIFIED_KINDS = {
    EventKind.ESCALATED,
    EventKind.NOTE,
    EventKind.ON_HOLD,
    EventKind.RESUMED,
    EventKind.TROUBLE_REPORT_LINKED,
    EventKind.NETWORK_UPDATE,
    EventKind.CLEARANCE_PROPOSED,
}
Recipients = dict[str, tuple[User | None, bool]]


def notification_list(event: ProblemEvent) -> Recipients:
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
    recipients = _eligible(people, event, restricted=restricted)
    if event.kind == EventKind.ESCALATED:
        for email, user in escalation_contacts(event).items():
            recipients.setdefault(email, (user, False))
    return recipients


def _eligible(people: Iterable[User], event: ProblemEvent, *, restricted: bool) -> Recipients:
    recipients: Recipients = {}
    for person in people:
        for_customer = person.customer_id is not None
        if not person.email or not person.is_active or person.pk == event.actor_id:
            continue
        if for_customer and (restricted or not event.is_public):
            continue  # security events and internal changes never reach customers
        recipients.setdefault(person.email.lower(), (person, for_customer))
    return recipients


def escalation_contacts(event: ProblemEvent) -> dict[str, User | None]:
    """Who the SLA policy says is told at the levels this escalation reached."""
    problem = event.problem
    levels = event.data.get("levels") or [event.data.get("to_level")]
    team_email = problem.team.email if problem.team_id and problem.team else ""
    return sla.step_contacts(problem.sla_policy_id, levels, team_email=team_email)


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


def queue_notifications_bulk(events: Sequence[ProblemEvent]) -> int:
    """Write the notifications of many events (of many problems) with a fixed number of
    queries, however many events: the bulk operations' counterpart of
    ``queue_notifications``, with the same notification list. Escalations are not written
    in bulk. One task per call sends them after commit."""
    events = [event for event in events if should_notify(event)]
    if not events:
        return 0
    if any(event.kind == EventKind.ESCALATED for event in events):
        raise ValueError("Escalations are notified one by one (their contacts differ).")
    problems = {event.problem_id: event.problem for event in events}
    people, restricted = _people_of(list(problems.values()))
    rows: list[Notification] = []
    for event in events:
        problem = problems[event.problem_id]
        recipients = _eligible(
            people[problem.pk], event, restricted=problem.category_id in restricted
        )
        rows.extend(
            Notification(event=event, recipient=user, email=email, for_customer=for_customer)
            for email, (user, for_customer) in recipients.items()
        )
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    event_ids = sorted({row.event_id for row in rows})
    transaction.on_commit(lambda: _enqueue_many(event_ids), robust=True)
    return len(rows)


def _people_of(problems: list[CustomerProblem]) -> tuple[dict[int, list[User]], set[int]]:
    """Each problem's watchers, reporter, customer's default contacts and assignee, and the
    restricted (security) categories among theirs: five queries for any number of problems."""
    ids = [problem.pk for problem in problems]
    watchers = CustomerProblem.watchers.through.objects.filter(customerproblem_id__in=ids)
    contacts = Customer.default_contacts.through.objects.filter(
        customer_id__in={p.customer_id for p in problems if p.customer_id}
    )
    direct = {p.reported_by_id for p in problems} | {p.assignee_id for p in problems}
    users = {user.pk: user for user in User.objects.filter(pk__in=[pk for pk in direct if pk])}
    by_customer: dict[int, list[User]] = defaultdict(list)
    for contact in contacts.select_related("user"):
        by_customer[contact.customer_id].append(contact.user)
    by_problem: dict[int, list[User]] = defaultdict(list)
    for watcher in watchers.select_related("user"):
        by_problem[watcher.customerproblem_id].append(watcher.user)
    people: dict[int, list[User]] = {}
    for problem in problems:
        people[problem.pk] = [
            *by_problem[problem.pk],
            *([users[problem.reported_by_id]] if problem.reported_by_id in users else []),
            *(by_customer[problem.customer_id] if problem.customer_id else []),
            *([users[problem.assignee_id]] if problem.assignee_id in users else []),
        ]
    restricted = set(
        Category.objects.filter(
            pk__in={p.category_id for p in problems if p.category_id}, is_security=True
        ).values_list("pk", flat=True)
    )
    return people, restricted


# Events per delivery task: a mass outage's notifications go out in a few dozen tasks.
EVENTS_PER_TASK = 200


def _enqueue_many(event_ids: list[int]) -> None:
    from problems.tasks import deliver_notifications_for_events

    for start in range(0, len(event_ids), EVENTS_PER_TASK):
        deliver_notifications_for_events.delay(event_ids[start : start + EVENTS_PER_TASK])


def render_message(notification: Notification) -> EmailMessage:
    event = notification.event
    problem = event.problem
    context = {
        "event": event,
        "problem": problem,
        "for_customer": notification.for_customer,
        "site_url": settings.SITE_URL,
    }
    body_template = "problems/email/event_body.txt"
    if notification.for_customer and event.kind == EventKind.CLEARED and notification.recipient_id:
        # What was done and the two links: confirm, or not fixed (problems.links).
        context.update(clearance_context(notification))
        body_template = "problems/email/cleared_body.txt"
    subject = render_to_string("problems/email/event_subject.txt", context).strip()
    body = render_to_string(body_template, context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[notification.email])


def clearance_context(notification: Notification) -> dict[str, Any]:
    """The customer's clearance e-mail: the public recovery activities and signed links,
    for this recipient, to this clearance, expiring when its confirmation window ends."""
    from problems.links import CONFIRM, REOPEN, ClearanceLink, clearance_url

    event = notification.event
    problem = event.problem
    confirm_by = event.data.get("confirm_by")
    expires_at = (
        datetime.fromisoformat(confirm_by)
        if confirm_by
        else event.created_at + timedelta(days=settings.DEFAULT_CONFIRMATION_WINDOW_DAYS)
    )
    urls = {
        action: clearance_url(
            ClearanceLink(
                problem_id=problem.pk,
                clearance_id=event.pk,
                user_id=notification.recipient_id,  # type: ignore[arg-type]
                action=action,
                expires_at=expires_at,
            )
        )
        for action in (CONFIRM, REOPEN)
    }
    activities = RecoveryActivity.objects.filter(
        problem_id=problem.pk, status=ActivityStatus.COMPLETED
    ).order_by("completed_at", "pk")
    recipient = notification.recipient
    return {
        "notification_name": recipient.first_name if recipient else "",
        "confirm_url": urls[CONFIRM],
        "not_fixed_url": urls[REOPEN],
        "expires_at": expires_at,
        "activities": list(activities),
        "outcome_label": RestorationOutcome(event.data["outcome"]).label
        if event.data.get("outcome") in RestorationOutcome.values
        else "",
    }


def deliver_for_event(event_id: int) -> tuple[int, list[Exception]]:
    """Send the event's pending notifications. Returns (sent, errors)."""
    return deliver_for_events([event_id])


def deliver_for_events(event_ids: Iterable[int]) -> tuple[int, list[Exception]]:
    """Send the pending notifications of these events. Returns (sent, errors)."""
    pending = Notification.objects.filter(
        event_id__in=list(event_ids), status=NotificationStatus.PENDING
    )
    return deliver(pending.order_by("pk").values_list("pk", flat=True))


def deliver(notification_ids: Iterable[int]) -> tuple[int, list[Exception]]:
    return deliver_outbox(
        Notification,
        notification_ids,
        render=render_message,
        related=("event__problem__customer", "event__problem__category", "recipient"),
    )


def deliver_outbox(
    model: type[OutboxMessage],
    pks: Iterable[int],
    *,
    render: Callable[[Any], EmailMessage],
    related: Sequence[str] = (),
) -> tuple[int, list[Exception]]:
    """Send pending outbox rows of ``model`` one by one, each marked sent (or its failure
    recorded) under its row lock: a task delivered twice sends nothing twice, and a row
    another worker is sending right now is skipped. Returns (sent, errors)."""
    sent, errors = 0, []
    for pk in list(pks):
        with transaction.atomic():
            message = (
                model.objects.select_for_update(skip_locked=True, of=("self",))  # type: ignore[attr-defined]
                .select_related(*related)
                .filter(pk=pk, status=NotificationStatus.PENDING)
                .first()
            )
            if message is None:
                continue  # sent by another run, or being sent right now
            message.attempts += 1
            try:
                render(message).send()
            except Exception as error:  # any failure: record it, keep the row for a retry
                logger.warning("%s %s to %s failed: %s", model.__name__, pk, message.email, error)
                message.last_error = str(error)[:2000]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = NotificationStatus.FAILED
                errors.append(error)
            else:
                message.status = NotificationStatus.SENT
                message.sent_at = timezone.now()
                message.last_error = ""
                sent += 1
            message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
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
