"""Status of key results and objectives, with reasons in words (DESIGN.md section 3, "Status")."""

from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from scoring.numbers import ONE, as_date, as_decimal, as_share, plain_number, round2
from scoring.types import Kind, Number, Reason, Status, StatusResult, worst

STALE_AFTER_DAYS = 10
EARLY_EXPECTED = Decimal("0.1")
ON_TRACK_RATIO = Decimal("0.7")
AT_RISK_RATIO = Decimal("0.4")

_CONFIDENCE_STATUS = {
    5: Status.ON_TRACK,
    4: Status.ON_TRACK,
    3: Status.AT_RISK,
    2: Status.BEHIND,
    1: Status.BEHIND,
}
_THRESHOLD_WORDS = {Kind.AT_LEAST: "at least", Kind.AT_MOST: "at most"}

type _Verdict = tuple[Status, Reason]


def kr_status(
    *,
    kind: Kind | str,
    progress: Number,
    expected: Number,
    current: Number | None,
    start: Number,
    target: Number,
    confidence: int | None,
    last_checkin: date | None,
    cycle_start: date,
    on: date,
) -> StatusResult:
    """Return a key result's status on date `on`, with its reasons and the "no update" flag.

    Inputs: the key result's kind, its progress and the expected progress (both in [0, 1]), its
    latest value `current` (None: no check-in yet), its start and target values, the latest
    confidence (1-5, None: no check-in), the date of the latest check-in (None: never), and the
    cycle's start date. Dates are dates in the company's time zone, not datetimes.

    Rules: a metric or milestone with progress >= 1 is done, whatever else holds. Otherwise the
    status is the worst of pace, confidence and staleness; reasons come in that order.
    Raises ValueError for an unknown kind, a confidence outside 1-5, a progress or expected
    outside [0, 1] or a non-finite number; TypeError for values of the wrong type.
    """
    kind = Kind(kind)
    progress = as_share(value=progress, name="progress")
    expected = as_share(value=expected, name="expected")
    value = None if current is None else as_decimal(value=current, name="current")
    start = as_decimal(value=start, name="start")
    target = as_decimal(value=target, name="target")
    confidence = _checked_confidence(confidence=confidence)
    checked_on = None if last_checkin is None else as_date(value=last_checkin, name="last_checkin")
    cycle_start = as_date(value=cycle_start, name="cycle_start")
    on = as_date(value=on, name="on")

    if kind in (Kind.METRIC, Kind.MILESTONE) and progress >= ONE:
        # Done is final: a finished key result stays done however confident or quiet its owner.
        text = "milestone reached" if kind is Kind.MILESTONE else "target reached"
        reason = Reason(code="done", params={"kind": kind}, text=text)
        return StatusResult(status=Status.DONE, reasons=(reason,), stale=False)

    if kind in (Kind.METRIC, Kind.MILESTONE):
        verdicts = [_pace(progress=progress, expected=expected)]
    else:
        verdicts = [
            _threshold(kind=kind, value=value, start=start, target=target, expected=expected)
        ]
    if confidence is not None:
        verdicts.append(_confidence(confidence=confidence))
    stale = _staleness(last_checkin=checked_on, cycle_start=cycle_start, on=on)
    if stale is not None:
        verdicts.append(stale)
    return StatusResult(
        status=worst(*(status for status, _ in verdicts)),
        reasons=tuple(reason for _, reason in verdicts),
        stale=stale is not None,
    )


def objective_status(*, statuses: Sequence[Status | str]) -> StatusResult | None:
    """Return an objective's status from its key results' statuses; None with no key results.

    Done when every key result is done, else the worst of theirs (done counts as better than
    on_track). The single reason (code "krs") counts the key results, naming the troubled ones
    first: "2 of 4 key results behind, 1 at risk". `stale` is always False at this level.
    Raises ValueError for a string that is not a status.
    """
    if not statuses:
        return None
    counted = Counter(Status(status) for status in statuses)
    total = sum(counted.values())
    status = worst(*counted)
    params = {"total": total} | {member.value: counted[member] for member in Status}
    reason = Reason(code="krs", params=params, text=_count_text(counted=counted, total=total))
    return StatusResult(status=status, reasons=(reason,), stale=False)


def _checked_confidence(*, confidence: object) -> int | None:
    if confidence is None:
        return None
    if isinstance(confidence, bool) or not isinstance(confidence, int):
        raise TypeError(f"confidence must be an int, not {type(confidence).__name__}")
    if confidence not in _CONFIDENCE_STATUS:
        raise ValueError(f"confidence must be between 1 and 5, got {confidence}")
    return confidence


def _pace(*, progress: Decimal, expected: Decimal) -> _Verdict:
    if expected < EARLY_EXPECTED:
        reason = Reason(code="pace_early", params={"expected": expected}, text="early in the cycle")
        return Status.ON_TRACK, reason
    # Compare by multiplying, not dividing, so a ratio of exactly 0.7 or 0.4 is not lost to
    # rounding.
    if progress >= ON_TRACK_RATIO * expected:
        status = Status.ON_TRACK
    elif progress >= AT_RISK_RATIO * expected:
        status = Status.AT_RISK
    else:
        status = Status.BEHIND
    params = {"progress": progress, "expected": expected, "ratio": progress / expected}
    text = f"{round2(progress)} of an expected {round2(expected)}"
    return status, Reason(code="pace", params=params, text=text)


def _threshold(
    *, kind: Kind, value: Decimal | None, start: Decimal, target: Decimal, expected: Decimal
) -> _Verdict:
    latest = value is not None
    if value is None:
        if expected < EARLY_EXPECTED:
            reason = Reason(
                code="no_checkin_yet", params={"expected": expected}, text="no check-in yet"
            )
            return Status.ON_TRACK, reason
        # Past the grace period silence proves nothing, so the level it started from is judged.
        value = start
    met = value >= target if kind is Kind.AT_LEAST else value <= target
    subject = "latest" if latest else "start value"
    verb = "meets" if met else "misses"
    text = (
        f"{subject} {plain_number(value=value)} {verb} the target of "
        f"{_THRESHOLD_WORDS[kind]} {plain_number(value=target)}"
    )
    params = {"kind": kind, "value": value, "target": target, "latest": latest}
    reason = Reason(code="threshold_met" if met else "threshold_missed", params=params, text=text)
    return (Status.ON_TRACK if met else Status.BEHIND), reason


def _confidence(*, confidence: int) -> _Verdict:
    reason = Reason(
        code="confidence", params={"confidence": confidence}, text=f"confidence {confidence}/5"
    )
    return _CONFIDENCE_STATUS[confidence], reason


def _staleness(*, last_checkin: date | None, cycle_start: date, on: date) -> _Verdict | None:
    if (on - cycle_start).days <= STALE_AFTER_DAYS:
        return None
    since = cycle_start if last_checkin is None else last_checkin
    days = (on - since).days
    if days <= STALE_AFTER_DAYS:
        return None
    never = last_checkin is None
    text = (
        f"no check-in since the cycle started {days} days ago"
        if never
        else f"no update for {days} days"
    )
    params = {"days": days, "since": since, "never_checked_in": never}
    return Status.AT_RISK, Reason(code="stale", params=params, text=text)


def _count_text(*, counted: Counter[Status], total: int) -> str:
    nouns = "key result" if total == 1 else "key results"
    present = [s for s in sorted(counted, key=lambda s: s.rank, reverse=True) if counted[s]]
    if len(present) == 1 and total > 1:
        return f"all {total} {nouns} {present[0].label}"
    # Name the troubled key results; only when there are none do on track and done get counted.
    troubled = [s for s in present if s.rank >= Status.AT_RISK.rank]
    shown = troubled or present
    first, *rest = shown
    parts = [f"{counted[first]} of {total} {nouns} {first.label}"]
    parts += [f"{counted[s]} {s.label}" for s in rest]
    return ", ".join(parts)
