from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from scoring import Kind, Status, StatusResult, kr_done, kr_status, objective_status

CYCLE_START = date(2027, 1, 1)
ON = date(2027, 2, 15)  # 45 days into the cycle


def status(**overrides: object) -> StatusResult:
    """kr_status of a fresh, healthy metric 0 -> 100 unless overridden."""
    arguments: dict[str, object] = {
        "kind": Kind.METRIC,
        "progress": D("0.5"),
        "expected": D("0.5"),
        "current": D(50),
        "start": D(0),
        "target": D(100),
        "confidence": None,
        "last_checkin": ON - timedelta(days=2),
        "cycle_start": CYCLE_START,
        "created_on": None,
        "on": ON,
    }
    arguments.update(overrides)
    return kr_status(**arguments)  # type: ignore[arg-type]


class TestDone:
    def test_metric_done(self) -> None:
        result = status(progress=D(1))
        assert result.status is Status.DONE
        assert result.reason == "done: target reached"
        assert [r.code for r in result.reasons] == ["done"]

    def test_milestone_done(self) -> None:
        result = status(kind="milestone", progress=D(1), current=D(1), start=D(0), target=D(1))
        assert result.reason == "done: milestone reached"

    def test_done_overrides_confidence_and_staleness(self) -> None:
        result = status(progress=D(1), confidence=1, last_checkin=None, on=date(2027, 3, 30))
        assert result.status is Status.DONE
        assert result.stale is False

    @pytest.mark.parametrize("kind", ["at_least", "at_most"])
    def test_thresholds_are_never_done(self, kind: str) -> None:
        result = status(kind=kind, progress=D(1), current=D(5), start=D(5), target=D(5))
        assert result.status is Status.ON_TRACK

    @pytest.mark.parametrize(
        ("kind", "progress", "done"),
        [
            ("metric", D(1), True),
            ("milestone", D(1), True),
            ("metric", D("0.999"), False),
            ("milestone", D(0), False),
            ("at_least", D(1), False),
            ("at_most", D(1), False),
        ],
    )
    def test_kr_done_is_the_status_rule(self, kind: str, progress: D, done: bool) -> None:
        assert kr_done(kind=kind, progress=progress) is done
        result = status(kind=kind, progress=progress, current=D(1), start=D(0), target=D(1))
        assert (result.status is Status.DONE) is done

    def test_kr_done_refuses_what_is_no_progress(self) -> None:
        with pytest.raises(ValueError):
            kr_done(kind="metric", progress=D("1.5"))
        with pytest.raises(ValueError):
            kr_done(kind="ratio", progress=D(1))


class TestPace:
    def test_early_cycle_grace(self) -> None:
        result = status(progress=D(0), expected=D("0.09"), on=CYCLE_START + timedelta(days=5))
        assert result.status is Status.ON_TRACK
        assert result.reason == "on track: early in the cycle"
        assert result.reasons[0].code == "pace_early"

    def test_grace_ends_at_exactly_one_tenth(self) -> None:
        assert status(progress=D(0), expected=D("0.1")).status is Status.BEHIND

    @pytest.mark.parametrize(
        ("progress", "expected", "want"),
        [
            (D("0.35"), D("0.5"), Status.ON_TRACK),  # ratio exactly 0.7
            (D("0.3499"), D("0.5"), Status.AT_RISK),
            (D("0.2"), D("0.5"), Status.AT_RISK),  # ratio exactly 0.4
            (D("0.1999"), D("0.5"), Status.BEHIND),
            (D("0.7"), D(1), Status.ON_TRACK),
            (D("0.4"), D(1), Status.AT_RISK),
            (D("0.07"), D("0.1"), Status.ON_TRACK),
            (D("0.04"), D("0.1"), Status.AT_RISK),
            (D("0.8"), D("0.5"), Status.ON_TRACK),  # ahead of pace
        ],
    )
    def test_ratio_boundaries(self, progress: D, expected: D, want: Status) -> None:
        assert status(progress=progress, expected=expected).status is want

    def test_ratio_boundary_with_a_recurring_expected(self) -> None:
        expected = D(1) / D(3)
        assert status(progress=D("0.7") * expected, expected=expected).status is Status.ON_TRACK

    def test_reason_exactly(self) -> None:
        result = status(progress=D("0.21"), expected=D("0.55"), confidence=2)
        assert result.status is Status.BEHIND
        assert result.reason == "behind: 0.21 of an expected 0.55; confidence 2/5"
        assert result.reasons[0].params["expected"] == D("0.55")

    def test_pace_numbers_to_two_decimals(self) -> None:
        result = status(progress=D(1) / D(3), expected=D("0.5"))
        assert result.reason == "at risk: 0.33 of an expected 0.50"

    def test_milestone_not_done_falls_behind_after_grace(self) -> None:
        result = status(kind="milestone", progress=D(0), current=None, start=D(0), target=D(1))
        assert result.status is Status.BEHIND


class TestThresholds:
    def test_at_most_met(self) -> None:
        result = status(kind="at_most", current=D("4.80"), start=D(7), target=D("5.00"))
        assert result.status is Status.ON_TRACK
        assert result.reason == "on track: latest 4.8 meets the target of at most 5"
        assert result.reasons[0].code == "threshold_met"

    def test_at_least_missed(self) -> None:
        result = status(kind="at_least", current=D(93), start=D(90), target=D(95))
        assert result.status is Status.BEHIND
        assert result.reason == "behind: latest 93 misses the target of at least 95"
        assert result.reasons[0].code == "threshold_missed"

    @pytest.mark.parametrize("kind", ["at_least", "at_most"])
    def test_exactly_at_threshold_meets(self, kind: str) -> None:
        assert status(kind=kind, current=D(5), start=D(1), target=D(5)).status is Status.ON_TRACK

    def test_large_numbers_written_plainly(self) -> None:
        result = status(kind="at_least", current=D("1E+3"), start=D(0), target=D("2000.00"))
        assert result.reasons[0].text == "latest 1000 misses the target of at least 2000"

    def test_no_checkin_early_is_on_track(self) -> None:
        result = status(
            kind="at_least",
            current=None,
            start=D(90),
            target=D(95),
            expected=D("0.05"),
            last_checkin=None,
            on=CYCLE_START + timedelta(days=4),
        )
        assert result.status is Status.ON_TRACK
        assert result.reason == "on track: no check-in yet"

    def test_no_checkin_after_grace_judges_start(self) -> None:
        result = status(
            kind="at_least",
            current=None,
            start=D(90),
            target=D(95),
            expected=D("0.1"),
            last_checkin=None,
            on=CYCLE_START + timedelta(days=9),
        )
        assert result.status is Status.BEHIND
        assert result.reason == "behind: start value 90 misses the target of at least 95"
        assert result.reasons[0].params["latest"] is False

    def test_no_checkin_after_grace_with_start_meeting_target(self) -> None:
        result = status(
            kind="at_most",
            current=None,
            start=D(4),
            target=D(5),
            expected=D("0.2"),
            last_checkin=None,
            on=CYCLE_START + timedelta(days=9),
        )
        assert result.status is Status.ON_TRACK


class TestConfidence:
    @pytest.mark.parametrize(
        ("confidence", "want"),
        [
            (5, Status.ON_TRACK),
            (4, Status.ON_TRACK),
            (3, Status.AT_RISK),
            (2, Status.BEHIND),
            (1, Status.BEHIND),
        ],
    )
    def test_levels(self, confidence: int, want: Status) -> None:
        result = status(confidence=confidence)
        assert result.status is want
        assert result.reasons[-1].text == f"confidence {confidence}/5"

    def test_confidence_reason_shown_even_when_it_does_not_decide(self) -> None:
        assert status(confidence=5).reason == "on track: 0.50 of an expected 0.50; confidence 5/5"

    def test_no_confidence_no_constraint(self) -> None:
        result = status(confidence=None)
        assert result.status is Status.ON_TRACK
        assert [r.code for r in result.reasons] == ["pace"]

    @pytest.mark.parametrize("confidence", [0, 6, -1])
    def test_out_of_range_rejected(self, confidence: int) -> None:
        with pytest.raises(ValueError, match="confidence"):
            status(confidence=confidence)


class TestStale:
    def test_checked_in_long_ago(self) -> None:
        result = status(last_checkin=ON - timedelta(days=14))
        assert result.status is Status.AT_RISK
        assert result.stale is True
        assert result.reason == "at risk: 0.50 of an expected 0.50; no update for 14 days"

    def test_ten_days_is_not_stale(self) -> None:
        assert status(last_checkin=ON - timedelta(days=10)).stale is False
        assert status(last_checkin=ON - timedelta(days=11)).stale is True

    def test_never_checked_in(self) -> None:
        result = status(last_checkin=None, current=None, progress=D(0), expected=D("0.05"))
        assert result.stale is True
        assert result.status is Status.AT_RISK
        assert result.reasons[-1].text == "no check-in since the cycle started 45 days ago"
        assert result.reasons[-1].params["never_checked_in"] is True

    @pytest.mark.parametrize("day", [0, 5, 10])
    def test_not_stale_in_first_ten_days(self, day: int) -> None:
        result = status(
            last_checkin=None,
            current=None,
            progress=D(0),
            expected=D("0.01"),
            on=CYCLE_START + timedelta(days=day),
        )
        assert result.stale is False
        assert result.status is Status.ON_TRACK

    def test_stale_from_day_eleven(self) -> None:
        result = status(
            last_checkin=None,
            progress=D(0),
            expected=D("0.01"),
            on=CYCLE_START + timedelta(days=11),
        )
        assert result.stale is True

    def test_added_today_in_an_old_cycle_is_not_stale(self) -> None:
        result = status(
            last_checkin=None, current=None, progress=D(0), expected=D("0.05"), created_on=ON
        )
        assert result.stale is False
        assert "stale" not in [r.code for r in result.reasons]

    def test_added_after_the_start_counts_from_its_creation(self) -> None:
        never = {"last_checkin": None, "current": None, "progress": D(0), "expected": D("0.05")}
        assert status(**never, created_on=ON - timedelta(days=10)).stale is False
        result = status(**never, created_on=ON - timedelta(days=11))
        assert result.stale is True
        assert result.reasons[-1].text == "no check-in since it was added 11 days ago"
        assert result.reasons[-1].params["since"] == ON - timedelta(days=11)

    def test_created_before_the_cycle_counts_from_the_cycle_start(self) -> None:
        # Carried over or planned early: the cycle's start is the later date.
        result = status(
            last_checkin=None,
            current=None,
            progress=D(0),
            expected=D("0.05"),
            created_on=CYCLE_START - timedelta(days=30),
        )
        assert result.stale is True
        assert result.reasons[-1].text == "no check-in since the cycle started 45 days ago"
        assert result.reasons[-1].params["since"] == CYCLE_START

    def test_a_check_in_counts_whatever_the_creation(self) -> None:
        result = status(last_checkin=ON - timedelta(days=14), created_on=ON - timedelta(days=20))
        assert result.reasons[-1].text == "no update for 14 days"

    def test_created_on_must_be_a_date(self) -> None:
        with pytest.raises(TypeError, match="created_on"):
            status(created_on="2027-01-05")

    def test_stale_does_not_soften_behind(self) -> None:
        result = status(progress=D(0), last_checkin=ON - timedelta(days=30), confidence=5)
        assert result.status is Status.BEHIND
        assert [r.code for r in result.reasons] == ["pace", "confidence", "stale"]


class TestWorstOf:
    def test_confidence_worse_than_pace(self) -> None:
        assert status(confidence=3).status is Status.AT_RISK

    def test_pace_worse_than_confidence(self) -> None:
        assert status(progress=D("0.1"), confidence=5).status is Status.BEHIND

    def test_all_three(self) -> None:
        result = status(progress=D("0.3"), confidence=2, last_checkin=ON - timedelta(days=20))
        assert result.status is Status.BEHIND
        assert result.stale is True
        assert result.reason == (
            "behind: 0.30 of an expected 0.50; confidence 2/5; no update for 20 days"
        )


class TestValidation:
    def test_unknown_kind(self) -> None:
        with pytest.raises(ValueError):
            status(kind="binary")

    @pytest.mark.parametrize("field", ["progress", "expected"])
    def test_shares_outside_unit_interval(self, field: str) -> None:
        with pytest.raises(ValueError):
            status(**{field: D("1.5")})

    def test_non_finite(self) -> None:
        with pytest.raises(ValueError):
            status(current=D("NaN"))

    def test_bool_confidence_rejected(self) -> None:
        with pytest.raises(TypeError):
            status(confidence=True)


class TestObjectiveStatus:
    def test_empty(self) -> None:
        assert objective_status(statuses=[]) is None

    def test_all_done(self) -> None:
        result = objective_status(statuses=[Status.DONE] * 3)
        assert result is not None
        assert result.status is Status.DONE
        assert result.reason == "done: all 3 key results done"

    def test_done_is_better_than_on_track(self) -> None:
        result = objective_status(statuses=[Status.DONE, Status.ON_TRACK, "on_track"])
        assert result is not None
        assert result.status is Status.ON_TRACK
        assert result.reason == "on track: 2 of 3 key results on track, 1 done"

    def test_mixed(self) -> None:
        result = objective_status(
            statuses=[Status.BEHIND, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND]
        )
        assert result is not None
        assert result.status is Status.BEHIND
        assert result.reason == "behind: 2 of 4 key results behind, 1 at risk"
        assert result.reasons[0].code == "krs"
        assert result.reasons[0].params == {
            "total": 4,
            "done": 0,
            "on_track": 1,
            "at_risk": 1,
            "behind": 2,
        }

    def test_single(self) -> None:
        result = objective_status(statuses=[Status.AT_RISK])
        assert result is not None
        assert result.reason == "at risk: 1 of 1 key result at risk"

    def test_unknown_status_rejected(self) -> None:
        with pytest.raises(ValueError):
            objective_status(statuses=["green"])
