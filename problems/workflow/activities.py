"""eTOM *Correct & Recover Customer Problem* (1.3.7.6): recovery activities and outcomes."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from problems.models import (
    ACTIVE_STATES,
    ActivityKind,
    ActivityOutcome,
    ActivityStatus,
    CustomerProblem,
    EventKind,
    RecoveryActivity,
    Team,
    User,
)
from problems.workflow._base import (
    Actor,
    InvalidInput,
    TransitionRefused,
    actor_user,
    lock_problem,
    record_event,
    require_permission,
)


def activity_schedule(
    problem: CustomerProblem,
    *,
    actor: Actor,
    kind: str,
    summary: str,
    details: str = "",
    assignee: User | None = None,
    team: Team | None = None,
    supplier_name: str = "",
    external_reference: str = "",
    scheduled_for: datetime | None = None,
) -> RecoveryActivity:
    """Schedule a recovery activity on an active problem.

    Guard: the problem is active; a kind and a summary are given; a supplier/partner request
    names the supplier; ``manage_activities`` permission.
    """
    require_permission(actor, "problems.manage_activities", "schedule recovery activities")
    if kind not in ActivityKind.values:
        raise InvalidInput("Choose the kind of activity.", field="kind")
    if not summary.strip():
        raise InvalidInput("Say what is to be done.", field="summary")
    if kind == ActivityKind.SUPPLIER_REQUEST and not supplier_name.strip():
        raise InvalidInput("Name the supplier or partner.", field="supplier_name")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        if problem.state not in ACTIVE_STATES:
            raise TransitionRefused("Activities are scheduled on active problems only.")
        activity = RecoveryActivity.objects.create(
            problem=problem,
            kind=kind,
            summary=summary.strip(),
            details=details.strip(),
            assignee=assignee,
            team=team,
            supplier_name=supplier_name.strip(),
            external_reference=external_reference.strip(),
            scheduled_for=scheduled_for,
            created_by=actor_user(actor),
        )
        record_event(
            problem,
            actor=actor,
            kind=EventKind.ACTIVITY_SCHEDULED,
            message=f"{activity.get_kind_display()}: {activity.summary}",
            data={"activity": activity.pk, "kind": kind},
        )
    return activity


def activity_update(
    activity: RecoveryActivity,
    *,
    actor: Actor,
    start: bool = False,
    note: str = "",
    assignee: User | None = None,
    external_reference: str | None = None,
) -> RecoveryActivity:
    """Record progress on a running activity: start it, re-assign it, note progress or the
    supplier's reference. Guard: the activity is still running."""
    require_permission(actor, "problems.manage_activities", "update recovery activities")
    with transaction.atomic():
        problem = lock_problem(activity.problem_id, actor=actor)
        activity = RecoveryActivity.objects.select_for_update().get(pk=activity.pk)
        if not activity.is_running:
            raise TransitionRefused("This activity is no longer running.")
        changes: dict[str, object] = {}
        if start and activity.status == ActivityStatus.SCHEDULED:
            activity.status = ActivityStatus.IN_PROGRESS
            activity.started_at = timezone.now()
            changes["status"] = ActivityStatus.IN_PROGRESS
        if assignee is not None and assignee.pk != activity.assignee_id:
            activity.assignee = assignee
            changes["assignee"] = assignee.pk
        if external_reference is not None and external_reference != activity.external_reference:
            activity.external_reference = external_reference.strip()
            changes["external_reference"] = activity.external_reference
        if not changes and not note.strip():
            raise InvalidInput("Nothing to update: start it, re-assign it or add a note.")
        activity.save()
        record_event(
            problem,
            actor=actor,
            kind=EventKind.ACTIVITY_UPDATED,
            message=note.strip() or f"{activity.summary}: updated.",
            data={"activity": activity.pk, "changes": changes},
        )
    return activity


def activity_complete(
    activity: RecoveryActivity, *, actor: Actor, outcome: str, notes: str = ""
) -> RecoveryActivity:
    """Complete an activity with its outcome: restored, restored by workaround, or
    unsuccessful. Guard: the activity is still running; an outcome is given."""
    require_permission(actor, "problems.manage_activities", "complete recovery activities")
    if outcome not in ActivityOutcome.values:
        raise InvalidInput("Choose the outcome.", field="outcome")
    return _finish(
        activity, actor=actor, status=ActivityStatus.COMPLETED, outcome=outcome, notes=notes
    )


def activity_cancel(activity: RecoveryActivity, *, actor: Actor, reason: str) -> RecoveryActivity:
    """Cancel an activity that is no longer needed. Guard: still running; a reason."""
    require_permission(actor, "problems.manage_activities", "cancel recovery activities")
    if not reason.strip():
        raise InvalidInput("Say why the activity is cancelled.", field="reason")
    return _finish(activity, actor=actor, status=ActivityStatus.CANCELLED, outcome="", notes=reason)


def _finish(
    activity: RecoveryActivity, *, actor: Actor, status: str, outcome: str, notes: str
) -> RecoveryActivity:
    with transaction.atomic():
        problem = lock_problem(activity.problem_id, actor=actor)
        activity = RecoveryActivity.objects.select_for_update().get(pk=activity.pk)
        if not activity.is_running:
            raise TransitionRefused("This activity is no longer running.")
        activity.status = status
        activity.outcome = outcome
        activity.outcome_notes = notes.strip()
        activity.completed_at = timezone.now()
        activity.save()
        completed = status == ActivityStatus.COMPLETED
        record_event(
            problem,
            actor=actor,
            kind=EventKind.ACTIVITY_COMPLETED if completed else EventKind.ACTIVITY_UPDATED,
            message=(
                f"{activity.summary}: {activity.get_outcome_display().lower()}."
                if completed
                else f"{activity.summary}: cancelled. {activity.outcome_notes}"
            ),
            data={"activity": activity.pk, "status": status, "outcome": outcome},
        )
    return activity
