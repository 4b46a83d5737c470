"""Closing the loop in Chromium: the customer follows the links of the e-mails as sent."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from problems import workflow
from problems.models import State
from tests.closeloop.conftest import LINK, SURVEY_LINK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_mail_to(address: str, subject: str) -> str:
    found = [m for m in mail.outbox if address in m.to and subject in m.subject]
    assert found, [m.subject for m in mail.outbox]
    return found[-1].body


def url_of(pattern: re.Pattern[str], body: str, live_url: str) -> str:
    match = pattern.search(body)
    assert match, body
    # The e-mail names SITE_URL; the test server listens elsewhere.
    return live_url + match.group(0)[match.group(0).index("/answer/") :]


def test_the_customer_confirms_from_the_email_and_answers_the_survey(
    page: Page, live_server, assigned, alice, carla
):
    mail.outbox.clear()
    workflow.problem_clear(
        assigned, actor=alice, outcome="restored", summary="The line card was replaced."
    )
    body = last_mail_to(carla.email, "Cleared")
    found = next(m for m in LINK.finditer(body) if m.group(2) == "confirm")
    confirm = live_server.url + found.group(0)[found.group(0).index("/answer/") :]

    page.goto(confirm)  # not logged in
    expect(page.get_by_role("heading", name=assigned.title)).to_be_visible()
    expect(page.get_by_text("The line card was replaced.")).to_be_visible()
    page.get_by_role("button", name="Yes, it is fixed: close the problem").click()
    expect(page.get_by_role("heading", name="Thank you: the problem is closed")).to_be_visible()
    assigned.refresh_from_db()
    assert assigned.state == State.CLOSED

    page.goto(confirm)  # the same link again
    expect(page.get_by_role("heading", name="This has been answered already")).to_be_visible()

    survey = url_of(SURVEY_LINK, last_mail_to(carla.email, "How did we do?"), live_server.url)
    page.goto(survey)
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Choose a score from 1 to 5.")).to_be_visible()
    page.get_by_label("4 - satisfied").check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill("Quick and kind.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you for your answer")).to_be_visible()
    page.goto(survey)
    expect(page.get_by_role("heading", name="This survey was already answered")).to_be_visible()

    # The agent sees the answer on the problem in the desk.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/desk/problems/{assigned.pk}/")
    survey_card = page.locator("#survey")
    expect(survey_card.locator("#survey-score")).to_have_text("4 out of 5")
    expect(survey_card).to_contain_text("Quick and kind.")


def test_the_customer_says_it_is_not_fixed_from_the_email(
    page: Page, live_server, assigned, alice, carla
):
    mail.outbox.clear()
    workflow.problem_clear(
        assigned, actor=alice, outcome="workaround", summary="Traffic rerouted for now."
    )
    body = last_mail_to(carla.email, "Cleared")
    found = next(m for m in LINK.finditer(body) if m.group(2) == "not-fixed")
    not_fixed = live_server.url + found.group(0)[found.group(0).index("/answer/") :]

    page.goto(not_fixed)
    expect(page.get_by_text("Traffic rerouted for now.")).to_be_visible()
    page.get_by_role("button", name="Reopen the problem").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("What is still wrong?").fill("Still no dial tone in the shop.")
    page.get_by_role("button", name="Reopen the problem").click()
    expect(page.get_by_role("heading", name="Reopened: we are on it again")).to_be_visible()
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED
    reopened = assigned.events.get(kind="reopened")
    assert reopened.message == "Still no dial tone in the shop." and reopened.actor == carla

    page.goto(not_fixed)
    expect(page.get_by_role("heading", name="This has been answered already")).to_be_visible()
