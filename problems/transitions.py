"""The state machine's transitions as the user interfaces offer them: each with its form
and the workflow function it runs. The admin, the desk and the portal use these tables,
so a button always goes through the one door for writes.

``ACTIONS`` are the state machine's transitions (which ones a user may take now comes
from the state machine, ``selectors.available_transitions``). ``OPERATIONS`` are the
other actions on a problem that are not state changes (hold, resume, escalate), each with
its own availability rule. ``PORTAL_ACTIONS`` give the customer's own transitions the
portal's words and forms.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms

from problems import selectors, workflow
from problems.forms import (
    AssignForm,
    CancelForm,
    ClearForm,
    CloseForm,
    ConfirmResolutionForm,
    CustomerReopenForm,
    EscalateForm,
    HoldForm,
    ReasonForm,
    ReplanForm,
    ResumeForm,
    WithdrawForm,
)
from problems.models import ACTIVE_STATES, CancellationKind, CustomerProblem, State
from problems.workflow.timers import MAX_ESCALATION_LEVEL


@dataclass(frozen=True)
class TransitionAction:
    form: type[forms.Form]
    run: Callable[[CustomerProblem, Any, dict[str, Any]], CustomerProblem]
    # How the desk and the portal present it: button label, what it does, Bootstrap colour.
    label: str = ""
    help: str = ""
    style: str = "secondary"
    done: str = "Done."


@dataclass(frozen=True)
class Operation(TransitionAction):
    available: Callable[[CustomerProblem, Any], bool] = field(default=lambda problem, user: False)


ACTIONS: dict[str, TransitionAction] = {
    "assign": TransitionAction(
        AssignForm,
        lambda p, actor, d: workflow.problem_assign(
            p, actor=actor, assignee=d["assignee"], team=d.get("team")
        ),
        label="Assign",
        help="Give the problem to an agent of its team (or move it to another team).",
        style="primary",
        done="Assigned.",
    ),
    "replan": TransitionAction(
        ReplanForm,
        lambda p, actor, d: workflow.problem_replan(
            p, actor=actor, restore_by=d["restore_by"], reason=d["reason"]
        ),
        label="Re-plan",
        help="Set a new restoration target; the jeopardy point moves with it.",
        style="warning",
        done="Re-planned.",
    ),
    "clear": TransitionAction(
        ClearForm,
        lambda p, actor, d: workflow.problem_clear(
            p, actor=actor, outcome=d["outcome"], summary=d["summary"], root_cause=d["root_cause"]
        ),
        label="Clear",
        help="The service is restored: the customer is asked to confirm.",
        style="success",
        done="Cleared: the customer is asked to confirm.",
    ),
    "reopen": TransitionAction(
        ReasonForm,
        lambda p, actor, d: workflow.problem_reopen(p, actor=actor, reason=d["reason"]),
        label="Reopen",
        help="The problem is not fixed after all.",
        style="outline-secondary",
        done="Reopened.",
    ),
    "close": TransitionAction(
        CloseForm,
        lambda p, actor, d: workflow.problem_close(p, actor=actor, confirmed=d["confirmed"]),
        label="Close",
        help="The customer confirmed the resolution, or the confirmation window passed.",
        style="outline-success",
        done="Closed.",
    ),
    "cancel": TransitionAction(
        CancelForm,
        lambda p, actor, d: workflow.problem_cancel(
            p, actor=actor, kind=d["kind"], reason=d["reason"], duplicate_of=d["duplicate_of"]
        ),
        label="Cancel",
        help="An incorrect, duplicate, withdrawn or not accepted report.",
        style="outline-danger",
        done="Cancelled.",
    ),
}

OPERATIONS: dict[str, Operation] = {
    "hold": Operation(
        HoldForm,
        lambda p, actor, d: workflow.problem_hold(
            p, actor=actor, reason=d["reason"], note=d["note"]
        ),
        label="Put on hold",
        help="Waiting on the customer or a supplier: the clock stops until resumed.",
        style="outline-secondary",
        done="Put on hold: the clock is paused.",
        available=lambda p, user: (
            p.state == State.ASSIGNED
            and p.on_hold_since is None
            and user.has_perm("problems.hold_problem")
        ),
    ),
    "resume": Operation(
        ResumeForm,
        lambda p, actor, d: workflow.problem_resume(p, actor=actor, note=d["note"]),
        label="Resume",
        help="Restart the clock; the targets move by the time on hold.",
        style="primary",
        done="Resumed: the clock runs again.",
        available=lambda p, user: (
            p.on_hold_since is not None and user.has_perm("problems.hold_problem")
        ),
    ),
    "escalate": Operation(
        EscalateForm,
        lambda p, actor, d: workflow.problem_escalate(
            p, actor=actor, reason=d["reason"], level=d["level"]
        ),
        label="Escalate",
        help="Raise the escalation level; the SLA policy says who is told.",
        style="outline-secondary",
        done="Escalated.",
        available=lambda p, user: (
            p.state in ACTIVE_STATES
            and p.escalation_level < MAX_ESCALATION_LEVEL
            and user.has_perm("problems.escalate_problem")
        ),
    ),
}

PORTAL_ACTIONS: dict[str, TransitionAction] = {
    "close": TransitionAction(
        ConfirmResolutionForm,
        lambda p, actor, d: workflow.problem_close(p, actor=actor, confirmed=True),
        label="Confirm it is fixed",
        help="The problem is solved for you: we close it.",
        style="success",
        done="Thank you: the problem is closed.",
    ),
    "reopen": TransitionAction(
        CustomerReopenForm,
        lambda p, actor, d: workflow.problem_reopen(p, actor=actor, reason=d["reason"]),
        label="It is not fixed",
        help="Tell us what is still wrong and we take it up again.",
        style="outline-danger",
        done="Reopened: we are on it again.",
    ),
    "cancel": TransitionAction(
        WithdrawForm,
        lambda p, actor, d: workflow.problem_cancel(
            p, actor=actor, kind=CancellationKind.WITHDRAWN, reason=d["reason"]
        ),
        label="Withdraw",
        help="You no longer need us to look at it.",
        style="outline-secondary",
        done="Withdrawn.",
    ),
}


@dataclass(frozen=True)
class Available:
    name: str
    action: TransitionAction


def available_actions(
    problem: CustomerProblem, user: Any, *, table: dict[str, TransitionAction] | None = None
) -> list[Available]:
    """What this user may do to the problem now: the state machine's transitions (from the
    state machine itself), then, on the desk, the other operations whose rule allows them."""
    table = ACTIONS if table is None else table
    allowed = {transition.name for transition in selectors.available_transitions(problem, user)}
    # In the table's order, so that the buttons keep their places from page to page.
    found = [Available(name, action) for name, action in table.items() if name in allowed]
    if table is ACTIONS:
        found += [
            Available(name, operation)
            for name, operation in OPERATIONS.items()
            if operation.available(problem, user)
        ]
    return found


def find_action(
    problem: CustomerProblem, user: Any, name: str, *, table: dict[str, TransitionAction]
) -> TransitionAction | None:
    for available in available_actions(problem, user, table=table):
        if available.name == name:
            return available.action
    return None


def perform(
    problem: CustomerProblem, name: str, *, actor: Any, data: dict[str, Any]
) -> CustomerProblem:
    """Run the named transition through its workflow function."""
    try:
        action = ACTIONS[name]
    except KeyError:
        raise workflow.TransitionRefused(f"'{name}' is not a transition people take.") from None
    return action.run(problem, actor, data)
