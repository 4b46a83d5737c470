"""How a trouble report reaches the customers: each impacted service, and the chunks of its
subscribers that the fan-out handles (``services.impact``)."""

from django.db import models

from services.models.inventory import Service
from services.models.reports import ServiceTroubleReport


class TroubleReportImpact(models.Model):
    """A service the fault impacts (localisation), and how its customers were told."""

    report = models.ForeignKey(
        ServiceTroubleReport, on_delete=models.CASCADE, related_name="impacts"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="impacts")
    reason = models.CharField(max_length=300, blank=True, help_text="Why it is impacted.")
    subscriber_count = models.PositiveIntegerField(default=0)
    customer_count = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    assessed_at = models.DateTimeField(null=True, blank=True, help_text="Fan-out planned.")
    informed_at = models.DateTimeField(
        null=True, blank=True, help_text="Every subscriber handled (all chunks done)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "service__name"]
        constraints = [
            models.UniqueConstraint(fields=["report", "service"], name="one_impact_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.report.reference}: {self.service}"


class ImpactChunk(models.Model):
    """One slice (a range of customer ids) of a service's subscribers, handled by one task
    in one transaction; ``done_at`` makes a second run of the task a no-op."""

    impact = models.ForeignKey(TroubleReportImpact, on_delete=models.CASCADE, related_name="chunks")
    first_customer_id = models.PositiveBigIntegerField()
    last_customer_id = models.PositiveBigIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    linked = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)
    notified = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["impact", "first_customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["impact", "first_customer_id"], name="one_chunk_per_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.impact}: customers {self.first_customer_id} to {self.last_customer_id}"
