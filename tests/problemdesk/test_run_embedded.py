"""The README's run command, end to end: a fresh data folder, web + worker + beat on the
embedded default, the timer moving the seeded problems into jeopardy, one signal stopping
everything."""

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_with(marker):
    """Pids of processes whose environment holds ``marker`` (our data folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def get(url):
    return urllib.request.urlopen(url).status  # noqa: S310 - our own http:// URL


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, sqlite3.Error):  # not up yet
            if condition():
                return True
        time.sleep(1)
    return False


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_run_serves_the_demo_moves_due_problems_and_stops_on_one_signal(tmp_path, stop_signal):
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the embedded mode is tested in the SQLite run")
    port = free_port()
    data = tmp_path / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PROBLEMDESK_DATA_DIR=str(data), PROBLEMDESK_TIMER_SCAN_SECONDS="5")
    run = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_embedded", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: get(f"{base}/health/") == 200, 240)
        assert get(f"{base}/accounts/login/") == 200

        def in_jeopardy_by_the_timer():
            with sqlite3.connect(data / "problemdesk.sqlite3") as db:
                (moved,) = db.execute(
                    "SELECT count(*) FROM problems_problemevent WHERE kind = 'in_jeopardy' AND "
                    "actor_label = 'jeopardy timer' AND created_at > datetime('now', '-5 minutes')"
                ).fetchone()
            return moved >= 5

        assert wait_for(in_jeopardy_by_the_timer, 120), "the worker and beat did not run the scan"
        assert len(processes_with(str(data))) >= 4  # us, web, worker, beat
    finally:
        run.send_signal(stop_signal)
        run.wait(timeout=60)
    assert wait_for(lambda: processes_with(str(data)) == [], 30), processes_with(str(data))
