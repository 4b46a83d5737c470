"""Helpers shared by the desk and portal tests: logged-in clients, many problems at once,
uploaded files, and the Chromium launch settings for the browser tests."""

import os
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from problems.models import CustomerProblem, Priority, State

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%fake but well-formed enough\n"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png(name: str = "screenshot.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def text_file(name: str = "trace.log", content: bytes = b"ping 10.0.0.1: timeout\n") -> Any:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def bulk_problems(count: int, **fields: Any) -> list[CustomerProblem]:
    """Many problems in one insert, spread over states, priorities and deadlines, for
    query-count tests (the workflow would be slow and is tested elsewhere)."""
    now = timezone.now()
    states = [State.OPEN, State.ASSIGNED, State.IN_JEOPARDY]
    rows = []
    for index in range(count):
        values = {
            "title": f"Problem number {index}",
            "description": "Bulk test problem.",
            "priority": list(Priority)[index % 4],
            "restore_by": now + timedelta(hours=index % 9 - 2),
            "jeopardy_at": now + timedelta(hours=index % 9 - 4),
            "created_at": now - timedelta(hours=index % 24),
            **fields,
        }
        problem = CustomerProblem(**values)
        # The state machine protects the field; a bulk insert of test rows sets it directly.
        problem.__dict__["state"] = values.get("state", states[index % 3])
        rows.append(problem)
    return CustomerProblem.objects.bulk_create(rows)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def texts(items: Iterable[Any]) -> list[str]:
    return [str(item) for item in items]


def browser_tests_last(items: list[Any]) -> None:
    """Run the browser tests after all the others, and skip them without Chromium.

    Last, because Playwright keeps an event loop and the live server keeps threads for the
    rest of the session, and a test that forks afterwards (seed_demo's parallel COPY)
    then hands its database connection to the children. Without Chromium: skipped on a
    developer's machine, a failure in CI (CI=true), where .ci/run installs it.
    """
    import pytest

    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if Path(CHROMIUM).exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)
