"""Links from customer problems to the service trouble reports that caused them.

Service trouble reports live in the ``services`` app, which this app does not import
(DESIGN.md, "Apps and boundaries"): a link holds the report by id, with its reference to
show, as a problem holds its service by id.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from problems.models.accounts import Customer
from problems.models.problem import CustomerProblem


class TroubleReportLink(models.Model):
    problem = models.ForeignKey(
        CustomerProblem, on_delete=models.CASCADE, related_name="trouble_report_links"
    )
    trouble_report_id = models.PositiveBigIntegerField()
    trouble_report_reference = models.CharField(max_length=30)
    service_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The impacted service through which the customer is hit."
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proactive = models.BooleanField(
        default=False,
        help_text="The problem was opened by network operations because of the fault "
        "(else the customer reported it and it was linked).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A chunk of the impact fan-out that runs twice links nothing twice…
            models.UniqueConstraint(
                fields=["problem", "trouble_report_id"], name="one_link_per_problem_and_report"
            ),
            # …and opens no second proactive problem for the same customer and service.
            models.UniqueConstraint(
                fields=["trouble_report_id", "service_id", "customer"],
                condition=Q(proactive=True),
                name="one_proactive_problem_per_customer",
            ),
        ]
        indexes = [
            models.Index(fields=["trouble_report_id", "problem"], name="link_report_problem"),
        ]

    def __str__(self) -> str:
        return f"{self.problem.reference} ← {self.trouble_report_reference}"
