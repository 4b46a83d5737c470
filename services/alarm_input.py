"""An alarm message as received (TMF642 ``Alarm`` shape), checked before anything is written."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from problems.workflow._base import InvalidInput
from services.models import AlarmState, AlarmType, PerceivedSeverity


@dataclass(frozen=True)
class AlarmInput:
    source_system_id: str
    alarmed_object_id: str
    alarm_type: str
    perceived_severity: str
    probable_cause: str
    raised_at: datetime
    state: str = AlarmState.RAISED
    external_alarm_id: str = ""
    alarmed_object_type: str = ""
    specific_problem: str = ""
    alarm_details: str = ""
    proposed_repaired_actions: str = ""
    reporting_system_id: str = ""
    changed_at: datetime | None = None
    cleared_at: datetime | None = None
    service_affecting: bool = False
    message_id: str = ""

    @classmethod
    def from_tmf(cls, data: Mapping[str, Any], *, message_id: str = "") -> "AlarmInput":
        """Read a TMF642 alarm (camelCase, ``alarmedObject.id``…). Raises InvalidInput naming
        the first field that is missing or wrong."""
        if not isinstance(data, Mapping):
            raise InvalidInput("An alarm is a JSON object.")
        alarmed = data.get("alarmedObject") or {}
        severity = _text(data, "perceivedSeverity")
        state = _text(data, "state") or (
            AlarmState.CLEARED if severity == PerceivedSeverity.CLEARED else AlarmState.RAISED
        )
        if severity not in PerceivedSeverity.values:
            raise InvalidInput(
                f"perceivedSeverity must be one of {', '.join(PerceivedSeverity.values)}.",
                field="perceivedSeverity",
            )
        if state not in AlarmState.values:
            raise InvalidInput("state must be raised, updated or cleared.", field="state")
        alarm_type = _text(data, "alarmType")
        if alarm_type not in AlarmType.values:
            raise InvalidInput("alarmType is not a TMF642 alarm type.", field="alarmType")
        for name, value in (
            ("sourceSystemId", _text(data, "sourceSystemId")),
            (
                "alarmedObject.id",
                str(alarmed.get("id", "")).strip() if isinstance(alarmed, Mapping) else "",
            ),
            ("probableCause", _text(data, "probableCause")),
        ):
            if not value:
                raise InvalidInput(f"{name} is required.", field=name)
        raised_at = _time(data, "alarmRaisedTime")
        if raised_at is None:
            raise InvalidInput("alarmRaisedTime is required.", field="alarmRaisedTime")
        return cls(
            source_system_id=_text(data, "sourceSystemId")[:100],
            alarmed_object_id=str(alarmed["id"]).strip()[:200],
            alarmed_object_type=_text(data, "alarmedObjectType")[:100],
            alarm_type=alarm_type,
            perceived_severity=severity,
            probable_cause=_text(data, "probableCause")[:200],
            specific_problem=_text(data, "specificProblem")[:500],
            alarm_details=_text(data, "alarmDetails"),
            proposed_repaired_actions=_text(data, "proposedRepairedActions"),
            raised_at=raised_at,
            state=state,
            external_alarm_id=_text(data, "externalAlarmId")[:200],
            reporting_system_id=_text(data, "reportingSystemId")[:100],
            changed_at=_time(data, "alarmChangedTime"),
            cleared_at=_time(data, "alarmClearedTime"),
            service_affecting=bool(data.get("serviceAffecting", False)),
            message_id=message_id.strip()[:200],
        )

    @property
    def is_clear(self) -> bool:
        return (
            self.state == AlarmState.CLEARED or self.perceived_severity == PerceivedSeverity.CLEARED
        )

    @property
    def key(self) -> str:
        """The alarm's identity at its source: its external id, else (X.733) the alarmed
        object, alarm type, probable cause and specific problem."""
        if self.external_alarm_id:
            key = f"id:{self.external_alarm_id}"
            # The column holds 200 characters: a longer id is known by its digest.
            return key if len(key) <= 200 else "idh:" + hashlib.sha256(key.encode()).hexdigest()
        identity = "\x1f".join(
            (self.alarmed_object_id, self.alarm_type, self.probable_cause, self.specific_problem)
        )
        return "x:" + hashlib.sha256(identity.encode()).hexdigest()

    @property
    def delivery_id(self) -> str:
        """What recognises a re-delivered message: the sender's message id, else a digest
        of the whole message (a repeat the source sends anew differs at least in its times)."""
        if self.message_id:
            return f"{self.source_system_id}:{self.message_id}"[:200]
        fields = {k: v for k, v in asdict(self).items() if k != "message_id"}
        canonical = json.dumps(fields, sort_keys=True, default=str)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _time(data: Mapping[str, Any], name: str) -> datetime | None:
    raw = _text(data, name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(f"{name} must be an ISO 8601 date and time.", field=name)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)  # TMF times are UTC unless they say otherwise
    return value
