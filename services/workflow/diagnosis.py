"""Alarms on a trouble report, and its localisation (eTOM 1.4.6 *Diagnose Problem*).

These run inside the caller's transaction, on a report row the caller has locked: they are
the steps that opening a report, correlating an alarm and re-localising share.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from problems.workflow._base import Actor, InvalidInput, require_permission
from services import localisation
from services.models import (
    Alarm,
    ReportEventKind,
    Service,
    ServiceTroubleReport,
    TroubleReportImpact,
)
from services.workflow._base import (
    lock_report,
    record_report_event,
    record_report_events,
    save_report,
)


def attach_alarm(report: ServiceTroubleReport, alarm: Alarm, *, actor: Actor) -> None:
    attach_alarms(report, [alarm], actor=actor)


def attach_alarms(report: ServiceTroubleReport, alarms: Sequence[Alarm], *, actor: Actor) -> None:
    """Correlate alarms to the report (the caller holds the report's row, and the alarms
    are the caller's own: new in its batch, or locked) and write one event for each, in
    bulk. The caller saves the report."""
    if not alarms:
        return
    Alarm.objects.filter(pk__in=[alarm.pk for alarm in alarms]).update(trouble_report=report)
    for alarm in alarms:
        alarm.trouble_report = report
    raised = [alarm.raised_at for alarm in alarms]
    report.first_alarm_at = min([*raised, *filter(None, [report.first_alarm_at])])
    report.last_alarm_at = max([*raised, *filter(None, [report.last_alarm_at])])
    record_report_events(
        report,
        actor=actor,
        kind=ReportEventKind.ALARM_ATTACHED,
        entries=[
            (
                f"{alarm.get_perceived_severity_display()} {alarm.probable_cause} on "
                f"{alarm.alarmed_object_id}.",
                {"alarm": alarm.pk, "severity": alarm.perceived_severity},
            )
            for alarm in alarms
        ],
    )


def relocalise(report: ServiceTroubleReport, *, actor: Actor) -> list[int]:
    """Localise the report again from its alarms: root resource and impacted services.
    Services once impacted stay impacted (their customers were told). Writes an event when
    the diagnosis changes, and returns the ids of newly impacted services, whose customers
    the caller has the impact fan-out inform (``enqueue_assessment``)."""
    alarms = list(report.alarms.all())
    result = localisation.localise(alarms)
    known = set(report.impacts.values_list("service_id", flat=True))
    new = {pk: why for pk, why in result.impacted.items() if pk not in known}
    if new:
        TroubleReportImpact.objects.bulk_create(
            [
                TroubleReportImpact(report=report, service_id=pk, reason=why[:300])
                for pk, why in new.items()
            ],
            ignore_conflicts=True,
        )
    root_changed = result.root_resource_id != report.root_cause_resource_id
    if root_changed:
        report.alarms.filter(is_root_cause=True).update(is_root_cause=False)
        if result.root_resource_id is not None:
            report.alarms.filter(resource_id=result.root_resource_id).update(is_root_cause=True)
    if root_changed or new or result.explanation != report.localisation:
        report.root_cause_resource_id = result.root_resource_id
        report.localisation = result.explanation
        report.localised_at = timezone.now()
        names = dict(Service.objects.filter(pk__in=new).values_list("pk", "name"))
        message = result.explanation
        if new:
            message += " Newly impacted: " + ", ".join(sorted(names.values())) + "."
        record_report_event(
            report,
            actor=actor,
            kind=ReportEventKind.LOCALISED,
            message=message,
            data={
                "root_resource": result.root_resource_id,
                "impacted": sorted(result.impacted),
                "new": sorted(new),
            },
        )
    return sorted(new)


def enqueue_assessment(report: ServiceTroubleReport, service_ids: list[int]) -> None:
    """After commit, have the impact fan-out inform the customers of these services."""
    if not service_ids:
        return
    from services.tasks import assess_impact

    report_id = report.pk
    transaction.on_commit(lambda: assess_impact.delay(report_id), robust=True)


def trouble_report_localise(report: ServiceTroubleReport, *, actor: Actor) -> ServiceTroubleReport:
    """Localise again by hand (after the inventory changed, say). Guard: the report is
    active; ``work_trouble_report`` permission."""
    require_permission(actor, "services.work_trouble_report", "localise trouble reports")
    with transaction.atomic():
        report = lock_report(report, actor=actor)
        if not report.is_active:
            raise InvalidInput("Only an active trouble report is localised.")
        new = relocalise(report, actor=actor)
        save_report(report)
        enqueue_assessment(report, new)
    return report
