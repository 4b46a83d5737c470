"""The weekly summary e-mail to supervisors (beat, Monday morning): last week's figures.

Exactly once per week: the ``WeeklySummary`` row for the week is inserted in the same
transaction that sends the e-mail. A second run (beat ran twice, the task was delivered
twice) finds the row, or waits on the unique index and then finds it, and sends nothing.
If sending fails the transaction rolls back, and the retry sends it.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from problems.permissions import SUPERVISOR
from reporting.models import WeeklySummary
from reporting.period import Period, ReportScope
from reporting.report import build_report

SUMMARY_TABLES = ("volumes", "times", "targets", "quality", "satisfaction")


def last_full_week(now: datetime | None = None) -> Period:
    today = timezone.localtime(now or timezone.now()).date()
    monday = today - timedelta(days=today.weekday())
    return Period.from_days(monday - timedelta(days=7), monday - timedelta(days=1), "last_week")


def supervisor_emails() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(groups__name=SUPERVISOR, is_active=True, customer__isnull=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def send_weekly_summary(now: datetime | None = None) -> dict[str, Any]:
    """Send last week's summary unless it was sent; say what happened."""
    if not settings.REPORTS_WEEKLY_SUMMARY:
        return {"sent": False, "reason": "disabled"}
    period = last_full_week(now)
    week: date = timezone.localtime(period.start).date()
    if WeeklySummary.objects.filter(week_start=week).exists():
        return {"sent": False, "reason": "already sent", "week": week.isoformat()}
    recipients = supervisor_emails()
    report = build_report(ReportScope(period))
    tables = [report[key] for key in SUMMARY_TABLES]
    figures = {table.key: table.rows for table in tables}
    try:
        with transaction.atomic():
            WeeklySummary.objects.create(week_start=week, recipients=recipients, figures=figures)
            if recipients:
                context = {
                    "period": period,
                    "tables": tables,
                    "url": settings.SITE_URL.rstrip("/") + "/reports/?preset=last_week",
                }
                send_mail(
                    subject=f"ProblemDesk: the week of {period.label}",
                    message=render_to_string("reporting/email/weekly_summary.txt", context),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                    html_message=render_to_string("reporting/email/weekly_summary.html", context),
                )
    except IntegrityError:
        return {"sent": False, "reason": "already sent", "week": week.isoformat()}
    return {"sent": bool(recipients), "week": week.isoformat(), "recipients": len(recipients)}
