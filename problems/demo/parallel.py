"""Large demo runs on PostgreSQL: simulate and COPY chunks in parallel worker processes.

The workers are spawned, not forked: a fork copies whatever threads and event loops the
parent has (a test run with a browser, a web server) into a child that cannot use them,
which can hang it. A spawned worker sets Django up itself, reads the demo catalogue the
parent wrote (build_catalogue is idempotent) and writes to the same database. This module
imports no models at import time, so a fresh interpreter can load it before setup.
"""

import multiprocessing
import random
from collections.abc import Iterator
from datetime import datetime
from typing import Any

_simulator: Any = None


def _start_worker(database_name: str, now: datetime, seed: int) -> None:
    import django
    from django.conf import settings

    django.setup()
    # The parent may be using another database than the settings name (a test database).
    settings.DATABASES["default"]["NAME"] = database_name
    from problems.demo.catalogue import build_catalogue
    from problems.demo.history import Simulator

    global _simulator
    _simulator = Simulator(build_catalogue(), now=now, seed=seed)


def _simulate_and_copy(spec: tuple[int, int, int, int]) -> int:
    """One chunk, in a worker with its own database connection and its own transaction."""
    from django.db import transaction

    from problems.demo.history import copy_rows, flatten, generate

    index, size, due, seed = spec
    if _simulator is None:
        raise RuntimeError("the worker process was not initialised")
    _simulator.rng = random.Random(seed * 1_000_003 + index)  # repeatable per chunk
    plans = list(generate(_simulator, size, jeopardy_due=due))
    with transaction.atomic():
        copy_rows([flatten(plan) for plan in plans])
    return size


def write_in_parallel(
    count: int, *, now: datetime, chunk: int, jeopardy_due: int, seed: int, processes: int
) -> Iterator[int]:
    """Simulate and COPY ``count`` problems in ``processes`` workers; yield each chunk's size
    as it is committed. Ids come from the table's sequence, so the workers never collide."""
    from django.db import connection

    specs = []
    for index, start in enumerate(range(0, count, chunk)):
        size = min(chunk, count - start)
        specs.append((index, size, max(0, min(size, jeopardy_due - start)), seed))
    context = multiprocessing.get_context("spawn")
    initargs = (connection.settings_dict["NAME"], now, seed)
    with context.Pool(processes, initializer=_start_worker, initargs=initargs) as pool:
        yield from pool.imap_unordered(_simulate_and_copy, specs)
