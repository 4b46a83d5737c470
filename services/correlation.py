"""Correlation: alarms onto service trouble reports (eTOM 1.4.6, *Create Service Trouble
Report*).

An alarm on a resource impacts services (``services.localisation``). If an active report
impacts one of them and its alarms span a time within the correlation window of this one
(``SERVICE_ALARM_CORRELATION_WINDOW_MINUTES`` either side of when it was raised), the alarm
attaches to it; the window slides with each alarm attached. Otherwise a critical or major
alarm on services that have subscribers opens a report. Anything else stays on the alarm
list for an operator.

Runs inside the ingestion transaction, with a number of queries that grows with the reports
a batch touches, not with its alarms. The impacted services' rows are locked first, all at
once in id order: two batches correlating alarms of one service queue up, and the second
finds the report the first opened instead of opening another.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from services.localisation import services_impacted_by_each
from services.models import (
    REPORTING_SEVERITIES,
    Alarm,
    ReportOrigin,
    Service,
    ServiceTroubleReport,
    Subscription,
    TroubleReportImpact,
)
from services.workflow._base import ALARM_CORRELATION, lock_report, save_report
from services.workflow.diagnosis import attach_alarms, enqueue_assessment, relocalise
from services.workflow.opening import PRIORITY_OF_SEVERITY, open_report


def window() -> timedelta:
    return timedelta(minutes=settings.SERVICE_ALARM_CORRELATION_WINDOW_MINUTES)


@dataclass
class _Candidate:
    """An active report the batch may attach alarms to, as far as the batch knows it."""

    pk: int
    services: frozenset[int]
    first: datetime | None
    last: datetime | None
    report: ServiceTroubleReport | None = None  # locked once an alarm attaches
    attached: list[Alarm] = field(default_factory=list)

    def takes(self, services: frozenset[int], raised_at: datetime, span: timedelta) -> bool:
        return bool(
            self.services & services
            and self.first is not None
            and self.last is not None
            and self.first - span <= raised_at <= self.last + span
        )


def correlate(alarms: Sequence[Alarm], *, now: datetime) -> None:
    """Attach each raised alarm to its trouble report, opening one where the rules say so;
    then localise each report that got alarms once."""
    candidates = [
        alarm
        for alarm in alarms
        if alarm.is_raised and alarm.resource_id is not None and not alarm.trouble_report_id
    ]
    impacted = services_impacted_by_each(
        alarm.resource_id for alarm in candidates if alarm.resource_id is not None
    )
    every_service = frozenset().union(*impacted.values())
    if not every_service:
        return
    _lock_services(every_service)
    reports = _active_reports(every_service)
    subscribed: dict[frozenset[int], bool] = {}
    span = window()
    for alarm in candidates:
        services = impacted.get(alarm.resource_id or 0, frozenset())
        if not services:
            continue  # not under any service: for an operator to judge
        target = _take(reports, services, alarm.raised_at, span)
        if target is not None:
            target.attached.append(alarm)
            target.first = min(target.first or alarm.raised_at, alarm.raised_at)
            target.last = max(target.last or alarm.raised_at, alarm.raised_at)
            continue
        if alarm.perceived_severity not in REPORTING_SEVERITIES:
            continue
        if services not in subscribed:
            subscribed[services] = (
                Subscription.objects.active().filter(service_id__in=services).exists()
            )
        if not subscribed[services]:
            continue
        report = open_report(
            actor=ALARM_CORRELATION,
            title=_title(alarm),
            description=alarm.specific_problem or alarm.alarm_details,
            priority=PRIORITY_OF_SEVERITY.get(alarm.perceived_severity, 2),  # type: ignore[call-overload]
            team=None,
            alarms=[alarm],
            origin=ReportOrigin.ALARM,
            originating_system=alarm.source_system_id,
        )
        reports.append(
            _Candidate(
                report.pk,
                frozenset(report.impacts.values_list("service_id", flat=True)),
                report.first_alarm_at,
                report.last_alarm_at,
                report=report,
            )
        )
    for candidate in reports:
        if candidate.report is None or not candidate.attached:
            continue
        report = candidate.report
        attach_alarms(report, candidate.attached, actor=ALARM_CORRELATION)
        new = relocalise(report, actor=ALARM_CORRELATION)
        save_report(report)
        enqueue_assessment(report, new)


def _take(
    reports: list[_Candidate], services: frozenset[int], raised_at: datetime, span: timedelta
) -> _Candidate | None:
    """The report this alarm attaches to: of those that take it, the latest; locked (and
    checked to be still active) the first time the batch attaches to it."""
    while True:
        taking = [r for r in reports if r.takes(services, raised_at, span)]
        if not taking:
            return None
        best = max(taking, key=lambda r: (r.last, r.pk))
        if best.report is None:
            best.report = lock_report(best.pk, actor=ALARM_CORRELATION)
            if not best.report.is_active:  # an operator ended it meanwhile
                reports.remove(best)
                continue
        return best


def _active_reports(services: frozenset[int]) -> list[_Candidate]:
    """Active reports on these services, with their impacted services (two queries)."""
    rows = list(
        ServiceTroubleReport.objects.active()
        .filter(impacts__service_id__in=services)
        .distinct()
        .values_list("pk", "first_alarm_at", "last_alarm_at")
    )
    impacts: dict[int, set[int]] = {}
    for report_id, service_id in TroubleReportImpact.objects.filter(
        report_id__in=[pk for pk, _, _ in rows]
    ).values_list("report_id", "service_id"):
        impacts.setdefault(report_id, set()).add(service_id)
    return [_Candidate(pk, frozenset(impacts.get(pk, ())), first, last) for pk, first, last in rows]


def _lock_services(service_ids: frozenset[int]) -> None:
    list(
        Service.objects.select_for_update()
        .filter(pk__in=sorted(service_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _title(alarm: Alarm) -> str:
    where = alarm.resource.name if alarm.resource else alarm.alarmed_object_id
    return f"{alarm.probable_cause} on {where}"
