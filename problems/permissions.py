"""Roles (agent, supervisor, customer) are groups; this module says what each may do.

``sync_roles`` runs after every ``migrate`` so that a fresh database has the groups and
their permissions, and a change of this table reaches existing databases.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

AGENT = "agent"
SUPERVISOR = "supervisor"
CUSTOMER = "customer"

_AGENT_PERMISSIONS = {
    "problems": [
        "view_customer",
        "view_team",
        "view_category",
        "view_slapolicy",
        "view_escalationstep",
        "view_knownerror",
        "add_knownerror",
        "view_customerproblem",
        "add_customerproblem",
        "change_customerproblem",
        "view_problemevent",
        "view_note",
        "add_note",
        "view_recoveryactivity",
        "add_recoveryactivity",
        "change_recoveryactivity",
        "assign_problem",
        "clear_problem",
        "reopen_problem",
        "close_problem",
        "cancel_problem",
        "escalate_problem",
        "hold_problem",
        "manage_activities",
        "add_internal_note",
        "view_attachment",
        "add_attachment",
    ],
}
_SUPERVISOR_EXTRA = {
    "problems": [
        "replan_problem",
        "view_security_problem",
        "view_user",
        "add_customer",
        "change_customer",
        "add_team",
        "change_team",
        "add_category",
        "change_category",
        "add_slapolicy",
        "change_slapolicy",
        "add_escalationstep",
        "change_escalationstep",
        "delete_escalationstep",
        "change_knownerror",
        "view_notification",
        "view_satisfactionsurvey",
    ],
}
_CUSTOMER_PERMISSIONS = {
    "problems": [
        "report_own_problem",
        "reopen_own_problem",
        "close_own_problem",
        "cancel_own_problem",
    ],
}


def _merge(*tables: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for table in tables:
        for app_label, codenames in table.items():
            merged.setdefault(app_label, []).extend(codenames)
    return merged


ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    AGENT: _AGENT_PERMISSIONS,
    SUPERVISOR: _merge(_AGENT_PERMISSIONS, _SUPERVISOR_EXTRA),
    CUSTOMER: _CUSTOMER_PERMISSIONS,
}
STAFF_ROLES = (AGENT, SUPERVISOR)


def sync_roles(**kwargs: Any) -> None:
    """Create the role groups and set exactly their permissions (post_migrate handler)."""
    sync_role_permissions(ROLE_PERMISSIONS, app_labels={"problems"})


def sync_role_permissions(table: dict[str, dict[str, list[str]]], *, app_labels: set[str]) -> None:
    """Give each role group exactly the table's permissions among those of ``app_labels``,
    leaving its permissions of other apps alone: each app that adds permissions to the
    roles (``services`` does) keeps its own table and syncs it after its own migrations."""
    for role in (AGENT, SUPERVISOR, CUSTOMER):
        group, _ = Group.objects.get_or_create(name=role)
        wanted = Q(pk__in=[])
        for app_label, codenames in table.get(role, {}).items():
            wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
        others = group.permissions.exclude(content_type__app_label__in=app_labels)
        group.permissions.set([*others, *Permission.objects.filter(wanted)])


def role_names(user: Any) -> frozenset[str]:
    """The user's role group names, read once per user object."""
    cached = getattr(user, "_problemdesk_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) if user.pk else frozenset()
        user._problemdesk_roles = cached
    return cached


def is_agent(user: Any) -> bool:
    """An active staff member who works problems: an agent, a supervisor or a superuser."""
    if not user.is_active or getattr(user, "customer_id", None) is not None:
        return False
    return bool(user.is_superuser or role_names(user) & set(STAFF_ROLES))


def is_supervisor(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or SUPERVISOR in role_names(user)))


def can_see_security_problems(user: Any) -> bool:
    if not user.is_active or getattr(user, "customer_id", None) is not None:
        return False
    if user.has_perm("problems.view_security_problem"):
        return True
    return bool(user.teams.filter(handles_security=True, is_active=True).exists())
