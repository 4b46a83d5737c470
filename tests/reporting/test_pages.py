"""The report page, its exports and the customer summaries: who may open them, what they
show, that the exports read back to the page's numbers, and bounded query counts."""

import csv
import io
import re
from typing import Any

import pytest
import tablib
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
MARCH = "preset=custom&start=2026-03-02&end=2026-03-15"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cell(html: str, key: str, row: int, column: int) -> str:
    found = re.search(rf'data-cell="{key}-{row}-{column}">([^<]*)<', html)
    assert found, f"no cell {key}-{row}-{column}"
    return found.group(1)


def test_only_supervisors_open_the_report(march: Any, sue: Any, alice: Any, carla: Any) -> None:
    url = reverse("reporting:report")
    assert logged_in(alice).get(url).status_code == 403
    assert logged_in(carla).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert (
        logged_in(alice).get(reverse("reporting:export", args=["volumes", "csv"])).status_code
        == 403
    )
    page = logged_in(sue).get(url + "?" + MARCH)
    assert page.status_code == 200
    html = page.content.decode()
    assert "02 Mar 2026 to 15 Mar 2026" in html
    assert cell(html, "volumes", 0, 1) == "6"  # opened
    assert cell(html, "times", 0, 3) == "1.0"  # median time to assign
    assert 'href="/reports/"' in html  # the navigation's Reports link


def test_a_bad_custom_period_is_refused_beside_its_field(sue: Any) -> None:
    page = logged_in(sue).get(
        reverse("reporting:report") + "?preset=custom&start=2026-03-10&end=2026-03-01"
    )
    assert "The last day must not be before the first." in page.content.decode()
    export = logged_in(sue).get(
        reverse("reporting:export", args=["volumes", "csv"]) + "?preset=custom"
    )
    assert export.status_code == 400


def test_csv_and_xlsx_read_back_to_the_numbers_shown(march: Any, sue: Any) -> None:
    client = logged_in(sue)
    html = client.get(reverse("reporting:report") + "?" + MARCH).content.decode()
    for key, row, column in (("times", 1, 4), ("targets", 0, 1), ("trends", 0, 1)):
        shown = cell(html, key, row, column)
        body = client.get(reverse("reporting:export", args=[key, "csv"]) + "?" + MARCH)
        assert body["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
        assert rows[row + 1][column] == shown
        xlsx = client.get(reverse("reporting:export", args=[key, "xlsx"]) + "?" + MARCH)
        sheet = tablib.Dataset().load(io.BytesIO(xlsx.content), format="xlsx")
        assert str(sheet[row][column]) == shown
    assert client.get(reverse("reporting:export", args=["nothing", "csv"])).status_code == 404


def test_comments_are_paged_latest_first(march: Any, sue: Any) -> None:
    html = logged_in(sue).get(reverse("reporting:report") + "?" + MARCH).content.decode()
    assert html.index("Took too long") < html.index("Quick fix")


def test_the_page_makes_a_bounded_number_of_queries(
    march: Any, sue: Any, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(sue)
    client.get(reverse("reporting:report") + "?" + MARCH)
    with django_assert_max_num_queries(45) as few:  # about 40: each table its own few
        client.get(reverse("reporting:report") + "?" + MARCH)
    for n in range(30):
        factories.CustomerFactory(name=f"More {n}", code=f"more{n}")
    from problems.models import CustomerProblem
    from tests.reporting.conftest import at

    for n in range(30):
        CustomerProblem.objects.create(
            title="x",
            description="x",
            created_at=at(3, 3, n % 24),
            team=march.team,
            customer=march.company,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reporting:report") + "?" + MARCH)


def test_customer_summary_for_supervisors_and_for_the_customer(
    march: Any, sue: Any, carla: Any, dave: Any, alice: Any
) -> None:
    url = reverse("reporting:customer", args=[march.company.pk]) + "?" + MARCH
    assert logged_in(alice).get(url).status_code == 403
    assert logged_in(carla).get(url).status_code == 403
    html = logged_in(sue).get(url).content.decode()
    assert 'data-figure="opened">5<' in html  # P1 P2 P3 P5 P7 (P8 is company B's)
    assert 'data-figure="answered">2 of 3<' in html
    own = logged_in(carla).get(reverse("reporting_portal:summary") + "?" + MARCH)
    assert own.status_code == 200
    assert 'data-figure="opened">5<' in own.content.decode()
    assert "Our summary" in own.content.decode()
    other = logged_in(dave).get(reverse("reporting_portal:summary") + "?" + MARCH).content.decode()
    assert 'data-figure="opened">1<' in other  # only P8
    assert logged_in(alice).get(reverse("reporting_portal:summary")).status_code == 403


def test_summary_pdfs_render(march: Any, sue: Any, carla: Any) -> None:
    pdf = logged_in(sue).get(
        reverse("reporting:customer_pdf", args=[march.company.pk]) + "?" + MARCH
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    own = logged_in(carla).get(reverse("reporting_portal:summary_pdf") + "?" + MARCH)
    assert own.content.startswith(b"%PDF")


def test_a_customer_summary_leaves_out_security_events(
    march: Any, carla: Any, security_category: Any
) -> None:
    from problems.models import CustomerProblem
    from tests.reporting.conftest import at

    CustomerProblem.objects.create(
        title="Intrusion",
        description="x",
        created_at=at(3, 4, 9),
        customer=march.company,
        category=security_category,
    )
    html = logged_in(carla).get(reverse("reporting_portal:summary") + "?" + MARCH).content.decode()
    assert 'data-figure="opened">5<' in html
    assert "Intrusion" not in html


def test_the_comments_page_through_htmx(march: Any, sue: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("reporting.views.management.COMMENTS_PER_PAGE", 1)
    client = logged_in(sue)
    html = client.get(reverse("reporting:report") + "?" + MARCH).content.decode()
    assert "Page 1 of 2" in html and "Took too long" in html and "Quick fix" not in html
    part = client.get(
        reverse("reporting:report") + "?" + MARCH + "&part=comments&page=2",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Quick fix" in part and "Took too long" not in part
    assert "<html" not in part and "Volumes" not in part
