"""Benchmark of service problem management: alarm ingestion and an outage's fan-out.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/services_bench.py

It creates a throw-away database (Django's test database: ``test_<name>``), so it never
touches real data, and prints:

1. Alarms ingested per second: batches of 500 TMF642 messages (new alarms, repeats, clears
   and re-deliveries), single messages one transaction each, and batches whose alarms all
   correlate onto an open trouble report.
2. The time to fan out an outage to 10,000 subscribers: from the commit that opens the
   trouble report until every chunk is done (customers' own problems linked, proactive
   problems opened with their events and notifications), with real Celery workers taking
   the chunks from Redis; then the time until every notification was delivered (to the
   dummy e-mail backend), and the time to put a progress update on all 10,000 problems.

Without REDIS_URL the fan-out runs in-process (tasks eager), which the output says.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "problemdesk.settings")
os.environ.setdefault("EMAIL_URL", "dummy://")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from problemdesk.celery import app as celery_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=20_000, help="messages in batches")
    parser.add_argument("--single", type=int, default=1_000, help="messages one by one")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    setup_test_environment()
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    redis = settings.REDIS_URL
    print(f"Database: {connection.vendor} ({database}); broker: {redis or 'none (eager tasks)'}")
    print(f"Chunk size: {settings.SERVICE_IMPACT_CHUNK_SIZE} customers per fan-out task.\n")
    try:
        celery_app.conf.task_always_eager = not redis
        bench_ingestion(args.alarms, args.single)
        bench_fan_out(args.subscribers, args.workers, database, redis)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


# --- 1. Alarm ingestion -------------------------------------------------------------------
def bench_ingestion(total: int, single: int) -> None:
    from problems.workflow import SYSTEM
    from services import alarms, workflow
    from services.alarm_input import AlarmInput
    from services.models import Resource, Service, ServiceDependency

    Resource.objects.bulk_create(
        [Resource(code=f"ne-{i:05d}", name=f"Element {i}", kind="router") for i in range(5000)]
    )
    now = timezone.now()

    def message(i: int, key: int, severity: str = "major", on: str | None = None) -> AlarmInput:
        return AlarmInput.from_tmf(
            {
                "sourceSystemId": "ems-bench",
                "externalAlarmId": f"A{key}",
                "alarmedObject": {"id": on or f"ne-{key % 5000:05d}"},
                "alarmType": "communicationsAlarm",
                "perceivedSeverity": severity,
                "probableCause": "lossOfSignal",
                "alarmRaisedTime": (now - timedelta(seconds=key % 600)).isoformat(),
            },
            message_id=f"m{i}",
        )

    # A realistic stream: new alarms, repeats of raised ones, clears, and re-deliveries.
    stream, raised = [], []
    for i in range(total):
        roll = i % 20
        if roll < 12 or not raised:
            key = len(stream) + 1_000_000
            raised.append(key)
            stream.append(message(i, key))
        elif roll < 17:
            stream.append(message(i, raised[i % len(raised)], severity="critical"))
        elif roll < 19:
            stream.append(message(i, raised.pop(0), severity="cleared"))
        else:
            stream.append(stream[-1])  # the same message delivered twice
    started = time.perf_counter()
    counts: dict[str, int] = {}
    for start in range(0, total, 500):
        for result in alarms.alarms_ingest(stream[start : start + 500]):
            counts[str(result.outcome)] = counts.get(str(result.outcome), 0) + 1
    batch_rate = total / (time.perf_counter() - started)
    print(
        f"Alarm ingestion, batches of 500: {batch_rate:,.0f} alarms/s "
        f"({total:,} messages: {counts})"
    )

    started = time.perf_counter()
    for i in range(single):
        alarms.alarm_ingest(message(10_000_000 + i, 2_000_000 + i))
    single_rate = single / (time.perf_counter() - started)
    print(
        f"Alarm ingestion, one message per call: {single_rate:,.0f} alarms/s ({single:,} messages)"
    )

    # Correlated: every alarm lands on resources under one service with an open report.
    service = Service.objects.create(code="bench-core", name="Bench core")
    ServiceDependency.objects.bulk_create(
        [ServiceDependency(service=service, resource_id=pk) for pk in range(1, 201)]
    )
    workflow.trouble_report_open(actor=SYSTEM, title="Bench outage", services=[service])
    codes = list(Resource.objects.filter(pk__lte=200).values_list("code", flat=True))
    correlated = [
        message(20_000_000 + i, 3_000_000 + i, on=codes[i % len(codes)]) for i in range(5000)
    ]
    started = time.perf_counter()
    for start in range(0, len(correlated), 500):
        alarms.alarms_ingest(correlated[start : start + 500])
    rate = len(correlated) / (time.perf_counter() - started)
    print(f"Alarm ingestion, batches of 500 all correlated onto a report: {rate:,.0f} alarms/s\n")


# --- 2. Fan-out ---------------------------------------------------------------------------
def bench_fan_out(subscribers: int, workers: int, database: str, redis: str) -> None:
    from problems import workflow as problems_workflow
    from problems.models import (
        Category,
        Customer,
        CustomerProblem,
        EventKind,
        Notification,
        ProblemEvent,
        Team,
        TroubleReportLink,
        User,
    )
    from services import workflow
    from services.models import Service, Subscription, TroubleReportImpact

    if redis:
        celery_app.control.purge()  # nothing left over from the first phase
    team = Team.objects.create(name="Broadband support", email="bb@example.test")
    category = Category.objects.create(name="Broadband", slug="broadband", default_team=team)
    service = Service.objects.create(
        code="bench-fibre", name="Bench fibre", customer_category=category
    )
    password = make_password("x")
    customers = Customer.objects.bulk_create(
        [Customer(name=f"Subscriber {i}", code=f"sub-{i}") for i in range(subscribers)],
        batch_size=5000,
    )
    contacts = User.objects.bulk_create(
        [
            User(username=c.code, email=f"{c.code}@example.test", customer=c, password=password)
            for c in customers
        ],
        batch_size=5000,
    )
    Customer.default_contacts.through.objects.bulk_create(
        [
            Customer.default_contacts.through(customer_id=u.customer_id, user_id=u.pk)
            for u in contacts
        ],
        batch_size=5000,
    )
    Subscription.objects.bulk_create(
        [Subscription(customer=c, service=service, site=f"{c.name} home") for c in customers],
        batch_size=5000,
    )
    for customer in customers[: subscribers // 100]:  # 1 % called already: linked, not opened
        problems_workflow.problem_create(
            actor=problems_workflow.SYSTEM,
            title="No internet",
            description="Down since this morning",
            customer=customer,
            service_id=service.pk,
        )

    worker = start_workers(workers, database) if redis else None
    try:
        started = time.perf_counter()
        report = workflow.trouble_report_open(
            actor=problems_workflow.SYSTEM, title="Bench outage", services=[service]
        )  # committed here; the fan-out is enqueued on commit
        impact = TroubleReportImpact.objects.get(report=report)
        fan_out = wait_for(
            lambda: TroubleReportImpact.objects.filter(
                pk=impact.pk, informed_at__isnull=False
            ).exists()
        )
        links = TroubleReportLink.objects.filter(trouble_report_id=report.pk).count()
        opened = CustomerProblem.objects.filter(channel="network").count()
        print(
            f"Fan-out of an outage to {subscribers:,} subscribers: {fan_out - started:.1f} s "
            f"({links:,} problems linked, of which {opened:,} opened proactively; "
            f"{workers if redis else 'no'} worker process(es))"
        )
        delivered = wait_for(lambda: not Notification.objects.filter(status="pending").exists())
        print(
            f"  …and every notification delivered: {delivered - started:.1f} s "
            f"({Notification.objects.count():,} e-mails)"
        )
        started = time.perf_counter()
        workflow.trouble_report_progress(
            report, actor=problems_workflow.SYSTEM, message="Engineers on site."
        )
        progressed = wait_for(
            lambda: ProblemEvent.objects.filter(kind=EventKind.NETWORK_UPDATE).count() >= links
        )
        print(
            f"Progress update onto {links:,} linked problems' timelines: "
            f"{progressed - started:.1f} s"
        )
    finally:
        if worker is not None:
            stop(worker)


def start_workers(count: int, database: str) -> subprocess.Popen[bytes]:
    url = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{url['USER']}@{url['HOST']}:{url['PORT']}/{database}"
        if connection.vendor == "postgresql"
        else f"sqlite:///{database}",
        "EMAIL_URL": "dummy://",
        "LOG_LEVEL": "WARNING",
        "PROBLEMDESK_DATA_DIR": tempfile.mkdtemp(prefix="bench-"),
    }
    worker = subprocess.Popen(  # noqa: S603 - our own fixed command
        [sys.executable, "-m", "celery", "-A", "problemdesk", "worker", "--loglevel=WARNING",
         f"--concurrency={count}", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    time.sleep(3)
    return worker


def stop(worker: subprocess.Popen[bytes]) -> None:
    """Warm shutdown (the tasks running finish), then cold if it takes too long."""
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=30)


def wait_for(condition, timeout: float = 900.0) -> float:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return time.perf_counter()
        time.sleep(0.1)
    raise TimeoutError("the workers did not finish in time")


if __name__ == "__main__":
    main()
