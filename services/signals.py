"""Hooks for what happens in service problem management (the TMF656/642 hubs listen).

Sent inside the operation's transaction, so a receiver that writes rows (an outbox)
commits or rolls back with the change. A receiver must only write, never call out.
"""

from django.dispatch import Signal

# Events were appended to a trouble report's log. Arguments: ``events`` (TroubleReportEvents
# of one report, with ``event.report`` as the operation left it).
report_events_recorded = Signal()

# Alarms changed. Arguments: ``changes``: (alarm, what) pairs, ``what`` one of "created",
# "repeated", "updated", "cleared", "acknowledged", "unacknowledged", "commented".
alarms_changed = Signal()

# An alarm is about to be deleted (row still present). Arguments: ``alarm``.
alarm_deleting = Signal()

# A trouble report is about to be deleted (row still present). Arguments: ``report``.
report_deleting = Signal()

# An alarm task (ackAlarms, unAckAlarms, clearAlarms, commentAlarms) was recorded, done.
# Arguments: ``task``.
alarm_task_recorded = Signal()
