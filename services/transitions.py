"""The trouble report's transitions as the user interfaces offer them: each with its form and
the workflow function it runs (the admin now, the desk's report page next)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from problems.forms import ReasonForm
from problems.workflow import TransitionRefused
from services import workflow
from services.forms import AssignReportForm, ResolveForm
from services.models import ServiceTroubleReport


@dataclass(frozen=True)
class TransitionAction:
    form: type[forms.Form] | None
    run: Callable[[ServiceTroubleReport, Any, dict[str, Any]], ServiceTroubleReport]


ACTIONS: dict[str, TransitionAction] = {
    "assign": TransitionAction(
        AssignReportForm,
        lambda r, actor, d: workflow.trouble_report_assign(
            r, actor=actor, assignee=d["assignee"], team=d.get("team")
        ),
    ),
    "hold": TransitionAction(
        ReasonForm,
        lambda r, actor, d: workflow.trouble_report_hold(r, actor=actor, reason=d["reason"]),
    ),
    "mark_pending": TransitionAction(
        ReasonForm,
        lambda r, actor, d: workflow.trouble_report_mark_pending(
            r, actor=actor, reason=d["reason"]
        ),
    ),
    "resume": TransitionAction(
        ReasonForm,
        lambda r, actor, d: workflow.trouble_report_resume(r, actor=actor, reason=d["reason"]),
    ),
    "resolve": TransitionAction(
        ResolveForm,
        lambda r, actor, d: workflow.trouble_report_resolve(
            r,
            actor=actor,
            outcome=d["outcome"],
            summary=d["summary"],
            root_cause=d.get("root_cause", ""),
        ),
    ),
    "reopen": TransitionAction(
        ReasonForm,
        lambda r, actor, d: workflow.trouble_report_reopen(r, actor=actor, reason=d["reason"]),
    ),
    "close": TransitionAction(
        None, lambda r, actor, d: workflow.trouble_report_close(r, actor=actor)
    ),
    "cancel": TransitionAction(
        ReasonForm,
        lambda r, actor, d: workflow.trouble_report_cancel(r, actor=actor, reason=d["reason"]),
    ),
    "reject": TransitionAction(
        ReasonForm,
        lambda r, actor, d: workflow.trouble_report_reject(r, actor=actor, reason=d["reason"]),
    ),
}


def perform(
    report: ServiceTroubleReport, name: str, *, actor: Any, data: dict[str, Any]
) -> ServiceTroubleReport:
    """Run the named transition through its workflow function."""
    try:
        action = ACTIONS[name]
    except KeyError:
        raise TransitionRefused(f"'{name}' is not a transition people take.") from None
    return action.run(report, actor, data)
