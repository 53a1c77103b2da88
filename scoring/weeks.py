"""Monday-to-Sunday weeks and the weekly check-in rate (DESIGN.md section 3)."""

from datetime import date, timedelta
from decimal import Decimal

from scoring.numbers import as_date


def week_start(*, day: date) -> date:
    """Return the Monday of the week holding `day` (a date already in the company's time zone)."""
    day = as_date(value=day, name="day")
    return day - timedelta(days=day.weekday())


def week_bounds(*, day: date) -> tuple[date, date]:
    """Return (Monday, Sunday), both inclusive, of the week holding `day`."""
    monday = week_start(day=day)
    return monday, monday + timedelta(days=6)


def checkin_rate(*, checked_in: int, total: int) -> Decimal | None:
    """Return checked_in / total, a Decimal in [0, 1]; None when total is 0.

    Raises ValueError unless 0 <= checked_in <= total; TypeError for non-int counts.
    """
    for name, count in (("checked_in", checked_in), ("total", total)):
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"{name} must be an int, not {type(count).__name__}")
    if not 0 <= checked_in <= total:
        raise ValueError(f"need 0 <= checked_in <= total, got {checked_in} of {total}")
    if total == 0:
        return None
    return Decimal(checked_in) / Decimal(total)
