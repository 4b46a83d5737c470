"""One door for writes (STYLE.md rule 1): every domain operation on customer problems.

Each function is one transaction: it locks the problem row, checks the state machine's
source state, permission and guards, changes the problem, writes one ``ProblemEvent`` per
change, and writes the notifications that are sent after commit.
"""

from problems.workflow._base import (
    JEOPARDY_TIMER,
    SYSTEM,
    Actor,
    ConcurrentUpdate,
    InvalidInput,
    NotPermitted,
    SystemActor,
    TransitionRefused,
    WorkflowError,
)
from problems.workflow.activities import (
    activity_cancel,
    activity_complete,
    activity_schedule,
    activity_update,
)
from problems.workflow.attachments import attachment_add, problem_report
from problems.workflow.bulk import (
    AffectedCustomer,
    Outage,
    problems_add_network_update,
    problems_link_trouble_report,
    problems_open_for_outage,
)
from problems.workflow.closing import (
    CONFIRMATION_TIMER,
    LinkVerdict,
    clearance_link_check,
    clearance_link_use,
    close_unconfirmed,
    problems_close_unconfirmed,
)
from problems.workflow.lifecycle import (
    problem_apply_workaround,
    problem_assign,
    problem_cancel,
    problem_clear,
    problem_close,
    problem_create,
    problem_delete,
    problem_reopen,
    problem_replan,
    problem_update,
)
from problems.workflow.links import problem_link_trouble_report, problem_unlink_trouble_report
from problems.workflow.notes import note_add, watchers_set
from problems.workflow.restoration import Restoration, problems_restore_for_outage
from problems.workflow.surveys import survey_answer, survey_send, surveys_scan
from problems.workflow.timers import (
    handle_problem_timers,
    problem_escalate,
    problem_hold,
    problem_resume,
    scan_timers,
)

__all__ = [
    "CONFIRMATION_TIMER",
    "JEOPARDY_TIMER",
    "SYSTEM",
    "Actor",
    "AffectedCustomer",
    "ConcurrentUpdate",
    "InvalidInput",
    "LinkVerdict",
    "NotPermitted",
    "Outage",
    "Restoration",
    "SystemActor",
    "TransitionRefused",
    "WorkflowError",
    "activity_cancel",
    "activity_complete",
    "activity_schedule",
    "activity_update",
    "attachment_add",
    "clearance_link_check",
    "clearance_link_use",
    "close_unconfirmed",
    "handle_problem_timers",
    "note_add",
    "problem_apply_workaround",
    "problem_assign",
    "problem_cancel",
    "problem_clear",
    "problem_close",
    "problem_create",
    "problem_delete",
    "problem_escalate",
    "problem_hold",
    "problem_link_trouble_report",
    "problem_reopen",
    "problem_replan",
    "problem_report",
    "problem_resume",
    "problem_unlink_trouble_report",
    "problem_update",
    "problems_add_network_update",
    "problems_close_unconfirmed",
    "problems_link_trouble_report",
    "problems_open_for_outage",
    "problems_restore_for_outage",
    "scan_timers",
    "survey_answer",
    "survey_send",
    "surveys_scan",
    "watchers_set",
]
