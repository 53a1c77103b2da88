from datetime import date
from decimal import Decimal as D

import pytest

from scoring import (
    Kind,
    expected_progress,
    kr_progress,
    mean_progress,
    objective_progress,
    threshold_share,
)


class TestMetric:
    def test_growth(self) -> None:
        assert kr_progress(kind="metric", start=D(100), target=D(200), current=D(150)) == D("0.5")

    def test_reduction(self) -> None:
        # "reduce sales cycle from 45 to 30 days", now at 40
        progress = kr_progress(kind=Kind.METRIC, start=D(45), target=D(30), current=D(40))
        assert progress == D(5) / D(15)

    def test_clamped_below_zero(self) -> None:
        assert kr_progress(kind="metric", start=D(10), target=D(20), current=D(5)) == 0

    def test_reduction_clamped_below_zero_when_worse_than_start(self) -> None:
        assert kr_progress(kind="metric", start=D(45), target=D(30), current=D(50)) == 0

    def test_clamped_above_one(self) -> None:
        assert kr_progress(kind="metric", start=D(10), target=D(20), current=D(35)) == 1

    def test_no_checkin_means_start(self) -> None:
        assert kr_progress(kind="metric", start=D(10), target=D(20), current=None) == 0

    def test_ints_accepted(self) -> None:
        assert kr_progress(kind="metric", start=0, target=4, current=1) == D("0.25")

    def test_target_equal_to_start_rejected(self) -> None:
        with pytest.raises(ValueError, match="target"):
            kr_progress(kind="metric", start=D(5), target=D("5.0"), current=D(5))


class TestThresholds:
    def test_at_least_share(self) -> None:
        values = [D("99.9"), D("99.96"), D("99.95"), D("100")]
        progress = kr_progress(
            kind="at_least", start=D(99), target=D("99.95"), current=D(100), checkin_values=values
        )
        assert progress == D("0.75")  # exactly at the threshold counts as met

    def test_at_most_share(self) -> None:
        values = [D("4.8"), D(5), D("5.2"), D(6), D(3)]
        progress = kr_progress(
            kind="at_most", start=D(7), target=D(5), current=D(3), checkin_values=values
        )
        assert progress == D("0.6")  # exactly at the threshold counts as met

    @pytest.mark.parametrize("kind", ["at_least", "at_most"])
    def test_no_checkins_is_zero(self, kind: str) -> None:
        assert kr_progress(kind=kind, start=D(1), target=D(2), current=None) == 0

    def test_start_equal_to_target_allowed(self) -> None:
        progress = kr_progress(
            kind="at_most", start=D(5), target=D(5), current=D(5), checkin_values=[D(5)]
        )
        assert progress == 1


class TestThresholdCounts:
    """Counting in the database gives the same progress as passing every value."""

    def test_counts_match_values(self) -> None:
        values = [D("99.9"), D("99.96"), D("99.99"), D("99.95")]
        from_values = kr_progress(
            kind="at_least", start=D("99.9"), target=D("99.95"), current=None, checkin_values=values
        )
        from_counts = kr_progress(
            kind="at_least",
            start=D("99.9"),
            target=D("99.95"),
            current=None,
            checkins_met=3,
            checkins_total=4,
        )
        assert from_values == from_counts == D("0.75")

    def test_no_checkins_is_zero(self) -> None:
        assert threshold_share(met=0, total=0) == 0

    @pytest.mark.parametrize(("met", "total"), [(-1, 2), (3, 2)])
    def test_impossible_counts_rejected(self, met: int, total: int) -> None:
        with pytest.raises(ValueError):
            threshold_share(met=met, total=total)

    def test_values_and_counts_together_rejected(self) -> None:
        with pytest.raises(ValueError):
            kr_progress(
                kind="at_most",
                start=D(6),
                target=D(5),
                current=None,
                checkin_values=[D(4)],
                checkins_met=1,
                checkins_total=1,
            )


class TestMilestone:
    @pytest.mark.parametrize(
        ("current", "expected"),
        [(None, 0), (D(0), 0), (D("0.99"), 0), (D(1), 1), (D(2), 1)],
    )
    def test_done_or_not(self, current: D | None, expected: int) -> None:
        assert kr_progress(kind="milestone", start=D(0), target=D(1), current=current) == expected


class TestValidation:
    def test_unknown_kind(self) -> None:
        with pytest.raises(ValueError):
            kr_progress(kind="percent", start=D(0), target=D(1), current=None)

    @pytest.mark.parametrize("bad", [D("NaN"), D("Infinity"), D("-Infinity"), D("sNaN")])
    def test_non_finite_rejected(self, bad: D) -> None:
        with pytest.raises(ValueError, match="finite"):
            kr_progress(kind="metric", start=D(0), target=D(1), current=bad)

    def test_non_finite_checkin_value_rejected(self) -> None:
        with pytest.raises(ValueError, match="finite"):
            kr_progress(
                kind="at_least", start=D(0), target=D(1), current=None, checkin_values=[D("NaN")]
            )

    @pytest.mark.parametrize("bad", [0.5, "0.5", True])
    def test_floats_strings_and_bools_rejected(self, bad: object) -> None:
        with pytest.raises(TypeError):
            kr_progress(kind="metric", start=D(0), target=D(1), current=bad)  # type: ignore[arg-type]


class TestObjectiveProgress:
    def test_weighted_mean(self) -> None:
        progress = objective_progress(key_results=[(D(1), D("0.2")), (D(3), D("0.6"))])
        assert progress == D("0.5")

    def test_zero_weight_allowed_beside_positive(self) -> None:
        assert objective_progress(key_results=[(D(0), D(1)), (D(2), D("0.4"))]) == D("0.4")

    def test_negative_weight_rejected(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            objective_progress(key_results=[(D(-1), D("0.2")), (D(3), D("0.6"))])

    def test_all_zero_weights_rejected(self) -> None:
        with pytest.raises(ValueError, match="positive"):
            objective_progress(key_results=[(D(0), D("0.2")), (0, D("0.6"))])

    def test_progress_outside_unit_interval_rejected(self) -> None:
        with pytest.raises(ValueError):
            objective_progress(key_results=[(D(1), D("1.2"))])

    def test_key_results_win_over_children(self) -> None:
        assert objective_progress(key_results=[(D(1), D("0.3"))], children=[D(1)]) == D("0.3")

    def test_children_mean_without_key_results(self) -> None:
        progress = objective_progress(key_results=[], children=[D("0.2"), None, D("0.6")])
        assert progress == D("0.4")

    def test_none_when_only_unknown_children(self) -> None:
        assert objective_progress(key_results=[], children=[None, None]) is None

    def test_none_with_nothing(self) -> None:
        assert objective_progress(key_results=[]) is None

    def test_mean_of_equal_values_is_exact(self) -> None:
        third = D(1) / D(3)
        assert objective_progress(key_results=[(D(1), third)] * 3) == third
        assert objective_progress(key_results=[(D(7), third), (D(5), third)]) == third


class TestMeanProgress:
    def test_mean_ignores_none(self) -> None:
        assert mean_progress(values=[D("0.1"), None, D("0.5")]) == D("0.3")

    def test_empty_is_none(self) -> None:
        assert mean_progress(values=[]) is None
        assert mean_progress(values=[None]) is None


class TestExpectedProgress:
    start, end = date(2027, 1, 1), date(2027, 1, 11)

    def test_linear(self) -> None:
        assert expected_progress(on=date(2027, 1, 4), start=self.start, end=self.end) == D("0.3")

    def test_clamped_before_start(self) -> None:
        assert expected_progress(on=date(2026, 12, 1), start=self.start, end=self.end) == 0

    def test_clamped_after_end(self) -> None:
        assert expected_progress(on=date(2027, 3, 1), start=self.start, end=self.end) == 1

    def test_on_start_and_end(self) -> None:
        assert expected_progress(on=self.start, start=self.start, end=self.end) == 0
        assert expected_progress(on=self.end, start=self.start, end=self.end) == 1

    @pytest.mark.parametrize(
        ("on", "expected"),
        [(date(2027, 1, 4), 0), (date(2027, 1, 5), 1), (date(2027, 1, 9), 1)],
    )
    def test_one_day_cycle(self, on: date, expected: int) -> None:
        assert expected_progress(on=on, start=date(2027, 1, 5), end=date(2027, 1, 5)) == expected

    def test_end_before_start(self) -> None:
        start, end = date(2027, 1, 10), date(2027, 1, 5)
        assert expected_progress(on=date(2027, 1, 4), start=start, end=end) == 0
        assert expected_progress(on=date(2027, 1, 7), start=start, end=end) == 1

    def test_datetime_rejected(self) -> None:
        from datetime import datetime

        with pytest.raises(TypeError, match="date"):
            expected_progress(on=datetime(2027, 1, 4, 12), start=self.start, end=self.end)
