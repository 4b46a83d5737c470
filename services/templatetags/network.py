"""Template helpers for the desk's network pages (alarms and service trouble reports)."""

from django import template
from django.utils.safestring import SafeString

from services import display
from services.models import ServiceTroubleReport

register = template.Library()


@register.simple_tag
def severity_badge(severity: str) -> SafeString:
    return display.severity_badge(severity)


@register.simple_tag
def report_state_badge(report: ServiceTroubleReport) -> SafeString:
    return display.report_state_badge(report)


@register.simple_tag
def report_time_badge(report: ServiceTroubleReport, which: str) -> SafeString:
    """Time left to the jeopardy point ("jeopardy") or the restoration target ("restore")."""
    left = (
        display.time_to_jeopardy(report) if which == "jeopardy" else display.time_to_restore(report)
    )
    return display.time_badge(left)
