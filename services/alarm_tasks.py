"""Alarm operations of the TMF642 API, in the shape of ``services.alarms``: each one
transaction, the alarms locked in id order, permission checked, the change signalled
(the hub's outbox is written in the same transaction).

The tasks (ackAlarms, unAckAlarms, clearAlarms, commentAlarms) act on every alarm given
that the operation applies to (acknowledging skips alarms already acknowledged, clearing
skips cleared ones) and are recorded (``AlarmTask``) with the alarms they changed.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from problems.models import User
from problems.workflow._base import (
    InvalidInput,
    TransitionRefused,
    actor_label,
    actor_user,
    require_permission,
)
from services import correlation
from services.alarms import CHANGED_FIELDS, _clear, _may_handle_alarms, _tell_reports_of_clears
from services.models import (
    SEVERITY_RANK,
    AckState,
    Alarm,
    AlarmComment,
    AlarmState,
    AlarmTask,
    AlarmTaskKind,
    PerceivedSeverity,
)
from services.signals import alarm_deleting, alarm_task_recorded, alarms_changed

SYSTEM_ID = "problemdesk"
ACK_FIELDS = ["ack_state", "acknowledged_by", "ack_user_id", "ack_system_id", "acknowledged_at"]


def _lock(alarms: Sequence[Alarm]) -> list[Alarm]:
    return list(
        Alarm.objects.select_for_update(of=("self",))
        .filter(pk__in=[alarm.pk for alarm in alarms])
        .order_by("pk")
    )


def _record(
    kind: AlarmTaskKind, *, actor: User, request: dict[str, Any], alarms: list[Alarm]
) -> AlarmTask:
    task = AlarmTask.objects.create(kind=kind, request=request, actor=actor)
    task.alarms.set(alarms)
    alarm_task_recorded.send(sender=AlarmTask, task=task)
    return task


def alarms_acknowledge(
    alarms: Sequence[Alarm],
    *,
    actor: User,
    user_id: str = "",
    system_id: str = "",
    at: datetime | None = None,
    request: dict[str, Any] | None = None,
) -> AlarmTask | None:
    """Acknowledge the alarms not yet acknowledged; ``request`` given: recorded as an
    ackAlarms task. Guard: ``acknowledge_alarm`` permission."""
    _may_handle_alarms(actor, "services.acknowledge_alarm", "acknowledge alarms")
    with transaction.atomic():
        changed = []
        for alarm in _lock(alarms):
            if alarm.ack_state == AckState.ACKNOWLEDGED:
                continue
            alarm.ack_state = AckState.ACKNOWLEDGED
            alarm.acknowledged_by = actor_user(actor)
            alarm.ack_user_id = (user_id or actor_label(actor))[:150]
            alarm.ack_system_id = (system_id or SYSTEM_ID)[:100]
            alarm.acknowledged_at = at or timezone.now()
            changed.append(alarm)
        Alarm.objects.bulk_update(changed, ACK_FIELDS)
        if changed:
            alarms_changed.send(sender=Alarm, changes=[(a, "acknowledged") for a in changed])
        if request is None:
            return None
        return _record(AlarmTaskKind.ACK, actor=actor, request=request, alarms=changed)


def alarms_unacknowledge(
    alarms: Sequence[Alarm],
    *,
    actor: User,
    user_id: str = "",
    system_id: str = "",
    request: dict[str, Any] | None = None,
) -> AlarmTask | None:
    """Take back the acknowledgement of acknowledged alarms (someone else is to handle
    them). Guard: ``acknowledge_alarm`` permission."""
    _may_handle_alarms(actor, "services.acknowledge_alarm", "unacknowledge alarms")
    with transaction.atomic():
        changed = []
        for alarm in _lock(alarms):
            if alarm.ack_state != AckState.ACKNOWLEDGED:
                continue
            alarm.ack_state = AckState.UNACKNOWLEDGED
            alarm.acknowledged_by = None
            alarm.ack_user_id = (user_id or actor_label(actor))[:150]
            alarm.ack_system_id = (system_id or SYSTEM_ID)[:100]
            alarm.acknowledged_at = None
            changed.append(alarm)
        Alarm.objects.bulk_update(changed, ACK_FIELDS)
        if changed:
            alarms_changed.send(sender=Alarm, changes=[(a, "unacknowledged") for a in changed])
        if request is None:
            return None
        return _record(AlarmTaskKind.UNACK, actor=actor, request=request, alarms=changed)


def alarms_clear(
    alarms: Sequence[Alarm],
    *,
    actor: User,
    user_id: str = "",
    system_id: str = "",
    cleared_at: datetime | None = None,
    request: dict[str, Any] | None = None,
) -> AlarmTask | None:
    """Clear raised alarms by hand; their trouble reports hear of it.
    Guard: ``clear_alarm`` permission."""
    _may_handle_alarms(actor, "services.clear_alarm", "clear alarms")
    with transaction.atomic():
        now = timezone.now()
        changed = []
        for alarm in _lock(alarms):
            if not alarm.is_raised:
                continue
            _clear(alarm, at=cleared_at or now, now=now, system=(system_id or SYSTEM_ID)[:100])
            alarm.cleared_by = actor_user(actor)
            alarm.clear_user_id = (user_id or actor_label(actor))[:150]
            changed.append(alarm)
        Alarm.objects.bulk_update(changed, [*CHANGED_FIELDS, "cleared_by", "clear_user_id"])
        _tell_reports_of_clears(changed, actor=actor)
        if changed:
            alarms_changed.send(sender=Alarm, changes=[(a, "cleared") for a in changed])
        if request is None:
            return None
        return _record(AlarmTaskKind.CLEAR, actor=actor, request=request, alarms=changed)


def alarms_comment(
    alarms: Sequence[Alarm],
    *,
    actor: User,
    text: str,
    user_id: str = "",
    system_id: str = "",
    time: datetime | None = None,
    request: dict[str, Any] | None = None,
) -> AlarmTask | None:
    """Add a comment to each alarm. Guard: a text; ``acknowledge_alarm`` permission (those
    who handle alarms comment on them)."""
    _may_handle_alarms(actor, "services.acknowledge_alarm", "comment on alarms")
    if not text.strip():
        raise InvalidInput("Write the comment.", field="comment.comment")
    with transaction.atomic():
        locked = _lock(alarms)
        AlarmComment.objects.bulk_create(
            [
                AlarmComment(
                    alarm=alarm,
                    text=text.strip(),
                    user_id_label=(user_id or actor_label(actor))[:150],
                    system_id=(system_id or SYSTEM_ID)[:100],
                    time=time or timezone.now(),
                    author=actor_user(actor),
                )
                for alarm in locked
            ]
        )
        if locked:
            alarms_changed.send(sender=Alarm, changes=[(a, "commented") for a in locked])
        if request is None:
            return None
        return _record(AlarmTaskKind.COMMENT, actor=actor, request=request, alarms=locked)


def alarm_update(
    alarm: Alarm,
    *,
    actor: User,
    perceived_severity: str | None = None,
    alarm_details: str | None = None,
    proposed_repaired_actions: str | None = None,
) -> Alarm:
    """Change what a raised alarm says, as its source would by sending it again: a new
    severity makes it ``updated`` (and is correlated if it became critical or major).
    Guard: raised; a severity other than cleared (clearing is its own operation);
    ``acknowledge_alarm`` permission."""
    _may_handle_alarms(actor, "services.acknowledge_alarm", "change alarms")
    if perceived_severity is not None and perceived_severity not in PerceivedSeverity.values:
        raise InvalidInput("Unknown perceivedSeverity.", field="perceivedSeverity")
    with transaction.atomic():
        locked = _lock([alarm])
        if not locked:
            raise InvalidInput("No such alarm.")
        alarm = locked[0]
        was_raised = alarm.is_raised
        now = timezone.now()
        changed = False
        if alarm_details is not None and alarm_details != alarm.alarm_details:
            alarm.alarm_details, changed = alarm_details, True
        if (
            proposed_repaired_actions is not None
            and proposed_repaired_actions != alarm.proposed_repaired_actions
        ):
            alarm.proposed_repaired_actions, changed = proposed_repaired_actions, True
        what = "repeated"
        if perceived_severity is not None and perceived_severity != alarm.perceived_severity:
            alarm.perceived_severity = perceived_severity
            alarm.state = AlarmState.UPDATED
            rank = SEVERITY_RANK[PerceivedSeverity(perceived_severity)]
            if rank > SEVERITY_RANK[PerceivedSeverity(alarm.highest_severity)]:
                alarm.highest_severity = perceived_severity
            changed, what = True, "updated"
        if not changed:
            return alarm
        if not was_raised:
            raise TransitionRefused("A cleared alarm cannot change any more.")
        alarm.changed_at = now
        alarm.save(update_fields=[*CHANGED_FIELDS, "proposed_repaired_actions"])
        if what == "updated" and alarm.trouble_report_id is None:
            correlation.correlate([alarm], now=now)
        alarms_changed.send(sender=Alarm, changes=[(alarm, what)])
    return alarm


def alarm_delete(alarm: Alarm, *, actor: User) -> None:
    """Erase a cleared alarm (its messages are kept, unlinked). Guard: cleared;
    ``delete_alarm`` permission, which no role has by default."""
    _may_handle_alarms(actor, "services.delete_alarm", "delete alarms")
    require_permission(actor, "services.delete_alarm", "delete alarms")
    with transaction.atomic():
        locked = _lock([alarm])
        if not locked:
            raise InvalidInput("No such alarm.")
        if locked[0].is_raised:
            raise TransitionRefused("A raised alarm cannot be deleted: clear it first.")
        alarm_deleting.send(sender=Alarm, alarm=locked[0])
        locked[0].delete()
