"""A key result's stored columns turned into `scoring`'s inputs, in one place.

`scoring` takes plain values; a key result is stored as columns: its kind, start and target, the
latest check-in's value, confidence and time, the check-in counts the database keeps, the final
grade and the score frozen when its cycle closed. Every page, service, command and reminder that
scores key results in Python goes through here, so the rules between the two are written once:
which columns feed `kr_progress` and `kr_status`, check-in times read as dates in a time zone, a
key result without a check-in standing at its start value, a closed cycle showing the scores it
froze, and what "done" means for a stored key result.

The functions take a `KeyResult` or a `KeyResultRow`, the same columns read as plain values for
pages that score thousands of key results without building model instances. What pages add up
over a whole cycle is stored from these (objectives/stored_scores.py).
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone

import scoring
from objectives.models import Cycle, KeyResult


class KeyResultRow(NamedTuple):
    """The columns scoring reads, as plain values: `values_list(*KeyResultRow._fields)` of
    key results gives them in this order. Named as the model's fields, so the functions below
    take either."""

    kind: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal | None
    checkins_met: int
    checkins_total: int
    last_confidence: int | None
    last_checkin_at: datetime | None
    created_at: datetime | None
    final_grade: Decimal | None
    frozen_score: Decimal | None


type Scored = KeyResult | KeyResultRow


class HasFrozenScore(Protocol):
    """An objective, or what a page reads of one: the score stored when its cycle closed."""

    @property
    def frozen_score(self) -> Decimal | None: ...


def value_or_start(*, key_result: Scored) -> Decimal:
    """Where a key result stands: its latest check-in's value, else (none yet) its start value."""
    if key_result.current_value is None:
        return key_result.start_value
    return key_result.current_value


def key_result_progress(*, key_result: Scored) -> Decimal:
    """Progress from the stored columns; an at_least / at_most key result's is made of the
    check-in counts the database keeps (dashboards/db_triggers.py)."""
    return scoring.kr_progress(
        kind=key_result.kind,
        start=key_result.start_value,
        target=key_result.target_value,
        current=key_result.current_value,
        checkins_met=key_result.checkins_met,
        checkins_total=key_result.checkins_total,
    )


def progress_from_checkins(
    *, kind: str, start: Decimal, target: Decimal, values: Sequence[Decimal]
) -> Decimal:
    """Progress from check-in values, oldest first (a key result's history up to some day, or
    rows not stored yet): a metric or milestone stands at its latest value, a level kept
    (at_least / at_most) at the share of values that met it."""
    if kind in (scoring.Kind.AT_LEAST, scoring.Kind.AT_MOST):
        return scoring.kr_progress(
            kind=kind, start=start, target=target, current=None, checkin_values=values
        )
    return scoring.kr_progress(
        kind=kind, start=start, target=target, current=values[-1] if values else None
    )


def local_date(*, moment: datetime | None, tz: ZoneInfo) -> date | None:
    """The day `moment` falls on in `tz`; None stays None (never checked in, not known)."""
    return timezone.localtime(moment, tz).date() if moment else None


def _status_inputs(*, key_result: Scored, progress: Decimal, tz: ZoneInfo) -> dict[str, object]:
    """What `kr_status` and `kr_status_changes_on` read of a key result, from its columns."""
    return {
        "kind": key_result.kind,
        "progress": progress,
        "current": key_result.current_value,
        "start": key_result.start_value,
        "target": key_result.target_value,
        "confidence": key_result.last_confidence,
        "last_checkin": local_date(moment=key_result.last_checkin_at, tz=tz),
        "created_on": local_date(moment=key_result.created_at, tz=tz),
    }


def key_result_status(
    *,
    key_result: Scored,
    progress: Decimal,
    expected: Decimal,
    cycle_start: date,
    on: date,
    tz: ZoneInfo,
) -> scoring.StatusResult:
    """Status on day `on`, the latest check-in and the key result's creation read as days in
    `tz`."""
    return scoring.kr_status(
        **_status_inputs(key_result=key_result, progress=progress, tz=tz),
        expected=expected,
        cycle_start=cycle_start,
        on=on,
    )


def key_result_status_changes_on(
    *,
    key_result: Scored,
    progress: Decimal,
    cycle_start: date,
    cycle_end: date,
    on: date,
    tz: ZoneInfo,
) -> date | None:
    """The first day after `on` its status or "no update" flag moves if nothing else does
    (`scoring.kr_status_changes_on`), from the same columns as `key_result_status`."""
    return scoring.kr_status_changes_on(
        **_status_inputs(key_result=key_result, progress=progress, tz=tz),
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        on=on,
    )


def score_key_result(
    *, key_result: Scored, cycle: Cycle, on: date, tz: ZoneInfo
) -> tuple[Decimal, Decimal, scoring.StatusResult]:
    """(progress, expected, status) of one key result of `cycle` on day `on`."""
    progress = key_result_progress(key_result=key_result)
    expected = scoring.expected_progress(on=on, start=cycle.start_date, end=cycle.end_date)
    status = key_result_status(
        key_result=key_result,
        progress=progress,
        expected=expected,
        cycle_start=cycle.start_date,
        on=on,
        tz=tz,
    )
    return progress, expected, status


def is_done(*, key_result: Scored, progress: Decimal) -> bool:
    """Done as `scoring` means it: a metric or milestone at its target (`scoring.kr_done`)."""
    return scoring.kr_done(kind=key_result.kind, progress=progress)


def live_kr_score(*, key_result: Scored, progress: Decimal) -> Decimal:
    """The score as it stands: the final grade where set, else the progress."""
    return scoring.kr_score(progress=progress, final_grade=key_result.final_grade)


def shown_kr_score(*, key_result: Scored, progress: Decimal, cycle: Cycle) -> Decimal:
    """The score a page shows: the stored one once the cycle is closed, whatever the formula
    says now; before, the score as it stands."""
    if cycle.is_closed and key_result.frozen_score is not None:
        return key_result.frozen_score
    return live_kr_score(key_result=key_result, progress=progress)


def shown_objective_score(
    *,
    objective: HasFrozenScore,
    weighted_scores: Sequence[tuple[Decimal, Decimal]],
    cycle: Cycle,
) -> Decimal | None:
    """An objective's score as pages show it: stored once the cycle is closed, else the weighted
    mean of its key results' (weight, shown score)."""
    if cycle.is_closed and objective.frozen_score is not None:
        return objective.frozen_score
    return scoring.objective_score(key_results=weighted_scores)


def band_of(*, score: Decimal | None, objective_type: str) -> str | None:
    """The grade band a score falls in for an objective of this type (None: no score yet)."""
    if score is None:
        return None
    return scoring.grade_band(score=score, objective_type=objective_type).value
