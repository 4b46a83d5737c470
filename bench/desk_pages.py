"""How fast the desk and portal pages answer at a stated data size.

    python bench/desk_pages.py --problems 100000                       # throwaway SQLite
    python bench/desk_pages.py --problems 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/problemdesk_bench   # WIPED first

Seeds the demo desk (``seed_demo``) into the given database (or a temporary SQLite file),
then requests each page through Django's test client as the demo personas and prints the
median and worst time of ``--rounds`` requests, and the number of SQL queries, per page.
The database named by --database-url is flushed: never point it at data you keep.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TEMPORARY: list[str] = []  # removed on exit: only folders this script made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="problemdesk-bench-")
    TEMPORARY.append(data_dir)
    os.environ["PROBLEMDESK_DATA_DIR"] = data_dir
    os.environ.pop("REDIS_URL", None)
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "problemdesk.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from problems.models import CustomerProblem, User

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.monotonic()
    call_command("seed_demo", problems=options.problems, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seeded = time.monotonic() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps

    problem = (
        CustomerProblem.objects.filter(state="assigned", customer__code="acme")
        .exclude(category__is_security=True)
        .order_by("pk")
        .first()
    )
    pages = {
        "agent": [
            ("queue: all open (default)", "/desk/"),
            ("queue: my problems", "/desk/?queue=mine"),
            ("queue: all problems, by target", "/desk/?queue=all&sort=-restore_by"),
            ("queue: search 'router'", "/desk/?queue=all&q=router"),
            ("queue: filter priority+team", "/desk/?queue=open&priority=1&team=1"),
            ("queue: htmx refresh", ("/desk/?queue=open", {"HX-Request": "true"})),
            ("problem page", f"/desk/problems/{problem.pk}/"),
        ],
        "supervisor": [
            ("jeopardy board", "/desk/supervisor/jeopardy/"),
            ("team workload", "/desk/supervisor/workload/"),
        ],
        "customer-a": [
            ("portal: open problems", "/portal/"),
            ("portal: all problems", "/portal/?show=all"),
            ("portal: problem page", f"/portal/problems/{problem.pk}/"),
        ],
    }
    total = CustomerProblem.objects.count()
    print(
        f"ProblemDesk pages: {total:,} problems on {connection.vendor} "
        f"(seeded in {seeded:.0f} s), {options.rounds} rounds each\n"
    )
    print(f"{'page':40} {'median ms':>10} {'worst ms':>9} {'queries':>8}")
    for username, urls in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        for label, target in urls:
            url, headers = target if isinstance(target, tuple) else (target, {})
            client.get(url, headers=headers)  # warm the caches once
            times = []
            for _ in range(options.rounds):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(url, headers=headers)
                    times.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            print(
                f"{label:40} {statistics.median(times):10.1f} {max(times):9.1f} {len(queries):8d}"
            )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for folder in TEMPORARY:
            shutil.rmtree(folder, ignore_errors=True)
