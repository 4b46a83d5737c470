"""Background report jobs: start one (``job_start``), run it (``job_run``, from the Celery
task). A job runs at most once: the run claims it with a conditional update (pending →
running), which only one delivery of the task can win."""

import csv
import io
import logging
from collections.abc import Iterator
from typing import Any

import tablib
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from problems.models import Customer
from reporting.customer import customer_summary
from reporting.forms import PeriodForm, ReportForm
from reporting.metrics import between, problems_in_scope
from reporting.models import JobKind, JobStatus, ReportJob
from reporting.pdf import render_pdf
from reporting.period import ReportScope
from reporting.report import build_report

logger = logging.getLogger(__name__)

PROBLEM_COLUMNS = [
    ("Problem", "pk"),
    ("Title", "title"),
    ("Customer", "customer__name"),
    ("Priority", "priority"),
    ("State", "state"),
    ("Team", "team__name"),
    ("Assignee", "assignee__username"),
    ("Reported", "created_at"),
    ("First assigned", "responded_at"),
    ("Restore by", "restore_by"),
    ("Cleared", "cleared_at"),
    ("Closed", "closed_at"),
    ("Cancelled", "cancelled_at"),
    ("Escalation level", "escalation_level"),
    ("Root cause", "root_cause"),
]
CHUNK = 2000


class JobRefused(ValueError):
    pass


def job_start(*, owner: Any, kind: str, query: str) -> ReportJob:
    """Record a job for the report's query string and enqueue it after commit."""
    from reporting.tasks import run_report_job

    if kind not in JobKind.values:
        raise JobRefused("Unknown kind of export.")
    form_class = PeriodForm if kind == JobKind.CUSTOMER_PDF else ReportForm
    form = form_class(QueryDict(query))
    if not form.is_valid():
        raise JobRefused("The period or a filter is not valid.")
    params = dict(QueryDict(query).items())
    with transaction.atomic():
        job = ReportJob.objects.create(owner=owner, kind=kind, params=params)
        run_report_job.delay_on_commit(job.pk)
    return job


def job_run(job_id: int) -> bool:
    """Make the job's file. False when another run has it (or had it) already."""
    claimed = ReportJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return False
    job = ReportJob.objects.get(pk=job_id)
    try:
        name, content = _produce(job)
        job.file.save(name, ContentFile(content), save=False)
        job.status, job.progress = JobStatus.DONE, 100
    except Exception as error:  # a failed job says why on its page; the task does not retry
        logger.exception("Report job %s failed", job_id)
        job.status, job.error = JobStatus.FAILED, f"{type(error).__name__}: {error}"
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return True


def _querydict(params: dict[str, str]) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(params)
    return query


def _progress(job: ReportJob, percent: int) -> None:
    ReportJob.objects.filter(pk=job.pk).update(progress=min(99, max(0, percent)))


def _scope(job: ReportJob) -> ReportScope:
    form = ReportForm(_querydict(job.params))
    if not form.is_valid():
        raise JobRefused("The period or a filter is no longer valid: " + form.errors.as_text())
    return form.scope()


def _produce(job: ReportJob) -> tuple[str, bytes]:
    if job.kind == JobKind.CUSTOMER_PDF:
        form = PeriodForm(_querydict(job.params))
        if not form.is_valid():
            raise JobRefused("The period is no longer valid.")
        customer = Customer.objects.get(pk=int(job.params["customer"]))
        summary = customer_summary(customer, form.period(), for_customer=False)
        context = {"summary": summary, "customer": customer, "for_customer": False}
        return f"summary-{customer.code}.pdf", render_pdf(
            "reporting/customer_summary_pdf.html", context
        )
    scope = _scope(job)
    stamp = f"{scope.period.start:%Y%m%d}-{scope.period.last_day:%Y%m%d}"
    if job.kind == JobKind.REPORT_PDF:
        report = build_report(scope)
        return f"report-{stamp}.pdf", render_pdf("reporting/report_pdf.html", {"report": report})
    rows = _problem_rows(job, scope)
    if job.kind == JobKind.PROBLEMS_CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([header for header, _ in PROBLEM_COLUMNS])
        writer.writerows(rows)
        return f"problems-{stamp}.csv", ("\ufeff" + buffer.getvalue()).encode("utf-8")
    dataset = tablib.Dataset(headers=[header for header, _ in PROBLEM_COLUMNS], title="Problems")
    for row in rows:
        dataset.append(row)
    return f"problems-{stamp}.xlsx", dataset.export("xlsx")


def _problem_rows(job: ReportJob, scope: ReportScope) -> Iterator[list[Any]]:
    """The problems reported in the period, one row each, read in chunks (progress moves
    with each chunk)."""
    problems = problems_in_scope(scope).filter(**between("created_at", scope))
    total = problems.count() or 1
    fields = [field for _, field in PROBLEM_COLUMNS]
    for done, values in enumerate(
        problems.order_by("created_at", "pk").values_list(*fields).iterator(chunk_size=CHUNK),
        start=1,
    ):
        if done % CHUNK == 0:
            _progress(job, 100 * done // total)
        row = list(values)
        row[0] = f"PRB-{row[0]:07d}"
        yield [cell.isoformat() if hasattr(cell, "isoformat") else cell for cell in row]
