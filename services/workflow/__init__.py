"""One door for writes on service trouble reports (STYLE.md rule 1), in the shape of
``problems.workflow``: one transaction per operation, the report row locked, its guards
and permission checked, one event per change, side effects after commit. Alarms are
written by ``services.alarms``; the customers' side by ``services.impact``."""

from services.workflow._base import ALARM_CORRELATION, NETWORK_OPERATIONS, REPORT_TIMER
from services.workflow.activities import (
    trouble_activity_cancel,
    trouble_activity_complete,
    trouble_activity_schedule,
    trouble_activity_update,
)
from services.workflow.diagnosis import trouble_report_localise
from services.workflow.opening import (
    trouble_report_delete,
    trouble_report_open,
    trouble_report_update,
)
from services.workflow.reports import (
    trouble_report_assign,
    trouble_report_cancel,
    trouble_report_close,
    trouble_report_hold,
    trouble_report_mark_pending,
    trouble_report_progress,
    trouble_report_reject,
    trouble_report_reopen,
    trouble_report_resolve,
    trouble_report_resume,
)
from services.workflow.timers import (
    handle_report_timers,
    scan_trouble_report_timers,
    trouble_report_escalate,
    trouble_report_replan,
)

__all__ = [
    "ALARM_CORRELATION",
    "NETWORK_OPERATIONS",
    "REPORT_TIMER",
    "handle_report_timers",
    "scan_trouble_report_timers",
    "trouble_activity_cancel",
    "trouble_activity_complete",
    "trouble_activity_schedule",
    "trouble_activity_update",
    "trouble_report_assign",
    "trouble_report_cancel",
    "trouble_report_close",
    "trouble_report_delete",
    "trouble_report_escalate",
    "trouble_report_hold",
    "trouble_report_localise",
    "trouble_report_mark_pending",
    "trouble_report_open",
    "trouble_report_progress",
    "trouble_report_reject",
    "trouble_report_reopen",
    "trouble_report_replan",
    "trouble_report_resolve",
    "trouble_report_resume",
    "trouble_report_update",
]
