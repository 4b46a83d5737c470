"""Background report jobs (progress, file, at most once, failures) and the weekly e-mail
(exactly once per week)."""

import csv
import io
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from reporting.jobs import job_run, job_start
from reporting.models import JobStatus, ReportJob, WeeklySummary
from reporting.weekly import send_weekly_summary
from tests import factories

pytestmark = pytest.mark.django_db
MARCH = "preset=custom&start=2026-03-02&end=2026-03-15"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_export_job_runs_after_commit_and_its_file_is_the_owners(
    march: Any, sue: Any, alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = logged_in(sue)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("reporting:job_new"), {"kind": "problems_csv", "query": MARCH}
        )
    assert len(callbacks) == 1
    job = ReportJob.objects.get()
    assert response.url == reverse("reporting:job", args=[job.pk])
    assert (job.status, job.progress, job.owner) == (JobStatus.DONE, 100, sue)
    page = client.get(response.url).content.decode()
    assert "Ready." in page and "hx-trigger" not in page  # polling stops when done
    download = client.get(reverse("reporting:job_download", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["P1", "P2", "P3", "P8", "P7", "P5"]  # reported order
    assert logged_in(alice).get(reverse("reporting:job_download", args=[job.pk])).status_code == 403
    other = factories.agent("vera", march.team, role=factories.SUPERVISOR)
    assert logged_in(other).get(reverse("reporting:job_download", args=[job.pk])).status_code == 200


def test_a_job_runs_at_most_once(march: Any, sue: Any) -> None:
    job = ReportJob.objects.create(
        owner=sue,
        kind="problems_xlsx",
        params={"preset": "custom", "start": "2026-03-02", "end": "2026-03-15"},
    )
    assert job_run(job.pk) is True
    job.refresh_from_db()
    first_file, finished = job.file.name, job.finished_at
    assert job_run(job.pk) is False  # a second delivery of the task
    job.refresh_from_db()
    assert (job.file.name, job.finished_at) == (first_file, finished)


def test_a_waiting_job_shows_a_progress_bar_that_polls(sue: Any) -> None:
    job = ReportJob.objects.create(
        owner=sue, kind="report_pdf", params={}, progress=40, status=JobStatus.RUNNING
    )
    page = logged_in(sue).get(reverse("reporting:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="40"' in html
    assert "<html" not in html  # the partial only


def test_a_failed_job_says_why(sue: Any) -> None:
    job = ReportJob.objects.create(
        owner=sue, kind="customer_pdf", params={"preset": "last_week", "customer": "999999"}
    )
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "DoesNotExist" in job.error
    assert (
        "This export failed"
        in logged_in(sue).get(reverse("reporting:job", args=[job.pk])).content.decode()
    )


def test_the_report_as_a_pdf_job(march: Any, sue: Any) -> None:
    job = job_start(owner=sue, kind="report_pdf", query=MARCH)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.file.open("rb").read(4) == b"%PDF"


def test_a_bad_job_request_is_refused_with_a_message(sue: Any) -> None:
    response = logged_in(sue).post(
        reverse("reporting:job_new"), {"kind": "nonsense", "query": ""}, follow=True
    )
    assert "Unknown kind of export." in response.content.decode()
    assert not ReportJob.objects.exists()


def test_the_weekly_summary_is_sent_once_per_week(march: Any, sue: Any, settings: Any) -> None:
    settings.REPORTS_WEEKLY_SUMMARY = True
    sue.email = "sue@example.test"
    sue.save()
    with time_machine.travel("2026-03-16 07:00Z", tick=False):
        first = send_weekly_summary()
        second = send_weekly_summary()  # beat fired twice, or the task was redelivered
    assert first["sent"] is True and second == {
        "sent": False,
        "reason": "already sent",
        "week": "2026-03-09",
    }
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sue@example.test"]
    assert "09 Mar 2026 to 15 Mar 2026" in mail.outbox[0].subject
    summary = WeeklySummary.objects.get()
    assert summary.recipients == ["sue@example.test"]
    assert ["Opened", 3] in summary.figures["volumes"]  # P5 P7 P8 in the week of 9 March
    with time_machine.travel("2026-03-23 07:00Z", tick=False):
        assert send_weekly_summary()["sent"] is True
    assert len(mail.outbox) == 2


def test_the_weekly_summary_is_on_the_beat_schedule(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-report-summary"]
    assert entry["task"] == "reporting.tasks.send_weekly_summary"


def test_a_customer_summary_pdf_in_the_background(march: Any, sue: Any) -> None:
    client = logged_in(sue)
    page = client.get(reverse("reporting:customer", args=[march.company.pk]) + "?" + MARCH)
    assert 'value="customer_pdf"' in page.content.decode()
    job = job_start(owner=sue, kind="customer_pdf", query=f"{MARCH}&customer={march.company.pk}")
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.file.open("rb").read(4) == b"%PDF"
    report = client.get(reverse("reporting:report") + f"?{MARCH}&customer={march.company.pk}")
    assert reverse("reporting:customer", args=[march.company.pk]) in report.content.decode()
