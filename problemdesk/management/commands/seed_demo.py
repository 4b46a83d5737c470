"""The demo data of the whole product: the problems desk, then service problem management.

Lives in the project, not in an app, because it spans both apps and ``problems`` does not
import ``services`` (DESIGN.md, "Apps and boundaries").
"""

import time

from django.core.management.base import BaseCommand, CommandParser

from problems.demo.seed import DEFAULT_PROBLEMS, seed_problems
from problems.models import CustomerProblem
from services.demo import seed_services
from services.models import Service


class Command(BaseCommand):
    help = (
        "Create a believable demo: companies, contacts, teams, agents, SLA policies, known "
        "errors and problems with real histories; then a network inventory and a live outage "
        "(alarms, a trouble report in progress, linked and proactive customer problems). "
        "Logins all use the password 'demo'."
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
            help="Add each part only where the database has none yet (for the run command).",
        )
        parser.add_argument("--seed", type=int, default=7, help="Random seed, for repeatable data.")

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        if_empty = bool(options["if_empty"])
        seed = int(options["seed"])  # type: ignore[call-overload]
        count = options["problems"]
        count = DEFAULT_PROBLEMS if count is None else int(count)  # type: ignore[call-overload]
        if if_empty and CustomerProblem.objects.exists():
            self.stdout.write("Demo problems already present; nothing to add there.")
        else:
            written = seed_problems(count, seed=seed, progress=self._progress)
            self.stdout.write(f"  {written:,} problems with their histories.")
        if if_empty and Service.objects.exists():
            self.stdout.write("Demo inventory already present; nothing to add there.")
        else:
            summary = seed_services(seed=seed)
            self.stdout.write(f"  {summary}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {time.monotonic() - started:.1f} s. Log in as admin, supervisor, "
                "agent, noc, customer-a or customer-b with password 'demo'."
            )
        )

    def _progress(self, written: int, started: float) -> None:
        rate = written / (time.monotonic() - started)
        self.stdout.write(f"  {written:,} problems ({rate:,.0f}/s)")
