"""The one settings module, driven by environment variables (see .env.example).

Development defaults need nothing but Python: SQLite in WAL mode and an embedded
filesystem broker for Celery. Production sets DJANGO_DEBUG=false, a real
DJANGO_SECRET_KEY, DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django.conf.locale
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from config.cache import caches_setting
from config.logging import logging_config
from core import tasknames

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me"  # noqa: S105 - development default
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    # Refuse to start in production with a guessable key: signed alert and
    # unsubscribe links and sessions all rest on it.
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50+ characters")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Where the service keeps its local state (SQLite database, embedded broker
# queues, sent-mail files in development).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "allauth",
    "allauth.account",
    "axes",
    "core",
    "accounts",
    "volunteers",
    "assignments",
    "roster",
    "matching",
    "alerts",
    "django_htmx",
    # Pages over the apps' services and selectors; last, since it may import any app.
    "web",
]

MIDDLEWARE = [
    # First, so that every later line logged for the request carries its id.
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "config.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: picks the page language (cookie, then Accept-Language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A Content-Security-Policy on every answer: no inline script anywhere.
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Plain selects drawn in Python, the same markup as Django's templates (web/renderer.py).
FORM_RENDERER = "web.renderer.FormRenderer"

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
                "django.template.context_processors.i18n",
                "web.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ until something makes it
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {
                # WAL lets the web process and the worker read and write the
                # same file without "database is locked" on every write.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache (shared by all processes: log-in lockouts and throttles live here) ----
# "default" (throttle counters, allauth's rate limits) fails open with a
# warning when Redis or the cache directory is away; "axes" (lock-outs) does
# not, and config.axes_handler then counts failures in the database.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = caches_setting(redis_url=REDIS_URL, file_location=str(VAR_DIR / "cache"))

# --- Authentication -----------------------------------------------------------
# Database sessions that refuse a cookie which cannot be a key (a NUL byte answered 500 on PostgreSQL).
SESSION_ENGINE = "config.sessions"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# An account locks after AXES_FAILURE_LIMIT failures whatever the addresses
# they came from (per account and address, each new address bought 5 more
# guesses); its owner is told by email (accounts.receivers).
AXES_LOCKOUT_PARAMETERS = "accounts.axes.axes_lockout_parameters"
# A lock does not apply at an address its owner logged in from in the last
# LOGIN_KNOWN_ADDRESS_DAYS, so nobody can lock an owner out by failing on purpose.
AXES_WHITELIST_CALLABLE = "accounts.axes.axes_known_address"
LOGIN_KNOWN_ADDRESS_DAYS = env.int("LOGIN_KNOWN_ADDRESS_DAYS", default=30)
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
# Failed log-ins from one address across any accounts (password spraying):
# past this many in the window (seconds), that address is refused (429).
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_ADDRESS_FAILURE_WINDOW = env.int("LOGIN_ADDRESS_FAILURE_WINDOW", default=3600)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks,
# comma-separated). None by default: the header is then ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Lockouts must be seen by every web process: Redis when there is one, the
# database otherwise (a file cache is per machine and not trusted by axes).
AXES_HANDLER = (
    "config.axes_handler.CacheOrDatabaseAxesHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_CACHE = "axes"
AXES_USERNAME_FORM_FIELD = "email"
# Case-folds the address, so that "Ann@x.org" and "ann@x.org" share one lockout.
AXES_USERNAME_CALLABLE = "accounts.axes.axes_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# The API's JSON error shape (and a Retry-After) when a log-in is locked out.
AXES_LOCKOUT_CALLABLE = "config.throttles.axes_lockout_response"

# API tokens (accounts.ApiToken): how long one lives, and how many live ones a user keeps.
API_TOKEN_TTL = timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30))
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Django ships no Somali locale: its name and direction are registered here, and
# our own catalogue (locale/so) is what LocaleMiddleware finds for it.
EXTRA_LANG_INFO = {
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
}
django.conf.locale.LANG_INFO |= EXTRA_LANG_INFO
LANGUAGES = [("en", "English"), ("so", "Somali"), ("ar", "Arabic")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In development static files come from the apps' folders, found per request.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Content-Security-Policy ----------------------------------------------------
# Every script and style is a file of ours (no inline script, no CDN, no eval).
# Bootstrap's components set style attributes from JS, hence 'unsafe-inline'
# for style attributes only; scripts stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

# --- Request limits -----------------------------------------------------------
# Bodies above this answer 413 (as JSON on the API) before any parsing.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request then answers 401 with
    # "WWW-Authenticate: Token" everywhere (session-first would answer 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["config.throttles.WriteRateThrottle"],
    # JSON only, with a nesting limit (config/parsers.py): a form body took
    # "alerts=0" for false and "" for null where the schema says boolean and
    # date. The roster uploads name their own multipart parsers.
    "DEFAULT_PARSER_CLASSES": ["config.parsers.DepthLimitedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["config.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("THROTTLE_AUTH", default="10/min"),
        "write": env.str("THROTTLE_WRITE", default="120/min"),
        "anon": env.str("THROTTLE_ANON", default="60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Diaspora Match API",
    "DESCRIPTION": "Match diaspora professionals to capacity-building assignments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.closed_request_bodies"],
    # Choice sets shared by several fields get one name each in the schema
    # (else spectacular invents Status312Enum and warns, failing check --deploy).
    "ENUM_NAME_OVERRIDES": {
        "VacancyStatusEnum": "assignments.models.Vacancy.Status",
        "ApplicationStatusEnum": "assignments.models.Application.Status",
        "EducationLevelEnum": "core.vocabulary.EDUCATION_LEVELS",
        "CountryCodeEnum": "core.validators.COUNTRY_CODES",
        "LanguageCodeEnum": "core.validators.LANGUAGE_CODES",
    },
}

# --- Email --------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "sent-mail")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Diaspora Match <no-reply@localhost>")
ANYMAIL = env.dict("ANYMAIL", default={})

# --- Celery -------------------------------------------------------------------
# Embedded broker when nothing is configured: queues as files under var/, so
# `make demo` runs a real worker process with nothing but Python installed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
if CELERY_BROKER_URL.startswith("filesystem:"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker" / "out"),
        "data_folder_out": str(VAR_DIR / "broker" / "out"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
        # The transport polls its folder; the default 1 s makes a demo sluggish.
        "polling_interval": 0.1,
    }
else:
    # Every retry delay stays well below the visibility timeout, so a
    # late-acknowledged task is never redelivered while merely waiting to retry.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    if CELERY_BROKER_URL.startswith(("redis:", "rediss:")):
        # kombu's Redis transport, kept able to reach the broker after a lost
        # connection (core/broker.py says why).
        CELERY_BROKER_TRANSPORT = "core.broker:Transport"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Celery's Django fixup closes the database connection before and after every task
# unless CELERY_DB_REUSE_MAX is set: a new PostgreSQL backend for every task, a third
# of a core under `make load`. Connections are kept instead and closed by Django's own
# rule (CONN_MAX_AGE, health checks, errors) around each task, as around a request
# (config/celery.py, django_connections_checked).
CELERY_DB_REUSE_MAX = 2**31
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task whose process died this many times running it is set aside as a
# DeadLetter (core/deliveries.py, in the admin) instead of running again.
CELERY_TASK_MAX_DELIVERIES = env.int("CELERY_TASK_MAX_DELIVERIES", default=3)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process reports "up" only after worker_process_init, where it builds its
# roster index (MATCHING_PREWARM_INDEX): seconds on a busy machine. Celery's 4 s
# default then kills each new process as it starts, and a pool that lost one (a
# crashed task, a SIGKILL) never recovers; seen in `make faults` at load 12.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = env.float("CELERY_WORKER_PROC_ALIVE_TIMEOUT", default=120.0)
CELERY_TASK_DEFAULT_QUEUE = "default"
# Rosters larger than one worker's memory: volunteers are split by primary key
# modulo MATCHING_PARTITIONS; partition k's tasks go to the queue "match.p<k>" and a
# worker process holds the index of the partitions it serves only. 1: one index.
MATCHING_PARTITIONS = env.int("MATCHING_PARTITIONS", default=1)
# A worker consumes every queue listed here unless told otherwise (-Q), so one
# worker serves all in development while a deployment can split them.
CELERY_TASK_QUEUES = [
    Queue("default"),
    Queue("matching"),
    Queue("alerts"),
    *(Queue(f"match.p{k}") for k in range(MATCHING_PARTITIONS) if MATCHING_PARTITIONS > 1),
]
# A partition's tasks (a vacancy ranked over one partition, a profile rescored) go to
# that partition's queue (config.routes); everything else by prefix.
CELERY_TASK_ROUTES = [
    "config.routes.route_partition_task",
    {"matching.*": {"queue": "matching"}, "alerts.*": {"queue": "alerts"}},
]
# The outbox is relayed right after each commit and, for whatever the broker
# could not take then, on this period (seconds).
OUTBOX_RELAY_ON_COMMIT = env.bool("OUTBOX_RELAY_ON_COMMIT", default=True)
OUTBOX_RELAY_INTERVAL = env.float("OUTBOX_RELAY_INTERVAL", default=30.0)
# A ranking lost with its worker (killed, or its message gone with the embedded
# broker) is redone by the reconciler: a run whose lease (seconds, renewed while
# it works) ran out, or a vacancy whose request went out that long ago without a
# run, is ranked again at the next pass. Lease + interval stays under 60 s.
MATCHING_RUN_LEASE = env.int("MATCHING_RUN_LEASE", default=30)
MATCHING_RECONCILE_INTERVAL = env.float("MATCHING_RECONCILE_INTERVAL", default=15.0)
CELERY_BEAT_SCHEDULE = {
    "core-relay-outbox": {"task": tasknames.RELAY_OUTBOX, "schedule": OUTBOX_RELAY_INTERVAL},
    "matching-reconcile": {"task": tasknames.RECONCILE_OPEN_VACANCIES, "schedule": MATCHING_RECONCILE_INTERVAL},
    "matching-nightly-rematch": {"task": tasknames.REMATCH_ALL, "schedule": crontab(hour=2, minute=0)},
}

# --- Privacy ------------------------------------------------------------------
# A volunteer's profile with no log-in and no edit for this long is erased
# (volunteers.privacy.retention), daily on beat and by `manage.py erase_inactive`.
PRIVACY_RETENTION_DAYS = env.int("PRIVACY_RETENTION_DAYS", default=3 * 365)
CELERY_BEAT_SCHEDULE["volunteers-erase-inactive"] = {
    "task": tasknames.ERASE_INACTIVE_VOLUNTEERS,
    "schedule": crontab(hour=3, minute=30),
}

# --- Matching -----------------------------------------------------------------
MATCHING_TOP_K = env.int("MATCHING_TOP_K", default=200)
MATCHING_CHUNK_SIZE = env.int("MATCHING_CHUNK_SIZE", default=20000)
# Reasons are computed and stored with the ranking for the best MATCHING_EXPLAIN_TOP
# of each list (and at least the ALERT_TOP_N an alert may quote); the rest of the
# MATCHING_TOP_K are stored with score and parts and explained when first read.
MATCHING_EXPLAIN_TOP = env.int("MATCHING_EXPLAIN_TOP", default=50)
# Build each worker process's roster index when the process starts.
MATCHING_PREWARM_INDEX = env.bool("MATCHING_PREWARM_INDEX", default=True)
# How long the managers' supply chart may show a roster count before it is read again.
REPORTS_SUPPLY_SECONDS = env.int("REPORTS_SUPPLY_SECONDS", default=600)

# --- Alerts -------------------------------------------------------------------
# "Strong" for an alert: a score of at least ALERT_MIN_SCORE and a place in the
# top ALERT_TOP_N of the stored shortlist. Unset, the threshold is the ranker's
# calibrated "good" band (matching/engine/data/ranker_v*.json; on the dev set 77%
# of pairs at or above it are graded good or strong by managers), so a refitted
# model moves it with the scores. A vacancy has one or a few positions, so
# alerting beyond the ten best would mostly raise hopes that selection then
# disappoints.
ALERT_MIN_SCORE = env.float("ALERT_MIN_SCORE", default=None)
ALERT_TOP_N = env.int("ALERT_TOP_N", default=10)
# Managers hear once that a vacancy has this many strong candidates.
ALERT_MANAGER_FIRST_N = env.int("ALERT_MANAGER_FIRST_N", default=3)
# An application waiting this long at one step earns a reminder and a note.
ALERT_STALE_DAYS = env.int("ALERT_STALE_DAYS", default=14)
# Sending: tries, then "failed" (shown in the admin for replay). Delays grow
# from the base, doubled each try, with jitter, and are capped well below the
# broker's visibility timeout (a system check refuses anything else).
ALERT_MAX_ATTEMPTS = env.int("ALERT_MAX_ATTEMPTS", default=6)
ALERT_RETRY_BASE_DELAY = env.int("ALERT_RETRY_BASE_DELAY", default=30)
ALERT_RETRY_MAX_DELAY = env.int("ALERT_RETRY_MAX_DELAY", default=900)
# A claim is a lease: it holds ALERT_CLAIM_LEASE seconds and the sending worker
# renews it every ALERT_CLAIM_RENEW seconds while it works (checked between two
# messages, so the lease outlasts a renewal interval plus one SMTP operation
# stuck until EMAIL_TIMEOUT; a system check says so). A lease that ran out
# belongs to a dead worker: the sweeper, run every ALERT_SWEEP_INTERVAL seconds,
# gives the alert back and queues it again, so a worker killed mid-batch costs
# at most lease + sweep interval (40 s by default) before its alerts go again,
# on Redis and on the filesystem broker alike (there a received task is gone,
# and late acknowledgement redelivers nothing). The fixed 30-minute claim
# timeout this replaces made a killed alert wait half an hour (issue #11).
ALERT_CLAIM_LEASE = env.int("ALERT_CLAIM_LEASE", default=30)
ALERT_CLAIM_RENEW = env.int("ALERT_CLAIM_RENEW", default=5)
ALERT_SWEEP_INTERVAL = env.float("ALERT_SWEEP_INTERVAL", default=10.0)
# A pending instant alert that no task claimed this long after it was queued
# (and the alerts queue is empty) lost its task: the sweeper queues it again.
ALERT_REQUEUE_AFTER = env.int("ALERT_REQUEUE_AFTER", default=30)
# Instant alerts go out in batches: one claim, one read, SMTP connections opened once
# and one bulk inbox write for this many alerts of one channel. A batch must
# finish well within CELERY_TASK_TIME_LIMIT; a kill mid-batch repeats at most
# the one email the server had accepted and the worker had not marked yet.
ALERT_BATCH_SIZE = env.int("ALERT_BATCH_SIZE", default=100)
# A batch's email goes out over this many SMTP connections of each worker
# process at once (Django's SMTP backend; other backends send one at a time),
# so that the server's answers to one message do not hold up the next. Only one
# message at a time passes the server's point of no return (the "." ending its
# data) until it is marked sent: a kill still repeats at most one message per
# process, whatever this is. Each process opens this many connections to the
# mail server while it sends; keep it within what the server allows a client.
ALERT_EMAIL_CONNECTIONS = env.int("ALERT_EMAIL_CONNECTIONS", default=4)
# In-app batches are one INSERT and one UPDATE in one transaction: larger ones
# cost little more than small ones, and a kill repeats none of them.
ALERT_INAPP_BATCH_SIZE = env.int("ALERT_INAPP_BATCH_SIZE", default=500)
ALERT_DIGEST_HOUR = env.int("ALERT_DIGEST_HOUR", default=7)
ALERT_LINK_MAX_AGE_DAYS = env.int("ALERT_LINK_MAX_AGE_DAYS", default=30)
CELERY_BEAT_SCHEDULE |= {
    # Ahead of the send batches (Redis priority 0 goes first), or a backlog of
    # batches would hold back the very sweep that reclaims a dead worker's claims.
    "alerts-sweep": {
        "task": tasknames.SWEEP_ALERTS,
        "schedule": ALERT_SWEEP_INTERVAL,
        "options": {"priority": 0, "expires": ALERT_SWEEP_INTERVAL * 3},
    },
    "alerts-daily-digests": {
        "task": tasknames.SEND_DIGESTS,
        "schedule": crontab(hour=ALERT_DIGEST_HOUR, minute=0),
        "kwargs": {"deliver": "daily"},
    },
    "alerts-weekly-digests": {
        "task": tasknames.SEND_DIGESTS,
        "schedule": crontab(day_of_week=1, hour=ALERT_DIGEST_HOUR, minute=0),
        "kwargs": {"deliver": "weekly"},
    },
    "alerts-manager-summaries": {
        "task": tasknames.MANAGER_SUMMARIES,
        "schedule": crontab(hour=ALERT_DIGEST_HOUR, minute=15),
    },
    "alerts-stale-applications": {
        "task": tasknames.STALE_APPLICATIONS,
        "schedule": crontab(hour=ALERT_DIGEST_HOUR, minute=30),
    },
}

# --- Operations: health, error reporting, metrics ---------------------------------
HEALTH_BROKER_TIMEOUT = env.float("HEALTH_BROKER_TIMEOUT", default=2.0)
HEALTH_WORKER_TIMEOUT = env.float("HEALTH_WORKER_TIMEOUT", default=2.0)
# Error reporting to Sentry when a DSN is given (off by default). No personal
# data is sent: no user, no cookies, no bodies (send_default_pii stays off).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# Prometheus metrics at /metrics (django-prometheus: requests, latencies,
# responses by status, database and cache calls) when switched on.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

# --- Production hardening -------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# One JSON object a line (LOG_JSON=false: plain text), with the request id and no secrets (config/logging.py).
LOGGING = logging_config(level=env.str("LOG_LEVEL", default="INFO"), json_lines=env.bool("LOG_JSON", default=True))
# The worker logs through LOGGING too, not Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
