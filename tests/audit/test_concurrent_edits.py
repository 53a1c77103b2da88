"""Two managers save the same key result at the same moment, both from a form rendered at the
same version: exactly one save lands, the other is told about the conflict, nothing is lost
silently, and the trail names the winner."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from audit.models import AuditEvent
from objectives import services
from objectives.concurrency import EditConflict
from objectives.models import KeyResult, Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real concurrent connections: runs on PostgreSQL (DATABASE_URL, as in CI); "
        "the in-memory SQLite test database is shared by one connection",
    ),
]


@pytest.mark.parametrize("round_", range(3))
def test_two_managers_saving_at_once_one_wins_the_other_is_told(
    key_result: KeyResult, manager, product, round_
):
    second_manager = UserFactory(username="second_manager", display_name="Second")
    MembershipFactory(user=second_manager, team=product, role=Membership.Role.MANAGER)
    seen = KeyResult.objects.get(pk=key_result.pk).version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(actor, target: Decimal) -> None:
        try:
            barrier.wait(timeout=10)
            services.edit_key_result(
                actor=actor,
                key_result=key_result,
                title=key_result.title,
                owner=key_result.owner,
                kind=key_result.kind,
                unit=key_result.unit,
                start_value=key_result.start_value,
                target_value=target,
                weight=key_result.weight,
                expected_version=seen,
            )
            outcomes[actor.username] = target
        except EditConflict as conflict:
            outcomes[actor.username] = conflict
        except BaseException as error:  # reported by the main thread
            outcomes[actor.username] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(manager, Decimal(70))),
        threading.Thread(target=save, args=(second_manager, Decimal(90))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = {name: value for name, value in outcomes.items() if isinstance(value, Decimal)}
    losers = {name: value for name, value in outcomes.items() if isinstance(value, EditConflict)}
    assert len(winners) == 1 and len(losers) == 1, outcomes
    [(winner, value)] = winners.items()
    [loser_conflict] = losers.values()
    fresh = KeyResult.objects.get(pk=key_result.pk)
    assert fresh.target_value == value
    assert fresh.version == seen + 1
    # The loser was shown the row as the winner left it.
    assert loser_conflict.current.target_value == value
    [event] = AuditEvent.objects.filter(key_result=key_result, action="updated")
    assert event.actor.username == winner
    assert event.changes == {"target_value": ["60", str(value)]}
