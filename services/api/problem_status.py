"""TMF656 ``status`` and our report states (one to one: the model uses TMF656's life cycle,
``Lifecycle_ServiceProblem.png``), and the workflow function behind each arrow."""

from typing import Any

from django.db.models import Q

from services.models import TMF656_STATUS, ReportState

STATUSES: tuple[str, ...] = tuple(TMF656_STATUS.values())
STATE_OF: dict[str, ReportState] = {status: state for state, status in TMF656_STATUS.items()}

# (from, to) → the trouble report transition (services.workflow.trouble_report_<name>).
MOVES: dict[tuple[str, str], str] = {
    ("acknowledged", "inProgress"): "assign",
    ("acknowledged", "rejected"): "reject",
    ("acknowledged", "cancelled"): "cancel",
    ("inProgress", "held"): "hold",
    ("inProgress", "pending"): "mark_pending",
    ("inProgress", "resolved"): "resolve",
    ("inProgress", "cancelled"): "cancel",
    ("held", "inProgress"): "resume",
    ("held", "resolved"): "resolve",
    ("held", "cancelled"): "cancel",
    ("pending", "inProgress"): "resume",
    ("pending", "resolved"): "resolve",
    ("pending", "cancelled"): "cancel",
    ("resolved", "inProgress"): "reopen",
    ("resolved", "closed"): "close",
}


def status_of(state: str) -> str:
    return TMF656_STATUS[ReportState(state)]


def allowed_targets(current: str) -> list[str]:
    return [target for (source, target) in MOVES if source == current]


def status_q(operator: str, values: list[Any]) -> Q:
    states = [STATE_OF[value] for value in values]
    return ~Q(state__in=states) if operator == "ne" else Q(state__in=states)
