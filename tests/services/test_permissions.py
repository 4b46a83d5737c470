"""The roles' permissions of both apps, each synced by its own app and kept by the other."""

import pytest
from django.contrib.auth.models import Group

from problems.permissions import sync_roles as sync_problem_roles
from services.permissions import sync_roles as sync_service_roles

pytestmark = pytest.mark.django_db


def codes(role):
    return set(
        Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    )


def test_agents_work_reports_and_supervisors_also_keep_the_inventory(db):
    agent, supervisor = codes("agent"), codes("supervisor")
    assert ("services", "work_trouble_report") in agent
    assert ("services", "acknowledge_alarm") in agent
    assert ("services", "replan_trouble_report") not in agent
    assert ("services", "replan_trouble_report") in supervisor
    assert ("services", "add_subscription") in supervisor and (
        "services",
        "add_subscription",
    ) not in agent
    assert not {app for app, _ in codes("customer")} & {"services"}


def test_each_app_syncs_its_own_and_leaves_the_others(db):
    before = codes("agent")
    sync_problem_roles()
    assert codes("agent") == before  # the problems sync kept services' permissions
    sync_service_roles()
    assert codes("agent") == before
    assert ("problems", "assign_problem") in before
