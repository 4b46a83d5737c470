"""Run the whole product on one machine: web server, Celery worker and Celery beat.

Migrates, loads the demo data into an empty database, then starts the three processes
and stops them all on Ctrl-C (or when any of them exits).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, seed demo data if empty, and run web + worker + beat until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default=os.environ.get("PROBLEMDESK_ADDR", "127.0.0.1:8000"))
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo data.")

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("seed_demo", if_empty=True)
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "problemdesk"]
        commands = {
            "web": [python, "manage.py", "runserver", str(options["addr"]), "--noreload"],
            "worker": [*celery, "worker", "--loglevel=INFO", "--pool=threads", "--concurrency=4"],
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                "-s",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        processes: dict[str, subprocess.Popen[bytes]] = {}
        # A service manager stops us with SIGTERM: stop the children as Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        self.stdout.write(
            self.style.SUCCESS(
                f"ProblemDesk on http://{options['addr']}/ (desk, portal; admin at /admin/). "
                "Logins: admin, supervisor, agent, noc, customer-a, customer-b; password 'demo'. "
                "Ctrl-C stops everything."
            )
        )
        try:
            for name, command in commands.items():
                # Own process group: Ctrl-C reaches only us, and we stop the children in order.
                processes[name] = subprocess.Popen(  # noqa: S603 - our own fixed commands
                    command, cwd=settings.BASE_DIR, start_new_session=True
                )
            while all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
            stopped = [name for name, process in processes.items() if process.poll() is not None]
            self.stderr.write(f"{', '.join(stopped)} stopped; shutting down the rest.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping web, worker and beat…")
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
