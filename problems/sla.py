"""Targets, jeopardy and escalation points (DESIGN.md, "Targets, jeopardy and timers").

Anything ``Clocked`` (customer problems here, service trouble reports in ``services``)
stores absolute deadlines (``respond_by``, ``jeopardy_at``, ``restore_by``,
``escalation_due_at``) so that its timer scan is one indexed query. This module computes
them and decides what a timer must do; the owner's workflow decides when, locks the row,
changes its state and writes its events.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from problems.models import (
    MAX_ESCALATION_LEVEL,
    Clocked,
    CustomerProblem,
    EscalationStep,
    PolicyScope,
    SLAPolicy,
    User,
)
from problems.models.catalogue import EscalationTrigger
from problems.permissions import SUPERVISOR

DEFAULT_JEOPARDY_PERCENT = 75


def policy_for(problem: CustomerProblem) -> SLAPolicy | None:
    """The active policy of the problem's priority and its customer's tier, else the
    policy of its priority for any tier."""
    tier = problem.customer.tier if problem.customer_id and problem.customer else ""
    return pick_policy(policies_for_priority(problem.priority), tier)


def pick_policy(policies: dict[str, SLAPolicy], tier: str) -> SLAPolicy | None:
    """A tier-specific policy wins over the any-tier one."""
    return policies.get(tier) or policies.get("")


def policies_for_priority(
    priority: int, scope: str = PolicyScope.CUSTOMER_PROBLEM
) -> dict[str, SLAPolicy]:
    """The active policies of one priority, by customer tier ("" is any tier): one query,
    so that a bulk operation picks each problem's policy without asking again."""
    return {
        policy.customer_tier: policy
        for policy in SLAPolicy.objects.filter(applies_to=scope, priority=priority, is_active=True)
    }


def trouble_report_policy_for(priority: int) -> SLAPolicy | None:
    """The active trouble-report policy of a priority."""
    return SLAPolicy.objects.filter(
        applies_to=PolicyScope.SERVICE_TROUBLE_REPORT,
        priority=priority,
        is_active=True,
    ).first()


def jeopardy_point(start: datetime, restore_by: datetime, percent: int) -> datetime:
    return start + (restore_by - start) * percent / 100


def apply_policy(item: Clocked, policy: SLAPolicy | None) -> None:
    """Set the targets from the policy, counted from the report and moved by time on hold."""
    item.sla_policy = policy
    if policy is None:
        item.respond_by = item.jeopardy_at = item.restore_by = None
        item.escalation_due_at = None
        return
    start = item.created_at + item.time_on_hold
    item.respond_by = item.created_at + policy.response_time
    item.restore_by = start + policy.restoration_time
    item.jeopardy_at = jeopardy_point(start, item.restore_by, policy.jeopardy_percent)
    item.escalation_due_at = next_escalation_at(item, steps_of(policy))


def replan_targets(item: Clocked, *, restore_by: datetime, now: datetime) -> None:
    """A re-planned target: the jeopardy point is the same share of the time left."""
    percent = item.sla_policy.jeopardy_percent if item.sla_policy else DEFAULT_JEOPARDY_PERCENT
    item.restore_by = restore_by
    item.jeopardy_at = jeopardy_point(now, restore_by, percent)


def shift_targets(item: Clocked, by: timedelta) -> None:
    """Move the restoration deadlines by time spent on hold (the clock was paused)."""
    if item.jeopardy_at is not None:
        item.jeopardy_at += by
    if item.restore_by is not None:
        item.restore_by += by


def pause(item: Clocked, *, now: datetime) -> None:
    """Stop the clock: no jeopardy and no escalation until ``resume``. No save, no event."""
    item.on_hold_since = now
    item.escalation_due_at = None


def resume(item: Clocked, *, now: datetime) -> timedelta:
    """Restart the clock: deadlines move by the time spent on hold. Returns that time.
    No save, no event; the caller sets the next escalation once its state is final."""
    if item.on_hold_since is None:
        return timedelta(0)
    held = now - item.on_hold_since
    item.time_on_hold += held
    shift_targets(item, held)
    item.on_hold_since = None
    return held


def steps_of(policy: SLAPolicy | None) -> list[EscalationStep]:
    if policy is None:
        return []
    cached: list[EscalationStep] | None = getattr(policy, "_steps_cache", None)
    if cached is None:
        cached = list(policy.escalation_steps.all())
        policy._steps_cache = cached  # type: ignore[attr-defined]
    return cached


def step_due_at(item: Clocked, step: EscalationStep) -> datetime | None:
    anchor = item.jeopardy_at if step.trigger == EscalationTrigger.JEOPARDY else item.restore_by
    return None if anchor is None else anchor + step.delay


def next_escalation_at(item: Clocked, steps: Iterable[EscalationStep]) -> datetime | None:
    """When the next automatic escalation above the current level falls due, if ever.

    None while the clock is paused (on hold) or once the item is no longer active.
    """
    if not item.is_active or item.on_hold_since is not None:
        return None
    due = [
        when
        for step in steps
        if step.level > item.escalation_level and (when := step_due_at(item, step)) is not None
    ]
    return min(due, default=None)


def steps_due(
    item: Clocked, steps: Iterable[EscalationStep], now: datetime
) -> list[EscalationStep]:
    """Steps above the current level whose time has come, lowest level first."""
    return sorted(
        (
            step
            for step in steps
            if step.level > item.escalation_level
            and (when := step_due_at(item, step)) is not None
            and when <= now
        ),
        key=lambda step: step.level,
    )


def jeopardy_due(item: Clocked, now: datetime) -> bool:
    """The jeopardy point has passed and the clock runs (the owner checks its own states)."""
    return (
        item.is_active
        and item.on_hold_since is None
        and item.jeopardy_at is not None
        and item.jeopardy_at <= now
    )


@dataclass(frozen=True)
class Escalation:
    """A raise of the escalation level, as the event records it."""

    from_level: int
    to_level: int
    reason: str

    @property
    def data(self) -> dict[str, Any]:
        return {
            "from_level": self.from_level,
            "to_level": self.to_level,
            "levels": list(range(self.from_level + 1, self.to_level + 1)),
        }


class EscalationRefused(ValueError):
    pass


def escalate(item: Clocked, *, to_level: int, reason: str) -> Escalation:
    """Raise the level (by hand, or by the timer through ``escalation_due``) and move the
    next automatic escalation. Refused unless active and above the current level, at most
    ``MAX_ESCALATION_LEVEL``. No save, no event: the caller writes its own."""
    if not item.is_active:
        raise EscalationRefused("Only an active item can be escalated.")
    if not item.escalation_level < to_level <= MAX_ESCALATION_LEVEL:
        raise EscalationRefused(
            f"The level must be above {item.escalation_level} and at most {MAX_ESCALATION_LEVEL}."
        )
    escalation = Escalation(item.escalation_level, to_level, reason)
    item.escalation_level = to_level
    item.escalation_due_at = next_escalation_at(item, steps_of(item.sla_policy))
    return escalation


def escalation_due(item: Clocked, now: datetime) -> EscalationStep | None:
    """The highest step whose time has come, if the clock runs: the timer escalates
    straight to it (a scan that was down does not climb one level per run)."""
    if not item.is_active or item.on_hold_since is not None:
        return None
    due = steps_due(item, steps_of(item.sla_policy), now)
    return due[-1] if due else None


def step_contacts(
    policy_id: int | None, levels: Iterable[int], *, team_email: str = ""
) -> dict[str, User | None]:
    """Who the policy says is told at these escalation levels: {email: user or None}."""
    steps = EscalationStep.objects.filter(policy_id=policy_id, level__in=list(levels))
    contacts: dict[str, User | None] = {}
    for step in steps.prefetch_related("notify_users"):
        for user in step.notify_users.all():
            if user.email and user.is_active:
                contacts[user.email.lower()] = user
        if step.notify_supervisors:
            supervisors = User.objects.filter(groups__name=SUPERVISOR, is_active=True)
            for user in supervisors.exclude(email=""):
                contacts[user.email.lower()] = user
        if step.notify_team and team_email:
            contacts.setdefault(team_email.lower(), None)
        for email in step.extra_emails():
            contacts.setdefault(email.lower(), None)
    return contacts
