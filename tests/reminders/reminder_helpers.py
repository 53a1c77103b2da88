"""Shared pieces of the reminder tests: people in given time zones, a cycle around the dates the
tests travel to, and a sweep run at a frozen moment with its on-commit sends executed."""

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from django.core import mail

from objectives.models import Cycle, KeyResult, Objective, User
from reminders.delivery import SweepResult, sweep_reminders
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory, UserFactory


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """What `condition` returns once it is truthy, polled for up to `timeout` seconds (for tests
    that watch real worker processes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def year_cycle(year: int = 2026) -> Cycle:
    """An active cycle around every date the tests travel to."""
    return CycleFactory(
        name=f"Year {year}",
        start_date=date(year, 1, 1),
        end_date=date(year, 12, 31),
        state=Cycle.State.ACTIVE,
    )


def person(username: str, time_zone: str = "UTC", **fields: object) -> User:
    return UserFactory(
        username=username, display_name=username.title(), time_zone=time_zone, **fields
    )


def owned_key_result(owner: User, cycle: Cycle, **fields: object) -> KeyResult:
    objective = fields.pop("objective", None) or ObjectiveFactory(
        cycle=cycle, owner_user=owner, owner_team=None, title=f"{owner.username}'s objective"
    )
    values = {"start_value": Decimal(0), "target_value": Decimal(100), **fields}
    return KeyResultFactory(objective=objective, owner=owner, **values)


def individual_objective(owner: User, cycle: Cycle) -> Objective:
    return ObjectiveFactory(cycle=cycle, owner_user=owner, owner_team=None)


def sweep_at(moment: datetime, capture: Callable) -> tuple[SweepResult, list[mail.EmailMessage]]:
    """Run the sweeper at `moment` and its queued sends (eagerly); the e-mails it sent."""
    before = len(mail.outbox)
    with time_machine.travel(moment, tick=False), capture(execute=True):
        result = sweep_reminders()
    return result, mail.outbox[before:]


def recipients(messages: list[mail.EmailMessage]) -> list[str]:
    return sorted(address for message in messages for address in message.to)
