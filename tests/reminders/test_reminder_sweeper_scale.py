"""The sweeper's cost does not grow with the organisation: the same number of queries for 5
people as for 5,000 (built with bulk_create), with the wall time reported."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkins.models import ReminderDelivery
from objectives.models import KeyResult, Membership, Objective, Team, User
from reminders.delivery import sweep_reminders
from tests.factories import ReminderPolicyFactory, RootTeamFactory
from tests.reminders.reminder_helpers import utc, year_cycle

pytestmark = pytest.mark.django_db

ZONES = ["Asia/Seoul", "America/New_York", "Europe/London", "UTC", "Pacific/Honolulu"]
# Monday 9 March 2026, 23:00 UTC: Monday 10:00 has passed everywhere from Honolulu to Seoul.
SWEEP_AT = utc(2026, 3, 9, 23)
# Policy, the plan (key results with their owners, managers, this week's rows), and inside one
# transaction (a savepoint under the test's own) the claiming INSERT and the re-queue UPDATE.
SWEEP_QUERIES = 8


def build_organisation(people: int) -> tuple[int, int]:
    """`people` owners of two key results each in many time zones, one in ten of them with a
    check-in this week on both, and a manager per fifty; returns (due people, managers)."""
    cycle = year_cycle(2026)
    company = RootTeamFactory()
    team = Team.objects.create(name="Everyone", slug="everyone", parent=company)
    objective = Objective.objects.create(cycle=cycle, title="Grow", owner_team=team)
    users = User.objects.bulk_create(
        User(
            username=f"p{n}",
            display_name=f"Person {n}",
            email=f"p{n}@example.com",
            time_zone=ZONES[n % len(ZONES)],
            password="!",
        )
        for n in range(people)
    )
    checked_in_at = SWEEP_AT - timedelta(hours=3)
    KeyResult.objects.bulk_create(
        KeyResult(
            objective=objective,
            owner=user,
            title=f"Measure {n}-{k}",
            start_value=Decimal(0),
            target_value=Decimal(100),
            order=k,
            last_checkin_at=checked_in_at if n % 10 == 0 else None,
        )
        for n, user in enumerate(users)
        for k in range(2)
    )
    managers = users[::50]
    Membership.objects.bulk_create(
        Membership(user=user, team=team, role=Membership.Role.MANAGER) for user in managers
    )
    due = sum(1 for n in range(people) if n % 10)
    return due, len(managers)


@pytest.mark.parametrize("people", [5, 5000])
def test_the_sweeper_runs_a_fixed_number_of_queries(
    people, django_assert_num_queries, django_capture_on_commit_callbacks, record_property
):
    ReminderPolicyFactory()
    due, managers = build_organisation(people)
    with (
        time_machine.travel(SWEEP_AT, tick=False),
        django_capture_on_commit_callbacks(execute=False) as queued,
        django_assert_num_queries(SWEEP_QUERIES),
    ):
        started = time.perf_counter()
        result = sweep_reminders()
        elapsed = time.perf_counter() - started
    assert len(result.claimed) == due
    assert len(queued) == due  # one send task queued per claimed reminder, on commit
    assert result.considered == people + managers  # everyone's reminder, each manager's digest
    assert ReminderDelivery.objects.count() == due
    record_property("sweep_seconds", round(elapsed, 3))
    print(f"\nsweep for {people} people: {SWEEP_QUERIES} queries, {elapsed:.3f} s")  # noqa: T201

    # The second sweep, with every row present, is just as cheap and claims nothing.
    with (
        time_machine.travel(SWEEP_AT + timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=False),
        CaptureQueriesContext(connection) as second,
    ):
        again = sweep_reminders()
    assert again.claimed == []
    # No claim INSERT when nothing is owed: one query fewer.
    assert len(second.captured_queries) == SWEEP_QUERIES - 1
