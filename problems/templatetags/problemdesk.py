"""Template helpers for the desk and the portal."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from problems import display
from problems.models import CustomerProblem, Priority, State

register = template.Library()

STATE_TONES = {
    State.OPEN: "primary",
    State.ASSIGNED: "info",
    State.IN_JEOPARDY: "danger",
    State.CLEARED: "success",
    State.CLOSED: "secondary",
    State.CANCELLED: "secondary",
}
PRIORITY_TONES = {
    Priority.CRITICAL: "danger",
    Priority.HIGH: "warning",
    Priority.MEDIUM: "info",
    Priority.LOW: "secondary",
}


@register.simple_tag
def state_badge(problem: CustomerProblem) -> SafeString:
    tone = STATE_TONES.get(problem.state, "secondary")
    return format_html(
        '<span class="badge rounded-pill text-bg-{} state-badge">{}</span>',
        tone,
        problem.get_state_display(),
    )


@register.simple_tag
def priority_badge(problem: CustomerProblem) -> SafeString:
    tone = PRIORITY_TONES.get(problem.priority, "secondary")
    return format_html(
        '<span class="badge text-bg-{} bg-opacity-75">{}</span>',
        tone,
        problem.get_priority_display(),
    )


@register.simple_tag
def time_badge(problem: CustomerProblem, which: str) -> SafeString:
    """Time left to the jeopardy point ("jeopardy") or the restoration target ("restore")."""
    left = (
        display.time_to_jeopardy(problem)
        if which == "jeopardy"
        else display.time_to_restore(problem)
    )
    return format_html('<span class="badge time-left {}">{}</span>', left.css, left.text)


@register.filter
def customer_status(problem: CustomerProblem) -> display.CustomerStatus:
    return display.customer_status(problem)


@register.filter
def customer_event_text(event: Any) -> str:
    return display.customer_event_text(event)


@register.filter
def customer_actor(event: Any) -> str:
    return display.customer_actor(event)


@register.filter
def field_type(bound_field: Any) -> str:
    """The widget's kind, so that one form template can lay out every field."""
    return bound_field.field.widget.__class__.__name__


WIDGET_CLASSES = {
    "CheckboxInput": "form-check-input",
    "CheckboxSelectMultiple": "form-check-input",
    "RadioSelect": "form-check-input",
    "Select": "form-select",
    "SelectMultiple": "form-select",
}


@register.simple_tag
def widget(bound_field: Any, **attrs: Any) -> SafeString:
    """The field's widget with Bootstrap's classes, and tied to its help and errors for
    screen readers (aria-describedby, aria-invalid)."""
    kind = bound_field.field.widget.__class__.__name__
    css = WIDGET_CLASSES.get(kind, "form-control")
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        css += " is-invalid"
        described.append(f"{bound_field.auto_id}_error")
        attrs.setdefault("aria-invalid", "true")
    if described:
        attrs.setdefault("aria-describedby", " ".join(described))
    attrs["class"] = f"{css} {attrs.get('class', '')}".strip()
    return bound_field.as_widget(attrs=attrs)  # type: ignore[no-any-return]


@register.simple_tag(takes_context=True)
def active(context: Any, *url_names: str) -> str:
    """'active' when the current page is one of these URL names (for the navigation)."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None:
        return ""
    return "active" if match.view_name in url_names else ""
