"""Correlation: alarms onto service trouble reports (eTOM 1.4.6, *Create Service Trouble
Report*).

An alarm on a resource impacts services (``services.localisation``). If an active report
impacts one of them and its alarms span a time within the correlation window of this one
(``SERVICE_ALARM_CORRELATION_WINDOW_MINUTES`` either side of when it was raised), the alarm
attaches to it; the window slides with each alarm attached. Otherwise a critical or major
alarm on services that have subscribers opens a report. Anything else stays on the alarm
list for an operator.

Runs inside the ingestion transaction. The impacted services' rows are locked first (in id
order), so that two batches correlating alarms of one service queue up: the second finds
the report the first opened instead of opening another.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings

from services.localisation import services_impacted_by
from services.models import (
    REPORTING_SEVERITIES,
    Alarm,
    ReportOrigin,
    Service,
    ServiceTroubleReport,
    Subscription,
)
from services.workflow._base import ALARM_CORRELATION, lock_report, save_report
from services.workflow.diagnosis import attach_alarm, enqueue_assessment, relocalise
from services.workflow.opening import PRIORITY_OF_SEVERITY, open_report


def window() -> timedelta:
    return timedelta(minutes=settings.SERVICE_ALARM_CORRELATION_WINDOW_MINUTES)


def correlate(alarms: Sequence[Alarm], *, now: datetime) -> None:
    """Attach each raised alarm to its trouble report, opening one where the rules say so;
    then localise each report that got alarms once (not once per alarm)."""
    impacted_by_resource: dict[int, frozenset[int]] = {}
    subscribed: dict[frozenset[int], bool] = {}
    locked_services: set[int] = set()
    touched: dict[int, ServiceTroubleReport] = {}
    opened: set[int] = set()
    for alarm in alarms:
        if not alarm.is_raised or alarm.resource_id is None or alarm.trouble_report_id:
            continue
        if alarm.resource_id not in impacted_by_resource:
            impacted_by_resource[alarm.resource_id] = frozenset(
                services_impacted_by([alarm.resource_id])
            )
        services = impacted_by_resource[alarm.resource_id]
        if not services:
            continue  # not under any service: for an operator to judge
        _lock_services(services - locked_services)
        locked_services |= services
        report_id = _open_report_id(services, alarm.raised_at)
        report = touched.get(report_id) if report_id is not None else None
        if report is None and report_id is not None:
            report = lock_report(report_id, actor=ALARM_CORRELATION)
        if report is not None:
            attach_alarm(report, alarm, actor=ALARM_CORRELATION)
            save_report(report)
            touched[report.pk] = report
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
        touched[report.pk] = report
        opened.add(report.pk)
    for report in touched.values():
        if report.pk in opened and report.alarms.count() == 1:
            continue  # localised when it opened, with this one alarm
        new = relocalise(report, actor=ALARM_CORRELATION)
        save_report(report)
        enqueue_assessment(report, new)


def _lock_services(service_ids: frozenset[int] | set[int]) -> None:
    if service_ids:
        list(
            Service.objects.select_for_update()
            .filter(pk__in=sorted(service_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _open_report_id(services: frozenset[int], raised_at: datetime) -> int | None:
    """The active report on one of these services whose alarms were raised within the
    window of this one (before or after: a batch may bring older alarms late)."""
    return (
        ServiceTroubleReport.objects.active()
        .filter(
            impacts__service_id__in=services,
            first_alarm_at__lte=raised_at + window(),
            last_alarm_at__gte=raised_at - window(),
        )
        .order_by("-last_alarm_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )


def _title(alarm: Alarm) -> str:
    where = alarm.resource.name if alarm.resource else alarm.alarmed_object_id
    return f"{alarm.probable_cause} on {where}"
