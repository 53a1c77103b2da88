"""Settings for `make bench`: the production settings, on the bench's own database and Redis
database, plus two things production never has: the floor page (/bench/floor/) and a header with
the number of SQL queries each request made.

Plain HTTP on 127.0.0.1, so the HTTPS redirect and secure cookies are off; static files are not
fetched by the benchmark, so the manifest storage (which needs collectstatic) is off too.
Everything else — middleware, sessions in the database, the connection pool, Redis as the cache,
DEBUG off — is what production runs.
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "bench-only-secret-key-never-used-anywhere-else-0123456789"
)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/okr_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ["DJANGO_DEBUG"] = "0"
os.environ["DJANGO_SECURE"] = "0"
os.environ["DJANGO_STATIC_MANIFEST"] = "0"

from okr_site.settings import *  # noqa: E402,F403
from okr_site.settings import INSTALLED_APPS, MIDDLEWARE  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# Outermost, so the count includes the session and user lookups of the middleware below it.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
