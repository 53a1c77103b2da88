"""Overdue means past its due date and not done, on the owner's own calendar: an initiative due
Sunday is overdue from Monday 00:00 where its owner lives. Checked through every reader: the
counts, a key result's list and My week's section."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from initiatives.selectors import (
    initiative_counts,
    key_result_initiatives,
    my_overdue_and_blocked,
)
from objectives.models import KeyResult
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 11, 22)


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def seoul(product):
    return UserFactory(username="seoul", time_zone="Asia/Seoul")  # UTC+9


@pytest.fixture
def los_angeles(product):
    return UserFactory(username="la", time_zone="America/Los_Angeles")  # UTC-8 in November


@pytest.fixture
def pair(key_result, seoul, los_angeles):
    return (
        InitiativeFactory(key_result=key_result, owner=seoul, due_date=SUNDAY),
        InitiativeFactory(key_result=key_result, owner=los_angeles, due_date=SUNDAY),
    )


def _overdue_owners(key_result, viewer) -> set[str]:
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=key_result.pk)
    listing = key_result_initiatives(key_result=kr, viewer=viewer)
    return {item.initiative.owner.username for item in listing.items if item.overdue}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Sunday 23:59 in Seoul, Sunday 06:59 in Los Angeles: due today for both.
        (_at(2026, 11, 22, 14, 59), set()),
        # Monday 00:00 in Seoul: overdue there; still Sunday 07:00 in Los Angeles.
        (_at(2026, 11, 22, 15, 0), {"seoul"}),
        # Sunday 23:59 in Los Angeles.
        (_at(2026, 11, 23, 7, 59), {"seoul"}),
        # Monday 00:00 in Los Angeles.
        (_at(2026, 11, 23, 8, 0), {"seoul", "la"}),
    ],
)
def test_overdue_turns_at_midnight_where_the_owner_lives(owner, key_result, pair, moment, expected):
    # The viewer is in UTC: their calendar plays no part.
    with time_machine.travel(moment, tick=False):
        assert _overdue_owners(key_result, owner) == expected
        counts = initiative_counts(key_result_ids=[key_result.pk])[key_result.pk]
    assert (counts.total, counts.overdue, counts.done) == (2, len(expected), 0)


def test_done_is_never_overdue(owner, key_result, seoul):
    InitiativeFactory(key_result=key_result, owner=seoul, due_date=date(2026, 1, 1), status="done")
    with time_machine.travel(_at(2026, 11, 23, 12, 0), tick=False):
        counts = initiative_counts(key_result_ids=[key_result.pk])[key_result.pk]
        assert _overdue_owners(key_result, owner) == set()
    assert (counts.total, counts.done, counts.overdue) == (1, 1, 0)


def test_the_furthest_ahead_time_zone_is_not_lost_by_the_database_filter(cycle, key_result):
    """Kiritimati (UTC+14) reaches Monday while UTC is still Sunday morning: the SQL narrowing
    of My week's section must keep that row for the exact rule to judge."""
    early_bird = UserFactory(username="kiritimati", time_zone="Pacific/Kiritimati")
    late = InitiativeFactory(key_result=key_result, owner=early_bird, due_date=SUNDAY)
    with time_machine.travel(_at(2026, 11, 22, 9, 59), tick=False):
        assert my_overdue_and_blocked(user=early_bird, cycle=cycle) == []
    with time_machine.travel(_at(2026, 11, 22, 10, 0), tick=False):
        items = my_overdue_and_blocked(user=early_bird, cycle=cycle)
    assert [(item.initiative, item.overdue) for item in items] == [(late, True)]


def test_my_section_lists_blocked_work_even_when_not_late(cycle, key_result, seoul):
    blocked = InitiativeFactory(
        key_result=key_result, owner=seoul, due_date=date(2026, 12, 31), status="blocked"
    )
    InitiativeFactory(key_result=key_result, owner=seoul, due_date=date(2026, 12, 31))
    with time_machine.travel(_at(2026, 11, 22, 12, 0), tick=False):
        items = my_overdue_and_blocked(user=seoul, cycle=cycle)
    assert [(item.initiative, item.overdue) for item in items] == [(blocked, False)]


def test_an_invalid_owner_time_zone_falls_back_to_utc(owner, key_result):
    drifter = UserFactory(username="drifter")
    type(drifter).objects.filter(pk=drifter.pk).update(time_zone="Mars/Olympus")
    InitiativeFactory(key_result=key_result, owner=drifter, due_date=SUNDAY)
    with time_machine.travel(_at(2026, 11, 22, 23, 59), tick=False):
        assert _overdue_owners(key_result, owner) == set()
    with time_machine.travel(_at(2026, 11, 23, 0, 0), tick=False):
        assert _overdue_owners(key_result, owner) == {"drifter"}
