"""The vocabulary of scoring: key result kinds, statuses, bands and the reasons behind a status."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from scoring import words as _words

type Number = Decimal | int


class Kind(StrEnum):
    """How a key result is measured (DESIGN.md section 3, "Key result kinds and progress")."""

    METRIC = "metric"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    MILESTONE = "milestone"


class Status(StrEnum):
    """The status of a key result or objective; `rank` orders them from best (0) to worst (3)."""

    DONE = "done"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"

    @property
    def rank(self) -> int:
        """Position on the "worst of" scale: done 0, on_track 1, at_risk 2, behind 3."""
        return _RANK[self]

    @property
    def label(self) -> str:
        """The words for the status in the active language; in English "done", "on track",
        "at risk", "behind"."""
        return _LABELS[self].translated()

    @property
    def words(self) -> _words.Words:
        """The status's name as translatable words ("on track" in English)."""
        return _LABELS[self]


_RANK = {Status.DONE: 0, Status.ON_TRACK: 1, Status.AT_RISK: 2, Status.BEHIND: 3}
_LABELS = {
    Status.DONE: _words.pgettext("status", "done"),
    Status.ON_TRACK: _words.pgettext("status", "on track"),
    Status.AT_RISK: _words.pgettext("status", "at risk"),
    Status.BEHIND: _words.pgettext("status", "behind"),
}


def worst(*statuses: Status | str) -> Status:
    """Return the worst of one or more statuses (strings are accepted as their values).

    Raises ValueError when no status is given or when a string is not a status.
    """
    if not statuses:
        raise ValueError("worst() needs at least one status")
    return max((Status(status) for status in statuses), key=lambda status: status.rank)


class ObjectiveType(StrEnum):
    """Aspirational objectives count 0.7 as success; committed ones are expected to reach 1.0."""

    ASPIRATIONAL = "aspirational"
    COMMITTED = "committed"


class Band(StrEnum):
    """The colour band of a grade."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


@dataclass(frozen=True)
class Reason:
    """One structured part of a status reason, kept apart so the web layer can translate it.

    `code` names the sentence, `params` holds the values it needs and `text` is its English form;
    `words` is the same sentence to translate (`message` gives it in the active language).
    Codes and their params:

    - "done": target reached (params: kind).
    - "pace_early": early in the cycle, pace not judged yet (params: expected).
    - "pace": progress against the pace line (params: progress, expected, ratio).
    - "no_checkin_yet": an at_least/at_most key result not checked in yet, early in the cycle
      (params: expected).
    - "threshold_met" / "threshold_missed": an at_least/at_most value against its target
      (params: kind, value, target, latest; latest is False when the start value was judged
      because there is no check-in yet).
    - "confidence": the latest check-in's confidence (params: confidence).
    - "stale": no update for too long (params: days, since, never_checked_in; since is the
      latest check-in or, with none, the later of the cycle's start and the key result's
      creation).
    - "krs": an objective's key results counted by status (params: total, done, on_track,
      at_risk, behind).
    """

    code: str
    params: Mapping[str, object]
    text: str
    words: _words.Words | None = None

    @property
    def message(self) -> str:
        """The reason in the active language (English `text` when there is nothing to
        translate)."""
        return self.text if self.words is None else self.words.translated()

    def __post_init__(self) -> None:
        # A frozen result must not change under the caller through a shared dict.
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


@dataclass(frozen=True)
class StatusResult:
    """A status, the reasons that led to it (pace, confidence, stale) and the "no update" flag."""

    status: Status
    reasons: tuple[Reason, ...]
    stale: bool

    @property
    def reason(self) -> str:
        """The whole reason in the active language; in English "behind: 0.21 of an expected
        0.55; confidence 2/5"."""
        if not self.reasons:
            return self.status.label
        return _words.gettext(
            "%(status)s: %(reasons)s",
            status=self.status.words,
            reasons="; ".join(reason.message for reason in self.reasons),
        ).translated()
