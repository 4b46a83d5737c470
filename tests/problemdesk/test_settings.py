"""Configuration from the environment: safe defaults, clear failures, deploy-ready."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PROBLEMDESK_MODE": "production",
    "SECRET_KEY": "k" * 30 + "-not-a-real-secret-but-long-enough-0123456789",
    "ALLOWED_HOSTS": "desk.example.net",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/problemdesk",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://desk%40example.net:secret@mail.example.net",
}


def manage(*args, env=None, data_dir):
    unwanted = {*PRODUCTION, "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the latter: tests only
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "PROBLEMDESK_DATA_DIR": str(data_dir), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, data_dir=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "nosuchdb://x"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("EMAIL_URL", "carrier-pigeon://coop"),
        ("EMAIL_URL", "smtp://mail.example.net:notaport"),
        ("DJANGO_DEBUG", "maybe"),
        ("PROBLEMDESK_MODE", "staging"),
        ("PROBLEMDESK_TIMER_SCAN_SECONDS", "soon"),
        ("SECURE_HSTS_SECONDS", "-5"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, variable, value):
    result = manage("check", env={variable: value}, data_dir=tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and variable in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env, data_dir=tmp_path)
    assert result.returncode != 0 and missing in result.stderr


def test_the_embedded_default_needs_no_server():
    from django.conf import settings

    from problemdesk.env import env_email

    if os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"):
        pytest.skip("this run is configured for PostgreSQL and Redis")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CELERY_BROKER_URL.startswith("filesystem://")
    assert env_email("UNSET_EMAIL_URL", "console://")["default"]["BACKEND"].endswith(
        "console.EmailBackend"
    )


def test_email_url_becomes_an_smtp_mailer():
    from problemdesk.env import env_email

    os.environ["TEST_EMAIL_URL"] = "smtp+tls://desk%40example.net:s3cret@mail.example.net?timeout=5"
    try:
        mailer = env_email("TEST_EMAIL_URL", "console://")["default"]
    finally:
        del os.environ["TEST_EMAIL_URL"]
    assert mailer["OPTIONS"] == {
        "host": "mail.example.net",
        "port": None,
        "username": "desk@example.net",
        "password": "s3cret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 5,
    }


def test_migrations_are_committed(tmp_path):
    result = manage("makemigrations", "--check", "--dry-run", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
