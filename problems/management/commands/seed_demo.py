import os
import time
from itertools import islice

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from problems.demo.catalogue import build_catalogue
from problems.demo.history import Simulator, generate, write, write_in_parallel
from problems.models import CustomerProblem

DEFAULT_PROBLEMS = 300
CHUNK = 5000
# A few problems are left just past their jeopardy point for the running timer to take.
JEOPARDY_DUE = 5


class Command(BaseCommand):
    help = (
        "Create a believable demo desk: companies, contacts, teams, agents, SLA policies, "
        "known errors and problems with real histories. Logins all use the password 'demo'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--problems",
            type=int,
            default=None,
            help=f"How many problems to add (default {DEFAULT_PROBLEMS}; millions are fine).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has problems (for the run command).",
        )
        parser.add_argument("--seed", type=int, default=7, help="Random seed, for repeatable data.")

    def handle(self, *args: object, **options: object) -> None:
        if options["if_empty"] and CustomerProblem.objects.exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        count = options["problems"]
        count = DEFAULT_PROBLEMS if count is None else int(count)  # type: ignore[call-overload]
        started = time.monotonic()
        catalogue = build_catalogue()
        simulator = Simulator(catalogue, now=timezone.now(), seed=int(options["seed"]))  # type: ignore[call-overload]
        due, written = min(JEOPARDY_DUE, count), 0
        if connection.vendor == "postgresql" and count > CHUNK:
            # Large runs: one process per core simulates and COPYs its own chunks.
            for size in write_in_parallel(
                simulator,
                count,
                chunk=CHUNK,
                jeopardy_due=due,
                seed=int(options["seed"]),  # type: ignore[call-overload]
                processes=max(2, os.cpu_count() or 2),
            ):
                written += size
                self._progress(written, started)
        else:
            plans = generate(simulator, count, jeopardy_due=due)
            while chunk := list(islice(plans, CHUNK)):
                write(chunk)
                written += len(chunk)
                if count > CHUNK:
                    self._progress(written, started)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo desk ready: {written:,} problems in {time.monotonic() - started:.1f} s. "
                "Log in as admin, supervisor, agent, customer-a or customer-b with password 'demo'."
            )
        )

    def _progress(self, written: int, started: float) -> None:
        rate = written / (time.monotonic() - started)
        self.stdout.write(f"  {written:,} problems ({rate:,.0f}/s)")
