"""The per-problem report: a printable page and a PDF, internal for staff, and a customer
version (public events only) that a customer's contact opens for their own company."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from problems import workflow
from tests.support import client_for

pytestmark = pytest.mark.django_db

INTERNAL_NOTE = "Engineer suspects our own config push"
PUBLIC_REPLY = "We are sending an engineer tomorrow"


@pytest.fixture
def reported(assigned, alice, carla):
    workflow.note_add(assigned, actor=alice, body=INTERNAL_NOTE, is_internal=True)
    workflow.note_add(assigned, actor=alice, body=PUBLIC_REPLY, is_internal=False)
    activity = workflow.activity_schedule(
        assigned, actor=alice, kind="service_restoration", summary="Replace the line card"
    )
    workflow.activity_complete(activity, actor=alice, outcome="restored")
    workflow.problem_clear(
        assigned,
        actor=alice,
        outcome="restored",
        summary="The line card was replaced.",
        root_cause="A failed line card in the street cabinet.",
    )
    closed = workflow.problem_close(assigned, actor=carla, confirmed=True)
    workflow.survey_answer(closed.survey.pk, score=5, comment="Fixed the same day")
    return closed


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_internal_page_has_every_part_and_internal_notes(reported, alice):
    page = client_for(alice).get(f"/reports/problems/{reported.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "What happened",
        "Nothing loads since this morning.",
        "A failed line card in the street cabinet.",
        "Replace the line card",
        "The line card was replaced.",
        "5 out of 5",
        "Fixed the same day",
        INTERNAL_NOTE,
        PUBLIC_REPLY,
        "@media print",
    ):
        assert text in html, text


def test_the_customer_version_hides_internal_notes_and_staff_names(reported, carla, alice):
    for client in (client_for(carla), client_for(alice)):
        html = client.get(f"/reports/problems/{reported.pk}/customer/").content.decode()
        assert PUBLIC_REPLY in html and "Replace the line card" in html
        assert INTERNAL_NOTE not in html
        assert "Service desk" in html
        assert "Alice" not in html.split('class="report')[1]  # not in the report itself


def test_the_pdf_renders_and_its_text_can_be_read(reported, alice, carla):
    internal = client_for(alice).get(f"/reports/problems/{reported.pk}/pdf/")
    assert internal.status_code == 200 and internal["Content-Type"] == "application/pdf"
    assert internal.content.startswith(b"%PDF")
    text = pdf_text(internal.content)
    assert reported.reference in text and INTERNAL_NOTE in text
    customer = client_for(carla).get(f"/reports/problems/{reported.pk}/customer/pdf/")
    assert customer.content.startswith(b"%PDF")
    text = pdf_text(customer.content)
    assert PUBLIC_REPLY in text and "Fixed the same day" in text
    assert INTERNAL_NOTE not in text
    assert f'filename="{reported.reference}-customer.pdf"' in customer["Content-Disposition"]


def test_who_may_open_which_version(reported, carla, dave, olga):
    assert client_for(carla).get(f"/reports/problems/{reported.pk}/").status_code == 404
    assert client_for(carla).get(f"/reports/problems/{reported.pk}/pdf/").status_code == 404
    for other in (dave, olga):  # another company; no role
        assert (
            client_for(other).get(f"/reports/problems/{reported.pk}/customer/").status_code == 404
        )
    anonymous = Client().get(f"/reports/problems/{reported.pk}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_portal_and_the_desk_link_to_the_report(reported, carla, alice):
    portal = client_for(carla).get(f"/portal/problems/{reported.pk}/").content.decode()
    assert f"/reports/problems/{reported.pk}/customer/" in portal
    assert f'/reports/problems/{reported.pk}/"' not in portal
    desk = client_for(alice).get(f"/desk/problems/{reported.pk}/").content.decode()
    assert f'/reports/problems/{reported.pk}/"' in desk


def test_the_report_needs_a_fixed_number_of_queries(reported, alice, django_assert_max_num_queries):
    for index in range(15):
        workflow.note_add(reported, actor=alice, body=f"Later note {index}", is_internal=True)
    client = client_for(alice)
    with django_assert_max_num_queries(11):
        assert client.get(f"/reports/problems/{reported.pk}/").status_code == 200


def test_the_pdf_fetches_nothing_from_outside():
    from reporting.pdf import FetchRefused, _fetcher

    with pytest.raises(FetchRefused):
        _fetcher().fetch("http://example.com/tracker.png")
    with pytest.raises(FetchRefused):
        _fetcher().fetch("file:///etc/passwd")
    assert _fetcher().fetch("https://x.invalid/static/vendor/bootstrap/bootstrap.min.css").read()
