"""Settings from environment variables, with defaults that give a working local install.

Local defaults: SQLite under var/, local-memory cache, e-mail written to var/mail/, Celery with a
broker in a SQLite file under var/celery/ (no server needed), a secret key generated once into
var/. Production sets DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and the SMTP
variables (see README.md).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

from okr_site.local_secret import local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("OKR_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A local install (debug) without DJANGO_SECRET_KEY gets a random key of its own, kept in var/:
# a key shared by every clone would let anyone sign valid unsubscribe links, sessions and
# password-reset tokens for any local install. Production must set it.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or (
    local_secret_key(VAR_DIR / "secret_key") if DEBUG else ""
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for a local install)."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("OKR_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "okr_site.apps.ReadOnlyAwareAdminConfig",  # django.contrib.admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "axes",
    "okr_site.apps.SiteConfig",
    "objectives",
    "checkins",
    "dashboards",
    "initiatives",
    "audit",
    "reminders",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the login wall: an idle session is ended first, then the wall sends the person to
    # the login page (HTMX requests get an HX-Redirect instead of a login page in a fragment).
    "okr_site.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside the CSP middleware, so the message it puts in place of an error page gets the policy.
    "okr_site.middleware.HtmxErrorMiddleware",
    # Answers the refusals views let through (okr_site/errors.py), inside the two above.
    "okr_site.middleware.ErrorAnswerMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "objectives.organisation.middleware.UserTimezoneMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during the login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "okr_site.urls"
WSGI_APPLICATION = "okr_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["django_htmx.templatetags.django_htmx"],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'okr.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": 10, "timeout": 10}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent check-ins queue
    # instead of failing with "database is locked" half-way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "objectives.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_week"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language named in itself, as the header's switcher shows them.
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["okr_site.formats"]
# The switcher's cookie (okr_site/language.py) for visitors not signed in; same-site only.
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# The company's time zone: weeks for the check-in rate are counted in it. Each person's own
# time zone (User.time_zone) is activated per request for display.
TIME_ZONE = env.str("OKR_COMPANY_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: SMTP when EMAIL_HOST is set, otherwise each message is written to a file in var/mail/.
if env.str("EMAIL_HOST", default=""):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("EMAIL_HOST"),
                "port": env.int("EMAIL_PORT", default=25),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": env.str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("EMAIL_USE_TLS", default=False),
                # Shorter than a reminder send's time limit, so a hung server fails the attempt
                # (and it is retried) rather than the task being killed.
                "timeout": env.int("EMAIL_TIMEOUT", default=60),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OKR <okr@localhost>")

# Celery: Redis when REDIS_URL is set, otherwise Kombu's SQLAlchemy transport on a SQLite file in
# var/celery/ (what `make run` uses: a supervised worker with embedded beat beside runserver). A
# message is one row inserted in one transaction, so no reader can take it half-written, as
# readers of the filesystem transport could. okr_site/broker.py creates its tables and queue
# before any process starts and purges consumed rows. Reminders rely on each of these settings;
# README.md, "Reminders", explains the whole protocol.
BROKER_DATABASE = VAR_DIR / "celery" / "broker.sqlite3"
CELERY_BROKER_URL = REDIS_URL or f"sqla+sqlite:///{BROKER_DATABASE}"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        # Redis has no real acknowledgements: a message a worker took but never acked comes back
        # after this many seconds. It must exceed the longest task run (REMINDER_SEND_TIME_LIMIT)
        # and the longest retry countdown (REMINDER_RETRY_BACKOFF_MAX), or a message still legally
        # held would be handed to a second worker (harmless for reminders, but wasted work).
        "visibility_timeout": 3600,
    }
    if REDIS_URL
    else {
        # The web process and the worker write to one SQLite file: wait for its lock rather
        # than fail a publish at once.
        "connect_args": {"timeout": 30},
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Late acks: a message is acknowledged only after its task has run, so a worker that dies mid-task
# (killed, out of memory, the machine gone) leaves it to be delivered again.
CELERY_TASK_ACKS_LATE = True
# When a pool process dies under a task, put the message back instead of marking it failed.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task that raised or hit its time limit is acked (Celery's default, stated here on purpose):
# the delivery row has recorded the failure, and the sweeper re-queues what is left unfinished.
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
# With late acks a lost broker connection means the running tasks' messages come back anyway;
# cancelling those tasks avoids running them twice at once.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Each worker process reserves one message at a time: a crash strands at most that one, and
# slow sends do not hold back messages other workers could take.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Publishing (the sweeper queueing sends) retries briefly when the broker blips; a message that
# still cannot be published leaves its row queued for the next sweep to re-queue.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 2,
}
CELERY_TIMEZONE = "UTC"

# Reminders (reminders/delivery.py). The sweeper decides who is due from the database, so the
# beat schedule is one static entry; nothing is scheduled per person.
REMINDER_SWEEP_INTERVAL_SECONDS = env.int("OKR_REMINDER_SWEEP_SECONDS", default=300)
# A worker proves it is alive by running this task (a row in the database: the SQL broker has no
# fanout, so `celery inspect ping` cannot reach a worker there). Admins are warned when no sweep
# has run for twice the sweep interval.
WORKER_HEARTBEAT_SECONDS = min(60, REMINDER_SWEEP_INTERVAL_SECONDS)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # The reminder tasks (reminders/tasks.py) keep the names they had in the checkins app, which
    # messages already queued carry (reminders/jobs.py).
    "sweep-reminders": {
        "task": "checkins.sweep_reminders",
        "schedule": float(REMINDER_SWEEP_INTERVAL_SECONDS),
    },
    "worker-heartbeat": {
        "task": "checkins.record_worker_heartbeat",
        "schedule": float(WORKER_HEARTBEAT_SECONDS),
    },
    # Cycles that move with their dates (objectives/tasks.py). Idempotent, so it can run hourly:
    # a cycle moves within the hour after midnight in the company's time zone, whatever that is.
    "automatic-cycle-transitions": {
        "task": "objectives.run_automatic_cycle_transitions",
        "schedule": 3600.0,
    },
    # Stored statuses whose day has come (objectives/stored_scores.py): the company's day
    # turns at its midnight, so every quarter-hour keeps pages within minutes of it.
    "refresh-due-statuses": {
        "task": "objectives.refresh_due_statuses",
        "schedule": 900.0,
    },
}
if not REDIS_URL:
    # The SQL broker keeps a row for every message it handed out: delete them now and then.
    CELERY_BEAT_SCHEDULE["purge-consumed-broker-messages"] = {
        "task": "okr_site.purge_consumed_broker_messages",
        "schedule": 600.0,
    }
# A send is cut off after these (EMAIL_TIMEOUT, above, is shorter still)...
REMINDER_SEND_SOFT_TIME_LIMIT_SECONDS = 90
REMINDER_SEND_TIME_LIMIT_SECONDS = 120
# ...so a worker that still holds a delivery's send lease after this long is dead, and another
# may take the delivery over. Must exceed REMINDER_SEND_TIME_LIMIT_SECONDS.
REMINDER_SEND_LEASE_SECONDS = 600
# A failed send is retried after 30 s, 60 s, 120 s… (with jitter), at most 10 minutes apart.
REMINDER_RETRY_BACKOFF_SECONDS = 30
REMINDER_RETRY_BACKOFF_MAX_SECONDS = 600
# A delivery left queued or retrying this long (its message was lost, or Celery's retries ended)
# is queued again by the next sweep. Longer than the longest backoff.
REMINDER_REQUEUE_AFTER_SECONDS = 900
# Temporary failures are retried until the person's week ends, or this many attempts.
REMINDER_MAX_ATTEMPTS = 30

# Security. Strict CSP: scripts only from our origin (plus per-request nonces), no inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# HTMX gets the token from hx-headers on <body> (base.html); no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
# A friendly page (or, for HTMX, a fragment asking for a reload) instead of Django's bare 403.
CSRF_FAILURE_VIEW = "okr_site.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and env.bool("DJANGO_SECURE", default=True):
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The header the TLS-terminating proxy sets; empty when Django itself sees the HTTPS (no proxy).
    _proxy_ssl_header = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="X-Forwarded-Proto")
    if _proxy_ssl_header:
        SECURE_PROXY_SSL_HEADER = (
            "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
            "https",
        )
    # Container health checks talk plain HTTP to the app itself, past the proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted Secure, for path "/" and without a Domain, so no
    # sibling subdomain can set or shadow them. Browsers refuse them over plain HTTP, which is
    # why a debug install keeps the usual names.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    if not SECURE_HSTS_PRELOAD:
        # Leaving the preload list is the operator's explicit choice (DJANGO_HSTS_PRELOAD=0),
        # so the deploy check's reminder about it would only be noise.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Sessions end after OKR_SESSION_IDLE_MINUTES without a request, and in any case
# OKR_SESSION_MAX_HOURS after signing in (okr_site/middleware.py).
SESSION_IDLE_TIMEOUT_SECONDS = env.int("OKR_SESSION_IDLE_MINUTES", default=120) * 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("OKR_SESSION_MAX_HOURS", default=12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
# How stale the "last seen" stamp may get before a request refreshes it (one session write).
SESSION_ACTIVITY_REFRESH_SECONDS = min(300, SESSION_IDLE_TIMEOUT_SECONDS // 4)

# Login throttling (django-axes): after OKR_LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked out for OKR_LOGIN_COOLOFF_MINUTES; a success clears the
# count. Keyed on the pair, so a stranger cannot lock a colleague out from elsewhere for long
# and one office behind a single address is not locked out as a whole.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Axes prints a banner on every start (each manage.py command): keep the output for results.
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env.int("OKR_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("OKR_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "okr_site.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "okr_site.security.client_ip"
# Number of trusted proxies in front of the app that append to X-Forwarded-For; 0 trusts none
# and uses the connection's address.
TRUSTED_PROXY_COUNT = env.int("OKR_TRUSTED_PROXY_COUNT", default=0)

# Password reset by e-mail: links work this long, and requests are rate-limited
# (okr_site/password_reset.py).
PASSWORD_RESET_TIMEOUT = 2 * 3600
PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 3
PASSWORD_RESET_REQUESTS_PER_CLIENT_PER_HOUR = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
