"""The satisfaction survey (eTOM 1.3.7.4): created when a problem closes, e-mailed once,
reminded once, answered once.

Exactly once, however often a task runs: the survey row is created in the transaction that
closes the problem (one per problem, a unique key behind it), and each e-mail is sent
under the survey's row lock and marked sent (``sent_at``, ``reminder_sent_at``) in that
same transaction; a second run finds it marked and sends nothing. A send that fails rolls
back its mark, so the task's retry (or the beat scan) sends it again.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from problems import links
from problems.models import CustomerProblem, SatisfactionSurvey, User
from problems.workflow._base import InvalidInput, TransitionRefused

logger = logging.getLogger(__name__)

# A survey whose e-mail is still unsent this long after the close lost its task.
UNSENT_AFTER = timedelta(minutes=2)
SCAN_BATCH = 500


def survey_recipient(problem: CustomerProblem) -> User | None:
    """Whom to ask: the contact who reported it, else the customer's first default contact
    (each active, with an address, of the problem's customer)."""
    reporter = problem.reported_by
    if (
        reporter is not None
        and reporter.is_active
        and reporter.email
        and reporter.customer_id == problem.customer_id
    ):
        return reporter
    if problem.customer is None:
        return None
    return (
        problem.customer.default_contacts.filter(is_active=True, customer=problem.customer)
        .exclude(email="")
        .order_by("pk")
        .first()
    )


def survey_start(problem: CustomerProblem, *, now: datetime) -> SatisfactionSurvey | None:
    """Create the survey of a problem closing now (inside its transaction) and e-mail it
    after commit. None for a problem with nobody to ask, or a security event (which
    customers never see)."""
    if problem.customer_id is None or (problem.category and problem.category.is_security):
        return None
    recipient = survey_recipient(problem)
    if recipient is None:
        return None
    survey = SatisfactionSurvey.objects.create(
        problem=problem,
        customer_id=problem.customer_id,
        created_at=now,
        recipient=recipient,
        sent_to=recipient.email,
    )
    transaction.on_commit(lambda: _enqueue(survey.pk), robust=True)
    return survey


def _enqueue(survey_id: int) -> None:
    from problems.tasks import send_survey

    send_survey.delay(survey_id)


def survey_send(survey_id: int, *, reminder: bool = False) -> bool:
    """Send the survey (or its one reminder) unless it was sent already or answered.
    Returns whether an e-mail went out. A failure to send propagates (the caller retries)."""
    field = "reminder_sent_at" if reminder else "sent_at"
    with transaction.atomic():
        survey = (
            SatisfactionSurvey.objects.select_for_update(of=("self",))
            .select_related("problem", "recipient")
            .filter(pk=survey_id)
            .first()
        )
        if survey is None or survey.answered_at is not None or not survey.sent_to:
            return False
        if getattr(survey, field) is not None or (reminder and survey.sent_at is None):
            return False
        _message(survey, reminder=reminder).send()
        setattr(survey, field, timezone.now())
        survey.save(update_fields=[field])
    return True


def _message(survey: SatisfactionSurvey, *, reminder: bool) -> EmailMessage:
    context = {
        "survey": survey,
        "problem": survey.problem,
        "recipient": survey.recipient,
        "reminder": reminder,
        "survey_url": links.survey_url(survey.pk),
        "link_days": settings.SURVEY_LINK_DAYS,
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string("problems/email/survey_subject.txt", context)
    body = render_to_string("problems/email/survey_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[survey.sent_to])


def surveys_scan(now: datetime | None = None) -> dict[str, int]:
    """Beat: send the surveys whose task was lost, and the reminders that are due (after
    ``SURVEY_REMINDER_DAYS`` unanswered), each at most once. Two indexed queries."""
    now = now or timezone.now()
    link_life = timedelta(days=settings.SURVEY_LINK_DAYS)
    unsent = SatisfactionSurvey.objects.filter(
        sent_at__isnull=True,
        answered_at__isnull=True,
        created_at__lt=now - UNSENT_AFTER,
        created_at__gt=now - link_life,
    ).order_by("created_at")
    due = SatisfactionSurvey.objects.filter(
        answered_at__isnull=True,
        reminder_sent_at__isnull=True,
        sent_at__lte=now - timedelta(days=settings.SURVEY_REMINDER_DAYS),
        sent_at__gt=now - link_life,
    ).order_by("sent_at")
    result = {"sent": 0, "reminded": 0, "failed": 0}
    for key, queryset, reminder in (("sent", unsent, False), ("reminded", due, True)):
        for pk in list(queryset.values_list("pk", flat=True)[:SCAN_BATCH]):
            try:
                result[key] += survey_send(pk, reminder=reminder)
            except Exception as error:  # keep going; the next scan tries it again
                logger.warning("Survey %s not sent: %s", pk, error)
                result["failed"] += 1
    return result


def survey_answer(survey_id: int, *, score: int, comment: str = "") -> SatisfactionSurvey:
    """Store the customer's answer. Guard: a score of 1 to 5; not answered before (the
    answer is final: a second one is refused with TransitionRefused)."""
    if score not in range(1, 6):
        raise InvalidInput("Choose a score from 1 to 5.", field="score")
    with transaction.atomic():
        survey = (
            SatisfactionSurvey.objects.select_for_update(of=("self",))
            .select_related("problem")
            .filter(pk=survey_id)
            .first()
        )
        if survey is None:
            raise InvalidInput("No such survey.")
        if survey.answered_at is not None:
            raise TransitionRefused("This survey was answered already.")
        survey.score = score
        survey.comment = comment.strip()
        survey.answered_at = timezone.now()
        survey.save(update_fields=["score", "comment", "answered_at"])
    return survey
