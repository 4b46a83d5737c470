"""The portal in Chromium, used as a customer would use it."""

import pytest
from playwright.sync_api import Page, expect

from problems import workflow
from problems.models import CustomerProblem, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_reports_follows_and_confirms_a_problem(
    page: Page, live_server, carla, alice, broadband_category, policy
):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("carla")
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Acme: reported problems")).to_be_visible()
    expect(page.get_by_text("No open problems")).to_be_visible()

    page.get_by_role("link", name="Report a problem").first.click()
    page.get_by_label("What is it about?").select_option(label="Broadband")
    page.get_by_label("Summary").fill("No internet at the shop")
    page.get_by_label("What happens?").fill(
        "Since nine o'clock nothing loads; the router light is red."
    )
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("#messages")).to_contain_text("we have your report")
    expect(page.locator("#status")).to_have_text("Received")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Our problems").click()
    row = page.locator("tbody tr", has_text="No internet at the shop")
    expect(row).to_contain_text("Received")

    # The desk works on it and clears it.
    problem = CustomerProblem.objects.get(title="No internet at the shop")
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    workflow.problem_clear(problem, actor=alice, outcome="restored", summary="The port was reset.")

    page.reload()
    expect(row).to_contain_text("Resolved: please confirm")
    row.get_by_role("link", name=problem.reference).click()
    expect(page.get_by_text("The port was reset.").first).to_be_visible()
    page.get_by_role("link", name="Confirm it is fixed").click()
    page.locator("#action-card").get_by_role("button", name="Confirm it is fixed").click()
    expect(page.locator("#messages")).to_contain_text("Thank you: the problem is closed.")
    expect(page.locator("#status")).to_have_text("Closed")

    problem.refresh_from_db()
    assert problem.state == State.CLOSED and problem.customer_confirmed_at is not None
