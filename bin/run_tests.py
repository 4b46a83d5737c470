"""Run the test suite on SQLite, then again on PostgreSQL + Redis when they answer.

In CI (CI=true) the second run is required: a database or broker that does not answer is
a failure, not a skip. Extra arguments go to pytest on both runs.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
SERVICE_ENV = {
    "DATABASE_URL": os.environ.get(
        "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/problemdesk"
    ),
    "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
}


def answers(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def pytest(extra_env: dict[str, str], label: str) -> int:
    env = {**os.environ, **extra_env}
    for name in ("DATABASE_URL", "REDIS_URL"):
        if name not in extra_env:
            env.pop(name, None)
    print(f"\n=== Test suite on {label} ===", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]], cwd=ROOT, env=env)  # noqa: S603


def main() -> int:
    status = pytest({}, "SQLite, no Redis (embedded default)")
    if answers(POSTGRES) and answers(REDIS):
        status = pytest(SERVICE_ENV, "PostgreSQL + Redis") or status
    elif os.environ.get("CI") == "true":
        print("PostgreSQL or Redis is not answering on 127.0.0.1: CI needs both.", file=sys.stderr)
        status = status or 1
    else:
        print("\nPostgreSQL and Redis are not both answering on 127.0.0.1: skipped that run.")
    return status


if __name__ == "__main__":
    sys.exit(main())
