"""Service problem management fixtures: a small inventory and the network operations team.

The graph (``inventory``):

    core-rtr-1 (core router) ◄── ip-core (internal service)
                                      ▲                ▲
    olt-leeds-1 (OLT)                 │                │
      ├─ olt-leeds-1/1 (card) ◄─┬─ fibre-leeds ──────┘ │   (broadband; Acme subscribes)
      └─ olt-leeds-1/2 (card) ◄─┘      ▲               │
                                   voice-leeds          │   (voice; depends on fibre-leeds)
    dslam-york-1 ◄──────────────── dsl-york ───────────┘   (broadband; Borealis subscribes)
    spare-1 (no service depends on it)

Nora is an agent of the network operations team; Sue (the supervisor) is in it too.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from problems.models import PolicyScope, Priority
from services.alarm_input import AlarmInput
from services.alarms import alarm_ingest
from services.models import (
    ImpactPolicy,
    Resource,
    Service,
    ServiceDependency,
    ServiceKind,
    Subscription,
    Supplier,
)
from tests import factories


@pytest.fixture
def noc(db: Any, sue: Any) -> Any:
    team = factories.TeamFactory(name="Network operations", email="noc@example.test")
    team.members.add(sue)
    return team


@pytest.fixture
def nora(noc: Any) -> Any:
    return factories.agent("nora", noc)


@dataclass
class Inventory:
    core: Resource
    olt: Resource
    card1: Resource
    card2: Resource
    dslam: Resource
    spare: Resource
    ip_core: Service
    fibre: Service
    voice: Service
    dsl: Service
    supplier: Supplier


@pytest.fixture
def inventory(noc: Any, broadband: Any, broadband_category: Any) -> Inventory:
    supplier = Supplier.objects.create(
        code="fibreco", name="FibreCo Field Services", email="dispatch@fibreco.test"
    )
    core = Resource.objects.create(code="core-rtr-1", name="Core router Leeds", kind="router")
    olt = Resource.objects.create(code="olt-leeds-1", name="OLT Leeds 1", kind="OLT")
    card1 = Resource.objects.create(code="olt-leeds-1/1", name="Card 1", kind="card", parent=olt)
    card2 = Resource.objects.create(code="olt-leeds-1/2", name="Card 2", kind="card", parent=olt)
    dslam = Resource.objects.create(code="dslam-york-1", name="DSLAM York 1", kind="DSLAM")
    spare = Resource.objects.create(code="spare-1", name="Spare", kind="router")

    def service(code: str, name: str, kind: str, **fields: Any) -> Service:
        return Service.objects.create(
            code=code,
            name=name,
            kind=kind,
            operations_team=noc,
            customer_category=broadband_category,
            customer_team=broadband,
            **fields,
        )

    ip_core = service(
        "ip-core", "IP core", ServiceKind.TRANSPORT, impact_policy=ImpactPolicy.LINK_ONLY
    )
    fibre = service("fibre-leeds", "Fibre Leeds", ServiceKind.BROADBAND)
    voice = service("voice-leeds", "Voice Leeds", ServiceKind.VOICE)
    dsl = service("dsl-york", "DSL York", ServiceKind.BROADBAND)
    for dependent, on in (
        (ip_core, core),
        (fibre, card1),
        (fibre, card2),
        (dsl, dslam),
    ):
        ServiceDependency.objects.create(service=dependent, resource=on)
    for dependent, on in ((fibre, ip_core), (voice, fibre), (dsl, ip_core)):
        ServiceDependency.objects.create(service=dependent, depends_on_service=on)
    return Inventory(core, olt, card1, card2, dslam, spare, ip_core, fibre, voice, dsl, supplier)


@pytest.fixture
def subscribed(inventory: Inventory, company_a: Any, company_b: Any, carla: Any) -> Inventory:
    """Acme (Carla is its default contact) on Fibre Leeds, Borealis on DSL York."""
    company_a.default_contacts.add(carla)
    Subscription.objects.create(customer=company_a, service=inventory.fibre, site="Leeds HQ")
    Subscription.objects.create(customer=company_b, service=inventory.dsl, site="York depot")
    return inventory


@pytest.fixture
def report_policy(db: Any, sue: Any) -> Any:
    """Trouble reports, high and critical: restore in 4 h, jeopardy at 75 % (3 h)."""
    policies = [
        factories.standard_escalation(
            factories.SLAPolicyFactory(
                name=f"Network P{priority}",
                applies_to=PolicyScope.SERVICE_TROUBLE_REPORT,
                priority=priority,
                response_time=timedelta(minutes=15),
                restoration_time=timedelta(hours=4),
            ),
            supervisor=sue,
        )
        for priority in (Priority.CRITICAL, Priority.HIGH)
    ]
    return policies[1]


_sequence = count(1)


def tmf_alarm(**fields: Any) -> dict[str, Any]:
    """A TMF642 alarm message; ``on`` names the alarmed object."""
    on = fields.pop("on", "olt-leeds-1/1")
    raised = fields.pop("raised", None) or timezone.now()
    alarm = {
        "externalAlarmId": f"ems-{next(_sequence)}",
        "sourceSystemId": "ems-1",
        "alarmType": "communicationsAlarm",
        "perceivedSeverity": "major",
        "probableCause": "lossOfSignal",
        "specificProblem": "LOS on PON port",
        "alarmedObject": {"id": on},
        "alarmedObjectType": "PON card",
        "alarmRaisedTime": raised.astimezone(UTC).isoformat()
        if isinstance(raised, datetime)
        else raised,
        "state": "raised",
    }
    alarm.update(fields)
    return alarm


@pytest.fixture
def raise_alarm(db: Any) -> Any:
    """Ingest one TMF642 alarm message; returns the result."""

    def ingest(message_id: str = "", **fields: Any) -> Any:
        return alarm_ingest(AlarmInput.from_tmf(tmf_alarm(**fields), message_id=message_id))

    return ingest


@pytest.fixture
def outage(
    subscribed: Inventory,
    report_policy: Any,
    raise_alarm: Any,
    make_problem: Any,
    django_capture_on_commit_callbacks: Any,
) -> Any:
    """A live outage: a critical alarm on a card of the Leeds OLT opened a report that
    impacts Fibre Leeds (and Voice Leeds); Acme's own problem on Fibre Leeds is linked. Two
    more alarms are on no report (a minor one on a spare router, a warning on the DSLAM).
    Returns (report, Acme's problem)."""
    from services.models import ServiceTroubleReport

    own = make_problem(service_id=subscribed.fibre.pk)
    with django_capture_on_commit_callbacks(execute=True):
        result = raise_alarm(on="olt-leeds-1/1", perceivedSeverity="critical")
    raise_alarm(on="spare-1", perceivedSeverity="minor", sourceSystemId="nms-2")
    raise_alarm(on="dslam-york-1", perceivedSeverity="warning")
    return ServiceTroubleReport.objects.get(pk=result.trouble_report_id), own


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    from tests.support import CHROMIUM, CHROMIUM_ARGS

    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    from tests.support import browser_tests_last

    browser_tests_last(items)
