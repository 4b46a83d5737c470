"""The desk in Chromium, used as an agent and a supervisor would use it."""

import re
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from problems import workflow
from problems.models import ActivityStatus, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()


def test_an_agent_filters_the_queue_assigns_schedules_and_clears(
    page: Page, live_server, alice, make_problem
):
    make_problem(title="Router reboots nightly")
    target = make_problem(title="Internet down at the Leeds shop")

    log_in(page, live_server.url, "alice")
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    expect(page.locator("#queue-results tbody tr")).to_have_count(2)

    page.get_by_label("Search").fill("Leeds")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#queue-results tbody tr")).to_have_count(1)
    expect(page.locator("#queue-results tbody tr").first).to_contain_text("Leeds shop")
    expect(page).to_have_url(re.compile(r"q=Leeds"))

    page.get_by_role("link", name=target.reference).click()
    expect(page.get_by_role("heading", name="Internet down at the Leeds shop")).to_be_visible()

    page.get_by_role("link", name="Assign", exact=True).click()
    page.get_by_label("Assignee").select_option(label="Alice")
    page.locator("#action-card").get_by_role("button", name="Assign").click()
    expect(page.locator("#messages")).to_contain_text("Assigned.")
    expect(page.locator("#problem-badges")).to_contain_text("Assigned")

    page.get_by_role("link", name="Add activity").click()
    page.get_by_label("Kind").select_option(label="Service restoration")
    page.get_by_label("Summary").fill("Replace the line card")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("#messages")).to_contain_text("Activity scheduled")
    expect(page.locator("#activities")).to_contain_text("Replace the line card")

    page.locator("#activities").get_by_role("link", name="Complete").click()
    page.get_by_label("Outcome").select_option(label="Restored")
    page.locator("#activity-card").get_by_role("button", name="Complete").click()
    expect(page.locator("#activities")).to_contain_text("Completed")

    page.get_by_role("link", name="Clear", exact=True).click()
    page.get_by_label("Outcome").select_option(label="Restored")
    page.get_by_label("Resolution").fill("Line card replaced; the line syncs again.")
    page.locator("#action-card").get_by_role("button", name="Clear").click()
    expect(page.locator("#messages")).to_contain_text("Cleared")
    expect(page.locator("#problem-badges")).to_contain_text("Cleared")

    target.refresh_from_db()
    assert target.state == State.CLEARED and target.assignee == alice
    assert target.activities.get().status == ActivityStatus.COMPLETED


def test_an_agent_sees_form_errors_next_to_the_field(page: Page, live_server, alice, make_problem):
    problem = make_problem()
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/desk/problems/{problem.pk}/")
    page.get_by_role("link", name="Assign", exact=True).click()
    page.locator("#action-card").get_by_role("button", name="Assign").click()
    expect(page.locator("#id_assignee_error")).to_have_text("This field is required.")
    expect(page.get_by_label("Assignee")).to_have_attribute("aria-invalid", "true")


def test_the_supervisor_opens_the_jeopardy_board(page: Page, live_server, sue, make_problem):
    problem = make_problem(title="Payment terminals offline")
    with time_machine.travel(problem.jeopardy_at + timedelta(minutes=1)):
        workflow.handle_problem_timers(problem.pk)

    log_in(page, live_server.url, "sue")
    page.get_by_role("link", name="Jeopardy board").click()
    expect(page.get_by_role("heading", name="Jeopardy and escalation board")).to_be_visible()
    lane = page.locator("section.lane-1")
    expect(lane).to_contain_text("Payment terminals offline")
    expect(lane).to_contain_text("In jeopardy")
    lane.get_by_role("link", name=problem.reference).click()
    expect(page.get_by_role("heading", name="Payment terminals offline")).to_be_visible()
