"""Status of key results and objectives, with reasons in words (DESIGN.md section 3, "Status")."""

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from scoring import words
from scoring.numbers import ONE, as_date, as_decimal, as_share, plain_number, round2
from scoring.progress import expected_progress
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
# Whole sentences, so that a translation orders them its own way: by (latest?, met?, kind).
_THRESHOLD_WORDS = {
    (True, True, Kind.AT_LEAST): words.gettext(
        "latest %(value)s meets the target of at least %(target)s"
    ),
    (True, False, Kind.AT_LEAST): words.gettext(
        "latest %(value)s misses the target of at least %(target)s"
    ),
    (True, True, Kind.AT_MOST): words.gettext(
        "latest %(value)s meets the target of at most %(target)s"
    ),
    (True, False, Kind.AT_MOST): words.gettext(
        "latest %(value)s misses the target of at most %(target)s"
    ),
    (False, True, Kind.AT_LEAST): words.gettext(
        "start value %(value)s meets the target of at least %(target)s"
    ),
    (False, False, Kind.AT_LEAST): words.gettext(
        "start value %(value)s misses the target of at least %(target)s"
    ),
    (False, True, Kind.AT_MOST): words.gettext(
        "start value %(value)s meets the target of at most %(target)s"
    ),
    (False, False, Kind.AT_MOST): words.gettext(
        "start value %(value)s misses the target of at most %(target)s"
    ),
}

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
    created_on: date | None,
    on: date,
) -> StatusResult:
    """Return a key result's status on date `on`, with its reasons and the "no update" flag.

    Inputs: the key result's kind, its progress and the expected progress (both in [0, 1]), its
    latest value `current` (None: no check-in yet), its start and target values, the latest
    confidence (1-5, None: no check-in), the date of the latest check-in (None: never), the
    cycle's start date and the day the key result was added (None: not known, taken as the
    cycle's start). Dates are dates in the company's time zone, not datetimes.

    Staleness counts from the latest check-in or, with none, from the later of the cycle's
    start and the key result's creation: a key result added today has had no chance to be
    checked in and is not "no update", however old the cycle.

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
    confidence = checked_confidence(confidence=confidence)
    checked_on = None if last_checkin is None else as_date(value=last_checkin, name="last_checkin")
    cycle_start = as_date(value=cycle_start, name="cycle_start")
    created = None if created_on is None else as_date(value=created_on, name="created_on")
    on = as_date(value=on, name="on")

    if kr_done(kind=kind, progress=progress):
        # Done is final: a finished key result stays done however confident or quiet its owner.
        said = (
            words.gettext("milestone reached")
            if kind is Kind.MILESTONE
            else words.gettext("target reached")
        )
        reason = _reason(code="done", params={"kind": kind}, said=said)
        return StatusResult(status=Status.DONE, reasons=(reason,), stale=False)

    if kind in (Kind.METRIC, Kind.MILESTONE):
        verdicts = [_pace(progress=progress, expected=expected)]
    else:
        verdicts = [
            _threshold(kind=kind, value=value, start=start, target=target, expected=expected)
        ]
    if confidence is not None:
        verdicts.append(_confidence(confidence=confidence))
    stale = _staleness(last_checkin=checked_on, cycle_start=cycle_start, created=created, on=on)
    if stale is not None:
        verdicts.append(stale)
    return StatusResult(
        status=worst(*(status for status, _ in verdicts)),
        reasons=tuple(reason for _, reason in verdicts),
        stale=stale is not None,
    )


def kr_status_changes_on(
    *,
    kind: Kind | str,
    progress: Number,
    current: Number | None,
    start: Number,
    target: Number,
    confidence: int | None,
    last_checkin: date | None,
    cycle_start: date,
    cycle_end: date,
    created_on: date | None,
    on: date,
) -> date | None:
    """Return the first day after `on` on which `kr_status` gives another status or "no update"
    flag than on `on`, the key result staying as it is (no check-in, no edit); None when no day
    ever will. The inputs are `kr_status`'s, with the cycle's end date in place of the expected
    progress, which this computes for each day it looks at (`expected_progress`).

    A stored status is good until this day. Only two parts of a status move with the date, and
    both only ever get worse: the expected progress rises (the grace period ends, the pace ratio
    falls), and silence grows into "no update". So the status and the flag, ordered by how bad
    they are, never improve as days pass, and the first day they differ is found by bisection
    over `kr_status` itself: the rules stay written once. Past the last day either part can move
    (the cycle's end, when the expected progress reaches 1, or the day silence turns stale),
    nothing changes any more. Raises what `kr_status` raises.
    """
    on = as_date(value=on, name="on")
    cycle_start = as_date(value=cycle_start, name="cycle_start")
    cycle_end = as_date(value=cycle_end, name="cycle_end")

    def state(day: date) -> tuple[Status, bool]:
        result = kr_status(
            kind=kind,
            progress=progress,
            expected=expected_progress(on=day, start=cycle_start, end=cycle_end),
            current=current,
            start=start,
            target=target,
            confidence=confidence,
            last_checkin=last_checkin,
            cycle_start=cycle_start,
            created_on=created_on,
            on=day,
        )
        return result.status, result.stale

    silence_begins = [d for d in (last_checkin, created_on, cycle_start) if d is not None]
    stale_by = max(as_date(value=d, name="date") for d in silence_begins) + timedelta(
        days=STALE_AFTER_DAYS + 1
    )
    last_move = max(cycle_end, stale_by)
    if last_move <= on:
        return None
    now = state(on)
    if state(last_move) == now:
        return None
    same, differs = on, last_move  # state(same) == now != state(differs)
    while (differs - same).days > 1:
        middle = same + timedelta(days=(differs - same).days // 2)
        if state(middle) == now:
            same = middle
        else:
            differs = middle
    return differs


def kr_done(*, kind: Kind | str, progress: Number) -> bool:
    """Whether a key result is done: a metric or milestone whose progress reached 1. Keeping a
    level (at_least / at_most) is never finished, whatever its share of check-ins met.

    Raises ValueError for an unknown kind or a progress outside [0, 1].
    """
    kind = Kind(kind)
    progress = as_share(value=progress, name="progress")
    return kind in (Kind.METRIC, Kind.MILESTONE) and progress >= ONE


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
    said = _count_words(counted=counted, total=total)
    reason = _reason(code="krs", params=params, said=said)
    return StatusResult(status=status, reasons=(reason,), stale=False)


def checked_confidence(*, confidence: object) -> int | None:
    if confidence is None:
        return None
    if isinstance(confidence, bool) or not isinstance(confidence, int):
        raise TypeError(f"confidence must be an int, not {type(confidence).__name__}")
    if confidence not in _CONFIDENCE_STATUS:
        raise ValueError(f"confidence must be between 1 and 5, got {confidence}")
    return confidence


def _pace(*, progress: Decimal, expected: Decimal) -> _Verdict:
    if expected < EARLY_EXPECTED:
        said = words.gettext("early in the cycle")
        reason = _reason(code="pace_early", params={"expected": expected}, said=said)
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
    said = words.gettext(
        "%(progress)s of an expected %(expected)s",
        progress=round2(progress),
        expected=round2(expected),
    )
    return status, _reason(code="pace", params=params, said=said)


def _threshold(
    *, kind: Kind, value: Decimal | None, start: Decimal, target: Decimal, expected: Decimal
) -> _Verdict:
    latest = value is not None
    if value is None:
        if expected < EARLY_EXPECTED:
            reason = _reason(
                code="no_checkin_yet",
                params={"expected": expected},
                said=words.gettext("no check-in yet"),
            )
            return Status.ON_TRACK, reason
        # Past the grace period silence proves nothing, so the level it started from is judged.
        value = start
    met = value >= target if kind is Kind.AT_LEAST else value <= target
    said = words.gettext(
        _THRESHOLD_WORDS[(latest, met, kind)].message,
        value=plain_number(value=value),
        target=plain_number(value=target),
    )
    params = {"kind": kind, "value": value, "target": target, "latest": latest}
    reason = _reason(code="threshold_met" if met else "threshold_missed", params=params, said=said)
    return (Status.ON_TRACK if met else Status.BEHIND), reason


def _confidence(*, confidence: int) -> _Verdict:
    said = words.gettext("confidence %(confidence)s/5", confidence=confidence)
    reason = _reason(code="confidence", params={"confidence": confidence}, said=said)
    return _CONFIDENCE_STATUS[confidence], reason


def _staleness(
    *, last_checkin: date | None, cycle_start: date, created: date | None, on: date
) -> _Verdict | None:
    if (on - cycle_start).days <= STALE_AFTER_DAYS:
        return None
    # Added after the cycle began: its silence starts the day it was added, not before it
    # existed.
    added_later = last_checkin is None and created is not None and created > cycle_start
    since = last_checkin or (created if added_later else cycle_start)
    days = (on - since).days
    if days <= STALE_AFTER_DAYS:
        return None
    never = last_checkin is None
    if not never:
        said = words.ngettext(
            "no update for %(days)s day", "no update for %(days)s days", days, days=days
        )
    elif added_later:
        said = words.ngettext(
            "no check-in since it was added %(days)s day ago",
            "no check-in since it was added %(days)s days ago",
            days,
            days=days,
        )
    else:
        said = words.ngettext(
            "no check-in since the cycle started %(days)s day ago",
            "no check-in since the cycle started %(days)s days ago",
            days,
            days=days,
        )
    params = {"days": days, "since": since, "never_checked_in": never}
    return Status.AT_RISK, _reason(code="stale", params=params, said=said)


def _reason(*, code: str, params: dict[str, object], said: words.Words) -> Reason:
    return Reason(code=code, params=params, text=said.english(), words=said)


def _count_words(*, counted: Counter[Status], total: int) -> words.Words:
    present = [s for s in sorted(counted, key=lambda s: s.rank, reverse=True) if counted[s]]
    if len(present) == 1 and total > 1:
        return words.ngettext(
            "all %(total)s key result %(status)s",
            "all %(total)s key results %(status)s",
            total,
            total=total,
            status=present[0].words,
        )
    # Name the troubled key results; only when there are none do on track and done get counted.
    troubled = [s for s in present if s.rank >= Status.AT_RISK.rank]
    first, *rest = troubled or present
    said = words.ngettext(
        "%(count)s of %(total)s key result %(status)s",
        "%(count)s of %(total)s key results %(status)s",
        total,
        count=counted[first],
        total=total,
        status=first.words,
    )
    for status in rest:
        said = words.gettext(
            "%(counts)s, %(count)s %(status)s",
            counts=said,
            count=counted[status],
            status=status.words,
        )
    return said
