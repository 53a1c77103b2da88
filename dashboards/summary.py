"""The written weekly summary of a team: deterministic sentences composed from its numbers.

Pure functions over plain values (no database, no remote service), so every sentence kind can be
tested on hand-built facts. Each `*_sentence` function returns its sentence when the facts call
for it and None otherwise; `compose` puts them in reading order. The numbers themselves come from
`scoring` (through the selectors); this module only chooses which to mention and words them.

Sentence kinds, and when each appears:

- "empty": there are no key results at all (then it is the only sentence).
- "moved": some key result's progress changed since the end of last week; names the one that
  moved most (largest change either way; ties by title).
- "still": key results exist, their changes are known, and none moved.
- "stuck": key results that are behind or at risk and did not gain progress since last week
  (not said in a cycle's first week, when there is no last week to compare with).
- "lowest_confidence": some key result is rated 3/5 or lower; names the lowest (ties: the one
  with less progress, then by title) and its latest blocker when one was written.
- "confident": key results have been rated and every rating is 4/5 or 5/5.
- "silent": people who still have a due key result without a check-in this week.
- "all_checked_in": key results exist and none is due.
- "stale": key results with no update for more than ten days (the "no update" flag).
- "checkin_rate": the share checked in this week, compared with last week when last week was
  part of the cycle.
- "overdue_initiatives": one per key result with initiatives past their due date and not done
  ("3 initiatives on “Reduce churn” are overdue."), the most overdue first; past the first
  three, one more sentence counts the rest. None when nothing is overdue.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import scoring
from scoring import Status

LOW_CONFIDENCE = 3  # at or below this a rating is worth a manager's attention
NAMED_AT_MOST = 3  # a sentence names this many things, then says "and N more"


@dataclass(frozen=True)
class KeyResultFacts:
    """What the summary knows of one key result this week."""

    title: str
    owner: str
    status: Status | str
    progress: Decimal
    progress_change: Decimal | None = None  # since the end of last week; None: unknown
    confidence: int | None = None  # the latest; None: never checked in
    blocker: str = ""  # the latest check-in's blockers
    stale_days: int | None = None  # days without an update when flagged "no update"
    due: bool = False  # still needs this week's check-in


@dataclass(frozen=True)
class OverdueFacts:
    """A key result with initiatives that are overdue (initiatives/overdue.py's rule)."""

    title: str
    count: int


@dataclass(frozen=True)
class WeekFacts:
    team: str
    key_results: Sequence[KeyResultFacts] = ()
    rate_this_week: Decimal | None = None
    rate_last_week: Decimal | None = None  # None: last week was not part of the cycle
    overdue_initiatives: Sequence[OverdueFacts] = ()


@dataclass(frozen=True)
class Sentence:
    kind: str
    text: str
    # The key results it names, for links; plain titles so the module stays free of models.
    subjects: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return self.text


def compose(facts: WeekFacts) -> list[Sentence]:
    """The summary, in reading order: what moved, what is stuck, confidence, who is silent, the
    check-in rate."""
    if not facts.key_results:
        return [empty_sentence(facts)]
    candidates = [
        moved_sentence(facts),
        still_sentence(facts),
        stuck_sentence(facts),
        *overdue_initiative_sentences(facts),
        lowest_confidence_sentence(facts),
        confident_sentence(facts),
        silent_sentence(facts),
        all_checked_in_sentence(facts),
        stale_sentence(facts),
        checkin_rate_sentence(facts),
    ]
    return [sentence for sentence in candidates if sentence is not None]


def empty_sentence(facts: WeekFacts) -> Sentence:
    text = _("%(team)s has no key results in this cycle yet.") % {"team": facts.team}
    return Sentence("empty", text)


def moved_sentence(facts: WeekFacts) -> Sentence | None:
    movers = [kr for kr in facts.key_results if kr.progress_change]
    if not movers:
        return None
    top = min(movers, key=lambda kr: (-abs(kr.progress_change), kr.title))
    if top.progress_change > 0:
        template = _(
            "“%(title)s” moved most this week: its progress rose by %(change)s to "
            "%(progress)s (%(owner)s)."
        )
    else:
        template = _(
            "“%(title)s” moved most this week: its progress fell by %(change)s to "
            "%(progress)s (%(owner)s)."
        )
    text = template % {
        "title": top.title,
        "change": _number(abs(top.progress_change)),
        "progress": _number(top.progress),
        "owner": top.owner,
    }
    return Sentence("moved", text, (top.title,))


def still_sentence(facts: WeekFacts) -> Sentence | None:
    known = [kr for kr in facts.key_results if kr.progress_change is not None]
    if not known or any(kr.progress_change for kr in known):
        return None
    return Sentence("still", _("No key result's progress moved this week."))


def stuck_sentence(facts: WeekFacts) -> Sentence | None:
    stuck = sorted(
        (
            kr
            for kr in facts.key_results
            if Status(kr.status) in (Status.BEHIND, Status.AT_RISK)
            and kr.progress_change is not None
            and kr.progress_change <= 0
        ),
        key=lambda kr: (-Status(kr.status).rank, kr.progress, kr.title),
    )
    if not stuck:
        return None
    named = [
        _("“%(title)s” (%(status)s)") % {"title": kr.title, "status": Status(kr.status).label}
        for kr in stuck[:NAMED_AT_MOST]
    ]
    text = ngettext(
        "Stuck: %(items)s is not gaining ground this week.",
        "Stuck: %(items)s are not gaining ground this week.",
        len(stuck),
    ) % {"items": _listing(named, len(stuck))}
    return Sentence("stuck", text, tuple(kr.title for kr in stuck[:NAMED_AT_MOST]))


def overdue_initiative_sentences(facts: WeekFacts) -> list[Sentence]:
    late = sorted(
        (o for o in facts.overdue_initiatives if o.count > 0), key=lambda o: (-o.count, o.title)
    )
    sentences = [
        Sentence(
            "overdue_initiatives",
            ngettext(
                "%(count)s initiative on “%(title)s” is overdue.",
                "%(count)s initiatives on “%(title)s” are overdue.",
                o.count,
            )
            % {"count": o.count, "title": o.title},
            (o.title,),
        )
        for o in late[:NAMED_AT_MOST]
    ]
    rest = late[NAMED_AT_MOST:]
    if rest:
        count = sum(o.count for o in rest)
        on = ngettext("on %(krs)s other key result", "on %(krs)s other key results", len(rest)) % {
            "krs": len(rest)
        }
        text = ngettext(
            "%(count)s more initiative %(on)s is overdue.",
            "%(count)s more initiatives %(on)s are overdue.",
            count,
        ) % {"count": count, "on": on}
        sentences.append(Sentence("overdue_initiatives", text))
    return sentences


def lowest_confidence_sentence(facts: WeekFacts) -> Sentence | None:
    rated = [kr for kr in facts.key_results if kr.confidence is not None]
    if not rated:
        return None
    lowest = min(rated, key=lambda kr: (kr.confidence, kr.progress, kr.title))
    if lowest.confidence > LOW_CONFIDENCE:
        return None
    values = {"title": lowest.title, "confidence": lowest.confidence, "owner": lowest.owner}
    blocker = " ".join(lowest.blocker.split())
    if blocker:
        text = _(
            "Lowest confidence: “%(title)s” at %(confidence)s/5 (%(owner)s), blocked by: "
            "“%(blocker)s”."
        ) % {**values, "blocker": _shorten(blocker)}
    else:
        text = (
            _(
                "Lowest confidence: “%(title)s” at %(confidence)s/5 (%(owner)s), with no blocker "
                "written down."
            )
            % values
        )
    return Sentence("lowest_confidence", text, (lowest.title,))


def confident_sentence(facts: WeekFacts) -> Sentence | None:
    rated = [kr for kr in facts.key_results if kr.confidence is not None]
    if not rated or any(kr.confidence <= LOW_CONFIDENCE for kr in rated):
        return None
    return Sentence(
        "confident", _("Confidence is high: every key result checked in on is rated 4/5 or 5/5.")
    )


def silent_sentence(facts: WeekFacts) -> Sentence | None:
    due_by_owner: dict[str, int] = {}
    for kr in facts.key_results:
        if kr.due:
            due_by_owner[kr.owner] = due_by_owner.get(kr.owner, 0) + 1
    if not due_by_owner:
        return None
    people = sorted(due_by_owner.items(), key=lambda item: (-item[1], item[0]))
    named = [
        ngettext("%(name)s (%(count)s key result)", "%(name)s (%(count)s key results)", count)
        % {"name": name, "count": count}
        for name, count in people[:NAMED_AT_MOST]
    ]
    text = _("Not checked in yet this week: %(people)s.") % {"people": _listing(named, len(people))}
    return Sentence("silent", text)


def all_checked_in_sentence(facts: WeekFacts) -> Sentence | None:
    if not facts.key_results or any(kr.due for kr in facts.key_results):
        return None
    return Sentence(
        "all_checked_in", _("Every key result that needs a check-in has one this week.")
    )


def stale_sentence(facts: WeekFacts) -> Sentence | None:
    stale = sorted(
        (kr for kr in facts.key_results if kr.stale_days is not None),
        key=lambda kr: (-kr.stale_days, kr.title),
    )
    if not stale:
        return None
    named = [
        ngettext(
            "“%(title)s” (%(owner)s, %(days)s day)",
            "“%(title)s” (%(owner)s, %(days)s days)",
            kr.stale_days,
        )
        % {"title": kr.title, "owner": kr.owner, "days": kr.stale_days}
        for kr in stale[:NAMED_AT_MOST]
    ]
    text = _("No update for more than ten days: %(items)s.") % {
        "items": _listing(named, len(stale))
    }
    return Sentence("stale", text, tuple(kr.title for kr in stale[:NAMED_AT_MOST]))


def checkin_rate_sentence(facts: WeekFacts) -> Sentence | None:
    if facts.rate_this_week is None:
        return None
    now = _percent(facts.rate_this_week)
    before = None if facts.rate_last_week is None else _percent(facts.rate_last_week)
    if before is None:
        template = _("%(now)s%% of key results have a check-in this week.")
    elif now > before:
        template = _(
            "%(now)s%% of key results have a check-in this week, up from %(before)s%% last week."
        )
    elif now < before:
        template = _(
            "%(now)s%% of key results have a check-in this week, down from %(before)s%% last week."
        )
    else:
        template = _("%(now)s%% of key results have a check-in this week, the same as last week.")
    return Sentence("checkin_rate", template % {"now": now, "before": before})


# --- Wording helpers -----------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return str(scoring.round2(value))


def _percent(share: Decimal) -> int:
    return int((share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _listing(items: Sequence[str], total: int) -> str:
    """ "a", "a and b", "a, b and c", "a, b, c and 2 more"."""
    separator = _(", ")
    more = total - len(items)
    if more > 0:
        return ngettext("%(items)s and %(count)s more", "%(items)s and %(count)s more", more) % {
            "items": separator.join(items),
            "count": more,
        }
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": separator.join(items[:-1]), "last": items[-1]}


def _shorten(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
