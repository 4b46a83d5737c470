"""Impact on customers (eTOM 1.4.6: inform Problem Handling of every customer affected).

Work for thousands of customers is cut into chunks of ``SERVICE_IMPACT_CHUNK_SIZE``, each
handled by one Celery task in one transaction with a fixed number of queries (the bulk
operations of ``problems.workflow``). Nothing here waits in a request.

- **Fan-out** (a service becomes impacted): ``plan_impact`` counts the service's
  subscribers and writes one ``ImpactChunk`` per slice of customer ids; ``run_impact_chunk``
  links the slice's customers' active problems on the service to the report, then, as the
  service's policy says, opens a proactive problem for each customer without one or tells
  their contacts. A chunk is marked done in its own transaction, so a second run of its
  task does nothing; the last chunk writes the report's "customers informed" event.
- **Progress**: each progress update is put on every linked problem's timeline
  (``progress_chunk``), keyed by the report event, so a chunk that runs twice adds nothing.
- **Restoration**: each linked problem gets a completed restoration activity and is cleared
  or proposed for clearing, per its service's restoration policy (``restoration_chunk``);
  contacts told of the outage are told it is over.
- **Late problems**: problems customers report on an impacted service while the report is
  open are linked by ``link_late_problems`` (beat).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from problems import workflow as problems_workflow
from problems.models import TroubleReportLink
from problems.selectors import active_problems_on_service
from problems.workflow import AffectedCustomer, Outage
from services.models import (
    ImpactChunk,
    ImpactPolicy,
    NoticeKind,
    ReportEventKind,
    ReportState,
    RestorationPolicy,
    Service,
    ServiceNotification,
    ServiceTroubleReport,
    Subscription,
    TroubleReportEvent,
    TroubleReportImpact,
)
from services.notifications import queue_customer_notices
from services.workflow._base import NETWORK_OPERATIONS, lock_report, record_report_event


def chunk_size() -> int:
    return int(settings.SERVICE_IMPACT_CHUNK_SIZE)


def outage_of(report: ServiceTroubleReport, service: Service) -> Outage:
    return Outage(
        trouble_report_id=report.pk,
        reference=report.reference,
        service_id=service.pk,
        service_label=service.name,
    )


# --- Fan-out ----------------------------------------------------------------------------
def plan_impact(report_id: int) -> list[int]:
    """Slice the subscribers of each newly impacted service into chunks; returns the ids of
    the report's chunks still to do (so that running it again re-sends lost work)."""
    with transaction.atomic():
        report = lock_report(report_id, actor=NETWORK_OPERATIONS)
        if not report.is_active:
            return []
        now = timezone.now()
        for impact in report.impacts.filter(assessed_at__isnull=True).select_related("service"):
            subscriptions = Subscription.objects.active().filter(service=impact.service)
            customer_ids = list(
                subscriptions.order_by("customer_id")
                .values_list("customer_id", flat=True)
                .distinct()
            )
            chunks = [
                ImpactChunk(impact=impact, first_customer_id=ids[0], last_customer_id=ids[-1])
                for ids in batched(customer_ids, chunk_size())
            ]
            ImpactChunk.objects.bulk_create(chunks, ignore_conflicts=True)
            impact.subscriber_count = subscriptions.count()
            impact.customer_count = len(customer_ids)
            impact.chunks_total = len(chunks)
            impact.assessed_at = now
            if not chunks:
                impact.informed_at = now
            impact.save()
            policy = ImpactPolicy(impact.service.impact_policy).label.lower()
            record_report_event(
                report,
                actor=NETWORK_OPERATIONS,
                kind=ReportEventKind.IMPACT_ASSESSED,
                message=f"{impact.service}: {impact.subscriber_count:,} subscriptions of "
                f"{impact.customer_count:,} customers; their problems are linked and, per the "
                f"service's policy, we {policy}.",
                data={
                    "service": impact.service_id,
                    "subscribers": impact.subscriber_count,
                    "customers": impact.customer_count,
                    "chunks": impact.chunks_total,
                },
            )
        return list(
            ImpactChunk.objects.filter(impact__report=report, done_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


@dataclass(frozen=True)
class ChunkResult:
    linked: int = 0
    opened: int = 0
    notified: int = 0
    skipped: bool = False


LINK_MESSAGE = (
    "A network fault affecting {service} is behind this problem. Our network engineers are "
    "working on it (reference {reference}); we will keep you informed here."
)
PROACTIVE_DESCRIPTION = (
    "A network fault affects your {service} service. Our engineers are working on it; you do "
    "not need to report it. We will keep you informed here. Our network reference: {reference}."
)


def run_impact_chunk(chunk_id: int) -> ChunkResult:
    """Inform one slice of a service's customers of its trouble report (see module)."""
    with transaction.atomic():
        chunk = (
            ImpactChunk.objects.select_for_update(of=("self",))
            .select_related(
                "impact__report",
                "impact__service__customer_category__default_team",
                "impact__service__customer_team",
            )
            .get(pk=chunk_id)
        )
        if chunk.done_at is not None:
            return ChunkResult(skipped=True)
        impact, report, service = chunk.impact, chunk.impact.report, chunk.impact.service
        result = ChunkResult()
        if report.is_active:
            result = _inform(report, service, chunk)
        chunk.done_at = timezone.now()
        chunk.linked, chunk.opened, chunk.notified = result.linked, result.opened, result.notified
        chunk.save()
        # Chunks finishing at once queue up here, so that exactly one sees it is the last.
        impact = TroubleReportImpact.objects.select_for_update().get(pk=impact.pk)
        if impact.informed_at is None and not impact.chunks.filter(done_at__isnull=True).exists():
            _informed(report, impact)
    return result


def _inform(report: ServiceTroubleReport, service: Service, chunk: ImpactChunk) -> ChunkResult:
    sites: dict[int, list[str]] = defaultdict(list)
    for customer_id, site in (
        Subscription.objects.active()
        .filter(
            service=service,
            customer_id__gte=chunk.first_customer_id,
            customer_id__lte=chunk.last_customer_id,
        )
        .values_list("customer_id", "site")
    ):
        sites[customer_id].append(site)
    outage = outage_of(report, service)
    open_problems = list(
        active_problems_on_service(
            service.pk, customer_ids=list(sites), trouble_report_id=report.pk
        ).values_list("pk", "customer_id")
    )
    linked = (
        problems_workflow.problems_link_trouble_report(
            actor=NETWORK_OPERATIONS,
            problem_ids=[pk for pk, _ in open_problems],
            outage=outage,
            message=LINK_MESSAGE.format(service=service.name, reference=report.reference),
        )
        if open_problems
        else []
    )
    with_problem = {customer_id for _, customer_id in open_problems}
    without = sorted(set(sites) - with_problem)
    opened = notified = 0
    if without and service.impact_policy == ImpactPolicy.PROACTIVE_PROBLEM:
        opened = len(
            problems_workflow.problems_open_for_outage(
                actor=NETWORK_OPERATIONS,
                outage=outage,
                customers=[AffectedCustomer(pk, sites=sites[pk]) for pk in without],
                title=f"{service.name}: service disruption",
                description=PROACTIVE_DESCRIPTION.format(
                    service=service.name, reference=report.reference
                ),
                priority=service.customer_priority,
                category=service.customer_category,
                team=service.customer_team,
            )
        )
    elif without and service.impact_policy == ImpactPolicy.NOTIFY_CONTACTS:
        notified = queue_customer_notices(
            report,
            notice=NoticeKind.OUTAGE,
            services_by_customer={pk: [service.name] for pk in without},
        )
    return ChunkResult(linked=len(linked), opened=opened, notified=notified)


def _informed(report: ServiceTroubleReport, impact: TroubleReportImpact) -> None:
    totals = impact.chunks.aggregate(
        linked=Sum("linked"), opened=Sum("opened"), notified=Sum("notified"), chunks=Count("pk")
    )
    impact.informed_at = timezone.now()
    impact.save(update_fields=["informed_at"])
    report = lock_report(report.pk, actor=NETWORK_OPERATIONS)
    record_report_event(
        report,
        actor=NETWORK_OPERATIONS,
        kind=ReportEventKind.CUSTOMERS_INFORMED,
        message=f"{impact.service}: {totals['linked'] or 0:,} customer problems linked, "
        f"{totals['opened'] or 0:,} proactive problems opened, "
        f"{totals['notified'] or 0:,} contacts told.",
        data={"service": impact.service_id, **{k: v or 0 for k, v in totals.items()}},
    )


def stale_chunks(older_than: timedelta = timedelta(minutes=5)) -> list[int]:
    """Chunks planned a while ago and still not done: their task was lost (broker down at
    commit, worker killed) or keeps failing; beat sends them again."""
    cutoff = timezone.now() - older_than
    return list(
        ImpactChunk.objects.filter(done_at__isnull=True, impact__assessed_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


# --- Progress and restoration on the linked problems ------------------------------------
def linked_problem_ranges(report_id: int) -> list[tuple[int, int]]:
    """The linked problems' ids cut into chunks, as (first id, last id) ranges."""
    ids = (
        TroubleReportLink.objects.filter(trouble_report_id=report_id)
        .order_by("problem_id")
        .values_list("problem_id", flat=True)
    )
    return [(chunk[0], chunk[-1]) for chunk in batched(ids.iterator(), chunk_size())]


def _linked_in(report_id: int, first: int, last: int) -> list[tuple[int, int | None]]:
    return list(
        TroubleReportLink.objects.filter(
            trouble_report_id=report_id, problem_id__gte=first, problem_id__lte=last
        ).values_list("problem_id", "service_id")
    )


def progress_chunk(event_id: int, first: int, last: int) -> int:
    """Put one progress update on one range of linked problems; returns how many."""
    event = TroubleReportEvent.objects.select_related("report").get(pk=event_id)
    problem_ids = [pk for pk, _ in _linked_in(event.report_id, first, last)]
    if not problem_ids:
        return 0
    return len(
        problems_workflow.problems_add_network_update(
            actor=NETWORK_OPERATIONS,
            problem_ids=problem_ids,
            message=f"{event.message} (network fault {event.report.reference})",
            key=f"trouble-report-event:{event.pk}",
        )
    )


def restoration_chunk(event_id: int, first: int, last: int) -> problems_workflow.Restoration:
    """Restore one range of linked problems: cleared or proposed for clearing as the
    policy of the service each was linked through says."""
    event = TroubleReportEvent.objects.select_related("report").get(pk=event_id)
    report = event.report
    total = problems_workflow.Restoration()
    if report.state not in RESTORED_STATES:
        return total  # reopened before this chunk ran: the fault is back, restore nothing
    by_service: dict[int | None, list[int]] = defaultdict(list)
    for problem_id, service_id in _linked_in(report.pk, first, last):
        by_service[service_id].append(problem_id)
    services = {s.pk: s for s in Service.objects.filter(pk__in=[k for k in by_service if k])}
    for service_id, problem_ids in sorted(by_service.items(), key=lambda item: item[0] or 0):
        service = services.get(service_id or 0)
        done = problems_workflow.problems_restore_for_outage(
            actor=NETWORK_OPERATIONS,
            problem_ids=problem_ids,
            outage=Outage(
                report.pk,
                report.reference,
                service_id or 0,
                service.name if service else "",
            ),
            outcome=event.data.get("outcome") or report.resolution_outcome,
            summary=event.message or report.resolution_summary,
            root_cause=event.data.get("root_cause", ""),
            clear=service is None or service.restoration_policy == RestorationPolicy.CLEAR,
        )
        total.cleared += done.cleared
        total.proposed += done.proposed
    return total


RESTORED_STATES = (ReportState.RESOLVED, ReportState.CLOSED)


def told_customer_ranges(report_id: int) -> list[tuple[int, int]]:
    """Customers told of the outage by notice (not by a problem), in chunks of ids."""
    ids = (
        ServiceNotification.objects.filter(report_id=report_id, notice=NoticeKind.OUTAGE)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
        .distinct()
    )
    return [(chunk[0], chunk[-1]) for chunk in batched(ids.iterator(), chunk_size())]


def restored_notice_chunk(report_id: int, first: int, last: int) -> int:
    """Tell one range of the customers told of the outage that it is over."""
    with transaction.atomic():
        report = ServiceTroubleReport.objects.get(pk=report_id)
        told = ServiceNotification.objects.filter(
            report=report,
            notice=NoticeKind.OUTAGE,
            customer_id__gte=first,
            customer_id__lte=last,
        ).values_list("customer_id", "services")
        services: dict[int, list[str]] = defaultdict(list)
        for customer_id, names in told:
            if customer_id is not None:
                services[customer_id].extend(n.strip() for n in names.split(",") if n.strip())
        return queue_customer_notices(
            report,
            notice=NoticeKind.RESTORED,
            services_by_customer={pk: sorted(set(names)) for pk, names in services.items()},
        )


# --- Problems reported while the report is open -----------------------------------------
def link_late_problems() -> int:
    """Link the active problems customers reported on an impacted service after its
    fan-out ran (one query per impacted service of an active report finds them, at most a
    chunk of them per run). Returns how many."""
    total = 0
    reports = ServiceTroubleReport.objects.active().filter(impacts__isnull=False).distinct()
    for report in reports.order_by("pk"):
        impacts = report.impacts.filter(informed_at__isnull=False).select_related("service")
        for impact in impacts:
            subscribers = Subscription.objects.active().filter(service=impact.service)
            late = list(
                active_problems_on_service(
                    impact.service_id,
                    customer_ids=subscribers.values("customer_id"),
                    trouble_report_id=report.pk,
                )
                .exclude(trouble_report_links__trouble_report_id=report.pk)
                .order_by("pk")
                .values_list("pk", flat=True)[: chunk_size()]
            )
            if late:
                total += len(
                    problems_workflow.problems_link_trouble_report(
                        actor=NETWORK_OPERATIONS,
                        problem_ids=late,
                        outage=outage_of(report, impact.service),
                        message=LINK_MESSAGE.format(
                            service=impact.service.name, reference=report.reference
                        ),
                    )
                )
    return total
