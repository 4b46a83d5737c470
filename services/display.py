"""How alarms and trouble reports read on the desk's network pages: severity and state
badges, and the time left to a report's jeopardy point and restoration target (the same
colour cue as customer problems, ``problems.display``)."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from problems.display import NOT_APPLICABLE, SOON, TimeLeft, duration
from services.models import PerceivedSeverity, ReportState, ServiceTroubleReport

SEVERITY_TONES: dict[str, str] = {
    PerceivedSeverity.CRITICAL: "danger",
    PerceivedSeverity.MAJOR: "warning",
    PerceivedSeverity.MINOR: "info",
    PerceivedSeverity.WARNING: "light border",
    PerceivedSeverity.INDETERMINATE: "secondary",
    PerceivedSeverity.CLEARED: "success",
}
REPORT_STATE_TONES: dict[str, str] = {
    ReportState.ACKNOWLEDGED: "primary",
    ReportState.IN_PROGRESS: "info",
    ReportState.HELD: "secondary",
    ReportState.PENDING: "secondary",
    ReportState.RESOLVED: "success",
    ReportState.CLOSED: "dark",
    ReportState.CANCELLED: "light border",
    ReportState.REJECTED: "light border",
}


def severity_badge(severity: str) -> SafeString:
    label = PerceivedSeverity(severity).label if severity in PerceivedSeverity.values else severity
    return format_html(
        '<span class="badge text-bg-{} severity-badge" data-severity="{}">{}</span>',
        SEVERITY_TONES.get(severity, "secondary"),
        severity,
        label,
    )


def report_state_badge(report: ServiceTroubleReport) -> SafeString:
    return format_html(
        '<span class="badge rounded-pill text-bg-{} state-badge">{}</span>',
        REPORT_STATE_TONES.get(report.state, "secondary"),
        report.get_state_display(),
    )


def _left(deadline: datetime, report: ServiceTroubleReport, now: datetime) -> timedelta:
    # Held or pending, the clock is paused: what was left when it stopped is still left.
    return deadline - (report.on_hold_since or now)


def time_to_jeopardy(report: ServiceTroubleReport, now: datetime | None = None) -> TimeLeft:
    if not report.is_active or report.jeopardy_at is None:
        return NOT_APPLICABLE
    left = _left(report.jeopardy_at, report, now or timezone.now())
    if report.on_hold_since is not None:
        return TimeLeft(
            f"paused, {duration(left)} left" if left > timedelta(0) else "paused", "info"
        )
    if left <= timedelta(0) or report.jeopardy_since is not None:
        return TimeLeft(f"passed {duration(left)} ago", "danger", overdue=True)
    return TimeLeft(f"{duration(left)} left", "warning" if left <= SOON else "success")


def time_to_restore(report: ServiceTroubleReport, now: datetime | None = None) -> TimeLeft:
    if report.restore_by is None:
        return NOT_APPLICABLE
    if report.state in (ReportState.RESOLVED, ReportState.CLOSED):
        if report.resolved_at is None:
            return NOT_APPLICABLE
        late = report.resolved_at - report.restore_by
        if late > timedelta(0):
            return TimeLeft(f"missed by {duration(late)}", "danger", overdue=True)
        return TimeLeft("met", "success")
    if not report.is_active:
        return NOT_APPLICABLE
    left = _left(report.restore_by, report, now or timezone.now())
    if report.on_hold_since is not None:
        return TimeLeft(f"paused, {duration(left)} left", "info")
    if left <= timedelta(0):
        return TimeLeft(f"overdue {duration(left)}", "danger", overdue=True)
    return TimeLeft(f"{duration(left)} left", "warning" if left <= SOON else "success")


def time_badge(left: TimeLeft) -> SafeString:
    return format_html('<span class="badge time-left {}">{}</span>', left.css, left.text)
