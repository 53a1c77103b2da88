"""Fiscal quarters and years: the dates and names the quarter picker fills in."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from objectives.cycles import fiscal as fiscal


@pytest.mark.parametrize(
    ("year", "quarter", "month", "expected"),
    [
        (2027, 1, 1, ("2027 Q1", date(2027, 1, 1), date(2027, 3, 31))),
        (2027, 4, 1, ("2027 Q4", date(2027, 10, 1), date(2027, 12, 31))),
        (2028, 1, 1, ("2028 Q1", date(2028, 1, 1), date(2028, 3, 31))),
        # April fiscal years are named after the year they end in.
        (2027, 1, 4, ("FY2027 Q1", date(2026, 4, 1), date(2026, 6, 30))),
        (2027, 3, 4, ("FY2027 Q3", date(2026, 10, 1), date(2026, 12, 31))),
        (2027, 4, 4, ("FY2027 Q4", date(2027, 1, 1), date(2027, 3, 31))),
        (2027, 2, 7, ("FY2027 Q2", date(2026, 10, 1), date(2026, 12, 31))),
        (2025, 4, 2, ("FY2025 Q4", date(2024, 11, 1), date(2025, 1, 31))),
        (2024, 1, 12, ("FY2024 Q1", date(2023, 12, 1), date(2024, 2, 29))),
        (2027, None, 1, ("2027", date(2027, 1, 1), date(2027, 12, 31))),
        (2027, None, 4, ("FY2027", date(2026, 4, 1), date(2027, 3, 31))),
    ],
)
def test_periods(year, quarter, month, expected):
    period = fiscal.fiscal_period(year=year, quarter=quarter, start_month=month)
    assert (period.name, period.start, period.end) == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 2027, "quarter": 5, "start_month": 1}, "quarter"),
        ({"year": 2027, "quarter": 0, "start_month": 1}, "quarter"),
        ({"year": 2027, "quarter": 1, "start_month": 13}, "month"),
        ({"year": 1999, "quarter": 1, "start_month": 1}, "year"),
        ({"year": 2101, "quarter": 1, "start_month": 1}, "year"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fiscal.fiscal_period(**kwargs)


@pytest.mark.parametrize(
    ("day", "month", "expected"),
    [
        (date(2026, 11, 22), 1, (2026, 4)),
        (date(2026, 1, 1), 1, (2026, 1)),
        (date(2026, 11, 22), 4, (2027, 3)),
        (date(2026, 3, 31), 4, (2026, 4)),
        (date(2026, 4, 1), 4, (2027, 1)),
    ],
)
def test_quarter_of_a_day(day, month, expected):
    assert fiscal.fiscal_quarter_of(day=day, start_month=month) == expected


def test_next_quarter_rolls_over_the_year():
    assert fiscal.next_quarter(year=2026, quarter=4) == (2027, 1)
    assert fiscal.next_quarter(year=2026, quarter=2) == (2026, 3)


@given(
    day=st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
    month=st.integers(min_value=1, max_value=12),
)
def test_every_day_lies_in_the_quarter_it_is_said_to_be_in(day, month):
    year, quarter = fiscal.fiscal_quarter_of(day=day, start_month=month)
    period = fiscal.fiscal_period(year=year, quarter=quarter, start_month=month)
    assert period.start <= day <= period.end
    whole = fiscal.fiscal_period(year=year, quarter=None, start_month=month)
    assert whole.start <= period.start and period.end <= whole.end


@given(
    year=st.integers(min_value=2001, max_value=2099), month=st.integers(min_value=1, max_value=12)
)
def test_quarters_tile_the_year_without_gaps(year, month):
    quarters = [fiscal.fiscal_period(year=year, quarter=q, start_month=month) for q in (1, 2, 3, 4)]
    whole = fiscal.fiscal_period(year=year, quarter=None, start_month=month)
    assert quarters[0].start == whole.start and quarters[-1].end == whole.end
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
