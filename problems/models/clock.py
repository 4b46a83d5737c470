"""The clock that customer problems and service trouble reports share.

Anything with targets, jeopardy and escalation (DESIGN.md, "Targets, jeopardy and timers")
inherits these fields, so that ``problems.sla`` computes its deadlines and the timer scan
handles it, whichever app the model lives in. The state machine stays the model's own:
``is_active`` says when the clock runs at all.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from problems.models.catalogue import SLAPolicy

MAX_ESCALATION_LEVEL = 3


class Clocked(models.Model):
    """Absolute, indexed deadlines set from an SLA policy; paused while on hold."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    # Targets (absolute, indexed; set on creation, re-plan and resume from hold)
    sla_policy = models.ForeignKey(
        SLAPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    respond_by = models.DateTimeField(null=True, blank=True)
    jeopardy_at = models.DateTimeField(null=True, blank=True)
    restore_by = models.DateTimeField(null=True, blank=True)
    escalation_due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next automatic escalation is due."
    )

    # Waiting (pauses the clock)
    on_hold_since = models.DateTimeField(null=True, blank=True)
    time_on_hold = models.DurationField(default=timedelta(0))

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        """Whether the clock runs at all (not resolved, closed or cancelled)."""
        raise NotImplementedError

    @property
    def is_on_hold(self) -> bool:
        return self.on_hold_since is not None
