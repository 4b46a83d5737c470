"""What the roles may do in service problem management. Agents work alarms and trouble
reports; supervisors also re-plan, and keep the inventory. Customers have nothing here:
they hear of faults through their own problems. Synced after each ``migrate`` beside
``problems.permissions`` (which leaves this app's permissions alone)."""

from typing import Any

from problems.permissions import AGENT, SUPERVISOR, sync_role_permissions

_AGENT = [
    "view_service",
    "view_resource",
    "view_servicedependency",
    "view_subscription",
    "view_supplier",
    "view_alarm",
    "acknowledge_alarm",
    "clear_alarm",
    "view_servicetroublereport",
    "add_servicetroublereport",
    "change_servicetroublereport",
    "work_trouble_report",
    "resolve_trouble_report",
    "close_trouble_report",
    "cancel_trouble_report",
    "reject_trouble_report",
    "escalate_trouble_report",
    "report_progress",
    "manage_trouble_activities",
    "view_troublereportactivity",
    "view_troublereportevent",
]
_SUPERVISOR_EXTRA = [
    "replan_trouble_report",
    *(
        f"{action}_{model}"
        for model in ("service", "resource", "servicedependency", "subscription", "supplier")
        for action in ("add", "change", "delete")
    ),
    "view_servicenotification",
]
ROLE_PERMISSIONS = {
    AGENT: {"services": _AGENT},
    SUPERVISOR: {"services": [*_AGENT, *_SUPERVISOR_EXTRA]},
}


def sync_roles(**kwargs: Any) -> None:
    """post_migrate handler: the role groups get exactly this table's services permissions."""
    sync_role_permissions(ROLE_PERMISSIONS, app_labels={"services"})
