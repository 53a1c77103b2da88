from datetime import date, timedelta
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from scoring import (
    Band,
    Kind,
    ObjectiveType,
    Status,
    expected_progress,
    grade_band,
    kr_progress,
    kr_status,
    mean_progress,
    objective_progress,
    objective_score,
)

values = st.decimals(
    min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False
)
shares = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(Kind)
confidences = st.none() | st.integers(min_value=1, max_value=5)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))

BAND_ORDER = {Band.RED: 0, Band.YELLOW: 1, Band.GREEN: 2}
CONFIDENCE_FLOOR = {
    5: Status.ON_TRACK,
    4: Status.ON_TRACK,
    3: Status.AT_RISK,
    2: Status.BEHIND,
    1: Status.BEHIND,
}


@given(
    kind=kinds,
    start=values,
    target=values,
    current=st.none() | values,
    checkins=st.lists(values, max_size=20),
)
def test_progress_always_in_unit_interval(
    kind: Kind, start: Decimal, target: Decimal, current: Decimal | None, checkins: list[Decimal]
) -> None:
    assume(kind is not Kind.METRIC or target != start)
    progress = kr_progress(
        kind=kind, start=start, target=target, current=current, checkin_values=checkins
    )
    assert 0 <= progress <= 1


@given(start=values, target=values, current=values)
def test_reduction_mirrors_growth_through_negation(
    start: Decimal, target: Decimal, current: Decimal
) -> None:
    assume(target != start)
    assert kr_progress(kind="metric", start=start, target=target, current=current) == kr_progress(
        kind="metric", start=-start, target=-target, current=-current
    )


@given(start=values, target=values, current=values, mirror=values)
def test_reduction_mirrors_growth_around_any_point(
    start: Decimal, target: Decimal, current: Decimal, mirror: Decimal
) -> None:
    assume(target > start)
    growth = kr_progress(kind="metric", start=start, target=target, current=current)
    reduction = kr_progress(
        kind="metric", start=mirror - start, target=mirror - target, current=mirror - current
    )
    assert growth == reduction


def kr_status_arguments() -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries(
        {
            "kind": kinds,
            "progress": shares,
            "expected": shares,
            "current": st.none() | values,
            "start": values,
            "target": values,
            "confidence": confidences,
            "last_checkin": st.none() | days,
            "cycle_start": days,
            "created_on": st.none() | days,
            "on": days,
        }
    )


@given(arguments=kr_status_arguments())
def test_status_never_better_than_confidence_allows(arguments: dict[str, object]) -> None:
    result = kr_status(**arguments)  # type: ignore[arg-type]
    confidence = arguments["confidence"]
    assert result.reason.startswith(result.status.label)
    if result.status is Status.DONE or confidence is None:
        return
    assert result.status.rank >= CONFIDENCE_FLOOR[confidence].rank  # type: ignore[index]


@given(arguments=kr_status_arguments())
def test_stale_never_better_than_at_risk(arguments: dict[str, object]) -> None:
    result = kr_status(**arguments)  # type: ignore[arg-type]
    if result.status is Status.DONE:
        assert result.stale is False
    elif result.stale:
        assert result.status.rank >= Status.AT_RISK.rank


@given(arguments=kr_status_arguments())
def test_stale_exactly_when_silent_too_long(arguments: dict[str, object]) -> None:
    result = kr_status(**arguments)  # type: ignore[arg-type]
    on: date = arguments["on"]  # type: ignore[assignment]
    cycle_start: date = arguments["cycle_start"]  # type: ignore[assignment]
    created: date | None = arguments["created_on"]  # type: ignore[assignment]
    # Never checked in: silent since the later of the cycle's start and the key result's creation.
    added = cycle_start if created is None else max(created, cycle_start)
    since: date = arguments["last_checkin"] or added  # type: ignore[assignment]
    silent = (on - cycle_start).days > 10 and (on - since).days > 10
    assert result.stale == (silent and result.status is not Status.DONE)


@given(pairs=st.lists(st.tuples(weights, shares), min_size=1, max_size=10))
def test_objective_progress_between_its_key_results(pairs: list[tuple[Decimal, Decimal]]) -> None:
    counted = [progress for weight, progress in pairs if weight > 0]
    assume(counted)
    progress = objective_progress(key_results=pairs)
    assert progress is not None
    assert min(counted) <= progress <= max(counted)
    assert objective_score(key_results=pairs) == progress


@given(children=st.lists(st.none() | shares, max_size=10))
def test_children_mean_between_known_children(children: list[Decimal | None]) -> None:
    known = [child for child in children if child is not None]
    progress = objective_progress(key_results=[], children=children)
    assert progress == mean_progress(values=children)
    if not known:
        assert progress is None
    else:
        assert progress is not None
        assert min(known) <= progress <= max(known)


@given(
    start=days,
    length=st.integers(min_value=-30, max_value=400),
    first=days,
    later=st.integers(min_value=0, max_value=500),
)
def test_expected_progress_monotonic_in_date(
    start: date, length: int, first: date, later: int
) -> None:
    end = start + timedelta(days=length)
    before = expected_progress(on=first, start=start, end=end)
    after = expected_progress(on=first + timedelta(days=later), start=start, end=end)
    assert 0 <= before <= after <= 1


@given(low=shares, high=shares, objective_type=st.sampled_from(ObjectiveType))
def test_grade_band_monotonic_in_score(
    low: Decimal, high: Decimal, objective_type: ObjectiveType
) -> None:
    low, high = min(low, high), max(low, high)
    low_band = grade_band(score=low, objective_type=objective_type)
    high_band = grade_band(score=high, objective_type=objective_type)
    assert BAND_ORDER[low_band] <= BAND_ORDER[high_band]
