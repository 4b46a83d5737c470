"""Alarms, shaped like TMF642 (``../shared/tmf/TMF642-Alarm-v4.0.0.swagger.json``).

One row per alarm *while raised*: the same alarm again (same source system and alarm key)
counts an occurrence on that row; a clear closes it, and the next raise is a new row. Every
message received is remembered by id (``AlarmMessage``), so that a message delivered twice
is ingested once.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from problems.models import User
from services.models.inventory import Resource


class PerceivedSeverity(models.TextChoices):
    """X.733 severities, as TMF642 lists them."""

    CRITICAL = "critical", "Critical"
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"
    WARNING = "warning", "Warning"
    INDETERMINATE = "indeterminate", "Indeterminate"
    CLEARED = "cleared", "Cleared"


# Most severe first; "cleared" ranks lowest.
SEVERITY_RANK: dict[str, int] = {
    PerceivedSeverity.CRITICAL: 5,
    PerceivedSeverity.MAJOR: 4,
    PerceivedSeverity.MINOR: 3,
    PerceivedSeverity.WARNING: 2,
    PerceivedSeverity.INDETERMINATE: 1,
    PerceivedSeverity.CLEARED: 0,
}
# Severities that open a service trouble report on their own.
REPORTING_SEVERITIES = (PerceivedSeverity.CRITICAL, PerceivedSeverity.MAJOR)


class AlarmType(models.TextChoices):
    """X.733 / 3GPP alarm types, TMF642 spelling."""

    COMMUNICATIONS = "communicationsAlarm", "Communications"
    PROCESSING_ERROR = "processingErrorAlarm", "Processing error"
    ENVIRONMENTAL = "environmentalAlarm", "Environmental"
    QUALITY_OF_SERVICE = "qualityOfServiceAlarm", "Quality of service"
    EQUIPMENT = "equipmentAlarm", "Equipment"
    INTEGRITY_VIOLATION = "integrityViolation", "Integrity violation"
    OPERATIONAL_VIOLATION = "operationalViolation", "Operational violation"
    PHYSICAL_VIOLATION = "physicalViolation", "Physical violation"
    SECURITY_SERVICE = "securityService", "Security service"
    MECHANISM_VIOLATION = "mechanismViolation", "Mechanism violation"
    TIME_DOMAIN_VIOLATION = "timeDomainViolation", "Time domain violation"


class AlarmState(models.TextChoices):
    """TMF642 ``state``: raised, updated (raised and changed since), cleared."""

    RAISED = "raised", "Raised"
    UPDATED = "updated", "Updated"
    CLEARED = "cleared", "Cleared"


RAISED_STATES = (AlarmState.RAISED, AlarmState.UPDATED)


class AckState(models.TextChoices):
    UNACKNOWLEDGED = "unacknowledged", "Unacknowledged"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class AlarmQuerySet(models.QuerySet["Alarm"]):
    def raised(self) -> "AlarmQuerySet":
        return self.filter(state__in=RAISED_STATES)

    def unacknowledged(self) -> "AlarmQuerySet":
        return self.filter(ack_state=AckState.UNACKNOWLEDGED)

    def severity_at_least(self, severity: str) -> "AlarmQuerySet":
        rank = SEVERITY_RANK[PerceivedSeverity(severity)]
        return self.filter(
            perceived_severity__in=[s for s, r in SEVERITY_RANK.items() if r >= rank and r > 0]
        )


class Alarm(models.Model):
    # Identity: who raised it and its key there (externalAlarmId, else what identifies it).
    source_system_id = models.CharField(max_length=100)
    external_alarm_id = models.CharField(max_length=200, blank=True)
    alarm_key = models.CharField(
        max_length=200, help_text="The alarm's identity at its source while it is raised."
    )
    reporting_system_id = models.CharField(max_length=100, blank=True)

    # What is alarmed
    alarmed_object_id = models.CharField(max_length=200)
    alarmed_object_type = models.CharField(max_length=100, blank=True)
    resource = models.ForeignKey(
        Resource,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
        help_text="The inventory resource the alarmed object is, when known.",
    )

    # What is wrong
    alarm_type = models.CharField(max_length=40, choices=AlarmType.choices)
    perceived_severity = models.CharField(max_length=20, choices=PerceivedSeverity.choices)
    highest_severity = models.CharField(
        max_length=20,
        choices=PerceivedSeverity.choices,
        help_text="The most severe it was while raised (perceived severity is 'cleared' once "
        "cleared).",
    )
    probable_cause = models.CharField(max_length=200)
    specific_problem = models.CharField(max_length=500, blank=True)
    alarm_details = models.TextField(blank=True)
    proposed_repaired_actions = models.TextField(blank=True)
    service_affecting = models.BooleanField(default=False)
    is_root_cause = models.BooleanField(
        default=False, help_text="Raised on the most likely root resource of its trouble report."
    )

    # Life cycle
    state = models.CharField(max_length=20, choices=AlarmState.choices, default=AlarmState.RAISED)
    raised_at = models.DateTimeField(help_text="alarmRaisedTime: when it occurred at the source.")
    reported_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    occurrences = models.PositiveIntegerField(default=1)
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_user_id = models.CharField(max_length=150, blank=True)
    clear_system_id = models.CharField(max_length=100, blank=True)
    cleared_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Acknowledgement
    ack_state = models.CharField(
        max_length=20, choices=AckState.choices, default=AckState.UNACKNOWLEDGED
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_user_id = models.CharField(max_length=150, blank=True)
    ack_system_id = models.CharField(max_length=100, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    trouble_report = models.ForeignKey(
        "services.ServiceTroubleReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system_id", "alarm_key"],
                condition=Q(state__in=["raised", "updated"]),
                name="one_raised_alarm_per_key",
            ),
            models.CheckConstraint(
                condition=Q(state="cleared") | Q(cleared_at__isnull=True),
                name="only_cleared_alarms_have_cleared_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-raised_at"],
                condition=Q(state__in=["raised", "updated"]),
                name="alarm_raised_list",
            ),
            # The alarm list's history (cleared, any state) reads newest first.
            models.Index(fields=["-raised_at", "-id"], name="alarm_history"),
            models.Index(fields=["resource", "state"], name="alarm_resource_state"),
            models.Index(fields=["trouble_report", "state"], name="alarm_report_state"),
        ]
        permissions = [
            ("acknowledge_alarm", "Can acknowledge alarms"),
            ("clear_alarm", "Can clear alarms by hand"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_highest_severity_display()} {self.probable_cause} on "
            f"{self.alarmed_object_id}"
        )

    @property
    def is_raised(self) -> bool:
        return self.state in RAISED_STATES

    @property
    def is_acknowledged(self) -> bool:
        return self.ack_state == AckState.ACKNOWLEDGED


class AlarmMessage(models.Model):
    """A message received: the sender's message id, or a digest of the message when it
    gives none. Unique, so that a re-delivered message is recognised and ingested once."""

    message_id = models.CharField(max_length=200, unique=True)
    source_system_id = models.CharField(max_length=100)
    alarm = models.ForeignKey(
        Alarm, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    outcome = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.outcome}"
