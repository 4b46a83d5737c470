"""The summary of one customer's period (eTOM *Report Customer Problem*: a specialised
summary per customer): their problems, the targets met, the outages that hit them, and
their satisfaction. The same figures as the management report, narrowed to the customer.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from problems.models import CustomerProblem
from reporting.metrics import between, problems_in_scope, volumes
from reporting.metrics.satisfaction import Satisfaction, satisfaction
from reporting.metrics.times import Targets, targets
from reporting.metrics.volumes import Volumes
from reporting.period import Period, ReportScope
from reporting.sql import without_jit
from services.models import ReportState, Service, ServiceTroubleReport, Subscription

# The list of problems in a summary shows at most this many (the counts cover them all).
PROBLEM_LIST_LIMIT = 200


@dataclass
class CustomerSummary:
    customer: Any
    period: Period
    volumes: Volumes
    open_at_end: int
    targets: Targets
    satisfaction: Satisfaction
    problems: list[CustomerProblem]
    problem_count: int
    outages: list[ServiceTroubleReport]
    for_customer: bool


def _outages(customer: Any, period: Period) -> QuerySet[ServiceTroubleReport]:
    """Service trouble reports on a service the customer subscribes to, active at some time
    in the period (cancelled and rejected ones were not outages)."""
    services = Subscription.objects.filter(customer=customer, is_active=True).values("service")
    return (
        ServiceTroubleReport.objects.filter(
            impacted_services__in=services, created_at__lt=period.end
        )
        .exclude(resolved_at__lt=period.start)
        .exclude(state__in=[ReportState.CANCELLED, ReportState.REJECTED])
        .prefetch_related(
            Prefetch(
                "impacted_services",
                Service.objects.filter(pk__in=services),
                to_attr="customer_services",
            )
        )
        .distinct()
        .order_by("created_at", "pk")
    )


def customer_summary(customer: Any, period: Period, *, for_customer: bool) -> CustomerSummary:
    scope = ReportScope(period, {"customer": customer.pk}, exclude_security=for_customer)
    # Newest first from the (customer, created_at) index; the count is the volume opened.
    listed = problems_in_scope(scope).filter(**between("created_at", scope))
    listed = listed.order_by("-created_at", "-pk")
    with without_jit():
        return _summary(customer, period, scope, listed, for_customer)


def _summary(
    customer: Any, period: Period, scope: ReportScope, listed: Any, for_customer: bool
) -> CustomerSummary:
    summary = CustomerSummary(
        customer=customer,
        period=period,
        volumes=volumes.volumes(scope),
        open_at_end=volumes.backlog_ageing(scope)["total"],
        targets=targets(scope),
        satisfaction=satisfaction(scope),
        problems=list(listed[:PROBLEM_LIST_LIMIT]),
        problem_count=0,  # set below from the volumes
        outages=list(_outages(customer, period)),
        for_customer=for_customer,
    )
    summary.problem_count = summary.volumes.opened
    return summary
