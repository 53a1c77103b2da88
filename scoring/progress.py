"""Progress in [0, 1] of key results, objectives, teams and the pace line (DESIGN.md section 3)."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from scoring.numbers import (
    ONE,
    ZERO,
    as_date,
    as_decimal,
    as_share,
    clamp,
    plain_mean,
    weighted_mean,
)
from scoring.types import Kind, Number


def kr_progress(
    *,
    kind: Kind | str,
    start: Number,
    target: Number,
    current: Number | None,
    checkin_values: Sequence[Number] = (),
    checkins_met: int | None = None,
    checkins_total: int | None = None,
) -> Decimal:
    """Return a key result's progress, a Decimal in [0, 1].

    - metric: (current - start) / (target - start), clamped to [0, 1]; growth (target > start)
      and reduction (target < start) alike. current None (no check-in yet) counts as start.
    - at_least / at_most: the share of `checkin_values` (the cycle's check-ins) that are >= target
      (at_least) or <= target (at_most); 0 with no check-ins. `current` is not used.
      A caller that counted in the database passes `checkins_met` and `checkins_total` instead
      of the values (the same rule: met / total, 0 when total is 0).
    - milestone: 1 when current >= 1, else 0 (current None counts as 0).

    Raises ValueError for an unknown kind, a non-finite number, or a metric with target == start;
    TypeError for numbers that are neither Decimal nor int.
    """
    kind = Kind(kind)
    start = as_decimal(value=start, name="start")
    target = as_decimal(value=target, name="target")
    value = None if current is None else as_decimal(value=current, name="current")
    values = [as_decimal(value=v, name="checkin_values item") for v in checkin_values]

    match kind:
        case Kind.METRIC:
            if target == start:
                raise ValueError("a metric key result needs a target different from its start")
            if value is None:
                return ZERO
            return clamp(value=(value - start) / (target - start), low=ZERO, high=ONE)
        case Kind.AT_LEAST | Kind.AT_MOST:
            if checkins_total is not None or checkins_met is not None:
                if values:
                    raise ValueError("pass either checkin_values or the counts, not both")
                return threshold_share(met=checkins_met or 0, total=checkins_total or 0)
            if not values:
                return ZERO
            if kind is Kind.AT_LEAST:
                met = sum(1 for v in values if v >= target)
            else:
                met = sum(1 for v in values if v <= target)
            return Decimal(met) / Decimal(len(values))
        case Kind.MILESTONE:
            return ONE if value is not None and value >= ONE else ZERO


def threshold_share(*, met: int, total: int) -> Decimal:
    """Share in [0, 1] of `total` check-ins of which `met` met the threshold; 0 when total is 0.

    Raises ValueError unless 0 <= met <= total.
    """
    if isinstance(met, bool) or isinstance(total, bool):
        raise TypeError("counts must be ints")
    if not 0 <= met <= total:
        raise ValueError(f"need 0 <= met <= total, got met={met}, total={total}")
    if total == 0:
        return ZERO
    return Decimal(met) / Decimal(total)


def objective_progress(
    *,
    key_results: Sequence[tuple[Number, Number]],
    children: Sequence[Number | None] = (),
) -> Decimal | None:
    """Return an objective's progress in [0, 1], or None when it has none (shown as "—").

    `key_results` holds (weight, progress) of its non-archived key results (the caller filters
    archived ones); the result is their weighted mean. With no key results it is the plain mean
    of `children` (aligned child objectives' progress), ignoring children whose progress is None.

    Raises ValueError for a negative weight, all-zero weights, a progress outside [0, 1] or a
    non-finite number.
    """
    if key_results:
        pairs = [
            (
                as_decimal(value=weight, name="weight"),
                as_share(value=progress, name="key result progress"),
            )
            for weight, progress in key_results
        ]
        return weighted_mean(pairs=pairs, name="objective progress")
    return mean_progress(values=children)


def mean_progress(*, values: Sequence[Number | None]) -> Decimal | None:
    """Return the plain mean of progress values in [0, 1], ignoring None; None when none is left.

    This is a team's progress (over its objectives) and the company's (over company objectives).
    Raises ValueError for a value outside [0, 1] or a non-finite one.
    """
    known = [as_share(value=value, name="progress") for value in values if value is not None]
    if not known:
        return None
    return plain_mean(values=known)


def expected_progress(*, on: date, start: date, end: date) -> Decimal:
    """Return the pace line's value on date `on` for a cycle from `start` to `end`, in [0, 1].

    (on - start) / (end - start) in days, clamped to [0, 1]. A degenerate cycle (end <= start)
    expects 1 from `end` on and 0 before. Raises TypeError for a datetime or a non-date.
    """
    on = as_date(value=on, name="on")
    start = as_date(value=start, name="start")
    end = as_date(value=end, name="end")
    if end <= start:
        return ONE if on >= end else ZERO
    elapsed = Decimal((on - start).days) / Decimal((end - start).days)
    return clamp(value=elapsed, low=ZERO, high=ONE)
