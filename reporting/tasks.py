"""Thin Celery tasks: they take ids (or nothing) and call reporting's functions."""

from typing import Any

from celery import shared_task

from reporting.jobs import job_run
from reporting.weekly import send_weekly_summary as _send_weekly_summary


@shared_task
def run_report_job(job_id: int) -> bool:
    """Make a report job's file; a second delivery finds the job claimed and does nothing."""
    return job_run(job_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_weekly_summary() -> Any:
    """Beat, weekly: the last full week's summary to the supervisors, once per week."""
    return _send_weekly_summary()
