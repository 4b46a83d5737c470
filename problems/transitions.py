"""The state machine's transitions as the user interfaces offer them: each with its form
and the workflow function it runs. The admin and the desk both use this table, so a
transition button always goes through the one door for writes."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from problems import workflow
from problems.forms import AssignForm, CancelForm, ClearForm, CloseForm, ReasonForm, ReplanForm
from problems.models import CustomerProblem


@dataclass(frozen=True)
class TransitionAction:
    form: type[forms.Form]
    run: Callable[[CustomerProblem, Any, dict[str, Any]], CustomerProblem]


ACTIONS: dict[str, TransitionAction] = {
    "assign": TransitionAction(
        AssignForm,
        lambda p, actor, d: workflow.problem_assign(
            p, actor=actor, assignee=d["assignee"], team=d.get("team")
        ),
    ),
    "replan": TransitionAction(
        ReplanForm,
        lambda p, actor, d: workflow.problem_replan(
            p, actor=actor, restore_by=d["restore_by"], reason=d["reason"]
        ),
    ),
    "clear": TransitionAction(
        ClearForm,
        lambda p, actor, d: workflow.problem_clear(
            p, actor=actor, outcome=d["outcome"], summary=d["summary"], root_cause=d["root_cause"]
        ),
    ),
    "reopen": TransitionAction(
        ReasonForm, lambda p, actor, d: workflow.problem_reopen(p, actor=actor, reason=d["reason"])
    ),
    "close": TransitionAction(
        CloseForm,
        lambda p, actor, d: workflow.problem_close(p, actor=actor, confirmed=d["confirmed"]),
    ),
    "cancel": TransitionAction(
        CancelForm,
        lambda p, actor, d: workflow.problem_cancel(
            p, actor=actor, kind=d["kind"], reason=d["reason"], duplicate_of=d["duplicate_of"]
        ),
    ),
}


def perform(
    problem: CustomerProblem, name: str, *, actor: Any, data: dict[str, Any]
) -> CustomerProblem:
    """Run the named transition through its workflow function."""
    try:
        action = ACTIONS[name]
    except KeyError:
        raise workflow.TransitionRefused(f"'{name}' is not a transition people take.") from None
    return action.run(problem, actor, data)
