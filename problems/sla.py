"""Targets and escalation points (DESIGN.md, "Targets, jeopardy and timers").

A problem stores absolute deadlines (``respond_by``, ``jeopardy_at``, ``restore_by``,
``escalation_due_at``) so that the timer scan is one indexed query. This module computes
them; the workflow decides when.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q

from problems.models import ACTIVE_STATES, CustomerProblem, EscalationStep, SLAPolicy
from problems.models.catalogue import EscalationTrigger


def policy_for(problem: CustomerProblem) -> SLAPolicy | None:
    """The active policy of the problem's priority and its customer's tier, else the
    policy of its priority for any tier."""
    tier = problem.customer.tier if problem.customer_id and problem.customer else ""
    candidates = SLAPolicy.objects.filter(
        Q(customer_tier=tier) | Q(customer_tier=""), priority=problem.priority, is_active=True
    )
    # A tier-specific policy wins over the any-tier one: "" sorts first, so take the last.
    return max(candidates, key=lambda policy: policy.customer_tier != "", default=None)


def jeopardy_point(start: datetime, restore_by: datetime, percent: int) -> datetime:
    return start + (restore_by - start) * percent / 100


def apply_policy(problem: CustomerProblem, policy: SLAPolicy | None) -> None:
    """Set the targets from the policy, counted from the report and moved by time on hold."""
    problem.sla_policy = policy
    if policy is None:
        problem.respond_by = problem.jeopardy_at = problem.restore_by = None
        problem.escalation_due_at = None
        return
    start = problem.created_at + problem.time_on_hold
    problem.respond_by = problem.created_at + policy.response_time
    problem.restore_by = start + policy.restoration_time
    problem.jeopardy_at = jeopardy_point(start, problem.restore_by, policy.jeopardy_percent)
    problem.escalation_due_at = next_escalation_at(problem, steps_of(policy))


def replan_targets(problem: CustomerProblem, *, restore_by: datetime, now: datetime) -> None:
    """A re-planned target: the jeopardy point is the same share of the time left."""
    percent = problem.sla_policy.jeopardy_percent if problem.sla_policy else 75
    problem.restore_by = restore_by
    problem.jeopardy_at = jeopardy_point(now, restore_by, percent)


def shift_targets(problem: CustomerProblem, by: timedelta) -> None:
    """Move the restoration deadlines by time spent on hold (the clock was paused)."""
    if problem.jeopardy_at is not None:
        problem.jeopardy_at += by
    if problem.restore_by is not None:
        problem.restore_by += by


def steps_of(policy: SLAPolicy | None) -> list[EscalationStep]:
    if policy is None:
        return []
    cached: list[EscalationStep] | None = getattr(policy, "_steps_cache", None)
    if cached is None:
        cached = list(policy.escalation_steps.all())
        policy._steps_cache = cached  # type: ignore[attr-defined]
    return cached


def step_due_at(problem: CustomerProblem, step: EscalationStep) -> datetime | None:
    anchor = (
        problem.jeopardy_at if step.trigger == EscalationTrigger.JEOPARDY else problem.restore_by
    )
    return None if anchor is None else anchor + step.delay


def next_escalation_at(
    problem: CustomerProblem, steps: Iterable[EscalationStep]
) -> datetime | None:
    """When the next automatic escalation above the current level falls due, if ever.

    None while the clock is paused (on hold) or once the problem is no longer active.
    """
    if problem.state not in ACTIVE_STATES or problem.on_hold_since is not None:
        return None
    due = [
        when
        for step in steps
        if step.level > problem.escalation_level
        and (when := step_due_at(problem, step)) is not None
    ]
    return min(due, default=None)


def steps_due(
    problem: CustomerProblem, steps: Iterable[EscalationStep], now: datetime
) -> list[EscalationStep]:
    """Steps above the current level whose time has come, lowest level first."""
    return sorted(
        (
            step
            for step in steps
            if step.level > problem.escalation_level
            and (when := step_due_at(problem, step)) is not None
            and when <= now
        ),
        key=lambda step: step.level,
    )
