"""Sweepers and senders racing each other on a real database: every person still gets exactly one
e-mail. Threads with their own connections, so PostgreSQL only."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections

from checkins.models import ReminderDelivery
from reminders.delivery import claim_deliveries, send_delivery, sweep_reminders
from tests.factories import ReminderPolicyFactory
from tests.reminders.reminder_helpers import owned_key_result, person, utc, year_cycle

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real concurrent connections: runs on PostgreSQL (DATABASE_URL, as in CI); "
        "the in-memory SQLite test database is shared by one connection",
    ),
]

THREADS = 8
PEOPLE = 12
MONDAY_NOON = utc(2026, 3, 9, 16)  # 10:00 has passed in Seoul, London and New York


def _race(work: Callable[[], object]) -> list[object]:
    """Run `work` in THREADS threads released at the same instant; their results."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    with time_machine.travel(MONDAY_NOON, tick=True):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    return results


@pytest.fixture
def people(db):
    ReminderPolicyFactory()
    cycle = year_cycle(2026)
    zones = ["Asia/Seoul", "America/New_York", "UTC"]
    users = [person(f"racer{n}", zones[n % 3]) for n in range(PEOPLE)]
    for user in users:
        owned_key_result(user, cycle)
    return users


def test_concurrent_sweeps_send_each_reminder_once(people):
    results = _race(sweep_reminders)
    claimed = [pk for result in results for pk in result.claimed]
    assert len(claimed) == PEOPLE == len(set(claimed))
    # The sends ran (eagerly) after each sweep's commit, in whichever thread claimed them.
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        user.email for user in people
    )
    statuses = Counter(ReminderDelivery.objects.values_list("status", flat=True))
    assert statuses == {ReminderDelivery.Status.SENT: PEOPLE}


def test_concurrent_claims_of_the_same_rows_split_them(people):
    monday = MONDAY_NOON.date()
    wanted = [(user.pk, ReminderDelivery.Kind.REMINDER, monday) for user in people]
    results = _race(lambda: claim_deliveries(wanted, now=MONDAY_NOON))
    claimed = [pk for result in results for pk in result]
    assert len(claimed) == PEOPLE == len(set(claimed))
    assert ReminderDelivery.objects.count() == PEOPLE


def test_concurrent_sends_of_one_delivery_send_one_email(people):
    with time_machine.travel(MONDAY_NOON, tick=False):
        [delivery_id] = claim_deliveries(
            [(people[0].pk, ReminderDelivery.Kind.REMINDER, MONDAY_NOON.date())], now=MONDAY_NOON
        )
    outcomes = _race(lambda: send_delivery(delivery_id=delivery_id))
    assert len(mail.outbox) == 1
    statuses = Counter(outcome.status for outcome in outcomes)
    # One sent it; the others found it being sent (and would retry after the lease) or sent.
    assert statuses[ReminderDelivery.Status.SENT] >= 1
    assert set(statuses) <= {ReminderDelivery.Status.SENT, ReminderDelivery.Status.SENDING}
    delivery = ReminderDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (ReminderDelivery.Status.SENT, 1)
