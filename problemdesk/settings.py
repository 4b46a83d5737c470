"""ProblemDesk settings: one module, every value from the environment.

Two modes, chosen by PROBLEMDESK_MODE:
- ``embedded`` (default): a fresh clone runs with SQLite, a broker kept in files under
  ``var/`` and e-mail printed on the console. Nothing else needs to be installed.
- ``production``: DEBUG off, secrets required, HTTPS-only cookies and HSTS; pass
  DATABASE_URL (PostgreSQL) and REDIS_URL (Celery broker and cache) for scale-out.

See README.md, "Configuration", for every variable.
"""

import ipaddress
import re
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from problemdesk.env import (
    env_bool,
    env_choice,
    env_database,
    env_email,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
MODE = env_choice("PROBLEMDESK_MODE", "embedded", {"embedded", "production"})
PRODUCTION = MODE == "production"
DATA_DIR = Path(env_str("PROBLEMDESK_DATA_DIR", str(BASE_DIR / "var"))).resolve()
# The embedded mode keeps its database, broker queue and uploads here.
DATA_DIR.mkdir(parents=True, exist_ok=True)

# --- Core -------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
_EMBEDDED_SECRET = "embedded-mode-only-not-a-secret-" + "x" * 40
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _EMBEDDED_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _EMBEDDED_SECRET):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters in production"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the desk is served on")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_fsm",
    "problemdesk",
    "problems",
    "services",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "problemdesk.urls"
WSGI_APPLICATION = "problemdesk.wsgi.application"
AUTH_USER_MODEL = "problems.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # the home view sends staff to the desk, customers to the portal
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "problems.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'problemdesk.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one SQLite file: WAL lets readers go on
    # while one writes, IMMEDIATE takes the write lock at BEGIN (so a transaction never
    # fails half-way on an upgrade), and the timeout makes writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -------------------------------------------------------------------
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"  # the host is nominal
if not REDIS_URL:
    # A broker kept in files: a real worker and beat run with no server installed.
    _broker_dir = DATA_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = "UTC"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged after it ran, so a crash re-runs it
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The one place where periodic work is scheduled. Timers live in indexed database
# columns (jeopardy_at, restore_by, …) that these scans read; no per-problem ETA tasks.
CELERY_BEAT_SCHEDULE = {
    "scan-problem-timers": {
        "task": "problems.tasks.scan_problem_timers",
        "schedule": env_int("PROBLEMDESK_TIMER_SCAN_SECONDS", 60, minimum=5),
    },
    # Closing the loop: cleared problems past their confirmation window are closed, and
    # satisfaction surveys whose e-mail was lost are sent, and reminded once.
    "close-unconfirmed-problems": {
        "task": "problems.tasks.close_unconfirmed_problems",
        "schedule": env_int("CLOSE_SCAN_SECONDS", 300, minimum=5),
    },
    "send-survey-reminders": {
        "task": "problems.tasks.scan_surveys",
        "schedule": env_int("SURVEY_SCAN_SECONDS", 300, minimum=5),
    },
    "resend-pending-notifications": {
        "task": "problems.tasks.resend_pending_notifications",
        "schedule": 300,
    },
    # Service problem management (services app)
    "scan-trouble-report-timers": {
        "task": "services.tasks.scan_trouble_report_timers",
        "schedule": env_int("PROBLEMDESK_TIMER_SCAN_SECONDS", 60, minimum=5),
    },
    "link-late-customer-problems": {
        "task": "services.tasks.link_late_problems",
        "schedule": env_int("SERVICE_LATE_LINK_SCAN_SECONDS", 60, minimum=5),
    },
    "resume-impact-fan-out": {
        "task": "services.tasks.resume_impact_fan_out",
        "schedule": 300,
    },
    "resend-pending-service-notifications": {
        "task": "services.tasks.resend_pending_service_notifications",
        "schedule": 300,
    },
    "purge-alarm-messages": {
        "task": "services.tasks.purge_alarm_messages",
        "schedule": 24 * 3600,
    },
}

# --- E-mail -----------------------------------------------------------------------------
if PRODUCTION and not env_str("EMAIL_URL"):
    raise ImproperlyConfigured("EMAIL_URL must name the SMTP server in production (smtp://…)")
MAILERS = env_email("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ProblemDesk <problemdesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here once collected
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    # Trust X-Forwarded-Proto from the proxy that terminates TLS in front of gunicorn.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

AUTH_PASSWORD_VALIDATORS = (
    [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ]
    if PRODUCTION
    else []
)

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}

# --- ProblemDesk ------------------------------------------------------------------------
# Known-error matching (eTOM Check Known Error): how many suggestions to keep, and the
# least share of a known error's symptom words a report must contain to count as a match.
KNOWN_ERROR_SUGGESTIONS = env_int("KNOWN_ERROR_SUGGESTIONS", 3, minimum=1)
KNOWN_ERROR_MIN_SCORE = env_int("KNOWN_ERROR_MIN_SCORE_PERCENT", 30, minimum=1) / 100
# Days a customer has to confirm or reject a resolution when no SLA policy says otherwise.
DEFAULT_CONFIRMATION_WINDOW_DAYS = env_int("DEFAULT_CONFIRMATION_WINDOW_DAYS", 5, minimum=1)
# Closing the loop (README, "Closing the loop"): the satisfaction survey sent at close is
# reminded once after this many days unanswered; its link works for SURVEY_LINK_DAYS.
SURVEY_REMINDER_DAYS = env_int("SURVEY_REMINDER_DAYS", 3, minimum=1)
SURVEY_LINK_DAYS = env_int("SURVEY_LINK_DAYS", 30, minimum=1)

# --- Attachments (issue 3) --------------------------------------------------------------
# Stored through the default storage under MEDIA_ROOT, served only through a view that
# checks who may see the problem (never from MEDIA_URL).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024
_ATTACHMENT_TYPES = "pdf png jpg jpeg gif webp txt log csv json xml eml zip docx xlsx pptx odt ods"
ATTACHMENT_ALLOWED_EXTENSIONS = [
    extension.lower().lstrip(".")
    for extension in env_list("ATTACHMENT_ALLOWED_EXTENSIONS", _ATTACHMENT_TYPES.split())
]
ATTACHMENTS_PER_UPLOAD = env_int("ATTACHMENTS_PER_UPLOAD", 5, minimum=1)

# --- Desk and portal (issue 3) ----------------------------------------------------------
INSTALLED_APPS += ["django_tables2", "django_filters", "django_htmx"]
MIDDLEWARE += ["django_htmx.middleware.HtmxMiddleware"]
DJANGO_TABLES2_TEMPLATE = "desk/_table.html"
# How often an open queue page refreshes itself, and how many rows a CSV export may hold.
DESK_QUEUE_REFRESH_SECONDS = env_int("DESK_QUEUE_REFRESH_SECONDS", 60, minimum=5)
DESK_EXPORT_MAX_ROWS = env_int("DESK_EXPORT_MAX_ROWS", 50_000, minimum=1)
# How often the live alarm list and the trouble report queue refresh themselves.
NETWORK_ALARM_REFRESH_SECONDS = env_int("NETWORK_ALARM_REFRESH_SECONDS", 30, minimum=5)

# --- Service problem management (services app) ------------------------------------------
# Alarms on resources under one service attach to the open trouble report that had an
# alarm within this many minutes before them; later ones open a new report.
SERVICE_ALARM_CORRELATION_WINDOW_MINUTES = env_int(
    "SERVICE_ALARM_CORRELATION_WINDOW_MINUTES", 30, minimum=1
)
# Customers per impact fan-out task (one transaction each, a fixed number of queries).
SERVICE_IMPACT_CHUNK_SIZE = env_int("SERVICE_IMPACT_CHUNK_SIZE", 500, minimum=10)
# How long a received alarm message id is remembered, to ingest a re-delivery once.
ALARM_MESSAGE_RETENTION_DAYS = env_int("ALARM_MESSAGE_RETENTION_DAYS", 7, minimum=1)

# --- TM Forum Open APIs (/tmf-api/: problemdesk.api, problems.api) ----------------------
INSTALLED_APPS += [
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "problemdesk.api",
]
# First after SecurityMiddleware: it sees every /tmf-api/ response, to keep errors in the
# TMF shape, and refuses oversized bodies before anything reads them.
MIDDLEWARE.insert(1, "problemdesk.api.middleware.TMFApiMiddleware")
API_MAX_REQUEST_BYTES = env_int("API_MAX_REQUEST_BYTES", 1_048_576, minimum=1024)
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/min")
if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", API_THROTTLE_RATE):
    raise ImproperlyConfigured(
        f"API_THROTTLE_RATE must be like 600/min, 20/s or 10000/hour, not {API_THROTTLE_RATE!r}"
    )
# Wrong tokens or passwords per address and minute before it must wait (slows guessing).
API_AUTH_FAILURES_PER_MINUTE = env_int("API_AUTH_FAILURES_PER_MINUTE", 30, minimum=1)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 100, minimum=1)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 1000, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "problemdesk.api.authentication.BearerTokenAuthentication",
        "problemdesk.api.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["problemdesk.api.throttling.ClientRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["problemdesk.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["problemdesk.api.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "problemdesk.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ProblemDesk TM Forum Open APIs",
    "DESCRIPTION": (
        "TMF621 Trouble Ticket v4 (and its event hub) over ProblemDesk's customer problems. "
        "Authenticate with `Authorization: Bearer <token>` (an API client) or HTTP Basic. "
        "Errors use the TMF Error shape; codes are listed at /tmf-api/errors/."
    ),
    "VERSION": "4.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/tmf-api/[A-Za-z]+/v\d+",
    # The interactive page's assets come from drf-spectacular-sidecar: it works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True},
}
# Event hub: where listeners may be (loopback for local development in the embedded mode;
# in production only public addresses, unless networks are listed), and how deliveries retry.
HUB_CALLBACK_ALLOWED_NETWORKS = env_list(
    "HUB_CALLBACK_ALLOWED_NETWORKS", [] if PRODUCTION else ["127.0.0.0/8", "::1/128"]
)
for _network in HUB_CALLBACK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"HUB_CALLBACK_ALLOWED_NETWORKS must list networks like 10.0.0.0/8, not {_network!r}"
        ) from None
HUB_MAX_ATTEMPTS = env_int("HUB_MAX_ATTEMPTS", 10, minimum=1)
HUB_BACKOFF_BASE_SECONDS = env_int("HUB_BACKOFF_BASE_SECONDS", 30, minimum=1)
HUB_BACKOFF_MAX_SECONDS = env_int("HUB_BACKOFF_MAX_SECONDS", 3600, minimum=1)
HUB_DELIVERY_TIMEOUT_SECONDS = env_int("HUB_DELIVERY_TIMEOUT_SECONDS", 5, minimum=1)
HUB_COUNTDOWN_MAX_SECONDS = 300  # longer waits are left to the periodic resend
# The reports' covering indexes (problems/0010) include non-key columns on PostgreSQL;
# SQLite builds them without, which is all it needs (it warns with models.W040).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Management reports (reporting/): the weekly summary to supervisors, Monday 07:00.
REPORTS_WEEKLY_SUMMARY = env_bool("REPORTS_WEEKLY_SUMMARY", True)
CELERY_BEAT_SCHEDULE["weekly-report-summary"] = {
    "task": "reporting.tasks.send_weekly_summary",
    "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
}
CELERY_BEAT_SCHEDULE["resend-hub-deliveries"] = {
    "task": "problemdesk.api.tasks.resend_hub_deliveries",
    "schedule": env_int("HUB_RESEND_SECONDS", 30, minimum=5),
}
