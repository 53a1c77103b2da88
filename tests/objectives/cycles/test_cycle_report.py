"""The cycle report: bands, averages, objectives with grades and reflections, the CSV; readable
by everyone, private objectives only for those who may see them; frozen numbers once closed."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.services import record_checkin
from dashboards.selectors import cycle_report
from dashboards.selectors.cycle_report import csv_safe
from objectives import stored_scores
from objectives.cycles import services as cycle_services
from objectives.models import Cycle, KeyResult
from tests.factories import (
    KeyResultFactory,
    ObjectiveFactory,
    ObjectiveReflectionFactory,
)

pytestmark = pytest.mark.django_db


def _url(cycle: Cycle, name: str = "cycle_report") -> str:
    return f"{reverse(name)}?cycle={cycle.pk}"


def _kr(objective, owner, value=None, **kwargs) -> KeyResult:
    kr = KeyResultFactory(objective=objective, owner=owner, **kwargs)
    if value is not None:
        record_checkin(actor=owner, key_result=kr, value=Decimal(value), confidence=4)
    return kr


@pytest.fixture
def graded_cycle(cycle, company, product, sales, owner, stranger, admin):
    """Company, two teams and a private individual objective; then grading with one grade."""
    company_goal = ObjectiveFactory(cycle=cycle, owner_team=company, title="Company goal")
    _kr(company_goal, owner, 100)  # 1.0
    _kr(company_goal, owner, 30)  # 0.3
    committed = ObjectiveFactory(
        cycle=cycle, owner_team=product, title="Ship it", objective_type="committed"
    )
    _kr(committed, owner, 100)  # 1.0 green for committed
    _kr(committed, owner, 80)  # 0.8 yellow for committed
    sales_goal = ObjectiveFactory(cycle=cycle, owner_team=sales, title="=HYPERLINK(evil)")
    graded = _kr(sales_goal, stranger, 10, title="+cmd|' /C calc'!A0")
    secret = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=stranger,
        visibility="private",
        title="Secret plan",
    )
    _kr(secret, stranger, 90)
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="grading")
    graded.final_grade = Decimal("0.5")
    graded.grade_note = "-2 deals slipped"
    graded.save(update_fields=["final_grade", "grade_note"])
    stored_scores.refresh(objective_ids=[graded.objective_id])  # as grading does
    ObjectiveReflectionFactory(
        objective=committed, author=owner, what_worked="Pairing on the hard parts."
    )
    return cycle


@pytest.mark.parametrize("who", ["owner", "teammate", "manager", "stranger", "admin"])
def test_everyone_reads_the_report(client, request, who, graded_cycle):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url(graded_cycle))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Company goal" in html and "Pairing on the hard parts." in html
    assert "Provisional" in html
    assert ("Secret plan" in html) == (who in ("stranger", "admin"))


def test_bands_averages_and_scores(graded_cycle, owner):
    report = cycle_report(cycle=graded_cycle, viewer=owner)
    assert report.histogram == {
        "committed": {"red": 0, "yellow": 1, "green": 1},
        "aspirational": {"red": 1, "yellow": 1, "green": 1},
    }
    assert report.company.score == Decimal("0.65")
    assert [(t.name, t.score) for t in report.teams] == [
        ("Product", Decimal("0.9")),
        ("Sales", Decimal("0.5")),
    ]
    heights = {(bar.objective_type, bar.band): bar.height for bar in report.bars}
    assert heights[("aspirational", "green")] == heights[("committed", "green")] > 0
    assert heights[("committed", "red")] == 0


def test_private_objectives_never_count_for_those_who_may_not_see_them(graded_cycle, owner):
    report = cycle_report(cycle=graded_cycle, viewer=owner)
    assert "Secret plan" not in [o.objective.title for o in report.objectives]
    assert "Secret plan" not in report.csv_text()
    total = sum(n for bands in report.histogram.values() for n in bands.values())
    assert total == 5


def test_a_closed_cycle_shows_its_frozen_numbers_whatever_happens_later(
    client, graded_cycle, admin, owner
):
    cycle_services.transition_cycle(actor=admin, cycle=graded_cycle, to_state="closed")
    # A later change to the inputs (or to the formula) must not rewrite the closed quarter.
    KeyResult.objects.filter(objective__cycle=graded_cycle).update(
        current_value=0, final_grade=None
    )
    client.force_login(owner)
    response = client.get(_url(graded_cycle))
    html = response.content.decode()
    assert "Final scores, stored when the cycle closed." in html
    report = response.context["report"]
    assert report.company.score == Decimal("0.65")
    company_goal = next(o for o in report.objectives if o.objective.title == "Company goal")
    assert [row.score for row in company_goal.key_results] == [Decimal(1), Decimal("0.3")]
    assert company_goal.score == Decimal("0.65")


def test_csv_has_every_score_and_is_safe_in_a_spreadsheet(client, graded_cycle, owner):
    client.force_login(owner)
    response = client.get(_url(graded_cycle, "cycle_report_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="okr-scores-2026-q4.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())  # Excel reads UTF-8 with its BOM
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    evil = next(r for r in rows if r["objective"].startswith("'="))
    assert evil["objective"] == "'=HYPERLINK(evil)"
    assert evil["key result"] == "'+cmd|' /C calc'!A0"
    assert evil["grade note"] == "'-2 deals slipped"
    assert (evil["final grade"], evil["score"], evil["band"]) == ("0.50", "0.50", "yellow")
    first = rows[0]
    assert (first["objective"], first["level"], first["score"], first["frozen"]) == (
        "Company goal",
        "company",
        "1.00",
        "no",
    )


def _score_cells(response) -> list[dict[str, str]]:
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    columns = ("objective", "objective score", "key result", "progress", "final grade", "score")
    return [{column: row[column] for column in columns} for row in rows]


def test_csv_scores_read_as_on_the_page_and_alike_open_or_closed(
    client, cycle, company, owner, admin
):
    """An open cycle's scores are quotients worked out today (a third is 0.333… to 28 digits),
    a closed one's were stored with four decimals: the file shows both as the page does."""
    goal = ObjectiveFactory(cycle=cycle, owner_team=company, title="Thirds")
    _kr(goal, owner, 1, title="A third", start_value=Decimal(0), target_value=Decimal(3))
    _kr(goal, owner, 68, title="Most", start_value=Decimal(0), target_value=Decimal(100))
    client.force_login(owner)
    active = client.get(_url(cycle, "cycle_report_csv"))
    expected = [
        {
            "objective": "Thirds",
            "objective score": "0.51",
            "key result": "A third",
            "progress": "0.33",
            "final grade": "",
            "score": "0.33",
        },
        {
            "objective": "Thirds",
            "objective score": "0.51",
            "key result": "Most",
            "progress": "0.68",
            "final grade": "",
            "score": "0.68",
        },
    ]
    assert _score_cells(active) == expected
    page = client.get(_url(cycle)).content.decode()
    assert ">0.51</span>" in page and ">0.33</span>" in page

    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="grading")
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="closed")
    assert _score_cells(client.get(_url(cycle, "cycle_report_csv"))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain", "plain"),
        ("", ""),
        (None, ""),
        (Decimal("0.5"), "0.5"),
    ],
)
def test_csv_cells_that_would_run_as_formulas_get_a_quote(value, expected):
    assert csv_safe(value) == expected


def test_without_a_cycle_the_report_says_so(client, owner):
    client.force_login(owner)
    response = client.get(reverse("cycle_report"))
    assert response.status_code == 200
    assert "No cycle yet" in response.content.decode()
    assert client.get(reverse("cycle_report_csv")).status_code == 404


def test_the_report_defaults_to_the_current_cycle(client, owner, cycle):
    client.force_login(owner)
    assert client.get(reverse("cycle_report")).context["report"].cycle == cycle


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize(("who", "queries"), [("owner", 10), ("manager", 11), ("admin", 10)])
def test_report_runs_a_fixed_number_of_queries(
    client,
    request,
    cycle,
    company,
    product,
    owner,
    admin,
    django_assert_num_queries,
    count,
    who,
    queries,
):
    for n in range(count):
        objective = ObjectiveFactory(
            cycle=cycle, owner_team=product if n % 2 else company, visibility="public"
        )
        for _ in range(3):
            _kr(objective, owner, n, kind="at_most")
        ObjectiveReflectionFactory(objective=objective, author=owner)
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="grading")
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="closed")
    client.force_login(request.getfixturevalue(who))
    # session, user, cycle, managed teams (0-2), the order, the summary (the teams' objectives,
    # the key results by band from the objectives' counts), the page's objectives and their
    # key results, the header's switcher, and for admins its reminders check
    with django_assert_num_queries(queries):
        response = client.get(_url(cycle))
    assert len(response.context["report"].objectives) == count
    # the CSV is the same read without the page around it (no header)
    with django_assert_num_queries(queries - 1 - (who == "admin")):
        client.get(_url(cycle, "cycle_report_csv"))


def test_my_week_of_a_closed_cycle_shows_the_stored_score(client, owner, key_result, cycle):
    record_checkin(actor=owner, key_result=key_result, value=Decimal(40), confidence=4)
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    KeyResult.objects.filter(pk=key_result.pk).update(frozen_score=Decimal("0.35"))
    client.force_login(owner)
    response = client.get(reverse("my_week"), {"cycle": cycle.pk})
    row = response.context["week"].row(key_result.pk)
    assert row.progress == Decimal("0.5")  # progress as measured
    assert row.score == Decimal("0.35")  # the score as it was stored when the cycle closed
