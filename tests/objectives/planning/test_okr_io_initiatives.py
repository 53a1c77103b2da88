"""Initiatives in a cycle's export: a row each after their key result's row, guarded
against formulas, private ones only for those who may see them; an import of the same file
creates the objectives and key results and leaves the initiative rows out, saying so."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from checkins.services import record_checkin
from initiatives.models import Initiative
from objectives.models import Cycle, Objective
from objectives.planning import spreadsheets as okr_io
from tests.factories import CycleFactory, InitiativeFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planning() -> Cycle:
    return CycleFactory(name="2027 Q1", state="planning", start_date=date(2027, 1, 1))


@pytest.fixture
def with_work(cycle, owner, teammate, manager, key_result):
    record_checkin(actor=owner, key_result=key_result, value=Decimal(40), confidence=4)
    due = date(2026, 12, 1)
    InitiativeFactory(
        key_result=key_result,
        owner=teammate,
        title='=HYPERLINK("https://evil.example")',
        status="blocked",
        priority="high",
        due_date=due,
        link="https://tracker.example/T-1",
    )
    InitiativeFactory(
        key_result=key_result, title="Ship the tour", status="done", due_date=due - timedelta(1)
    )
    secret = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=manager,
        title="Become a calmer manager",
        visibility=Objective.Visibility.PRIVATE,
    )
    hidden = KeyResultFactory(objective=secret, owner=manager, title="Secret measure")
    InitiativeFactory(key_result=hidden, title="Secret work")
    return key_result


def _table(cycle, viewer) -> list[dict[str, str]]:
    content = okr_io.export_csv(okr_io.export_rows(cycle=cycle, viewer=viewer))
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_each_initiative_follows_its_key_result_on_a_row_of_its_own(cycle, owner, with_work):
    rows = _table(cycle, owner)
    assert [(r["key_result"], r["initiative"]) for r in rows] == [
        ("Raise activation from 20% to 60%", ""),
        ("Raise activation from 20% to 60%", "Ship the tour"),  # by due date, done ones too
        ("Raise activation from 20% to 60%", '\'=HYPERLINK("https://evil.example")'),
    ]
    blocked = rows[2]
    assert {k: blocked[k] for k in okr_io.INITIATIVE_COLUMNS[1:]} == {
        "initiative_owner": "teammate",
        "initiative_status": "blocked",
        "initiative_priority": "high",
        "initiative_due": "2026-12-01",
        "initiative_link": "https://tracker.example/T-1",
    }
    # The objective's columns repeat; the key result's numbers are on its own row only.
    assert blocked["objective"] == "Make onboarding effortless" and blocked["kr_owner"] == "owner"
    assert all(blocked[c] == "" for c in ("kind", "start", "target", "weight", "current"))


def test_a_private_objectives_initiatives_only_for_those_who_may_see_it(
    cycle, owner, stranger, manager, admin, with_work
):
    for viewer in (owner, stranger):
        assert "Secret work" not in [r["initiative"] for r in _table(cycle, viewer)]
    for viewer in (manager, admin):
        assert "Secret work" in [r["initiative"] for r in _table(cycle, viewer)]


def test_the_xlsx_export_has_them_as_text(client, cycle, manager, with_work):
    client.force_login(manager)
    response = client.get(reverse("okr_export_xlsx") + f"?cycle={cycle.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[-6:] == list(okr_io.INITIATIVE_COLUMNS)
    column = header.index("initiative") + 1
    cells = [sheet.cell(row=n, column=column) for n in range(2, sheet.max_row + 1)]
    formula = next(c for c in cells if c.value and c.value.startswith("="))
    assert formula.data_type == "s" and formula.quotePrefix  # text, never run
    assert "Secret work" in [c.value for c in cells]


def test_a_round_trip_imports_objectives_and_key_results_and_leaves_initiatives_out(
    cycle, admin, planning, with_work
):
    content = okr_io.export_csv(okr_io.export_rows(cycle=cycle, viewer=admin))
    plan = okr_io.plan_import(actor=admin, cycle=planning, content=content)
    assert plan.ok, plan.errors
    assert (len(plan.objectives), plan.key_result_count) == (2, 2)
    assert plan.initiative_rows == [3, 4, 6]
    before = Initiative.objects.count()
    created = okr_io.import_okrs(actor=admin, cycle=planning, content=content)
    assert {o.title for o in created} == {"Make onboarding effortless", "Become a calmer manager"}
    assert [kr.title for kr in created[0].key_results.all()] == ["Raise activation from 20% to 60%"]
    assert Initiative.objects.count() == before
    assert not Initiative.objects.filter(key_result__objective__cycle=planning).exists()


def test_the_dry_run_page_says_the_initiative_rows_are_left_out(
    client, cycle, admin, planning, with_work
):
    content = okr_io.export_csv(okr_io.export_rows(cycle=cycle, viewer=admin))
    client.force_login(admin)
    upload = io.BytesIO(content)
    upload.name = "okrs.csv"
    response = client.post(
        reverse("okr_import"),
        {"cycle": planning.pk, "action": "preview", "file": upload},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 rows hold initiatives (rows 3, 4, 6): initiatives are not imported" in html
    assert "2 objectives and 2 key results would be created" in html


def test_a_row_with_both_a_key_result_and_an_initiative_is_refused(admin, planning, product):
    header = okr_io.REQUIRED_COLUMNS + ["initiative"]
    row = {
        "objective_ref": "N1",
        "objective": "Make onboarding a joy",
        "owner_team": "product",
        "key_result": "Raise activation",
        "kind": "metric",
        "start": "20",
        "target": "60",
        "initiative": "Tour",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow([row.get(column, "") for column in header])
    plan = okr_io.plan_import(actor=admin, cycle=planning, content=buffer.getvalue().encode())
    assert not plan.ok
    assert [(e.row, e.column) for e in plan.errors][0] == (2, "initiative")
    assert not Objective.objects.filter(cycle=planning).exists()


def test_files_without_initiative_columns_still_import(admin, planning, product, owner):
    header = okr_io.REQUIRED_COLUMNS
    assert not set(okr_io.INITIATIVE_COLUMNS) & set(header)
    row = {
        "objective_ref": "N1",
        "objective": "Make onboarding a joy",
        "owner_team": "product",
        "key_result": "Raise activation",
        "kr_owner": "owner",
        "start": "20",
        "target": "60",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow([row.get(column, "") for column in header])
    plan = okr_io.plan_import(actor=admin, cycle=planning, content=buffer.getvalue().encode())
    assert plan.ok, plan.errors
    assert plan.initiative_rows == []


@pytest.mark.parametrize("initiatives_each", [3, 30])
def test_export_queries_stay_fixed_with_initiatives(
    client, cycle, product, owner, manager, initiatives_each, django_assert_num_queries
):
    from tests.objectives.planning.test_okr_io import EXPORT_QUERIES

    krs = [
        KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, owner_team=product), owner=owner)
        for _ in range(3)
    ]
    Initiative.objects.bulk_create(
        Initiative(
            key_result=kr,
            owner=owner,
            title=f"Work {n}",
            due_date=timezone.localdate(),
        )
        for kr in krs
        for n in range(initiatives_each)
    )
    client.force_login(manager)
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("okr_export_csv") + f"?cycle={cycle.pk}")
    assert response.content.decode("utf-8-sig").count("\r\n") == 1 + 3 + 3 * initiatives_each
