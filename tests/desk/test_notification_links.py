"""Notification e-mails link to the problem's page: the desk for staff, the portal for
customers (SITE_URL), and tell customers only what the portal shows them."""

import pytest

from problems import workflow

pytestmark = pytest.mark.django_db


def bodies(mailoutbox):
    return {message.to[0]: message.body for message in mailoutbox}


def test_links_go_to_the_desk_or_the_portal(
    problem, alice, bob, carla, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://desk.example.net"
    workflow.watchers_set(problem, actor=alice, watchers=[bob])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.problem_assign(problem, actor=alice, assignee=alice)
    sent = bodies(mailoutbox)
    assert f"https://desk.example.net/portal/problems/{problem.pk}/" in sent[carla.email]
    assert "/desk/" not in sent[carla.email]
    assert f"https://desk.example.net/desk/problems/{problem.pk}/" in sent[bob.email]


def test_customers_read_the_portals_words_not_staff_names(
    problem, alice, carla, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.problem_assign(problem, actor=alice, assignee=alice)
    body = bodies(mailoutbox)[carla.email]
    assert "An engineer is working on it." in body
    assert "Alice" not in body and "alice" not in body
