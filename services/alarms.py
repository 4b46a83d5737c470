"""Alarm ingestion and handling (eTOM 1.4.6 *Survey & Analyse Service Problem*).

``alarms_ingest`` takes a batch of messages in one transaction, with a number of queries
that does not grow with the batch (correlation's grows with the reports it touches):

- a message already received (same message id, or same content) is ingested once;
- the same alarm again (same source and alarm key) while raised counts an occurrence and
  moves last-seen (and its severity) on the existing row, instead of adding one;
- a clear closes the raised alarm (a clear for no raised alarm is recorded, and ignored);
- new alarms, and alarms that became critical or major, are correlated
  (``services.correlation``): onto an open trouble report, or opening one.

Two batches racing on the same alarm collide on a unique constraint (or, rarely, deadlock):
the loser's transaction is rolled back whole and run again, and then finds the winner's rows.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from problems.models import User
from problems.workflow._base import (
    Actor,
    InvalidInput,
    NotPermitted,
    TransitionRefused,
    actor_label,
    actor_user,
    require_permission,
)
from services import correlation
from services.alarm_input import AlarmInput
from services.models import (
    RAISED_STATES,
    SEVERITY_RANK,
    AckState,
    Alarm,
    AlarmMessage,
    AlarmState,
    PerceivedSeverity,
    ReportEventKind,
    Resource,
)
from services.selectors import can_see_trouble_reports
from services.signals import alarms_changed
from services.workflow._base import ALARM_CORRELATION, lock_report, record_report_event

logger = logging.getLogger(__name__)

MAX_BATCH = 5000
ATTEMPTS = 3


class Outcome(StrEnum):
    CREATED = "created"
    REPEATED = "repeated"  # the same alarm again: one more occurrence
    UPDATED = "updated"  # the same alarm again, with another severity
    CLEARED = "cleared"
    UNMATCHED_CLEAR = "unmatched_clear"  # a clear for no raised alarm
    DUPLICATE = "duplicate"  # this message was received before


@dataclass(frozen=True)
class Ingested:
    outcome: Outcome
    alarm_id: int | None
    trouble_report_id: int | None = None


def alarm_ingest(alarm: AlarmInput) -> Ingested:
    """Ingest one alarm message (see ``alarms_ingest``)."""
    return alarms_ingest([alarm])[0]


def alarms_ingest(alarms: Sequence[AlarmInput]) -> list[Ingested]:
    """Ingest a batch of alarm messages, in order; one result per message.

    Guard: at most ``MAX_BATCH`` messages, each already checked (``AlarmInput.from_tmf``).
    Call it outside a transaction: it is one, retried whole if a concurrent batch won a race.
    """
    if len(alarms) > MAX_BATCH:
        raise InvalidInput(f"Send at most {MAX_BATCH} alarms in one batch.")
    if not alarms:
        return []
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _ingest(list(alarms))
        except (IntegrityError, OperationalError) as error:
            if attempt == ATTEMPTS or not _raced(error):
                raise
            logger.info("Alarm batch raced another (%s); running it again.", error)
    raise AssertionError("unreachable")


def _raced(error: Exception) -> bool:
    """A unique key another batch took first, or a deadlock the database broke: running
    the batch again settles it. Anything else (a lost connection…) is not retried here."""
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.__cause__, "sqlstate", None) in ("40P01", "40001")


def _ingest(inputs: list[AlarmInput]) -> list[Ingested]:
    now = timezone.now()
    delivery_ids = [item.delivery_id for item in inputs]
    seen = set(
        AlarmMessage.objects.filter(message_id__in=delivery_ids).values_list(
            "message_id", flat=True
        )
    )
    resources = dict(
        Resource.objects.filter(code__in={i.alarmed_object_id for i in inputs}).values_list(
            "code", "pk"
        )
    )
    raised: dict[tuple[str, str], Alarm] = {
        (alarm.source_system_id, alarm.alarm_key): alarm
        for alarm in Alarm.objects.select_for_update(of=("self",))
        .filter(
            state__in=RAISED_STATES,
            source_system_id__in={i.source_system_id for i in inputs},
            alarm_key__in={i.key for i in inputs},
        )
        .order_by("pk")
    }
    results: list[tuple[Outcome, Alarm | None]] = []
    created: list[Alarm] = []
    changed: dict[int, Alarm] = {}  # existing rows to update, by id
    cleared: list[Alarm] = []
    to_correlate: list[Alarm] = []
    for item, delivery_id in zip(inputs, delivery_ids, strict=True):
        if delivery_id in seen:
            results.append((Outcome.DUPLICATE, None))
            continue
        seen.add(delivery_id)
        key = (item.source_system_id, item.key)
        alarm = raised.get(key)
        if item.is_clear:
            if alarm is None:
                results.append((Outcome.UNMATCHED_CLEAR, None))
                continue
            _clear(alarm, at=item.cleared_at or item.changed_at or now, now=now)
            del raised[key]
            cleared.append(alarm)
            outcome = Outcome.CLEARED
        elif alarm is None:
            alarm = _new_alarm(item, resources.get(item.alarmed_object_id), now)
            raised[key] = alarm
            created.append(alarm)
            to_correlate.append(alarm)
            outcome = Outcome.CREATED
        else:
            outcome = _repeat(alarm, item, now)
            if outcome == Outcome.UPDATED and alarm.trouble_report_id is None:
                to_correlate.append(alarm)  # it may have become critical or major
        if alarm.pk is not None:
            changed[alarm.pk] = alarm
        results.append((outcome, alarm))

    Alarm.objects.bulk_create(created, batch_size=1000)
    Alarm.objects.bulk_update(list(changed.values()), CHANGED_FIELDS, batch_size=500)
    AlarmMessage.objects.bulk_create(
        [
            AlarmMessage(
                message_id=delivery_id,
                source_system_id=item.source_system_id,
                alarm_id=alarm.pk if alarm else None,
                outcome=outcome,
                received_at=now,
            )
            for item, delivery_id, (outcome, alarm) in zip(
                inputs, delivery_ids, results, strict=True
            )
            if outcome != Outcome.DUPLICATE
        ],
        batch_size=1000,
    )
    # Correlation locks services, then reports; telling reports of clears locks reports
    # only: in this order, two batches never wait on each other in a circle.
    correlation.correlate(to_correlate, now=now)
    _tell_reports_of_clears(cleared)
    changes = [(alarm, str(outcome)) for outcome, alarm in results if alarm is not None]
    if changes:
        alarms_changed.send(sender=Alarm, changes=changes)
    return [
        Ingested(
            outcome,
            alarm.pk if alarm else None,
            alarm.trouble_report_id if alarm else None,
        )
        for outcome, alarm in results
    ]


CHANGED_FIELDS = [
    "state",
    "perceived_severity",
    "highest_severity",
    "alarm_details",
    "changed_at",
    "last_seen_at",
    "occurrences",
    "cleared_at",
    "clear_system_id",
]


def _new_alarm(item: AlarmInput, resource_id: int | None, now: datetime) -> Alarm:
    return Alarm(
        source_system_id=item.source_system_id,
        external_alarm_id=item.external_alarm_id,
        alarm_key=item.key,
        reporting_system_id=item.reporting_system_id,
        alarmed_object_id=item.alarmed_object_id,
        alarmed_object_type=item.alarmed_object_type,
        resource_id=resource_id,
        alarm_type=item.alarm_type,
        perceived_severity=item.perceived_severity,
        highest_severity=item.perceived_severity,
        probable_cause=item.probable_cause,
        specific_problem=item.specific_problem,
        alarm_details=item.alarm_details,
        proposed_repaired_actions=item.proposed_repaired_actions,
        service_affecting=item.service_affecting,
        state=AlarmState.RAISED,
        raised_at=item.raised_at,
        reported_at=now,
        changed_at=item.changed_at or item.raised_at,
        last_seen_at=now,
        created_at=now,
    )


def _repeat(alarm: Alarm, item: AlarmInput, now: datetime) -> Outcome:
    """The same alarm again: one more occurrence, last seen now, its severity as it is now."""
    alarm.occurrences += 1
    alarm.last_seen_at = now
    alarm.changed_at = item.changed_at or now
    if item.alarm_details:
        alarm.alarm_details = item.alarm_details
    if item.perceived_severity == alarm.perceived_severity:
        return Outcome.REPEATED
    alarm.perceived_severity = item.perceived_severity
    alarm.state = AlarmState.UPDATED
    if (
        SEVERITY_RANK[PerceivedSeverity(item.perceived_severity)]
        > SEVERITY_RANK[PerceivedSeverity(alarm.highest_severity)]
    ):
        alarm.highest_severity = item.perceived_severity
    return Outcome.UPDATED


def _clear(alarm: Alarm, *, at: datetime, now: datetime, system: str = "") -> None:
    alarm.state = AlarmState.CLEARED
    alarm.perceived_severity = PerceivedSeverity.CLEARED
    alarm.cleared_at = at
    alarm.changed_at = now
    alarm.last_seen_at = now
    alarm.clear_system_id = system or alarm.source_system_id


def _tell_reports_of_clears(alarms: Sequence[Alarm], *, actor: Actor = ALARM_CORRELATION) -> None:
    """Each trouble report whose alarms cleared hears of it (and of its last one)."""
    by_report: dict[int, list[Alarm]] = {}
    for alarm in alarms:
        if alarm.trouble_report_id is not None:
            by_report.setdefault(alarm.trouble_report_id, []).append(alarm)
    for report_id, cleared in sorted(by_report.items()):
        report = lock_report(report_id, actor=actor)
        still_raised = report.alarms.filter(state__in=RAISED_STATES).count()
        objects = ", ".join(sorted({alarm.alarmed_object_id for alarm in cleared}))
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.ALARM_CLEARED,
            message=f"Cleared on {objects}. "
            + (
                "No alarm of this report is raised any more."
                if not still_raised
                else f"{still_raised} still raised."
            ),
            data={"alarms": [alarm.pk for alarm in cleared], "still_raised": still_raised},
        )


# --- By hand (the desk's alarm list) ----------------------------------------------------
def alarm_acknowledge(alarm: Alarm, *, actor: User) -> Alarm:
    """An operator has seen the alarm and takes it on. Guard: not yet acknowledged;
    ``acknowledge_alarm`` permission."""
    _may_handle_alarms(actor, "services.acknowledge_alarm", "acknowledge alarms")
    with transaction.atomic():
        alarm = _lock_alarm(alarm)
        if alarm.ack_state == AckState.ACKNOWLEDGED:
            raise TransitionRefused(
                f"Already acknowledged by {alarm.ack_user_id or 'someone'}"
                f"{f' at {alarm.acknowledged_at:%H:%M}' if alarm.acknowledged_at else ''}."
            )
        alarm.ack_state = AckState.ACKNOWLEDGED
        alarm.acknowledged_by = actor_user(actor)
        alarm.ack_user_id = actor_label(actor)
        alarm.ack_system_id = "problemdesk"
        alarm.acknowledged_at = timezone.now()
        alarm.save(
            update_fields=[
                "ack_state",
                "acknowledged_by",
                "ack_user_id",
                "ack_system_id",
                "acknowledged_at",
            ]
        )
        alarms_changed.send(sender=Alarm, changes=[(alarm, "acknowledged")])
    return alarm


def alarm_clear(alarm: Alarm, *, actor: User, note: str = "") -> Alarm:
    """Clear an alarm by hand (its source will not: a stale alarm). Its trouble report, if
    any, hears of it. Guard: raised; ``clear_alarm`` permission."""
    _may_handle_alarms(actor, "services.clear_alarm", "clear alarms")
    with transaction.atomic():
        alarm = _lock_alarm(alarm)
        if not alarm.is_raised:
            raise TransitionRefused("The alarm has already cleared.")
        now = timezone.now()
        _clear(alarm, at=now, now=now, system="problemdesk")
        alarm.cleared_by = actor_user(actor)
        alarm.clear_user_id = actor_label(actor)
        alarm.save(update_fields=[*CHANGED_FIELDS, "cleared_by", "clear_user_id"])
        _tell_reports_of_clears([alarm], actor=actor)
        alarms_changed.send(sender=Alarm, changes=[(alarm, "cleared")])
    return alarm


def _may_handle_alarms(actor: User, permission: str, action: str) -> None:
    if not can_see_trouble_reports(actor):
        raise NotPermitted(f"You may not {action}.")
    require_permission(actor, permission, action)


def _lock_alarm(alarm: Alarm) -> Alarm:
    try:
        return Alarm.objects.select_for_update(of=("self",)).get(pk=alarm.pk)
    except Alarm.DoesNotExist:
        raise InvalidInput("No such alarm.") from None
