"""The satisfaction survey (eTOM 1.3.7.4): created when a problem closes, e-mailed once,
reminded once, answered once.

Exactly once, however often a task runs: the survey row is created in the transaction that
closes the problem (one per problem, a unique key behind it), and each e-mail is sent
under the survey's row lock and marked sent (``sent_at``, ``reminder_sent_at``) in that
same transaction; a second run finds it marked and sends nothing. A send that fails rolls
back its mark, so the task's retry (or the beat scan) sends it again.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from problems import links
from problems.models import Customer, CustomerProblem, SatisfactionSurvey, User
from problems.workflow._base import InvalidInput, TransitionRefused

logger = logging.getLogger(__name__)

# A survey whose e-mail is still unsent this long after the close lost its task.
UNSENT_AFTER = timedelta(minutes=2)
SCAN_BATCH = 500


def survey_recipients(problems: Sequence[CustomerProblem]) -> dict[int, User]:
    """Whom to ask, per problem id: the contact who reported it, else the customer's first
    default contact (active, with an address, of the problem's customer). Security events
    and problems without a customer get nobody. At most two queries for any number."""
    asking = [
        p
        for p in problems
        if p.customer_id is not None and not (p.category_id and p.category.is_security)  # type: ignore[union-attr]
    ]
    reporters = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={p.reported_by_id for p in asking if p.reported_by_id},
            is_active=True,
        ).exclude(email="")
    }
    chosen: dict[int, User] = {}
    missing: list[CustomerProblem] = []
    for problem in asking:
        reporter = reporters.get(problem.reported_by_id or 0)
        if reporter is not None and reporter.customer_id == problem.customer_id:
            chosen[problem.pk] = reporter
        else:
            missing.append(problem)
    if missing:
        first_contact: dict[int, User] = {}
        links = (
            Customer.default_contacts.through.objects.filter(
                customer_id__in={p.customer_id for p in missing},
                user__is_active=True,
                user__customer_id=F("customer_id"),
            )
            .exclude(user__email="")
            .select_related("user")
            .order_by("user_id")
        )
        for link in links:
            first_contact.setdefault(link.customer_id, link.user)
        for problem in missing:
            if problem.customer_id in first_contact:
                chosen[problem.pk] = first_contact[problem.customer_id]
    return chosen


def surveys_start(
    problems: Sequence[CustomerProblem], *, now: datetime
) -> list[SatisfactionSurvey]:
    """Create the surveys of problems closing now, inside the transaction that closes them,
    and e-mail them after commit (one task per batch). A problem with nobody to ask gets
    none. A fixed number of queries however many problems close together."""
    recipients = survey_recipients(problems)
    surveys = [
        SatisfactionSurvey(
            problem=problem,
            customer_id=cast(int, problem.customer_id),  # only problems of a customer get one
            created_at=now,
            recipient=recipients[problem.pk],
            sent_to=recipients[problem.pk].email,
        )
        for problem in problems
        if problem.pk in recipients
    ]
    if not surveys:
        return []
    SatisfactionSurvey.objects.bulk_create(surveys, batch_size=1000)
    ids = [survey.pk for survey in surveys]
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return surveys


SURVEYS_PER_TASK = 200


def _enqueue(survey_ids: list[int]) -> None:
    from problems.tasks import send_surveys

    for start in range(0, len(survey_ids), SURVEYS_PER_TASK):
        send_surveys.delay(survey_ids[start : start + SURVEYS_PER_TASK])


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
