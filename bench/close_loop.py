"""Benchmark of closing the loop at a stated data size.

    DATABASE_URL=postgres://… .venv/bin/python bench/close_loop.py --problems 100000

It creates a throw-away database (Django's test database: ``test_<name>``), so it never
touches real data, and prints:

1. the demo seed of N problems (COPY on PostgreSQL), with the surveys it writes;
2. the auto-close scan with nothing due (the beat's idle cost: one indexed query);
3. the auto-close of K cleared problems past their window (each closed through
   ``problem_close`` with its event, notifications and survey; e-mails to a dummy backend);
4. the survey scan (lost surveys, reminders) over all surveys;
5. a confirm link used N times (each a locked transaction through ``problem_close``);
6. the per-problem report of a problem with a long history, as a page and as a PDF.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "problemdesk.settings")
os.environ.setdefault("EMAIL_URL", "dummy://")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from problemdesk.celery import app as celery_app  # noqa: E402


def timed(label: str, size: str, run) -> object:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {size:>24} {elapsed:9.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--close", type=int, default=2_000, help="cleared problems to close")
    parser.add_argument("--links", type=int, default=200, help="confirm links to use")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    setup_test_environment()
    celery_app.conf.task_always_eager = True  # surveys are sent in-process (dummy backend)
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"Database: {connection.vendor} ({database})\n")
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


def run(args: argparse.Namespace) -> None:
    from datetime import timedelta

    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from problems import workflow
    from problems.links import CONFIRM, ClearanceLink, clearance_token
    from problems.models import (
        CustomerProblem,
        EventKind,
        Notification,
        SatisfactionSurvey,
        State,
        User,
    )

    with open(os.devnull, "w") as quiet:
        timed(
            "seed_demo (problems, histories, surveys)",
            f"{args.problems:,} problems",
            lambda: call_command("seed_demo", problems=args.problems, stdout=quiet),
        )
    surveys = SatisfactionSurvey.objects.count()
    answered = SatisfactionSurvey.objects.filter(answered_at__isnull=False).count()
    print(f"{'':<58} {f'{surveys:,} surveys, {answered:,} answered':>24}")

    now = timezone.now()
    # Nothing due: push every cleared problem's window into the future.
    cleared = CustomerProblem.objects.filter(state=State.CLEARED)
    cleared.update(confirm_by=now + timedelta(days=3))
    timed(
        "auto-close scan, nothing due", f"{cleared.count():,} cleared", workflow.close_unconfirmed
    )

    due = list(cleared.order_by("pk").values_list("pk", flat=True)[: args.close])
    CustomerProblem.objects.filter(pk__in=due).update(confirm_by=now - timedelta(minutes=1))
    # Inside an outer transaction, so the e-mails (sent after commit, in-process here)
    # are timed apart from the closing itself; in production workers send them.
    notifications_before = Notification.objects.count()
    with transaction.atomic():
        closed = timed("auto-close scan, closing", f"{len(due):,} due", workflow.close_unconfirmed)
        started = time.perf_counter()
    print(
        f"{'  …then its e-mails (notifications, surveys; eager)':<58} "
        f"{Notification.objects.count() - notifications_before:>17,} e-mails "
        f"{time.perf_counter() - started:6.3f} s"
    )
    if closed != len(due):
        raise SystemExit(f"closed {closed} of {len(due)} due problems")
    timed("auto-close scan again (idempotent)", "0 due", workflow.close_unconfirmed)

    timed(
        "survey scan (lost e-mails, reminders due)",
        f"{SatisfactionSurvey.objects.count():,} surveys",
        lambda: workflow.surveys_scan(now + timedelta(days=4)),
    )

    rest = list(cleared.select_related("reported_by").order_by("pk")[: args.links])
    tokens = []
    for problem in rest:
        event = problem.events.filter(kind=EventKind.CLEARED).order_by("-pk").first()
        user = problem.reported_by or User.objects.filter(customer=problem.customer).first()
        if event is None or user is None:
            continue
        link = ClearanceLink(problem.pk, event.pk, user.pk, CONFIRM, now + timedelta(days=1))
        tokens.append(clearance_token(link))

    def use_links() -> None:
        client = Client()
        for token in tokens:
            client.post(f"/answer/{token}/confirm/")

    timed("confirm links used (HTTP POST each)", f"{len(tokens):,} links", use_links)

    longest = CustomerProblem.objects.filter(state=State.CLOSED).order_by("-updated_at").first()
    agent = User.objects.get(username="agent")
    client = Client()
    client.force_login(agent)
    events = longest.events.count() if longest else 0
    timed(
        "per-problem report page (internal)",
        f"{events} events",
        lambda: client.get(f"/reports/problems/{longest.pk}/"),  # type: ignore[union-attr]
    )
    for round_ in ("first, loads fonts", "second"):
        timed(
            f"per-problem report PDF (internal, {round_})",
            f"{events} events",
            lambda: client.get(f"/reports/problems/{longest.pk}/pdf/"),  # type: ignore[union-attr]
        )


if __name__ == "__main__":
    main()
