"""Every coaching hint, tripped and not tripped, in English and Korean. Pure functions: no
database."""

from decimal import Decimal

import pytest

from objectives.planning import coaching as coaching
from objectives.planning.library import LIBRARY

D = Decimal


def _codes(hints: list[coaching.Hint]) -> list[str]:
    return [hint.code for hint in hints]


# --- A number in an objective's title ----------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "found"),
    [
        ("Grow revenue by 20%", "20%"),
        ("Reach $2M in annual recurring revenue", "$2M"),
        ("Grow the pipeline 10x", "10x"),
        ("Sign 30 enterprise customers", "30"),
        ("Serve 1,250,000 requests a day without a hiccup", "1,250,000"),
        ("Cut churn by 2.5 points", "2.5"),
        ("Be a top 3 vendor in Korea", "3"),
        ("Climb to #2 in the market", "#2"),
        ("Grow by 50 percent", "50"),
        ("１０％ more happy customers", "１０％"),  # full-width digits and percent
        ("매출 20% 성장", "20%"),
        ("고객 100명 확보", "100명"),
        ("매출 3배 성장", "3배"),
        ("업계 3위 달성", "3위"),
        ("고객 만족 20프로 향상", "20프로"),
        ("3분기 매출 30% 성장", "30%"),  # the quarter is fine, the percentage is not
    ],
)
def test_a_quantity_in_the_title_trips_the_rule(title, found):
    hint = coaching.title_number_hint(title)
    assert hint is not None
    assert hint.code == "number_in_title"
    assert found in hint.found
    assert "key result" in hint.fix  # says how to fix it
    assert hint.rule


@pytest.mark.parametrize(
    "title",
    [
        "Delight customers so they stay and tell their friends",
        "3분기 매출 성장의 기반 마련",  # "the third quarter": a period, not a target
        "2027년 고객 만족 극대화",  # a year
        "상반기 신규 시장 개척",
        "5월 출시를 성공적으로",  # May
        "2차 출시를 성공적으로",  # the second launch
        "업계 1등 브랜드로 자리매김",  # being the best is an aspiration
        "1위 브랜드가 되자",
        "Be #1 for customer support",
        "Become the No. 1 choice for operations teams",
        "Win Q3 with B2B customers",
        "Make H1 the half of focus",
        "Deliver the FY27 plan with confidence",
        "2027: the year of the customer",
        "Win '27 together",
        "Our 2nd product line delights its first users",
        "Bring Web3 wallets to 5G phones",
        "Lead the market in 3D printing",
        "24/7 support customers love",
    ],
)
def test_names_periods_and_first_place_do_not_trip_the_rule(title):
    assert coaching.quantities_in(title) == []
    assert coaching.title_number_hint(title) is None


# --- Key results per objective -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "code"),
    [
        (0, "too_few_key_results"),
        (1, "too_few_key_results"),
        (6, "too_many_key_results"),
        (9, "too_many_key_results"),
    ],
)
def test_too_few_or_too_many_key_results(count, code):
    hint = coaching.key_result_count_hint(count)
    assert hint is not None and hint.code == code
    assert hint.found == str(count)


@pytest.mark.parametrize("count", [2, 3, 4, 5])
def test_two_to_five_key_results_are_fine(count):
    assert coaching.key_result_count_hint(count) is None


# --- Objectives per owner ----------------------------------------------------------------------


def test_more_than_four_objectives_for_one_owner():
    hint = coaching.objectives_per_owner_hint(5, "Sam Taylor")
    assert hint is not None and hint.code == "too_many_objectives"
    assert "Sam Taylor" in hint.fix and "5" in hint.found


@pytest.mark.parametrize("count", [1, 2, 4])
def test_up_to_four_objectives_is_fine(count):
    assert coaching.objectives_per_owner_hint(count, "Sam Taylor") is None


# --- Key results: target and task-likeness -----------------------------------------------------


def test_a_metric_whose_target_equals_its_start():
    hint = coaching.target_hint("metric", D(40), D("40.0"))
    assert hint is not None and hint.code == "target_equals_start"
    assert hint.found == "40"


@pytest.mark.parametrize("kind", ["metric", "at_least", "at_most"])
def test_a_key_result_without_a_target(kind):
    hint = coaching.target_hint(kind, D(0), None)
    assert hint is not None and hint.code == "no_target"


@pytest.mark.parametrize(
    ("kind", "start", "target"),
    [
        ("metric", D(20), D(60)),
        ("metric", D(45), D(30)),  # a reduction
        ("at_least", D("99.95"), D("99.95")),  # keeping a level it already holds
        ("at_most", D(5), D(5)),
        ("milestone", None, None),  # 0 → 1 whatever is typed
    ],
)
def test_measurable_targets_are_fine(kind, start, target):
    assert coaching.target_hint(kind, start, target) is None


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Launch the new pricing page", "metric"),
        ("Write the onboarding guide", "metric"),
        ("Set up the customer advisory board", "metric"),
        ("Hold weekly demos", "at_least"),
        ("Ship v2 of the mobile app", "milestone"),  # "v2" names a version, it measures nothing
        ("Launch in 3 new countries", "milestone"),  # a milestone is a task by nature
        ("온보딩 가이드 작성", "metric"),
        ("신규 기능 출시하기", "milestone"),
        ("고객 자문단 구축", "metric"),
    ],
)
def test_a_key_result_that_reads_like_a_task(title, kind):
    hint = coaching.task_hint(title, kind)
    assert hint is not None and hint.code == "task_not_outcome"
    assert "outcome" in hint.rule


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Raise activation from 20% to 60%", "metric"),
        ("Reduce median sales cycle from 45 to 30 days", "metric"),
        ("Launch in 3 new countries", "metric"),  # counted: measurable
        ("Hold 24 customer discovery interviews", "metric"),
        ("Self-serve onboarding available to every new account", "milestone"),
        ("Keep monthly churn at or below 2%", "at_most"),
        ("주간 활성 팀 1,800에서 2,600으로 증가", "metric"),
        ("Planned revenue reached", "metric"),  # "planned" is not the verb "plan"
    ],
)
def test_outcomes_do_not_read_like_tasks(title, kind):
    assert coaching.task_hint(title, kind) is None


def test_key_result_hints_combine_both_rules():
    assert _codes(
        coaching.key_result_hints(title="Launch the blog", kind="metric", start=D(1), target=D(1))
    ) == ["task_not_outcome", "target_equals_start"]
    assert (
        coaching.key_result_hints(
            title="Raise NPS from 31 to 45", kind="metric", start=D(31), target=D(45)
        )
        == []
    )


# --- Committed objectives at risk early --------------------------------------------------------


def test_a_committed_objective_with_a_key_result_at_risk_early_on():
    hint = coaching.committed_at_risk_hint(
        objective_type="committed", statuses=["on_track", "at_risk", "behind"], expected=D("0.2")
    )
    assert hint is not None and hint.code == "committed_at_risk_early"
    assert "2" in hint.found


@pytest.mark.parametrize(
    ("objective_type", "statuses", "expected"),
    [
        ("aspirational", ["at_risk"], D("0.2")),  # aspirational: 0.7 is success anyway
        ("committed", ["on_track", "done"], D("0.2")),  # nothing at risk
        ("committed", ["at_risk"], D("0.5")),  # half-way through: no longer "early on"
        ("committed", ["behind"], D("0.9")),
        ("committed", ["at_risk"], None),  # not running (planning, grading)
    ],
)
def test_no_early_warning_otherwise(objective_type, statuses, expected):
    assert (
        coaching.committed_at_risk_hint(
            objective_type=objective_type, statuses=statuses, expected=expected
        )
        is None
    )


def test_objective_hints_gather_every_rule_and_skip_unknown_counts():
    hints = coaching.objective_hints(
        title="Grow revenue by 20%",
        objective_type="committed",
        key_result_count=1,
        owner="Sales",
        owner_objective_count=6,
        key_result_statuses=["at_risk"],
        expected=D("0.1"),
    )
    assert _codes(hints) == [
        "number_in_title",
        "too_few_key_results",
        "too_many_objectives",
        "committed_at_risk_early",
    ]
    assert (
        coaching.objective_hints(
            title="Grow revenue", objective_type="aspirational", key_result_count=None
        )
        == []
    )


def test_every_hint_names_its_rule_and_its_fix():
    hints = [
        coaching.title_number_hint("Win 20%"),
        coaching.key_result_count_hint(0),
        coaching.key_result_count_hint(7),
        coaching.objectives_per_owner_hint(5, "A"),
        coaching.target_hint("metric", D(1), D(1)),
        coaching.target_hint("metric", D(1), None),
        coaching.task_hint("Launch it", "milestone"),
        coaching.committed_at_risk_hint(
            objective_type="committed", statuses=["at_risk"], expected=D(0)
        ),
    ]
    assert len({hint.code for hint in hints}) == len(hints)
    for hint in hints:
        assert hint.rule.strip() and hint.fix.strip()
        assert hint.rule != hint.fix


# --- The shipped library follows its own advice ------------------------------------------------


@pytest.mark.parametrize("entry", LIBRARY, ids=[entry["key"] for entry in LIBRARY])
def test_every_library_template_passes_the_coaching(entry):
    assert (
        coaching.objective_hints(
            title=entry["title"],
            objective_type=entry["objective_type"],
            key_result_count=len(entry["key_results"]),
        )
        == []
    )
    for kr in entry["key_results"]:
        assert (
            coaching.key_result_hints(
                title=kr["title"], kind=kr["kind"], start=D(kr["start"]), target=D(kr["target"])
            )
            == []
        ), kr["title"]
