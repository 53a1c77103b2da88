from datetime import date, datetime
from decimal import Decimal as D

import pytest

from scoring import checkin_rate, round2, week_bounds, week_start


@pytest.mark.parametrize(
    "day", [date(2027, 3, 8), date(2027, 3, 10), date(2027, 3, 14)]
)  # Monday, Wednesday, Sunday
def test_week_start(day: date) -> None:
    assert week_start(day=day) == date(2027, 3, 8)


def test_week_start_across_year_boundary() -> None:
    # 1 January 2027 is a Friday; its week began on Monday 28 December 2026.
    assert week_start(day=date(2027, 1, 1)) == date(2026, 12, 28)
    assert week_bounds(day=date(2027, 1, 3)) == (date(2026, 12, 28), date(2027, 1, 3))


def test_week_bounds() -> None:
    assert week_bounds(day=date(2027, 3, 10)) == (date(2027, 3, 8), date(2027, 3, 14))


def test_week_start_rejects_datetime() -> None:
    with pytest.raises(TypeError):
        week_start(day=datetime(2027, 3, 10, 23, 30))


class TestCheckinRate:
    def test_share(self) -> None:
        assert checkin_rate(checked_in=3, total=4) == D("0.75")

    def test_all_and_none(self) -> None:
        assert checkin_rate(checked_in=4, total=4) == 1
        assert checkin_rate(checked_in=0, total=4) == 0

    def test_no_key_results(self) -> None:
        assert checkin_rate(checked_in=0, total=0) is None

    @pytest.mark.parametrize(("checked_in", "total"), [(5, 4), (-1, 4), (0, -1)])
    def test_impossible_counts_rejected(self, checked_in: int, total: int) -> None:
        with pytest.raises(ValueError):
            checkin_rate(checked_in=checked_in, total=total)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (D("0.125"), "0.13"),
        (D("0.124"), "0.12"),
        (D("-0.125"), "-0.13"),
        (D(1), "1.00"),
        (D(1) / D(3), "0.33"),
        (7, "7.00"),
    ],
)
def test_round2(value: D, rounded: str) -> None:
    assert str(round2(value)) == rounded


def test_round2_rejects_nan() -> None:
    with pytest.raises(ValueError):
        round2(D("NaN"))
