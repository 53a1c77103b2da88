"""Test settings: the real settings, made fast and self-contained.

DATABASE_URL and REDIS_URL still apply, so CI runs the same suite against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
)
os.environ.setdefault("DJANGO_SECURE", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# browser tests there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from okr_site.settings import *  # noqa: E402,F403
from okr_site.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = True
if "pool" in DATABASES["default"].get("OPTIONS", {}):
    # pytest-django's test database creation and live-server threads do not mix well with a pool.
    del DATABASES["default"]["OPTIONS"]["pool"]
# Serve static files straight from the finders; tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Under pytest-xdist every worker process gets a Redis database of its own for the cache: tests
# clear the cache (FLUSHDB empties the whole database), and one worker's clear must empty neither
# another worker's cache nor REDIS_URL's own database, where the real Celery worker of
# tests/reminders/test_reminder_worker.py keeps its unacknowledged messages.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist_worker.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _base_db = int(_redis.path.lstrip("/") or 0)
    _worker_db = (_base_db - 1 - int(_xdist_worker[2:])) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_redis._replace(path=f"/{_worker_db}"))  # noqa: F405
