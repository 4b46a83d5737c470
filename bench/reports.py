"""How long each management report takes at a stated data size, on PostgreSQL.

    python manage.py seed_demo --problems 1000000        # with DATABASE_URL set (about 6.5 min)
    python bench/reports.py --database-url postgres://postgres@127.0.0.1:5432/problemdesk_bench

Reads an already seeded database (it never flushes it). If it holds no satisfaction
surveys yet (the demo seed may not make them), one INSERT ... SELECT gives every closed
problem a survey: all sent, 40 % answered with a score, 10 % with a comment, so that the
satisfaction figures have realistic work to do. Then, for each period, it builds every
table of the report on its own (the queries the page runs for it; *volumes* and *ageing*
each include the backlog query, which the page runs once for both), and the customer
summary of the customer with the most problems, ``--rounds`` times, and prints the median
and worst.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURVEYS_SQL = """
INSERT INTO problems_satisfactionsurvey
    (problem_id, customer_id, created_at, sent_at, reminder_sent_at, answered_at, score, comment)
SELECT p.id, p.customer_id, p.closed_at, p.closed_at, NULL,
       CASE WHEN p.id % 10 < 4 THEN p.closed_at + interval '1 day' END,
       CASE WHEN p.id % 10 < 4 THEN 1 + (p.id * 7) % 5 END,
       CASE WHEN p.id % 10 = 0 THEN 'Comment on problem ' || p.id ELSE '' END
FROM problems_customerproblem p
WHERE p.state = 'closed' AND p.customer_id IS NOT NULL AND p.closed_at IS NOT NULL
ON CONFLICT DO NOTHING
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "problemdesk.settings")

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from problems.models import CustomerProblem, SatisfactionSurvey
    from reporting.customer import customer_summary
    from reporting.period import Period, ReportScope
    from reporting.report import BUILDERS, build_report

    if connection.vendor != "postgresql":
        print("This benchmark is for PostgreSQL.")
        return 2
    problems = CustomerProblem.objects.count()
    if not SatisfactionSurvey.objects.exists():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(SURVEYS_SQL)
            cursor.execute("ANALYZE problems_satisfactionsurvey")
        print(f"surveys inserted in {time.perf_counter() - started:.1f} s")
    surveys = SatisfactionSurvey.objects.count()
    busiest = (
        CustomerProblem.objects.values("customer").annotate(n=Count("pk")).order_by("-n").first()
    )
    biggest_team = (
        CustomerProblem.objects.exclude(team=None)
        .values("team")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    team = biggest_team["team"]
    print(f"{problems:,} problems, {surveys:,} surveys, on {connection.vendor}")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"one team: the largest, {biggest_team['n']:,} problems")

    def timed(function: object) -> tuple[float, float]:
        times = []
        for _ in range(options.rounds):
            started = time.perf_counter()
            function()  # type: ignore[operator]
            times.append(time.perf_counter() - started)
        return statistics.median(times), max(times)

    scopes = {
        "last month": ReportScope(Period.from_preset("last_month")),
        "last 90 days": ReportScope(Period.from_preset("last_90_days")),
        "last 90 days, one team": ReportScope(Period.from_preset("last_90_days"), {"team": team}),
    }
    print(f"{'report':<16}{'scope':<26}{'median s':>10}{'worst s':>10}")
    for label, scope in scopes.items():
        total = 0.0
        for key in BUILDERS:
            median, worst = timed(lambda key=key, scope=scope: build_report(scope, only=key))
            total += median
            print(f"{key:<16}{label:<26}{median:>10.3f}{worst:>10.3f}")
        print(f"{'(whole page)':<16}{label:<26}{total:>10.3f}")
    from problems.models import Customer

    customer = Customer.objects.get(pk=busiest["customer"])
    for preset in ("last_month", "last_90_days"):
        median, worst = timed(
            lambda preset=preset: customer_summary(
                customer, Period.from_preset(preset), for_customer=False
            )
        )
        label = f"{preset} ({busiest['n']:,} problems)"
        print(f"{'customer':<16}{label:<26}{median:>10.3f}{worst:>10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
