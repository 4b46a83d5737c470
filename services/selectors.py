"""Reads for the desk's service problem management pages (STYLE.md rule 3).

Alarms and service trouble reports are internal: staff who work problems (agents,
supervisors) see them all; customers and people without a role see none (a 404, as for
another company's problem). Each list selector returns a queryset with its joins done and
an ordering, ready for a table, a filter and a page.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from problems.models import CustomerProblem, TroubleReportLink
from problems.permissions import is_agent
from services.models import (
    RAISED_STATES,
    SEVERITY_RANK,
    Alarm,
    ServiceTroubleReport,
    Subscription,
    TroubleReportActivity,
    TroubleReportEvent,
    TroubleReportImpact,
)
from services.models.alarms import AlarmQuerySet
from services.models.reports import ReportQuerySet


def can_see_trouble_reports(user: Any) -> bool:
    """Alarms and trouble reports are for staff who work problems."""
    return bool(user.is_authenticated and is_agent(user))


# --- Alarms -----------------------------------------------------------------------------
def alarms_visible_to(user: Any) -> AlarmQuerySet:
    alarms: AlarmQuerySet = Alarm.objects.all()
    return alarms if can_see_trouble_reports(user) else alarms.none()


def alarm_list_for_user(
    *,
    user: Any,
    raised_only: bool = True,
    severity: str = "",
    unacknowledged: bool = False,
    search: str = "",
) -> AlarmQuerySet:
    """The live alarm list: raised alarms, most severe first, newest first; filters for the
    list's form. Each row has its resource and its trouble report joined."""
    alarms = alarms_visible_to(user).select_related("resource", "trouble_report")
    if raised_only:
        alarms = alarms.raised()
    if severity:
        alarms = alarms.severity_at_least(severity)
    if unacknowledged:
        alarms = alarms.unacknowledged()
    if search.strip():
        term = search.strip()
        alarms = alarms.filter(
            Q(alarmed_object_id__icontains=term)
            | Q(probable_cause__icontains=term)
            | Q(specific_problem__icontains=term)
            | Q(resource__name__icontains=term)
        )
    return alarms.order_by(*SEVERITY_ORDER, "-raised_at", "-id")


# Order by rank without a join: "critical" first (a CASE on the choice values).
def _severity_order() -> list[Any]:
    from django.db.models import Case, IntegerField, Value, When

    return [
        Case(
            *(
                When(highest_severity=value, then=Value(-rank))
                for value, rank in SEVERITY_RANK.items()
            ),
            default=Value(0),
            output_field=IntegerField(),
        ).asc()
    ]


SEVERITY_ORDER = _severity_order()


def alarm_get_for_user(*, user: Any, pk: int) -> Alarm:
    try:
        return alarms_visible_to(user).select_related("resource", "trouble_report").get(pk=pk)
    except Alarm.DoesNotExist:
        raise Http404("No such alarm.") from None


# --- Trouble reports --------------------------------------------------------------------
def trouble_reports_visible_to(user: Any) -> ReportQuerySet:
    reports: ReportQuerySet = ServiceTroubleReport.objects.all()
    return reports if can_see_trouble_reports(user) else reports.none()


def trouble_report_queue_for_user(*, user: Any, active_only: bool = True) -> ReportQuerySet:
    """The trouble report queue: each row with its team, assignee and root resource joined,
    and counted (one subquery each, on indexed columns, so a report with thousands of
    alarms or linked problems costs no more than a small one): impacted services, raised
    alarms, linked customer problems."""
    reports = trouble_reports_visible_to(user)
    if active_only:
        reports = reports.active()
    return (
        reports.select_related("team", "assignee", "root_cause_resource")
        .annotate(
            impacted_service_count=_count(
                TroubleReportImpact.objects.filter(report_id=OuterRef("pk"))
            ),
            raised_alarm_count=_count(
                Alarm.objects.filter(trouble_report_id=OuterRef("pk"), state__in=RAISED_STATES)
            ),
            linked_problem_count=_count(
                TroubleReportLink.objects.filter(trouble_report_id=OuterRef("pk"))
            ),
        )
        .order_by("priority", "-escalation_level", "created_at", "id")
    )


def _count(rows: QuerySet[Any]) -> Subquery:
    counted = rows.order_by().values(_group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)  # type: ignore[return-value]


@dataclass(frozen=True)
class QueueCounts:
    active: int
    acknowledged: int
    in_progress: int
    waiting: int
    in_jeopardy: int
    escalated: int


def trouble_report_counts(*, user: Any) -> QueueCounts:
    """The queue's live counts, in one query on the active reports."""
    active = trouble_reports_visible_to(user).active()
    totals = active.aggregate(
        active=Count("pk"),
        acknowledged=Count("pk", filter=Q(state="acknowledged")),
        in_progress=Count("pk", filter=Q(state="in_progress")),
        waiting=Count("pk", filter=Q(state__in=["held", "pending"])),
        in_jeopardy=Count("pk", filter=Q(jeopardy_since__isnull=False)),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
    )
    return QueueCounts(**{name: value or 0 for name, value in totals.items()})


def trouble_report_get_for_user(*, user: Any, pk: int) -> ServiceTroubleReport:
    """The report, or 404 for anyone who may not see trouble reports."""
    try:
        return (
            trouble_reports_visible_to(user)
            .select_related("team", "assignee", "root_cause_resource", "sla_policy")
            .get(pk=pk)
        )
    except ServiceTroubleReport.DoesNotExist:
        raise Http404("No such trouble report.") from None


@dataclass(frozen=True)
class ImpactSummary:
    """What the report page shows of the impact: per service and in total."""

    impacts: list[TroubleReportImpact]
    customer_count: int
    subscriber_count: int
    linked_problem_count: int
    proactive_problem_count: int


def impact_summary(report: ServiceTroubleReport) -> ImpactSummary:
    """Impacted services (with why, subscribers and customers) and the customer count:
    distinct customers subscribed to any impacted service. Four queries."""
    impacts = list(report.impacts.select_related("service").order_by("service__name"))
    subscriptions = Subscription.objects.active().filter(
        service_id__in=[impact.service_id for impact in impacts]
    )
    totals = subscriptions.aggregate(
        customers=Count("customer", distinct=True), subscribers=Count("pk")
    )
    links = TroubleReportLink.objects.filter(trouble_report_id=report.pk).aggregate(
        linked=Count("pk"), proactive=Count("pk", filter=Q(proactive=True))
    )
    return ImpactSummary(
        impacts=impacts,
        customer_count=totals["customers"] or 0,
        subscriber_count=totals["subscribers"] or 0,
        linked_problem_count=links["linked"] or 0,
        proactive_problem_count=links["proactive"] or 0,
    )


def linked_problems(report: ServiceTroubleReport) -> QuerySet[CustomerProblem]:
    """The customer problems linked to the report (for a paginated table on its page)."""
    return (
        CustomerProblem.objects.filter(trouble_report_links__trouble_report_id=report.pk)
        .select_related("customer", "team", "assignee")
        .order_by("customer__name", "id")
    )


def linked_problem_rows(report: ServiceTroubleReport) -> QuerySet[TroubleReportLink]:
    """The report's links to customer problems, each with its problem, customer, team and
    assignee joined, in link order (the index on the report and problem reads it)."""
    return (
        TroubleReportLink.objects.filter(trouble_report_id=report.pk)
        .select_related("problem__customer", "problem__team", "problem__assignee")
        .order_by("problem_id")
    )


def report_alarms(report: ServiceTroubleReport) -> AlarmQuerySet:
    alarms: AlarmQuerySet = report.alarms.select_related("resource")
    return alarms.order_by(*SEVERITY_ORDER, "raised_at", "id")


def report_activities(report: ServiceTroubleReport) -> QuerySet[TroubleReportActivity]:
    return report.activities.select_related("supplier", "assignee", "team").order_by(
        "created_at", "id"
    )


def report_events(report: ServiceTroubleReport) -> QuerySet[TroubleReportEvent]:
    return report.events.select_related("actor").order_by("created_at", "id")


def trouble_reports_for_problem(*, user: Any, problem: CustomerProblem) -> ReportQuerySet:
    """The trouble reports behind a customer problem (for links on the problem's page).
    ``problems`` keeps the links by id; this joins them to the reports."""
    report_ids = TroubleReportLink.objects.filter(problem=problem).values("trouble_report_id")
    return (
        trouble_reports_visible_to(user)
        .filter(pk__in=report_ids)
        .prefetch_related(
            Prefetch("impacts", queryset=TroubleReportImpact.objects.select_related("service"))
        )
        .order_by("-created_at", "-id")
    )


def available_transitions(report: ServiceTroubleReport, user: Any) -> list[Any]:
    """The transitions this user may take on this report now (buttons on its page).
    Guards that check the transition's input are left to its form."""
    if not can_see_trouble_reports(user):
        return []
    available = []
    for transition in report.get_all_state_transitions():  # type: ignore[attr-defined]
        if transition.source not in (report.state, "*"):
            continue
        if not transition.custom.get("admin", True) or not transition.has_perm(report, user):
            continue
        situational = [c for c in transition.conditions if not getattr(c, "needs_input", False)]
        if all(condition(report) for condition in situational):
            available.append(transition)
    return available
