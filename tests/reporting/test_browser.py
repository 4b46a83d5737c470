"""The management report in Chromium, as a supervisor uses it."""

import csv
import io
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_changes_the_period_and_exports_csv(
    page: Page, live_server: Any, sue: Any, march: Any
) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("sue")
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Management reports")).to_be_visible()
    # The default period (the last 90 days) does not reach back to March 2026's problems.
    expect(page.locator("#table-volumes")).to_be_visible()

    page.get_by_label("Period", exact=True).select_option(label="Custom dates")
    page.get_by_label("From", exact=True).fill("2026-03-02")
    page.get_by_label("To (inclusive)").fill("2026-03-15")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#period-label")).to_contain_text("02 Mar 2026 to 15 Mar 2026")
    opened = page.locator('[data-cell="volumes-0-1"]')
    expect(opened).to_have_text("6")
    expect(page.locator("#trend-chart")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV of Volumes").click()
    path = download_info.value.path()
    with open(path, encoding="utf-8-sig") as exported:
        rows = list(csv.reader(io.StringIO(exported.read())))
    assert rows[0] == ["Measure", "Problems"]
    assert rows[1] == ["Opened", opened.inner_text()]
