"""Concurrent check-ins on one key result all land, and the key result shows the latest."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from checkins.models import CheckIn
from checkins.services import record_checkin
from objectives.models import KeyResult

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real concurrent connections: runs on PostgreSQL (DATABASE_URL, as in CI); "
        "the in-memory SQLite test database is shared by one connection",
    ),
]

WRITERS = 20


def test_simultaneous_checkins_all_land(key_result: KeyResult, owner):
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            record_checkin(actor=owner, key_result=key_result, value=Decimal(n), confidence=3)
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(1, WRITERS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert CheckIn.objects.filter(key_result=key_result).count() == WRITERS
    latest = CheckIn.objects.filter(key_result=key_result).latest()
    key_result.refresh_from_db()
    assert key_result.current_value == latest.value
    assert key_result.last_checkin_at == latest.created_at
