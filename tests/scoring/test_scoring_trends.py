"""Average confidence by week, changes, shares, the pace value and the weeks of a cycle."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring

D = Decimal
MON = date(2026, 11, 2)  # a Monday


def test_mean_confidence_ignores_unrated_and_is_none_without_ratings():
    assert scoring.mean_confidence(confidences=[2, 4, None, 3]) == D(3)
    assert scoring.mean_confidence(confidences=[None, None]) is None
    assert scoring.mean_confidence(confidences=[]) is None
    assert scoring.mean_confidence(confidences=[4, 5]) == D("4.5")


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_mean_confidence_refuses_values_outside_one_to_five(bad):
    with pytest.raises(ValueError):
        scoring.mean_confidence(confidences=[3, bad])


def test_mean_confidence_refuses_floats():
    with pytest.raises(TypeError):
        scoring.mean_confidence(confidences=[3.0])


def test_confidence_as_of_takes_the_latest_on_or_before_the_day():
    history = [(date(2026, 11, 2), 4), (date(2026, 11, 5), 2), (date(2026, 11, 5), 3)]
    assert scoring.confidence_as_of(history=history, day=date(2026, 11, 1)) is None
    assert scoring.confidence_as_of(history=history, day=date(2026, 11, 4)) == 4
    # Of two on one day the later one counts.
    assert scoring.confidence_as_of(history=history, day=date(2026, 11, 5)) == 3


def test_weekly_mean_confidence_uses_each_key_results_latest_as_of_sunday():
    histories = [
        [(date(2026, 11, 2), 4), (date(2026, 11, 10), 2)],  # 4 in week 1, 2 from week 2
        [(date(2026, 11, 8), 5)],  # Sunday of week 1: counts for week 1
        [],  # never rated: left out
    ]
    weeks = [date(2026, 10, 26), MON, date(2026, 11, 9), date(2026, 11, 16)]
    assert scoring.weekly_mean_confidence(histories=histories, weeks=weeks) == [
        None,
        D("4.5"),
        D("3.5"),
        D("3.5"),
    ]


def test_weekly_mean_confidence_accepts_any_day_of_the_week():
    histories = [[(date(2026, 11, 4), 3)]]
    assert scoring.weekly_mean_confidence(histories=histories, weeks=[date(2026, 11, 6)]) == [D(3)]


def test_change_is_the_difference_or_none_when_an_end_is_unknown():
    assert scoring.change(now=D("0.6"), before=D("0.45")) == D("0.15")
    assert scoring.change(now=D("0.2"), before=D("0.5")) == D("-0.3")
    assert scoring.change(now=None, before=D(1)) is None
    assert scoring.change(now=D(1), before=None) is None
    with pytest.raises(TypeError):
        scoring.change(now=0.5, before=D(0))


def test_shown_change_is_the_difference_of_the_numbers_as_shown():
    # 32.4% and 63.6% are shown as 32% and 64%: the change shown beside them is −32 points,
    # not the −31 the unrounded values give.
    assert scoring.shown_change(now=D("0.324"), before=D("0.636")) == D("-0.32")
    assert scoring.change(now=D("0.324"), before=D("0.636")) == D("-0.312")
    # Confidence 4.33 against 3.67 (13/3 and 11/3): +0.66, not +0.67.
    assert scoring.shown_change(now=D(13) / 3, before=D(11) / 3) == D("0.66")
    assert scoring.shown_change(now=None, before=D(1)) is None
    assert scoring.shown_change(now=D(1), before=None) is None
    with pytest.raises(TypeError):
        scoring.shown_change(now=0.5, before=D(0))


def test_share_counts_parts_of_a_whole():
    assert scoring.share(part=1, total=4) == D("0.25")
    assert scoring.share(part=0, total=0) is None
    with pytest.raises(ValueError):
        scoring.share(part=5, total=4)
    with pytest.raises(TypeError):
        scoring.share(part=True, total=4)


def test_pace_value_walks_from_start_to_target():
    assert scoring.pace_value(start=D(20), target=D(60), expected=D("0.5")) == D(40)
    assert scoring.pace_value(start=D(45), target=D(30), expected=D("0.2")) == D(42)
    with pytest.raises(ValueError):
        scoring.pace_value(start=D(0), target=D(10), expected=D("1.5"))


def test_cycle_weeks_runs_from_the_start_week_to_the_week_of_until_or_end():
    start, end = date(2026, 10, 1), date(2026, 12, 31)  # a Thursday to a Thursday
    assert scoring.cycle_weeks(start=start, end=end, until=date(2026, 10, 14)) == [
        date(2026, 9, 28),
        date(2026, 10, 5),
        date(2026, 10, 12),
    ]
    assert len(scoring.cycle_weeks(start=start, end=end, until=date(2027, 3, 1))) == 14
    assert scoring.cycle_weeks(start=start, end=end, until=date(2026, 9, 1)) == []


@given(
    histories=st.lists(
        st.lists(
            st.tuples(
                st.dates(min_value=date(2026, 10, 1), max_value=date(2026, 12, 31)),
                st.integers(min_value=1, max_value=5),
            ),
            max_size=8,
        ).map(sorted),
        max_size=6,
    ),
    weeks=st.lists(st.dates(min_value=date(2026, 9, 20), max_value=date(2027, 1, 10)), max_size=8),
)
def test_weekly_mean_confidence_is_each_weeks_mean_of_the_latest_as_of_its_sunday(histories, weeks):
    # The one-walk version (weeks in order) and the week-by-week definition (any order) agree.
    for asked in (sorted(weeks), weeks):
        expected = [
            scoring.mean_confidence(
                confidences=[
                    scoring.confidence_as_of(
                        history=h, day=scoring.week_start(day=week) + timedelta(days=6)
                    )
                    for h in histories
                ]
            )
            for week in asked
        ]
        assert scoring.weekly_mean_confidence(histories=histories, weeks=asked) == expected
