"""Reading configuration from the environment.

Every helper raises ImproperlyConfigured naming the variable, so a bad value stops the
process at start with a message an operator can act on, instead of a traceback later.
"""

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(sorted(choices))}, not {value!r}"
        )
    return value


def env_database(name: str, default: str) -> dict[str, Any]:
    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a database URL we understand: {error}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name} names no database engine: {raw!r}")
    return dict(config)


def env_redis_url(name: str) -> str:
    raw = os.environ.get(name, "").strip()
    if raw and urlsplit(raw).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"{name} must be a redis://, rediss:// or unix:// URL, not {raw!r}"
        )
    return raw


EMAIL_SCHEMES = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
}


def env_email(name: str, default: str) -> dict[str, dict[str, object]]:
    """Parse EMAIL_URL into Django's MAILERS setting.

    console:// (print), smtp://user:password@host:port, smtp+tls://… (STARTTLS, port 587),
    smtp+ssl://… (TLS from the start, port 465); ``?timeout=20`` sets the SMTP timeout.
    """
    raw = os.environ.get(name) or default
    url = urlsplit(raw)
    if url.scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must start with one of {', '.join(sorted(EMAIL_SCHEMES))}://, not {raw!r}"
        )
    mailer: dict[str, object] = {"BACKEND": EMAIL_SCHEMES[url.scheme]}
    if url.scheme.startswith("smtp"):
        if not url.hostname:
            raise ImproperlyConfigured(f"{name} names no SMTP host: {raw!r}")
        try:
            port = url.port
            timeout = int(parse_qs(url.query).get("timeout", ["20"])[0])
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a bad port or timeout: {raw!r}") from None
        mailer["OPTIONS"] = {
            "host": url.hostname,
            "port": port,
            "username": unquote(url.username or ""),
            "password": unquote(url.password or ""),
            "use_tls": url.scheme == "smtp+tls",
            "use_ssl": url.scheme == "smtp+ssl",
            "timeout": timeout,
        }
    return {"default": mailer}
