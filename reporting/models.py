"""What reporting stores: background report jobs and the weekly summaries sent.

Reporting never writes problems or services (DESIGN.md); these rows are its own.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobKind(models.TextChoices):
    PROBLEMS_CSV = "problems_csv", "Problems of the period (CSV)"
    PROBLEMS_XLSX = "problems_xlsx", "Problems of the period (Excel)"
    REPORT_PDF = "report_pdf", "Management report (PDF)"
    CUSTOMER_PDF = "customer_pdf", "Customer summary (PDF)"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReportJob(models.Model):
    """A long export or PDF, made by a Celery task, kept in the default storage and served
    only to its owner and supervisors. A job runs at most once: the task claims it
    (pending → running) under a row lock, so a second delivery finds it taken."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs"
    )
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    params = models.JSONField(default=dict, help_text="The report's period and filters.")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"], name="reportjob_owner_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def file_name(self) -> str:
        return (self.file.name or "").rsplit("/", 1)[-1]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class WeeklySummary(models.Model):
    """One row per week summarised: written in the transaction that sends the e-mail, so a
    week is sent exactly once however often beat's task runs (the unique week refuses a
    second row)."""

    week_start = models.DateField(unique=True, help_text="The Monday of the week summarised.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-week_start"]
        verbose_name_plural = "weekly summaries"

    def __str__(self) -> str:
        return f"Weekly summary of {self.week_start}"
