"""The written weekly summary, sentence by sentence, on hand-built facts.

Each sentence kind is checked to appear when its condition holds and to stay away when it does
not; `compose` is checked for order and for the empty team.
"""

from decimal import Decimal

import pytest

from dashboards import summary
from dashboards.summary import KeyResultFacts, WeekFacts

D = Decimal


def kr(title: str = "Grow MRR", **overrides: object) -> KeyResultFacts:
    values = {
        "title": title,
        "owner": "Ada",
        "status": "on_track",
        "progress": D("0.5"),
        "progress_change": D(0),
        "confidence": 4,
        "blocker": "",
        "stale_days": None,
        "due": False,
    }
    values.update(overrides)
    return KeyResultFacts(**values)


def week(*key_results: KeyResultFacts, now: str | None = "0.5", before: str | None = "0.5"):
    return WeekFacts(
        team="Product",
        key_results=key_results,
        rate_this_week=None if now is None else D(now),
        rate_last_week=None if before is None else D(before),
    )


def kinds(facts: WeekFacts) -> list[str]:
    return [sentence.kind for sentence in summary.compose(facts)]


# --- empty ---


def test_a_team_without_key_results_gets_one_sentence_saying_so():
    sentences = summary.compose(WeekFacts(team="Product"))
    assert [s.kind for s in sentences] == ["empty"]
    assert sentences[0].text == "Product has no key results in this cycle yet."


def test_empty_never_appears_beside_key_results():
    assert "empty" not in kinds(week(kr()))


# --- moved / still ---


def test_moved_names_the_largest_change_either_way():
    facts = week(
        kr("Small gain", progress=D("0.4"), progress_change=D("0.05")),
        kr("Big drop", progress=D("0.2"), progress_change=D("-0.25"), owner="Bo"),
        kr("Medium gain", progress=D("0.6"), progress_change=D("0.2")),
    )
    sentence = summary.moved_sentence(facts)
    assert sentence.text == (
        "“Big drop” moved most this week: its progress fell by 0.25 to 0.20 (Bo)."
    )
    assert sentence.subjects == ("Big drop",)


def test_moved_rose_wording_and_ties_broken_by_title():
    facts = week(
        kr("Beta", progress=D("0.7"), progress_change=D("0.1")),
        kr("Alpha", progress=D("0.3"), progress_change=D("-0.1")),
        kr("Gamma", progress=D("0.9"), progress_change=D("0.1")),
    )
    assert summary.moved_sentence(facts).subjects == ("Alpha",)
    rising = week(kr("Gamma", progress=D("0.9"), progress_change=D("0.1")))
    assert "its progress rose by 0.10 to 0.90" in summary.moved_sentence(rising).text


def test_moved_is_absent_and_still_present_when_nothing_moved():
    facts = week(kr("A"), kr("B", progress_change=D(0)))
    assert summary.moved_sentence(facts) is None
    assert summary.still_sentence(facts).text == "No key result's progress moved this week."
    assert "moved" not in kinds(facts) and "still" in kinds(facts)


def test_still_is_absent_when_something_moved_or_no_change_is_known():
    assert summary.still_sentence(week(kr(progress_change=D("0.01")))) is None
    # The first week of a cycle has no "last week" to compare with.
    unknown = week(kr("A", progress_change=None), kr("B", progress_change=None))
    assert summary.still_sentence(unknown) is None
    assert summary.moved_sentence(unknown) is None


# --- stuck ---


def test_stuck_lists_behind_and_at_risk_key_results_that_did_not_gain():
    facts = week(
        kr("Slipping", status="at_risk", progress=D("0.3"), progress_change=D("-0.1")),
        kr("Frozen", status="behind", progress=D("0.1"), progress_change=D(0)),
        kr("Recovering", status="behind", progress=D("0.2"), progress_change=D("0.05")),
        kr("Fine", status="on_track", progress_change=D(0)),
        kr("New", status="at_risk", progress=D("0.3"), progress_change=None),
    )
    sentence = summary.stuck_sentence(facts)
    # Worst status first, then least progress, then title; "New" has no last week to judge.
    assert sentence.text == (
        "Stuck: “Frozen” (behind) and “Slipping” (at risk) are not gaining ground this week."
    )


def test_stuck_says_how_many_more_beyond_three_and_uses_is_for_one():
    many = week(*(kr(f"KR {n}", status="behind", progress=D(n) / 10) for n in range(5)))
    assert summary.stuck_sentence(many).text.endswith(
        "“KR 2” (behind) and 2 more are not gaining ground this week."
    )
    one = week(kr("Alone", status="behind"))
    assert summary.stuck_sentence(one).text == (
        "Stuck: “Alone” (behind) is not gaining ground this week."
    )


def test_stuck_is_absent_when_troubled_key_results_moved_forward_or_none_is_troubled():
    assert summary.stuck_sentence(week(kr(status="behind", progress_change=D("0.02")))) is None
    assert summary.stuck_sentence(week(kr(status="behind", progress_change=None))) is None
    assert summary.stuck_sentence(week(kr(status="done"), kr(status="on_track"))) is None
    assert "stuck" not in kinds(week(kr(status="on_track")))


# --- confidence ---


def test_lowest_confidence_names_the_lowest_and_its_blocker():
    facts = week(
        kr("Calm", confidence=4),
        kr("Worried", confidence=2, owner="Cy", blocker="  Legal review\n of the   terms "),
        kr("Unsure", confidence=3),
    )
    sentence = summary.lowest_confidence_sentence(facts)
    assert sentence.text == (
        "Lowest confidence: “Worried” at 2/5 (Cy), blocked by: “Legal review of the terms”."
    )
    assert "confident" not in kinds(facts)


def test_lowest_confidence_without_a_blocker_says_none_was_written():
    sentence = summary.lowest_confidence_sentence(week(kr("Unsure", confidence=3)))
    assert sentence.text == (
        "Lowest confidence: “Unsure” at 3/5 (Ada), with no blocker written down."
    )


def test_lowest_confidence_ties_go_to_less_progress_then_title():
    facts = week(
        kr("B", confidence=2, progress=D("0.1")),
        kr("A", confidence=2, progress=D("0.4")),
        kr("C", confidence=2, progress=D("0.1")),
    )
    assert summary.lowest_confidence_sentence(facts).subjects == ("B",)


def test_a_long_blocker_is_shortened():
    sentence = summary.lowest_confidence_sentence(week(kr(confidence=1, blocker="x" * 500)))
    assert sentence.text.endswith("…”.")
    assert len(sentence.text) < 250


def test_high_confidence_everywhere_gives_the_confident_sentence_instead():
    facts = week(kr("A", confidence=4), kr("B", confidence=5), kr("C", confidence=None))
    assert summary.lowest_confidence_sentence(facts) is None
    assert summary.confident_sentence(facts).text == (
        "Confidence is high: every key result checked in on is rated 4/5 or 5/5."
    )


def test_neither_confidence_sentence_without_any_rating():
    facts = week(kr(confidence=None), kr("B", confidence=None))
    assert summary.lowest_confidence_sentence(facts) is None
    assert summary.confident_sentence(facts) is None


# --- silent / all checked in ---


def test_silent_names_people_with_due_key_results_most_due_first():
    facts = week(
        kr("A", owner="Zoe", due=True),
        kr("B", owner="Ann", due=True),
        kr("C", owner="Zoe", due=True),
        kr("D", owner="Bob", due=False),
    )
    assert summary.silent_sentence(facts).text == (
        "Not checked in yet this week: Zoe (2 key results) and Ann (1 key result)."
    )
    assert "all_checked_in" not in kinds(facts)


def test_silent_counts_the_people_beyond_three():
    facts = week(*(kr(f"KR {n}", owner=f"Person {n}", due=True) for n in range(5)))
    assert summary.silent_sentence(facts).text.endswith("and 2 more.")


def test_nobody_due_gives_all_checked_in_instead_of_silent():
    facts = week(kr(due=False), kr("B", due=False))
    assert summary.silent_sentence(facts) is None
    assert summary.all_checked_in_sentence(facts).text == (
        "Every key result that needs a check-in has one this week."
    )


# --- stale ---


def test_stale_lists_the_longest_silence_first():
    facts = week(
        kr("Quiet", stale_days=12, owner="Ann"),
        kr("Silent", stale_days=30, owner="Bob"),
        kr("Fresh", stale_days=None),
    )
    assert summary.stale_sentence(facts).text == (
        "No update for more than ten days: “Silent” (Bob, 30 days) and “Quiet” (Ann, 12 days)."
    )


def test_stale_is_absent_when_everything_was_updated():
    assert summary.stale_sentence(week(kr(), kr("B"))) is None
    assert "stale" not in kinds(week(kr()))


# --- check-in rate ---


@pytest.mark.parametrize(
    ("now", "before", "ending"),
    [
        ("0.75", "0.5", "75% of key results have a check-in this week, up from 50% last week."),
        ("0.25", "0.5", "25% of key results have a check-in this week, down from 50% last week."),
        ("0.5", "0.5", "50% of key results have a check-in this week, the same as last week."),
        # Equal once rounded to whole percentages: "the same", not "up from 67%".
        (
            "0.6667",
            "0.6666",
            "67% of key results have a check-in this week, the same as last week.",
        ),
        ("0.4", None, "40% of key results have a check-in this week."),
    ],
)
def test_checkin_rate_compares_with_last_week(now, before, ending):
    assert summary.checkin_rate_sentence(week(kr(), now=now, before=before)).text == ending


def test_checkin_rate_is_absent_without_a_rate():
    assert summary.checkin_rate_sentence(week(kr(), now=None, before="0.5")) is None


# --- compose ---


def test_compose_puts_every_applicable_sentence_in_reading_order():
    facts = week(
        kr("Mover", progress_change=D("0.3"), progress=D("0.8")),
        kr("Stuck one", status="behind", confidence=2, blocker="No budget", due=True),
        kr("Quiet one", status="at_risk", stale_days=14, owner="Bo", due=True),
        now="0.33",
        before="0.67",
    )
    assert kinds(facts) == [
        "moved",
        "stuck",
        "lowest_confidence",
        "silent",
        "stale",
        "checkin_rate",
    ]
    text = " ".join(str(sentence) for sentence in summary.compose(facts))
    assert "“Mover” moved most" in text and "down from 67% last week" in text


def test_compose_is_deterministic():
    facts = week(kr("A", progress_change=D("0.1")), kr("B", status="behind", due=True))
    assert summary.compose(facts) == summary.compose(facts)


# --- Overdue initiatives ---


def with_overdue(*overdue: tuple[str, int]) -> WeekFacts:
    return WeekFacts(
        team="Product",
        key_results=[kr("Reduce churn"), kr("Grow MRR")],
        overdue_initiatives=[summary.OverdueFacts(title=t, count=n) for t, n in overdue],
    )


def test_overdue_initiatives_get_a_sentence_per_key_result_plural_aware():
    sentences = summary.overdue_initiative_sentences(
        with_overdue(("Grow MRR", 1), ("Reduce churn", 3))
    )
    assert [s.text for s in sentences] == [
        "3 initiatives on “Reduce churn” are overdue.",
        "1 initiative on “Grow MRR” is overdue.",
    ]
    assert [s.subjects for s in sentences] == [("Reduce churn",), ("Grow MRR",)]


def test_overdue_initiatives_past_three_key_results_are_counted_together():
    facts = with_overdue(("A", 2), ("B", 2), ("C", 1), ("D", 1), ("E", 4), ("F", 1))
    texts = [s.text for s in summary.overdue_initiative_sentences(facts)]
    assert texts == [
        "4 initiatives on “E” are overdue.",
        "2 initiatives on “A” are overdue.",
        "2 initiatives on “B” are overdue.",
        "3 more initiatives on 3 other key results are overdue.",
    ]
    one_more = with_overdue(("A", 2), ("B", 2), ("C", 2), ("D", 1))
    assert summary.overdue_initiative_sentences(one_more)[-1].text == (
        "1 more initiative on 1 other key result is overdue."
    )


def test_no_overdue_initiative_no_sentence():
    assert summary.overdue_initiative_sentences(with_overdue()) == []
    assert summary.overdue_initiative_sentences(with_overdue(("Grow MRR", 0))) == []
    assert "overdue_initiatives" not in kinds(with_overdue())


def test_overdue_initiatives_follow_what_is_stuck_in_reading_order():
    facts = WeekFacts(
        team="Product",
        key_results=[kr("Stuck one", status="behind", confidence=2, due=True)],
        overdue_initiatives=[summary.OverdueFacts(title="Stuck one", count=2)],
    )
    assert kinds(facts)[1:4] == ["stuck", "overdue_initiatives", "lowest_confidence"]
