"""Where today falls in a cycle, in the company's time zone: the clock every page of a cycle
reads its statuses and pace from."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

import scoring
from objectives.models import Cycle


def local_today(*, tz: ZoneInfo, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), tz).date()


def company_tz() -> ZoneInfo:
    return timezone.get_default_timezone()


@dataclass(frozen=True)
class Clock:
    """Where "today" falls in a cycle, in the company's time zone."""

    today: date
    on: date  # today, held within the cycle's dates
    week_start: date
    week_end: date
    last_week_start: date
    expected: Decimal
    weeks: list[date]  # Mondays of the cycle's weeks up to the one holding `on`
    tz: ZoneInfo

    @property
    def last_week_end(self) -> date:
        return self.week_start - timedelta(days=1)

    @property
    def last_week_in_cycle(self) -> bool:
        return bool(self.weeks) and self.weeks[0] <= self.last_week_start

    def local_date(self, moment: datetime) -> date:
        return timezone.localtime(moment, self.tz).date()


def cycle_clock(*, cycle: Cycle, now: datetime | None = None) -> Clock:
    tz = company_tz()
    today = local_today(tz=tz, now=now)
    on = min(max(today, cycle.start_date), cycle.end_date)
    monday, sunday = scoring.week_bounds(day=on)
    return Clock(
        today=today,
        on=on,
        week_start=monday,
        week_end=sunday,
        last_week_start=monday - timedelta(days=7),
        expected=scoring.expected_progress(on=on, start=cycle.start_date, end=cycle.end_date),
        weeks=scoring.cycle_weeks(start=cycle.start_date, end=cycle.end_date, until=on),
        tz=tz,
    )
