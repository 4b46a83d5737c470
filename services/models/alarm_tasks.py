"""What the TMF642 task resources leave behind: comments on alarms, and each task
(ackAlarms, unAckAlarms, clearAlarms, commentAlarms) as it was asked and done."""

from django.db import models
from django.utils import timezone

from problems.models import User
from services.models.alarms import Alarm


class AlarmComment(models.Model):
    """A comment on an alarm (TMF642 ``comment``): append-only."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField()
    user_id_label = models.CharField(max_length=150, blank=True, help_text="TMF userId.")
    system_id = models.CharField(max_length=100, blank=True)
    time = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["time", "id"]
        indexes = [models.Index(fields=["alarm", "time"], name="alarm_comment_time")]

    def __str__(self) -> str:
        return f"{self.alarm_id}: {self.text[:40]}"


class AlarmTaskKind(models.TextChoices):
    ACK = "ackAlarms", "Acknowledge alarms"
    UNACK = "unAckAlarms", "Unacknowledge alarms"
    CLEAR = "clearAlarms", "Clear alarms"
    COMMENT = "commentAlarms", "Comment alarms"


class AlarmTask(models.Model):
    """One TMF642 task request: what was asked (``request``: the pattern, the user and system
    ids, the comment…) and which alarms it acted on. Done when written (synchronously)."""

    kind = models.CharField(max_length=20, choices=AlarmTaskKind.choices)
    state = models.CharField(max_length=20, default="done")
    request = models.JSONField(default=dict)
    alarms = models.ManyToManyField(Alarm, related_name="+", blank=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="alarm_task_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"
