"""The problems part of the demo: people, the desk's catalogue, and problems with believable
histories (``manage.py seed_demo`` runs it, then the services part)."""

import os
import time
from collections.abc import Callable
from itertools import islice

from django.db import connection
from django.utils import timezone

from problems.demo.catalogue import build_catalogue
from problems.demo.history import Simulator, generate, write
from problems.demo.parallel import write_in_parallel

DEFAULT_PROBLEMS = 300
CHUNK = 5000
# A few problems are left just past their jeopardy point for the running timer to take.
JEOPARDY_DUE = 5


def seed_problems(count: int, *, seed: int, progress: Callable[[int, float], None]) -> int:
    """Write ``count`` problems (and the catalogue they need); returns how many."""
    started = time.monotonic()
    catalogue = build_catalogue()
    now = timezone.now()
    due, written = min(JEOPARDY_DUE, count), 0
    if connection.vendor == "postgresql" and count > CHUNK:
        # Large runs: one process per core simulates and COPYs its own chunks.
        for size in write_in_parallel(
            count,
            now=now,
            chunk=CHUNK,
            jeopardy_due=due,
            seed=seed,
            processes=max(2, os.cpu_count() or 2),
        ):
            written += size
            progress(written, started)
        with connection.cursor() as cursor:
            # Fresh statistics, or the planner ignores the indexes; and the visibility map,
            # or every index-only scan (the reports' covering indexes) reads the heap too
            # until autovacuum gets round to it (measured: reports 2-4x slower before).
            cursor.execute("VACUUM ANALYZE")
    else:
        simulator = Simulator(catalogue, now=now, seed=seed)
        plans = generate(simulator, count, jeopardy_due=due)
        while chunk := list(islice(plans, CHUNK)):
            write(chunk)
            written += len(chunk)
            if count > CHUNK:
                progress(written, started)
    return written
