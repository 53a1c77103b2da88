"""Fiscal quarters and years: the dates and names the quarter picker fills in.

Pure date arithmetic, no database. A fiscal year is named after the calendar year in which it
ends, the common convention: with the year starting in April, "FY2027" runs from 1 April 2026 to
31 March 2027 and "FY2027 Q1" is April to June 2026. When the fiscal year is the calendar year
(starting in January) names carry no prefix, as people say them: "2027 Q1", "2027".
"""

from dataclasses import dataclass
from datetime import date, timedelta

MIN_YEAR = 2000
MAX_YEAR = 2100
QUARTERS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Period:
    name: str
    start: date
    end: date  # the last day, inclusive


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_start(*, year: int, start_month: int) -> date:
    """First day of fiscal year `year` (named after the calendar year it ends in)."""
    _check(year=year, start_month=start_month)
    return date(year if start_month == 1 else year - 1, start_month, 1)


def year_name(*, year: int, start_month: int) -> str:
    return str(year) if start_month == 1 else f"FY{year}"


def fiscal_period(*, year: int, quarter: int | None, start_month: int) -> Period:
    """The fiscal quarter (1-4) of fiscal year `year`, or the whole year when quarter is None.

    Raises ValueError for a year outside 2000-2100, a quarter outside 1-4 or a month outside 1-12.
    """
    first = fiscal_year_start(year=year, start_month=start_month)
    name = year_name(year=year, start_month=start_month)
    if quarter is None:
        return Period(name=name, start=first, end=_add_months(first, 12) - timedelta(days=1))
    if quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1-4, got {quarter}")
    start = _add_months(first, 3 * (quarter - 1))
    return Period(
        name=f"{name} Q{quarter}", start=start, end=_add_months(start, 3) - timedelta(days=1)
    )


def fiscal_quarter_of(*, day: date, start_month: int) -> tuple[int, int]:
    """(fiscal year, quarter) holding `day`."""
    _check(year=day.year, start_month=start_month)
    months_in = (day.month - start_month) % 12
    year_started = day.year if day.month >= start_month else day.year - 1
    year = year_started if start_month == 1 else year_started + 1
    return year, months_in // 3 + 1


def next_quarter(*, year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def _check(*, year: int, start_month: int) -> None:
    if not 1 <= start_month <= 12:
        raise ValueError(f"the fiscal year must start in month 1-12, got {start_month}")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must lie between {MIN_YEAR} and {MAX_YEAR}, got {year}")
