import time
from itertools import islice

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from problems.demo.catalogue import build_catalogue
from problems.demo.history import Simulator, generate, write
from problems.models import CustomerProblem

DEFAULT_PROBLEMS = 300
CHUNK = 5000


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
        # A few problems are past their jeopardy point but not yet moved: the running
        # timer scan puts them in jeopardy within a minute of start.
        plans = generate(simulator, count, jeopardy_due=min(5, count))
        written = 0
        while chunk := list(islice(plans, CHUNK)):
            write(chunk)
            written += len(chunk)
            if count > CHUNK:
                rate = written / (time.monotonic() - started)
                self.stdout.write(f"  {written:,} problems ({rate:,.0f}/s)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo desk ready: {written:,} problems in {time.monotonic() - started:.1f} s. "
                "Log in as admin, supervisor, agent, customer-a or customer-b with password 'demo'."
            )
        )
