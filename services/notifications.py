"""E-mails about service trouble reports, through an outbox like the problems' one.

Staff hear of a report's state changes, jeopardy and escalations (its team mailbox, its
assignee, and at escalations whom the SLA policy names). Customers of services whose impact
policy is to tell their contacts (not to open problems) get an outage notice, and a
"restored" notice when the report is resolved. Suppliers get the requests addressed to them.
Rows are written with what they tell, sent by a task after commit, marked sent exactly once.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from problems import sla
from problems.models import Customer, NotificationStatus, User
from problems.notifications import deliver_outbox
from services.models import (
    NoticeKind,
    ReportEventKind,
    ServiceNotification,
    ServiceTroubleReport,
    Subscription,
    TroubleReportActivity,
    TroubleReportEvent,
)

STAFF_NOTIFIED_KINDS = {ReportEventKind.ESCALATED, ReportEventKind.IN_JEOPARDY}


def queue_event_notifications(event: TroubleReportEvent) -> int:
    """Write the staff notifications of a report event; send them after commit."""
    if not (event.is_state_change or event.kind in STAFF_NOTIFIED_KINDS):
        return 0
    report = event.report
    recipients: dict[str, User | None] = {}
    if report.team_id and report.team and report.team.email:
        recipients[report.team.email.lower()] = None
    assignee = report.assignee if report.assignee_id else None
    if assignee and assignee.is_active and assignee.email and assignee.pk != event.actor_id:
        recipients[assignee.email.lower()] = assignee
    if event.kind == ReportEventKind.ESCALATED:
        levels = event.data.get("levels") or [event.data.get("to_level")]
        team_email = report.team.email if report.team_id and report.team else ""
        recipients.update(sla.step_contacts(report.sla_policy_id, levels, team_email=team_email))
    rows = [
        ServiceNotification(
            report=report, notice=NoticeKind.EVENT, event=event, recipient=user, email=email
        )
        for email, user in recipients.items()
    ]
    if not rows:
        return 0
    ServiceNotification.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(lambda: _enqueue_event(event.pk), robust=True)
    return len(rows)


def queue_supplier_request(event: TroubleReportEvent, *, email: str) -> None:
    """Address a recovery activity to a supplier: its request e-mail, sent after commit."""
    ServiceNotification.objects.bulk_create(
        [
            ServiceNotification(
                report=event.report, notice=NoticeKind.SUPPLIER_REQUEST, event=event, email=email
            )
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: _enqueue_event(event.pk), robust=True)


def queue_customer_notices(
    report: ServiceTroubleReport, *, notice: str, services_by_customer: dict[int, list[str]]
) -> int:
    """Tell the contacts of these customers of the outage (or of its end): each customer's
    active default contacts and the site contacts of its subscriptions to the impacted
    services. Three queries for any number of customers; an address already told of this
    report's outage (or restoration) is not told twice."""
    customer_ids = sorted(services_by_customer)
    if not customer_ids:
        return 0
    contacts: dict[int, dict[str, User]] = defaultdict(dict)
    defaults = Customer.default_contacts.through.objects.filter(
        customer_id__in=customer_ids, user__is_active=True
    ).select_related("user")
    for row in defaults:
        if row.user.email:
            contacts[row.customer_id][row.user.email.lower()] = row.user
    site_contacts = Subscription.objects.filter(
        customer_id__in=customer_ids,
        service__impacts__report=report,
        contact__isnull=False,
        contact__is_active=True,
    ).select_related("contact")
    for subscription in site_contacts:
        contact = subscription.contact
        if contact is not None and contact.email:
            contacts[subscription.customer_id][contact.email.lower()] = contact
    rows = [
        ServiceNotification(
            report=report,
            notice=notice,
            customer_id=customer_id,
            recipient=user,
            email=email,
            services=", ".join(sorted(services_by_customer[customer_id]))[:500],
        )
        for customer_id in customer_ids
        for email, user in contacts[customer_id].items()
    ]
    if not rows:
        return 0
    ServiceNotification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    pending = list(
        ServiceNotification.objects.filter(
            report=report,
            notice=notice,
            customer_id__in=customer_ids,
            status=NotificationStatus.PENDING,
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue_ids(pending), robust=True)
    return len(rows)


def _enqueue_event(event_id: int) -> None:
    from services.tasks import deliver_service_notifications

    pending = ServiceNotification.objects.filter(
        event_id=event_id, status=NotificationStatus.PENDING
    ).values_list("pk", flat=True)
    deliver_service_notifications.delay(list(pending))


NOTICES_PER_TASK = 500


def _enqueue_ids(ids: Sequence[int]) -> None:
    from services.tasks import deliver_service_notifications

    for start in range(0, len(ids), NOTICES_PER_TASK):
        deliver_service_notifications.delay(list(ids[start : start + NOTICES_PER_TASK]))


TEMPLATES = {
    NoticeKind.EVENT: "services/email/report_event",
    NoticeKind.OUTAGE: "services/email/outage",
    NoticeKind.RESTORED: "services/email/restored",
    NoticeKind.SUPPLIER_REQUEST: "services/email/supplier_request",
}


def render_message(notification: ServiceNotification) -> EmailMessage:
    template = TEMPLATES[NoticeKind(notification.notice)]
    context = {
        "notification": notification,
        "report": notification.report,
        "event": notification.event,
        "activity": _activity_of(notification),
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[notification.email])


def _activity_of(notification: ServiceNotification) -> TroubleReportActivity | None:
    if notification.notice != NoticeKind.SUPPLIER_REQUEST or notification.event is None:
        return None
    pk = notification.event.data.get("activity")
    return TroubleReportActivity.objects.select_related("supplier").filter(pk=pk).first()


def deliver(ids: Iterable[int]) -> tuple[int, list[Exception]]:
    return deliver_outbox(
        ServiceNotification,
        ids,
        render=render_message,
        related=("report", "event", "customer"),
    )


def stale_pending() -> list[int]:
    """Notifications still pending a few minutes after they were written: their task was
    lost (broker down at commit) or keeps failing."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(minutes=2)
    return list(
        ServiceNotification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
