"""The network pages in Chromium, used as a network operator would use them."""

import re

import pytest
from playwright.sync_api import Page, expect

from services.models import AckState, Alarm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()


def test_an_operator_acknowledges_an_alarm_and_opens_its_trouble_report(
    page: Page, live_server, outage, nora
):
    report, own = outage
    log_in(page, live_server.url, "nora")
    page.get_by_role("link", name="Alarms", exact=True).click()
    expect(page.get_by_role("heading", name="Alarms")).to_be_visible()
    rows = page.locator("#alarm-results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("olt-leeds-1/1")
    expect(rows.first).to_contain_text("Critical")

    # Only the critical ones, then acknowledge it.
    page.get_by_label("Critical").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"severity=critical"))
    page.get_by_role("button", name="Acknowledge the alarm on olt-leeds-1/1").click()
    expect(page.locator("#messages")).to_contain_text("Alarm acknowledged: olt-leeds-1/1.")
    expect(page).to_have_url(re.compile(r"severity=critical"))  # the filters are kept
    expect(rows.first).to_contain_text("Acknowledged")
    assert Alarm.objects.get(trouble_report=report).ack_state == AckState.ACKNOWLEDGED

    # Its trouble report: the localisation and the customers' problems linked to it.
    rows.first.get_by_role("link", name=report.reference).click()
    expect(page.get_by_role("heading", name=report.title)).to_be_visible()
    expect(page.locator("#root-resource")).to_contain_text("olt-leeds-1/1")
    expect(page.locator("#localisation-evidence")).to_contain_text(report.localisation)
    expect(page.locator("#impact")).to_contain_text("Fibre Leeds")
    expect(page.locator('[data-count="customers"]')).to_have_text("1")
    linked = page.locator("#linked-problems")
    expect(linked.locator('[data-count="linked"]')).to_have_text("1")
    expect(linked).to_contain_text(own.reference)
    expect(linked).to_contain_text("Acme")

    # Take it on: the transitions are buttons.
    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator("#messages")).to_contain_text(f"{report.reference}: Assigned.")
    expect(page.locator("#report-badges")).to_contain_text("In progress")

    # And the customer's problem is one click away.
    linked.get_by_role("link", name=own.reference).click()
    expect(page.get_by_role("heading", name=own.title)).to_be_visible()
    expect(page.locator("#trouble-reports")).to_contain_text(report.reference)


def test_an_operator_acknowledges_every_alarm_on_the_page_at_once(
    page: Page, live_server, outage, nora
):
    log_in(page, live_server.url, "nora")
    page.goto(f"{live_server.url}/desk/network/alarms/?state=unacknowledged")
    rows = page.locator("#alarm-results tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_label("Select every alarm on this page").check()
    expect(page.locator("#alarm-results tbody input[name=selected]:checked")).to_have_count(3)
    page.get_by_role("button", name="Acknowledge selected").click()
    expect(page.locator("#messages")).to_contain_text("Alarms acknowledged: 3 alarms.")
    expect(page.locator("#alarm-results")).to_contain_text("No alarm matches these filters.")
    assert not Alarm.objects.filter(ack_state=AckState.UNACKNOWLEDGED).exists()
