"""Benchmark of the TMF621 API at a stated data size: list pages (with filters, fields,
paging), retrieve, create and patch (with and without hub listeners), and hub delivery
throughput to a local listener.

    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/tmf_api.py --problems 100000

It migrates the database named by DATABASE_URL (default: the embedded SQLite file), tops it
up with demo problems to the size asked, and calls the API in-process (Django's test client:
no network, so the figures are the application's and the database's). Writes are real: use
a scratch database.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "problemdesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from problemdesk.api.clients import api_client_create  # noqa: E402
from problemdesk.api.hub import delivery, publish  # noqa: E402
from problemdesk.api.models import ApiClient, Delivery, EventSubscription, HubEvent  # noqa: E402
from problems.models import CustomerProblem  # noqa: E402

API = "/tmf-api/troubleTicket/v4"


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


class Sink(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--deliveries", type=int, default=300)
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    missing = options.problems - CustomerProblem.objects.count()
    if missing > 0:
        print(f"Seeding {missing:,} demo problems…", flush=True)
        call_command("seed_demo", problems=missing, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after the bulk load, as autovacuum would
    # Listeners of earlier runs would get deliveries too: start from none.
    EventSubscription.objects.filter(owner__api_client__name__startswith="bench").delete()
    ApiClient.objects.filter(name="bench").update(name=f"bench-{time.time_ns()}")
    record, token = api_client_create(name="bench", rate_limit="1000000/min")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="localhost")
    total = CustomerProblem.objects.count()
    one = CustomerProblem.objects.order_by("-pk").values_list("pk", flat=True)[100]
    print(
        f"\n{total:,} problems on {connection.vendor}; each figure over {options.repeat} calls.\n"
    )
    print(f"{'request':<72} {'median':>8} {'p95':>8} {'queries':>8}")

    def row(label: str, call: Any, repeat: int = options.repeat) -> None:
        median, p95, queries = timed(call, repeat)
        print(f"{label:<72} {median:>6.1f}ms {p95:>6.1f}ms {queries:>8}", flush=True)

    for query in (
        "",
        "?limit=1000",
        "?status=inProgress&priority=High",
        "?creationDate.gt=2020-01-01T00:00:00Z&sort=creationDate",
        "?fields=id,status,priority&limit=1000",
        "?offset=10000&limit=100",
        "?lastUpdate.gt=2100-01-01",
    ):
        row(
            f"GET troubleTicket{query or ' (first 100)'}",
            lambda q=query: client.get(f"{API}/troubleTicket{q}"),
        )
    row("GET troubleTicket/{id}", lambda: client.get(f"{API}/troubleTicket/{one}"))

    body = {"description": "Bench: no dial tone", "severity": "Major", "ticketType": "incident"}
    publish._enqueue = lambda ids: None  # measure the write and its outbox, not the broker
    for listeners in (0, 10):
        EventSubscription.objects.filter(owner=record.user).delete()
        for n in range(listeners):
            EventSubscription.objects.create(
                api="troubleTicket", callback=f"http://127.0.0.1:9/{n}", owner=record.user
            )
        row(
            f"POST troubleTicket, {listeners} hub listeners",
            lambda: client.post(f"{API}/troubleTicket", body, content_type="application/json"),
        )
        row(
            f"PATCH troubleTicket/{{id}} (a note), {listeners} hub listeners",
            lambda: client.patch(
                f"{API}/troubleTicket/{one}",
                {"note": [{"text": "bench"}]},
                content_type="application/merge-patch+json",
            ),
        )

    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    EventSubscription.objects.filter(owner=record.user).update(
        callback=f"http://127.0.0.1:{server.server_address[1]}/sink"
    )
    pending = list(
        Delivery.objects.filter(subscription__owner=record.user, status="pending")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    heads = sorted(set(delivery.due_stream_heads(limit=100_000)) & set(pending))
    started = time.perf_counter()
    sent = sum(delivery.deliver_stream(pk).delivered for pk in heads[: options.deliveries])
    elapsed = time.perf_counter() - started
    print(
        f"\nHub delivery to a local listener: {sent} deliveries in {elapsed:.2f} s "
        f"({sent / elapsed:,.0f}/s, one worker, claim + POST + record each)"
    )
    server.shutdown()
    print(
        f"Outbox now: {HubEvent.objects.count():,} events, {Delivery.objects.count():,} deliveries."
    )


if __name__ == "__main__":
    main()
