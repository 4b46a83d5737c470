"""The live outage of the demo, played through the real workflow: customers call about
their broken fibre, the OLT and two of its cards raise alarms, correlation opens a trouble
report and localises the fault, the customers are informed (their problems linked, the
others' opened proactively), an operator works it (a test, a supplier on site) and posts
progress, which reaches every linked problem's timeline. A mail platform backlog opens a
second report whose service tells contacts instead of opening problems. Alarms of lesser
severity wait on the alarm list.

The fan-out runs here, in-process (the tasks it also enqueues find it done).
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from problems import workflow as problems_workflow
from problems.models import Category, Channel, Customer, User
from services import alarms, impact, workflow
from services.alarm_input import AlarmInput
from services.demo.inventory import DemoNetwork
from services.models import ServiceTroubleReport, TroubleReportEvent

NETWORK_EMS = "ems-fibre-north"


def live_outage(network: DemoNetwork) -> list[ServiceTroubleReport]:
    now = timezone.now()
    noc = network.operators[0]
    fibre = network.services["fibre-leeds-north"]
    _customers_call(fibre.pk, fibre.name)

    def alarm(minutes_ago: int, on: str, cause: str, severity: str, **more: Any) -> AlarmInput:
        raised = now - timedelta(minutes=minutes_ago)
        return AlarmInput.from_tmf(
            {
                "sourceSystemId": more.pop("source", NETWORK_EMS),
                "alarmedObject": {"id": on},
                "alarmedObjectType": more.pop("type", "OLT"),
                "alarmType": more.pop("alarm_type", "equipmentAlarm"),
                "perceivedSeverity": severity,
                "probableCause": cause,
                "alarmRaisedTime": raised.isoformat(),
                "alarmChangedTime": raised.isoformat(),
                **more,
            },
            message_id=f"{on}:{cause}:{minutes_ago}",
        )

    results = alarms.alarms_ingest(
        [
            alarm(
                41,
                "olt-lds-01",
                "backplaneFailure",
                "major",
                externalAlarmId="EMS-10230",
                specificProblem="Backplane bus errors on slots 2-3",
            ),
            alarm(
                40,
                "olt-lds-01/2",
                "lossOfSignal",
                "critical",
                type="PON card",
                alarm_type="communicationsAlarm",
                externalAlarmId="EMS-10231",
                specificProblem="LOS on all 16 PON ports",
            ),
            alarm(
                39,
                "olt-lds-01/3",
                "lossOfSignal",
                "critical",
                type="PON card",
                alarm_type="communicationsAlarm",
                externalAlarmId="EMS-10232",
                specificProblem="LOS on all 16 PON ports",
            ),
            # The EMS repeats itself: one more occurrence of card 2's alarm, not a new row.
            alarm(
                25,
                "olt-lds-01/2",
                "lossOfSignal",
                "critical",
                type="PON card",
                alarm_type="communicationsAlarm",
                externalAlarmId="EMS-10231",
                specificProblem="LOS on all 16 PON ports",
            ),
            # Lesser alarms for the alarm list.
            alarm(
                130,
                "agg-lds-01",
                "highTemperature",
                "warning",
                type="switch",
                alarm_type="environmentalAlarm",
                externalAlarmId="EMS-10101",
            ),
            alarm(
                12,
                "sbc-01",
                "callSetupFailureRateHigh",
                "minor",
                source="voice-oss",
                type="SBC",
                alarm_type="qualityOfServiceAlarm",
                externalAlarmId="VO-771",
            ),
            alarm(
                300,
                "core-mcr-01",
                "linkFlap",
                "minor",
                source="core-nms",
                type="router",
                alarm_type="communicationsAlarm",
                externalAlarmId="NMS-5512",
            ),
            alarm(
                290,
                "core-mcr-01",
                "linkFlap",
                "cleared",
                source="core-nms",
                type="router",
                alarm_type="communicationsAlarm",
                externalAlarmId="NMS-5512",
            ),
            alarm(
                8,
                "mail-01",
                "queueBacklog",
                "major",
                source="mail-monitor",
                type="server cluster",
                alarm_type="processingErrorAlarm",
                externalAlarmId="MM-204",
                specificProblem="Outbound queue above 50,000",
            ),
        ]
    )
    reports = list(
        ServiceTroubleReport.objects.filter(
            pk__in={r.trouble_report_id for r in results if r.trouble_report_id}
        ).order_by("pk")
    )
    for report in reports:
        _inform(report)
    warning = next(a for a in _raised("agg-lds-01"))
    alarms.alarm_acknowledge(warning, actor=noc)

    outage = next(r for r in reports if r.impacted_services.filter(pk=fibre.pk).exists())
    for alarm_row in outage.alarms.unacknowledged():
        alarms.alarm_acknowledge(alarm_row, actor=noc)
    outage = workflow.trouble_report_assign(outage, actor=noc, assignee=noc)
    test = workflow.trouble_activity_schedule(
        outage,
        actor=noc,
        kind="testing",
        summary="OTDR trace from the exchange on PON cards 2 and 3",
    )
    workflow.trouble_activity_update(test, actor=noc, start=True)
    workflow.trouble_activity_complete(
        test,
        actor=noc,
        outcome="fault_found",
        notes="Both cards dark, fibre plant fine: the chassis backplane is at fault.",
    )
    repair = workflow.trouble_activity_schedule(
        outage,
        actor=noc,
        kind="recovery",
        summary="Replace the backplane of OLT Leeds North",
        details="Slots 2-3 report bus errors. Spare backplane held at the Leeds depot.",
        supplier=network.suppliers["northwind"],
        scheduled_for=now + timedelta(minutes=45),
    )
    workflow.trouble_activity_update(
        repair,
        actor=noc,
        start=True,
        external_reference="NW-58213",
        supplier_status="Engineer dispatched with the spare, on site in 45 minutes",
    )
    workflow.trouble_report_progress(
        outage,
        actor=noc,
        message="Our engineers found a hardware fault at the Leeds North exchange; a "
        "replacement part is on its way and we expect service back within two hours.",
    )
    _propagate(outage)
    return reports


def _customers_call(service_id: int, label: str) -> None:
    """Two customers report the outage before the alarms are correlated."""
    callers = [("customer-a", "Internet down at Leeds HQ", Channel.PORTAL)]
    callers.append(("evergreen-it", "No broadband at Roundhay school", Channel.PHONE))
    agent = User.objects.filter(username="agent").first()
    category = Category.objects.filter(slug="broadband").select_related("default_team").first()
    for username, title, channel in callers:
        contact = User.objects.filter(username=username).select_related("customer").first()
        if contact is None or contact.customer is None:
            continue
        problem = problems_workflow.problem_create(
            actor=contact if channel == Channel.PORTAL else (agent or problems_workflow.SYSTEM),
            title=title,
            description="Nothing loads since about forty minutes ago; the router's fibre light "
            "is red.",
            customer=contact.customer,
            reported_by=contact,
            channel=channel,
            category=category,
            service_id=service_id,
            service_label=label,
        )
        if agent is not None and problem.team and problem.team.members.filter(pk=agent.pk).exists():
            problems_workflow.problem_assign(problem, actor=agent, assignee=agent)


def _inform(report: ServiceTroubleReport) -> None:
    for chunk_id in impact.plan_impact(report.pk):
        impact.run_impact_chunk(chunk_id)


def _propagate(report: ServiceTroubleReport) -> None:
    event = TroubleReportEvent.objects.filter(report=report, kind="progress").latest("id")
    for first, last in impact.linked_problem_ranges(report.pk):
        impact.progress_chunk(event.pk, first, last)


def _raised(code: str) -> Any:
    from services.models import Alarm

    return Alarm.objects.raised().filter(alarmed_object_id=code)


def customers_informed(report: ServiceTroubleReport) -> int:
    from problems.models import TroubleReportLink

    linked = TroubleReportLink.objects.filter(trouble_report_id=report.pk).count()
    told = Customer.objects.filter(
        pk__in=report.notifications.filter(notice="outage").values("customer_id")
    ).count()
    return linked + told
