"""`scoring.kr_status_changes_on`: the day a key result's status (or its "no update" flag) next
changes on its own, checked against `kr_status` day by day."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

import scoring

D = Decimal
CYCLE_START, CYCLE_END = date(2027, 1, 1), date(2027, 4, 11)  # 100 days


def _day(n: int) -> date:
    return CYCLE_START + timedelta(days=n)


def _state(inputs: dict, day: date) -> tuple[scoring.Status, bool]:
    given_inputs = {k: v for k, v in inputs.items() if k != "cycle_end"}
    result = scoring.kr_status(
        **given_inputs | {"on": day},
        expected=scoring.expected_progress(on=day, start=CYCLE_START, end=inputs["cycle_end"]),
    )
    return result.status, result.stale


def _metric(**changes: object) -> dict:
    inputs = {
        "kind": "metric",
        "progress": D("0.35"),
        "current": D(35),
        "start": D(0),
        "target": D(100),
        "confidence": 4,
        "last_checkin": _day(45),
        "cycle_start": CYCLE_START,
        "cycle_end": CYCLE_END,
        "created_on": CYCLE_START,
        "on": _day(45),
    }
    return inputs | changes


def test_the_pace_line_passes_a_metric_the_day_after_it_is_met_exactly():
    # 0.35 is on track while 0.7 x expected <= 0.35, that is up to day 50 (expected 0.5).
    assert scoring.kr_status_changes_on(**_metric()) == _day(51)
    assert _state(_metric(), _day(50)) == (scoring.Status.ON_TRACK, False)
    assert _state(_metric(), _day(51)) == (scoring.Status.AT_RISK, False)


def test_silence_turns_into_no_update_eleven_days_after_the_last_check_in():
    inputs = _metric(kind="at_least", progress=D(1), current=D(99), target=D(95))
    inputs |= {"confidence": 5, "last_checkin": _day(20), "on": _day(21)}
    assert scoring.kr_status_changes_on(**inputs) == _day(31)
    assert _state(inputs, _day(31)) == (scoring.Status.AT_RISK, True)


def test_the_flag_alone_is_a_change_even_when_the_status_stays_behind():
    inputs = _metric(confidence=1, last_checkin=_day(40), on=_day(45))
    assert _state(inputs, _day(45)) == (scoring.Status.BEHIND, False)
    assert scoring.kr_status_changes_on(**inputs) == _day(51)
    assert _state(inputs, _day(51)) == (scoring.Status.BEHIND, True)


def test_nothing_changes_for_a_finished_key_result_or_once_everything_has_moved():
    assert scoring.kr_status_changes_on(**_metric(progress=D(1), current=D(100))) is None
    late = _metric(progress=D(0), current=D(0), last_checkin=_day(10), on=_day(200))
    assert scoring.kr_status_changes_on(**late) is None
    worst_already = _metric(progress=D(0), current=D(0), last_checkin=_day(10), on=_day(60))
    assert _state(worst_already, _day(60)) == (scoring.Status.BEHIND, True)
    assert scoring.kr_status_changes_on(**worst_already) is None


def test_the_grace_period_ends_for_a_level_never_checked_in():
    inputs = _metric(kind="at_most", progress=D(0), current=None, start=D(9), target=D(5))
    inputs |= {"confidence": None, "last_checkin": None, "on": _day(2)}
    # Expected progress reaches 0.1 on day 10; then the start value, which misses, is judged.
    assert scoring.kr_status_changes_on(**inputs) == _day(10)
    assert _state(inputs, _day(10)) == (scoring.Status.BEHIND, False)


@given(
    kind=st.sampled_from(["metric", "milestone", "at_least", "at_most"]),
    progress=st.sampled_from([D(0), D("0.07"), D("0.2"), D("1") / 3, D("0.35"), D("0.7"), D(1)]),
    checked=st.booleans(),
    value=st.sampled_from([D(0), D(4), D(5), D(6), D(10)]),
    confidence=st.sampled_from([None, 1, 2, 3, 4, 5]),
    last=st.integers(-5, 110),
    created=st.one_of(st.none(), st.integers(-30, 100)),
    length=st.integers(1, 120),
    on=st.integers(-10, 140),
)
def test_the_day_found_is_the_first_day_the_status_or_flag_differs(
    kind, progress, checked, value, confidence, last, created, length, on
):
    if kind in ("metric", "milestone") and progress == 1:
        progress = D("0.99")  # done is covered above; keep the search busy
    inputs = {
        "kind": kind,
        "progress": progress,
        "current": value if checked else None,
        "start": D(0),
        "target": D(5),
        "confidence": confidence if checked else None,
        "last_checkin": _day(last) if checked else None,
        "cycle_start": CYCLE_START,
        "cycle_end": _day(length),
        "created_on": None if created is None else _day(created),
        "on": _day(on),
    }
    found = scoring.kr_status_changes_on(**inputs)
    today = _state(inputs, _day(on))
    horizon = _day(max(length, last, created or 0, 0) + 40)
    day = _day(on) + timedelta(days=1)
    while day <= horizon and _state(inputs, day) == today:
        day += timedelta(days=1)
    assert found == (day if day <= horizon else None)
