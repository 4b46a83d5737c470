"""Benchmark of the TMF642 and TMF656 APIs: alarms per second through POST /alarm (one
client, then several at once), and the serviceProblem list at a stated size.

    DATABASE_URL=postgres://… .venv/bin/python bench/tmf_network_api.py --problems 20000

It creates a throw-away database (Django's test database: ``test_<name>``), so it never
touches real data, and calls the API in-process (Django's test client: no network, so the
figures are the application's and the database's). Concurrent clients are threads, each
with its own database connection; on SQLite they queue on its single writer.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "problemdesk.settings")
os.environ.setdefault("EMAIL_URL", "dummy://")

import django

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from problemdesk.celery import app as celery_app  # noqa: E402

AM = "/tmf-api/alarmManagement/v4/alarm"
SP = "/tmf-api/serviceProblemManagement/v4/serviceProblem"


def alarm(n: int, *, worker: int = 0, severity: str = "minor") -> dict[str, Any]:
    return {
        "externalAlarmId": f"bench-{worker}-{n}",
        "sourceSystemId": "bench-ems",
        "alarmType": "equipmentAlarm",
        "perceivedSeverity": severity,
        "probableCause": "powerProblem",
        "alarmedObject": {"id": f"bench-object-{worker}-{n % 500}"},
        "alarmRaisedTime": timezone.now().isoformat(),
        "state": "raised",
    }


def client_for(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post_alarms(token: str, count: int, *, worker: int, start: int = 0) -> None:
    api = client_for(token)
    try:
        for n in range(start, start + count):
            response = api.post(AM, alarm(n, worker=worker), content_type="application/json")
            if response.status_code not in (200, 201):
                raise SystemExit(f"{response.status_code}: {response.content[:300]!r}")
    finally:
        connections.close_all()


def timed(call: Any, repeat: int) -> tuple[float, float, int]:
    """(median ms, 95th percentile ms, queries of one call)."""
    with CaptureQueriesContext(connection) as queries:
        call()
    count = len(queries)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 300:
            raise SystemExit(f"{response.status_code}: {response.content[:300]!r}")
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], count


def seed_problems(count: int) -> None:
    """``count`` trouble reports, each with its opening event and two alarms (bulk)."""
    from services.models import Alarm, ServiceTroubleReport, TroubleReportEvent

    now = timezone.now()
    states = ["acknowledged", "in_progress", "held", "resolved", "closed"]
    for first in range(0, count, 2000):
        size = min(2000, count - first)
        reports = ServiceTroubleReport.objects.bulk_create(
            [
                ServiceTroubleReport(
                    title=f"Bench problem {first + i}",
                    origin="api",
                    priority=1 + (first + i) % 4,
                    state=states[(first + i) % len(states)],
                    created_at=now - timedelta(minutes=first + i),
                    tmf_attributes={"category": "bench", "reason": "bench"},
                )
                for i in range(size)
            ]
        )
        TroubleReportEvent.objects.bulk_create(
            [
                TroubleReportEvent(
                    report=r, kind="created", actor_label="bench", to_state="acknowledged"
                )
                for r in reports
            ]
        )
        Alarm.objects.bulk_create(
            [
                Alarm(
                    source_system_id="seed",
                    alarm_key=f"seed-{r.pk}-{k}",
                    alarmed_object_id=f"seed-object-{r.pk}",
                    alarm_type="equipmentAlarm",
                    perceived_severity="major",
                    highest_severity="major",
                    probable_cause="powerProblem",
                    raised_at=now,
                    state="cleared",
                    cleared_at=now,
                    trouble_report=r,
                )
                for r in reports
                for k in range(2)
            ]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=2000, help="alarms by one client")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--per-client", type=int, default=500)
    parser.add_argument("--problems", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    setup_test_environment()
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    celery_app.conf.task_always_eager = True
    try:
        run(args, database)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(database, verbosity=0)


def run(args: Any, database: str) -> None:
    from problemdesk.api.clients import api_client_create

    print(f"Database: {connection.vendor} ({database}); API called in-process.\n")
    _, token = api_client_create(name="Bench", rate_limit="100000000/min")

    # 1. One client, one alarm per request (new alarms, no correlation: unknown objects).
    post_alarms(token, 50, worker=99)  # warm up
    started = time.perf_counter()
    post_alarms(token, args.alarms, worker=0)
    elapsed = time.perf_counter() - started
    print(
        f"POST /alarm, 1 client:  {args.alarms:,} new alarms in {elapsed:.1f} s = "
        f"{args.alarms / elapsed:,.0f} alarms/s"
    )
    started = time.perf_counter()
    post_alarms(token, args.alarms, worker=0)  # the same alarms again: occurrences
    elapsed = time.perf_counter() - started
    print(
        f"POST /alarm, 1 client:  {args.alarms:,} repeats in {elapsed:.1f} s = "
        f"{args.alarms / elapsed:,.0f} alarms/s"
    )

    # 2. Several clients at once, each its own connection.
    if connection.vendor == "sqlite":
        print(f"POST /alarm, {args.clients} clients: skipped on SQLite (one writer at a time)")
    else:
        threads = [
            threading.Thread(
                target=post_alarms, args=(token, args.per_client), kwargs={"worker": w + 1}
            )
            for w in range(args.clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        total = args.clients * args.per_client
        print(
            f"POST /alarm, {args.clients} clients: {total:,} new alarms in {elapsed:.1f} s = "
            f"{total / elapsed:,.0f} alarms/s"
        )

    # 3. The serviceProblem list at a stated size.
    from services.models import Alarm, ServiceTroubleReport

    seed_problems(args.problems)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"\nServiceProblems: {ServiceTroubleReport.objects.count():,}; "
        f"alarms: {Alarm.objects.count():,}"
    )
    api = client_for(token)
    some = ServiceTroubleReport.objects.order_by("pk").values_list("pk", flat=True)[
        args.problems // 2
    ]
    for label, call in (
        ("GET serviceProblem (limit 100)", lambda: api.get(SP, {"limit": 100})),
        ("GET serviceProblem (limit 20)", lambda: api.get(SP, {"limit": 20})),
        (
            "  ?status=inProgress&priority=1",
            lambda: api.get(SP, {"status": "inProgress", "priority": "1", "limit": 20}),
        ),
        ("  ?fields=name,status", lambda: api.get(SP, {"fields": "name,status", "limit": 100})),
        ("  ?offset=10000&limit=20", lambda: api.get(SP, {"offset": 10_000, "limit": 20})),
        ("GET serviceProblem/{id}", lambda: api.get(f"{SP}/{some}")),
        ("GET alarm (limit 100)", lambda: api.get(AM, {"limit": 100})),
    ):
        median, p95, queries = timed(call, args.repeat)
        print(f"{label:<36} median {median:7.1f} ms   p95 {p95:7.1f} ms   {queries} queries")


if __name__ == "__main__":
    main()
