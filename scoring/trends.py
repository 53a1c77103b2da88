"""Numbers that move week to week: average confidence by week and changes since last week.

Weeks run Monday to Sunday; the days given here are already in the company's time zone.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from scoring.numbers import as_date, as_decimal, as_share, plain_mean, round2
from scoring.status import checked_confidence
from scoring.weeks import week_start


def mean_confidence(*, confidences: Sequence[int | None]) -> Decimal | None:
    """Return the plain mean of confidences (1-5), ignoring None; None when none is left.

    Raises ValueError for a confidence outside 1-5 and TypeError for a non-int.
    """
    known = [checked_confidence(confidence=value) for value in confidences]
    rated = [Decimal(value) for value in known if value is not None]
    if not rated:
        return None
    return plain_mean(values=rated)


def confidence_as_of(*, history: Sequence[tuple[date, int]], day: date) -> int | None:
    """Return the latest confidence recorded on or before `day`; None when there is none yet.

    `history` holds one key result's (day, confidence) check-ins in the order they were made
    (oldest first); of several on the same day the last one counts.
    """
    day = as_date(value=day, name="day")
    latest: int | None = None
    for checked_on, confidence in history:
        if as_date(value=checked_on, name="history day") > day:
            break
        latest = checked_confidence(confidence=confidence)
    return latest


def weekly_mean_confidence(
    *, histories: Sequence[Sequence[tuple[date, int]]], weeks: Sequence[date]
) -> list[Decimal | None]:
    """Return, for each week (given by any day in it), the average confidence at its end.

    The average confidence of a week is the plain mean, over the key results in `histories`
    (one oldest-first (day, confidence) sequence each), of each one's latest confidence as of
    that week's Sunday; key results with no check-in by then are left out. A week in which no key
    result had been rated yet has None.
    """
    sundays = [week_start(day=week) + timedelta(days=6) for week in weeks]
    if sundays != sorted(sundays):
        return [
            mean_confidence(
                confidences=[confidence_as_of(history=h, day=sunday) for h in histories]
            )
            for sunday in sundays
        ]
    # Weeks in order (as pages ask): one walk along each history for all of them, not one per
    # week. Each week resumes where the one before stopped, which is exactly where
    # `confidence_as_of` would stop again after reading the same entries.
    read = [0] * len(histories)
    latest: list[int | None] = [None] * len(histories)
    results: list[Decimal | None] = []
    for sunday in sundays:
        for n, history in enumerate(histories):
            position = read[n]
            while position < len(history):
                checked_on, confidence = history[position]
                if as_date(value=checked_on, name="history day") > sunday:
                    break
                latest[n] = checked_confidence(confidence=confidence)
                position += 1
            read[n] = position
        results.append(mean_confidence(confidences=latest))
    return results


def change(*, now: Decimal | int | None, before: Decimal | int | None) -> Decimal | None:
    """Return now - before (how much a number moved), or None when either end is unknown.

    Raises TypeError for floats or other non-numbers and ValueError for NaN or infinity.
    """
    if now is None or before is None:
        return None
    return as_decimal(value=now, name="now") - as_decimal(value=before, name="before")


def shown_change(*, now: Decimal | int | None, before: Decimal | int | None) -> Decimal | None:
    """Return the change between two numbers as they are shown, each rounded to two decimals
    first (a share's whole percent, a score's hundredth): "32% … last week 64% (−32 pts)", never
    a difference of the unrounded values that disagrees with the numbers printed beside it.
    None when either end is unknown; the same errors as `change`.
    """
    if now is None or before is None:
        return None
    return change(now=round2(now), before=round2(before))


def pace_value(*, start: Decimal | int, target: Decimal | int, expected: Decimal | int) -> Decimal:
    """Return the value a metric key result should show on the pace line: start plus the
    expected share (in [0, 1]) of the way to target. Raises ValueError for expected outside
    [0, 1] or a non-finite number."""
    start = as_decimal(value=start, name="start")
    target = as_decimal(value=target, name="target")
    expected = as_share(value=expected, name="expected")
    return start + (target - start) * expected


def share(*, part: int, total: int) -> Decimal | None:
    """Return part / total in [0, 1] (e.g. the share of key results with a status); None when
    total is 0. Raises ValueError unless 0 <= part <= total; TypeError for non-int counts."""
    for name, count in (("part", part), ("total", total)):
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"{name} must be an int, not {type(count).__name__}")
    if not 0 <= part <= total:
        raise ValueError(f"need 0 <= part <= total, got {part} of {total}")
    if total == 0:
        return None
    return Decimal(part) / Decimal(total)


def cycle_weeks(*, start: date, end: date, until: date) -> list[date]:
    """Return the Mondays of the weeks a cycle from `start` to `end` has run through by `until`.

    The first is the week holding `start`; the last the week holding the earlier of `until` and
    `end`. Empty when `until` is before `start`.
    """
    start = as_date(value=start, name="start")
    end = as_date(value=end, name="end")
    until = as_date(value=until, name="until")
    last = min(until, end)
    if last < start:
        return []
    monday = week_start(day=start)
    final = week_start(day=last)
    weeks = []
    while monday <= final:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks
