"""The test settings under pytest-xdist: each worker's cache in a Redis database of its own."""

import os

import pytest
from django.conf import settings


@pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER")),
    reason="only a parallel run on Redis (REDIS_URL, as in CI) shares a Redis server",
)
def test_the_cache_never_flushes_the_brokers_or_another_workers_database():
    """Tests clear the cache (FLUSHDB): on the broker's database that drops the messages a real
    Celery worker holds unacknowledged (tests/reminders/test_reminder_worker.py), and on another
    worker's database that worker's cache."""
    worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    cache_db = int(settings.CACHES["default"]["LOCATION"].rsplit("/", 1)[1])
    broker_db = int(settings.CELERY_BROKER_URL.rsplit("/", 1)[1])
    other_workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    assert cache_db != broker_db
    assert cache_db == (broker_db - 1 - worker) % 16
    # Every worker's database is different from every other's and from the broker's.
    taken = {(broker_db - 1 - index) % 16 for index in range(other_workers)}
    assert len(taken) == other_workers and broker_db not in taken
