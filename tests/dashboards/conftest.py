"""Fixtures of the cached-page tests (tests/dashboards/cached_pages.py), asked for by name."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone


@pytest.fixture
def clear_of_a_quarter_hour_turn():
    """Pieces that count initiatives overdue are kept per UTC quarter-hour (a local date
    anywhere changes only on one), so a test whose two requests straddled a turn would see a
    legitimate miss. A test that would start less than half a minute before a turn waits for it
    (on the real clock: travelling in time would date check-ins away from the database's clock,
    which the scoped triggers compare them with)."""
    now = timezone.now()
    turn = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    wait = (turn + timedelta(minutes=15) - now).total_seconds()
    if wait < 30:
        time.sleep(wait + 1)


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()
