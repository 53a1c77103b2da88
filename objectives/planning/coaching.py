"""Coaching hints: what a seasoned OKR coach would point out while someone writes their OKRs.

Pure functions over plain values (strings, counts, Decimals): the planning forms ask them as
people type, the planning pages and the team dashboard's "OKR health" ask them about saved OKRs.
A hint never blocks a save; each one names the rule it applies and how to fix it.

The rules (DESIGN.md section 1):
- An objective is qualitative: no number or percentage in its title.
- Two to five key results per objective.
- At most four objectives per owner in a cycle.
- A key result measures an outcome: a target different from its start, and words that describe a
  result rather than a task.
- A committed objective with a key result at risk (or behind) early in the cycle needs attention
  now, while there is time to recover.

Numbers in titles, decided for English and Korean: a number is a quantity (“20%”, “$2M”, “10x”,
“30 customers”, “고객 100명”, “매출 3배”, “top 3”, “3위”) unless it is part of a name or a date:
periods (“Q3”, “H1”, “FY27”, “2027”, “3분기”, “상반기”, “2027년”, “5월”), ordinals and rounds
(“2nd”, “2차”, “3기”, “5세대”, “2번째”), product and technology names (“B2B”, “Web3”, “5G”, “3D”,
“K8s”, “24/7”), and first place (“#1”, “No. 1”, “1등”, “1위”: being the best is an aspiration;
“3위”, a particular rank, is a target and belongs in a key result).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MIN_KEY_RESULTS = 2
MAX_KEY_RESULTS = 5
MAX_OBJECTIVES_PER_OWNER = 4
# "Early on": before the cycle's midpoint, when a committed objective can still be recovered.
EARLY_UNTIL = Decimal("0.5")
TROUBLE_STATUSES = frozenset({"at_risk", "behind"})


@dataclass(frozen=True)
class Hint:
    """One piece of coaching: which rule, what was found, how to fix it."""

    code: str
    rule: str
    fix: str
    found: str = ""  # what tripped the rule, in the person's own words ("20%", "Alex: 6")


# --- Numbers in a title ------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Phrases with digits that are not quantities.
_NOT_QUANTITIES = re.compile(r"24\s*/\s*7(?:\s*/\s*365)?|24x7", re.IGNORECASE)
_CURRENCY = frozenset("$€£¥₩")
_PERCENT = re.compile(
    r"\s?(?:%|％|percent\b|per\s?cent\b|퍼센트|프로\b|pp\b|bps?\b)", re.IGNORECASE
)
_ENGLISH_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)
# Korean counters that make a number a period, an ordinal or a generation, not a quantity.
_KOREAN_NAME_COUNTERS = re.compile(r"\s?(?:분기|반기|년도|연도|년|월|주차|회차|차|기|세대|번째|호)")
_KOREAN_RANK = re.compile(r"\s?(?:등|위)")
_MULTIPLIER_OR_MAGNITUDE = frozenset({"x", "k", "m", "mm", "b", "bn", "mn"})
_FIRST_PLACE_PREFIX = re.compile(r"(?:#|\bno\.?\s*|\bnumber\s+)$", re.IGNORECASE)
_RANK_PREFIX = re.compile(r"\btop\s+$", re.IGNORECASE)


def _is_year(value: str) -> bool:
    return len(value) == 4 and value.isdigit() and 1900 <= int(value) <= 2099


def quantities_in(title: str) -> list[str]:
    """The numbers in `title` that state a quantity (see the module docstring), as written."""
    text = _NOT_QUANTITIES.sub(lambda m: " " * len(m.group()), title)
    found: list[str] = []
    for match in _NUMBER.finditer(text):
        before, value, after = text[: match.start()], match.group(), text[match.end() :]
        previous = before[-1:]
        glued_word = re.match(r"[A-Za-z]+", after)
        fragment = _fragment(before, value, after)
        if previous.isascii() and previous.isalpha():
            continue  # Q3, H1, FY27, B2B, Web3, K8s: part of a name
        if previous in ("'", "’") and len(value) == 2:
            continue  # '27: a year
        if _PERCENT.match(after):
            found.append(fragment)
            continue
        if previous in _CURRENCY:
            found.append(fragment)
            continue
        if _FIRST_PLACE_PREFIX.search(before):
            if _as_int(value) != 1:
                found.append(fragment)  # "#3": a particular rank is a target
            continue
        if _RANK_PREFIX.search(before):
            found.append(fragment)  # "top 3"
            continue
        if _ENGLISH_ORDINAL.match(after):
            continue  # 2nd, 3rd: naming which one
        if _KOREAN_RANK.match(after):
            if _as_int(value) != 1:
                found.append(fragment)
            continue
        if _KOREAN_NAME_COUNTERS.match(after):
            continue  # 3분기, 2027년, 2차, 5세대
        if glued_word is not None:
            if glued_word.group().lower() in _MULTIPLIER_OR_MAGNITUDE:
                found.append(fragment)  # 10x, 50k, 2M
            continue  # 5G, 3D, 3PL: a name
        if _is_year(value):
            continue
        found.append(fragment)
    return found


def _as_int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _fragment(before: str, value: str, after: str) -> str:
    prefix = before[-1:] if before[-1:] in _CURRENCY | {"#"} else ""
    suffix = re.match(r"\s?(?:%|％)|[^\s,.;:!?()]{0,6}", after)
    return f"{prefix}{value}{suffix.group() if suffix else ''}".strip()


def title_number_hint(title: str) -> Hint | None:
    found = quantities_in(title)
    if not found:
        return None
    return Hint(
        code="number_in_title",
        rule=_("Objectives are qualitative: no number or percentage in the title."),
        fix=_("Move “%(number)s” into a key result and say in words what you want to achieve.")
        % {"number": found[0]},
        found=", ".join(found),
    )


# --- Counts ------------------------------------------------------------------------------------


def key_result_count_hint(count: int) -> Hint | None:
    if count < MIN_KEY_RESULTS:
        return Hint(
            code="too_few_key_results",
            rule=_("An objective needs at least two key results to show it is achieved."),
            fix=_("Add key results that measure the outcome from different sides."),
            found=str(count),
        )
    if count > MAX_KEY_RESULTS:
        return Hint(
            code="too_many_key_results",
            rule=_("More than five key results dilutes focus."),
            fix=_(
                "Keep the three to five that matter most; archive the others or split the "
                "objective."
            ),
            found=str(count),
        )
    return None


def objectives_per_owner_hint(count: int, owner: str) -> Hint | None:
    if count <= MAX_OBJECTIVES_PER_OWNER:
        return None
    return Hint(
        code="too_many_objectives",
        rule=_(
            "More than four objectives for one owner in a cycle is more than anyone can focus on."
        ),
        fix=_("Pick the two to four that matter most for %(owner)s; drop or merge the rest.")
        % {"owner": owner},
        found=ngettext("%(owner)s: %(count)s objective", "%(owner)s: %(count)s objectives", count)
        % {"owner": owner, "count": count},
    )


# --- Key results -------------------------------------------------------------------------------

_TASK_VERBS = (
    "attend",
    "build",
    "call",
    "complete",
    "conduct",
    "create",
    "define",
    "deploy",
    "design",
    "develop",
    "do",
    "document",
    "draft",
    "finish",
    "hold",
    "host",
    "implement",
    "install",
    "integrate",
    "introduce",
    "launch",
    "meet",
    "migrate",
    "organise",
    "organize",
    "plan",
    "prepare",
    "publish",
    "redesign",
    "refactor",
    "research",
    "review",
    "rewrite",
    "roll out",
    "run",
    "schedule",
    "send",
    "set up",
    "setup",
    "ship",
    "start",
    "update",
    "work on",
    "write",
)
_TASK_START = re.compile(
    r"^\s*(?:" + "|".join(re.escape(v) for v in _TASK_VERBS) + r")\b", re.IGNORECASE
)
# Korean puts the verb last: "가이드 작성", "신규 기능 출시하기".
_KOREAN_TASK_END = re.compile(
    r"(?:하기|작성|구축|개발|도입|진행|실시|완료|수립|개최|준비|출시|배포|만들기|정리|시행|참석)"
    r"\s*[.!]?\s*$"
)


def task_hint(title: str, kind: str) -> Hint | None:
    """A key result that names an activity ("Launch the new pricing page") instead of the result
    it should bring. Counting the activity ("Hold 24 interviews") is measurable and passes; a
    milestone is a task by nature, so a task verb on one always trips the rule."""
    reads_like_task = bool(_TASK_START.search(title) or _KOREAN_TASK_END.search(title.strip()))
    if not reads_like_task:
        return None
    if kind != "milestone" and quantities_in(title):
        return None
    return Hint(
        code="task_not_outcome",
        rule=_("A key result is an outcome you measure, not a task you do."),
        fix=_(
            "Say what changes when the work is done, with a start and a target: for example "
            "“Raise self-serve sign-ups from 20% to 60%” rather than “Launch the sign-up page”."
        ),
    )


def target_hint(kind: str, start: Decimal | None, target: Decimal | None) -> Hint | None:
    if kind == "milestone":
        return None  # a milestone goes from not done (0) to done (1)
    if target is None:
        return Hint(
            code="no_target",
            rule=_("A key result needs a measurable target."),
            fix=_("Enter the value you aim to reach (or to keep, for a level)."),
        )
    if kind == "metric" and start is not None and target == start:
        return Hint(
            code="target_equals_start",
            rule=_("A key result whose target equals its start measures no progress."),
            fix=_(
                "Set the target to where you want to be at the end of the cycle; to hold a "
                "level, choose “keep at least” or “keep at most”."
            ),
            found=format(target.normalize(), "f"),
        )
    return None


def key_result_hints(
    *, title: str, kind: str, start: Decimal | None, target: Decimal | None
) -> list[Hint]:
    return [hint for hint in (task_hint(title, kind), target_hint(kind, start, target)) if hint]


# --- Objectives --------------------------------------------------------------------------------


def committed_at_risk_hint(
    *, objective_type: str, statuses: Iterable[str], expected: Decimal | None
) -> Hint | None:
    if objective_type != "committed" or expected is None or expected >= EARLY_UNTIL:
        return None
    troubled = sum(1 for status in statuses if status in TROUBLE_STATUSES)
    if not troubled:
        return None
    return Hint(
        code="committed_at_risk_early",
        rule=_(
            "A committed objective is expected to reach 1.0; a key result at risk this early "
            "puts the commitment in doubt."
        ),
        fix=_(
            "Talk about it now: add help or resources, cut scope elsewhere, or agree openly to "
            "make the objective aspirational."
        ),
        found=ngettext(
            "%(count)s key result at risk or behind",
            "%(count)s key results at risk or behind",
            troubled,
        )
        % {"count": troubled},
    )


def objective_hints(
    *,
    title: str,
    objective_type: str,
    key_result_count: int | None,
    owner: str = "",
    owner_objective_count: int | None = None,
    key_result_statuses: Iterable[str] = (),
    expected: Decimal | None = None,
) -> list[Hint]:
    """Every objective-level hint that applies. A count of None is not judged (e.g. the key
    results of an objective still being written)."""
    hints = [title_number_hint(title)]
    if key_result_count is not None:
        hints.append(key_result_count_hint(key_result_count))
    if owner_objective_count is not None:
        hints.append(objectives_per_owner_hint(owner_objective_count, owner))
    hints.append(
        committed_at_risk_hint(
            objective_type=objective_type, statuses=key_result_statuses, expected=expected
        )
    )
    return [hint for hint in hints if hint is not None]
