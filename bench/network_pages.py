"""How fast the desk's network pages answer at a stated data size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/problemdesk .venv/bin/python \\
        bench/network_pages.py --alarms 100000 --linked 10000

Works on a throw-away database (Django's test database, ``test_<name>``: real data is never
touched). It writes, in bulk: an inventory of ``--resources`` resources under 20 services,
``--alarms`` alarms (2 % raised, the rest cleared; every severity; a third acknowledged),
``--reports`` trouble reports with their alarms and events, and one outage report with
``--linked`` linked customer problems (10,000 customers), ``--events`` events and 20
activities. Then it requests each page through Django's test client as a network operator
and prints the median and worst time of ``--rounds`` requests and the SQL queries.
"""

import argparse
import itertools
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "problemdesk.settings")
os.environ.setdefault("EMAIL_URL", "dummy://")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=100_000)
    parser.add_argument("--linked", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--resources", type=int, default=5_000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    setup_test_environment()
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.monotonic()
        operator, outage = seed(args)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(
            f"Network pages on {connection.vendor} ({database}), seeded in "
            f"{time.monotonic() - started:.0f} s: {args.alarms:,} alarms, "
            f"{args.reports + 1:,} trouble reports, one with {args.linked:,} linked problems "
            f"and {args.events:,} events; {args.rounds} rounds each\n"
        )
        measure(operator, outage, args.rounds)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


def seed(args: argparse.Namespace) -> tuple[object, object]:
    from django.contrib.auth.models import Group

    from problems.models import Customer, CustomerProblem, Team, TroubleReportLink, User
    from services.models import (
        Alarm,
        Resource,
        Service,
        ServiceDependency,
        ServiceTroubleReport,
        Subscription,
        Supplier,
        TroubleReportActivity,
        TroubleReportEvent,
        TroubleReportImpact,
    )
    from tests.support import bulk_problems

    now = timezone.now()
    team = Team.objects.create(name="Network operations")
    operator = User.objects.create(
        username="noc", password=make_password("bench"), first_name="Nadia", is_staff=True
    )
    operator.groups.add(Group.objects.get(name="agent"))
    team.members.add(operator)
    supplier = Supplier.objects.create(code="northwind", name="Northwind", email="n@example.test")

    elements = Resource.objects.bulk_create(
        Resource(code=f"olt-{i:05}", name=f"OLT {i}", kind="OLT")
        for i in range(args.resources // 5)
    )
    cards = Resource.objects.bulk_create(
        Resource(code=f"{e.code}/{c}", name=f"Card {c}", kind="card", parent=e)
        for e in elements
        for c in range(1, 5)
    )
    services = Service.objects.bulk_create(
        Service(code=f"svc-{i}", name=f"Broadband area {i}", kind="broadband", operations_team=team)
        for i in range(20)
    )
    ServiceDependency.objects.bulk_create(
        ServiceDependency(service=services[i % 20], resource=element)
        for i, element in enumerate(elements)
    )
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {i:05}", code=f"c{i:05}") for i in range(args.linked)
    )
    Subscription.objects.bulk_create(
        Subscription(customer=customer, service=services[0], site="HQ") for customer in customers
    )

    def report(title: str, state: str) -> ServiceTroubleReport:
        row = ServiceTroubleReport(
            title=title,
            origin="alarm",
            team=team,
            priority=1 + len(title) % 4,
            created_at=now - timedelta(minutes=len(title)),
            restore_by=now + timedelta(hours=3),
            jeopardy_at=now + timedelta(hours=2),
            root_cause_resource=elements[len(title) % len(elements)],
            localisation="explains 4 of the 4 alarmed resources",
        )
        row.__dict__["state"] = state  # a bulk seed sets the protected field directly
        return row

    states = ["acknowledged", "in_progress", "held", "resolved", "closed"]
    reports = ServiceTroubleReport.objects.bulk_create(
        report(f"Fault {i}", states[i % 5]) for i in range(args.reports)
    )
    outage = ServiceTroubleReport.objects.bulk_create([report("The big outage", "in_progress")])[0]
    TroubleReportImpact.objects.bulk_create(
        TroubleReportImpact(report=r, service=services[i % 20], reason="depends on an OLT")
        for i, r in enumerate([outage, *reports])
    )

    severities = ["critical", "major", "minor", "warning", "indeterminate"]
    every = [outage, *reports, None]
    batch: list[Alarm] = []
    for index, resource in zip(range(args.alarms), itertools.cycle(cards), strict=False):
        raised = index % 50 == 0
        severity = severities[index % 5]
        batch.append(
            Alarm(
                source_system_id=f"ems-{index % 4}",
                alarm_key=f"k{index}",
                alarmed_object_id=resource.code,
                resource=resource,
                alarm_type="equipmentAlarm",
                perceived_severity=severity if raised else "cleared",
                highest_severity=severity,
                probable_cause="lossOfSignal",
                specific_problem="LOS on PON port",
                state="raised" if raised else "cleared",
                cleared_at=None if raised else now,
                ack_state="acknowledged" if index % 3 == 0 else "unacknowledged",
                trouble_report=every[index % len(every)],
                raised_at=now - timedelta(seconds=index * 7),
            )
        )
        if len(batch) == 5000:
            Alarm.objects.bulk_create(batch)
            batch = []
    Alarm.objects.bulk_create(batch)

    problems = bulk_problems(args.linked, team=team)
    for problem, customer in zip(problems, customers, strict=True):
        problem.customer = customer
    CustomerProblem.objects.bulk_update(problems, ["customer"], batch_size=2000)
    TroubleReportLink.objects.bulk_create(
        (
            TroubleReportLink(
                problem=problem,
                trouble_report_id=outage.pk,
                trouble_report_reference=outage.reference,
                service_id=services[0].pk,
                customer=problem.customer,
                proactive=True,
            )
            for problem in problems
        ),
        batch_size=2000,
    )
    TroubleReportEvent.objects.bulk_create(
        (
            TroubleReportEvent(
                report=outage,
                kind="alarm_attached",
                actor_label="alarm correlation",
                message=f"Critical lossOfSignal on card {i}.",
                created_at=now - timedelta(seconds=i),
            )
            for i in range(args.events)
        ),
        batch_size=5000,
    )
    TroubleReportActivity.objects.bulk_create(
        TroubleReportActivity(
            report=outage,
            kind="recovery" if i % 2 else "testing",
            summary=f"Step {i}",
            supplier=supplier if i % 3 == 0 else None,
            assignee=operator,
            team=team,
        )
        for i in range(20)
    )
    return operator, outage


def measure(operator: object, outage: object, rounds: int) -> None:
    pages = [
        ("alarm list: raised (default)", "/desk/network/alarms/", {}),
        (
            "alarm list: critical, unacknowledged",
            "/desk/network/alarms/?severity=critical&state=unacknowledged",
            {},
        ),
        (
            "alarm list: cleared, search 'olt-0009'",
            "/desk/network/alarms/?state=cleared&q=olt-0009",
            {},
        ),
        ("alarm list: any state, 100 a page", "/desk/network/alarms/?state=any&per_page=100", {}),
        ("alarm list: htmx refresh", "/desk/network/alarms/", {"HX-Request": "true"}),
        ("report queue: active (default)", "/desk/network/reports/", {}),
        (
            "report queue: any state, 100 a page",
            "/desk/network/reports/?state=any&per_page=100",
            {},
        ),
        ("report page: the big outage", f"/desk/network/reports/{outage.pk}/", {}),  # type: ignore[attr-defined]
        (
            "report page: linked problems, page 200",
            f"/desk/network/reports/{outage.pk}/?problems_page=200",  # type: ignore[attr-defined]
            {},
        ),
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(operator)  # type: ignore[arg-type]
    print(f"{'page':42} {'median ms':>10} {'worst ms':>9} {'SQL ms':>7} {'queries':>8}")
    for label, url, headers in pages:
        client.get(url, headers=headers)  # warm the caches once
        times, sql = [], []
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url, headers=headers)
                times.append((time.perf_counter() - began) * 1000)
            sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        print(
            f"{label:42} {statistics.median(times):10.1f} {max(times):9.1f} "
            f"{statistics.median(sql):7.1f} {len(queries):8d}"
        )


if __name__ == "__main__":
    main()
