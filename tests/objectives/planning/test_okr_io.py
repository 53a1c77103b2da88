"""Export (CSV, XLSX) and import (CSV) of a cycle's OKRs: the format, the formula guard, the
round trip, and every kind of bad file, none of which writes anything."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from checkins.services import record_checkin
from domain.errors import CycleStateError
from objectives.models import Cycle, KeyResult, Objective
from objectives.planning import spreadsheets as okr_io
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

HEADER = okr_io.REQUIRED_COLUMNS


@pytest.fixture
def planning() -> Cycle:
    return CycleFactory(name="2027 Q1", state="planning", start_date=date(2027, 1, 1))


def _row(**cells: str) -> dict[str, str]:
    row = {
        "objective_ref": "N1",
        "objective": "Make onboarding a joy",
        "owner_team": "product",
        "type": "aspirational",
        "visibility": "public",
        "key_result": "Raise activation from 20% to 60%",
        "kr_owner": "owner",
        "kind": "metric",
        "unit": "%",
        "start": "20",
        "target": "60",
        "weight": "1",
    }
    row.update(cells)
    return row


def _csv(rows: list[dict[str, str]], header: list[str] = HEADER, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode("utf-8")


def _database() -> tuple:
    return (
        list(Objective.objects.order_by("pk").values()),
        list(KeyResult.objects.order_by("pk").values()),
    )


def _errors(plan: okr_io.ImportPlan) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in plan.errors]


# --- Export ------------------------------------------------------------------------------------


@pytest.fixture
def exported_cycle(cycle, product, owner, manager, key_result):
    """A team objective with a checked-in key result and an individual objective aligned to it."""
    record_checkin(actor=owner, key_result=key_result, value=Decimal(40), confidence=4)
    child = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        parent=key_result.objective,
        title="신규 고객 온보딩 경험 개선",
        objective_type="committed",
    )
    KeyResultFactory(
        objective=child,
        owner=owner,
        title="Keep churn at or below 2.5%",
        kind="at_most",
        start_value=Decimal("3.1"),
        target_value=Decimal("2.5"),
        weight=Decimal("0.5"),
        unit="%",
    )
    return cycle


def _export_table(cycle: Cycle, viewer) -> list[dict[str, str]]:
    content = okr_io.export_csv(okr_io.export_rows(cycle=cycle, viewer=viewer))
    assert content.startswith("\ufeff".encode())  # Excel reads UTF-8 with its byte-order mark
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert reader.fieldnames == okr_io.COLUMNS
    return list(reader)


def test_the_export_has_objectives_key_results_owners_alignment_values_and_scores(
    exported_cycle, key_result, manager
):
    rows = _export_table(exported_cycle, manager)
    team, individual = rows
    team_objective = key_result.objective
    assert team == {
        "objective_ref": f"O{team_objective.pk}",
        "parent_ref": "",
        "objective": "Make onboarding effortless",
        "description": "",
        "owner_team": "product",
        "owner_user": "",
        "type": "aspirational",
        "visibility": "public",
        "key_result": "Raise activation from 20% to 60%",
        "kr_owner": "owner",
        "kind": "metric",
        "unit": "%",
        "start": "20",
        "target": "60",
        "weight": "1",
        "current": "40",
        "kr_progress": "0.50",
        "kr_score": "0.50",
        "objective_progress": "0.50",
        "objective_score": "0.50",
        **dict.fromkeys(okr_io.INITIATIVE_COLUMNS, ""),  # a key result's row names none
    }
    assert individual["parent_ref"] == f"O{team_objective.pk}"
    assert individual["objective"] == "신규 고객 온보딩 경험 개선"
    assert (individual["owner_team"], individual["owner_user"]) == ("", "owner")
    assert (individual["kind"], individual["start"], individual["target"]) == (
        "at_most",
        "3.1",
        "2.5",
    )
    assert (individual["weight"], individual["current"], individual["type"]) == (
        "0.5",
        "",
        "committed",
    )


def test_an_objective_without_key_results_is_one_row(cycle, product, manager):
    ObjectiveFactory(cycle=cycle, owner_team=product, title="Be loved")
    (row,) = _export_table(cycle, manager)
    assert row["objective"] == "Be loved"
    assert row["key_result"] == row["kind"] == row["objective_progress"] == ""


def test_the_export_shows_only_what_the_viewer_may_see(cycle, product, owner, stranger):
    ObjectiveFactory(cycle=cycle, owner_team=product, title="Secret plan", visibility="private")
    ObjectiveFactory(cycle=cycle, owner_team=product, title="Shelved", archived=True)
    public = ObjectiveFactory(cycle=cycle, owner_team=product, title="Open plan")
    KeyResultFactory(objective=public, owner=owner, title="Gone", archived=True)
    assert [r["objective"] for r in _export_table(cycle, stranger)] == ["Open plan"]
    assert sorted(r["objective"] for r in _export_table(cycle, owner)) == [
        "Open plan",
        "Secret plan",
    ]


FORMULAS = ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\tpadded"]


def test_cells_a_spreadsheet_would_run_are_quoted_and_read_back(cycle, product, owner, admin):
    for n, text in enumerate(FORMULAS):
        objective = ObjectiveFactory(cycle=cycle, owner_team=product, title=text)
        KeyResultFactory(
            objective=objective,
            owner=owner,
            title=f"{text} measure {n}",
            start_value=Decimal(-5),
            target_value=Decimal(5),
        )
    rows = _export_table(cycle, admin)
    assert sorted(r["objective"] for r in rows) == sorted(f"'{text}" for text in FORMULAS)
    assert {r["start"] for r in rows} == {"-5"}  # a number is not text: no quote
    # The import takes the quote off again.
    planning = CycleFactory(state="planning", start_date=date(2027, 1, 1))
    content = okr_io.export_csv(okr_io.export_rows(cycle=cycle, viewer=admin))
    created = okr_io.import_okrs(actor=admin, cycle=planning, content=content)
    assert sorted(o.title for o in created) == sorted(text.strip() for text in FORMULAS)


def test_xlsx_export_writes_text_as_text_and_numbers_as_numbers(exported_cycle, product, manager):
    ObjectiveFactory(cycle=exported_cycle, owner_team=product, title="=1+1")
    content = okr_io.export_xlsx(
        okr_io.export_rows(cycle=exported_cycle, viewer=manager), title="2026 Q4"
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "2026 Q4"
    assert [cell.value for cell in sheet[1]] == okr_io.COLUMNS
    formula_cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[2].value == "=1+1")
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix
    first = next(
        row for row in sheet.iter_rows(min_row=2) if row[2].value == "Make onboarding effortless"
    )
    start = first[okr_io.COLUMNS.index("start")]
    assert start.data_type == "n" and start.value == 20
    assert first[okr_io.COLUMNS.index("kr_progress")].value == Decimal("0.50")


def test_export_views(client, exported_cycle, manager):
    client.force_login(manager)
    response = client.get(reverse("okr_export_csv") + f"?cycle={exported_cycle.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="okrs-2026-q4.csv"'
    assert "신규 고객" in response.content.decode("utf-8-sig")
    response = client.get(reverse("okr_export_xlsx") + f"?cycle={exported_cycle.pk}")
    assert response["Content-Type"] == okr_io.XLSX_CONTENT_TYPE
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 3
    assert client.get(reverse("okr_export_csv")).status_code == 404  # which cycle?
    assert client.get(reverse("okr_export_csv") + "?cycle=999999").status_code == 404


# Session, user, the cycle, the manager's teams (2), the objectives, their key results, their
# initiatives.
EXPORT_QUERIES = 8


@pytest.mark.parametrize("size", [3, 30])
def test_export_runs_a_fixed_number_of_queries(
    client, cycle, product, owner, manager, size, django_assert_num_queries
):
    for n in range(size):
        objective = ObjectiveFactory(cycle=cycle, owner_team=product, title=f"Objective {n}")
        for _ in range(2):
            KeyResultFactory(objective=objective, owner=owner)
    client.force_login(manager)
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("okr_export_csv") + f"?cycle={cycle.pk}")
    assert response.content.decode("utf-8-sig").count("\r\n") == 2 * size + 1


# --- Import: the happy paths -------------------------------------------------------------------


def test_an_export_imports_into_a_planning_cycle(exported_cycle, planning, admin, key_result):
    content = okr_io.export_csv(okr_io.export_rows(cycle=exported_cycle, viewer=admin))
    plan = okr_io.plan_import(actor=admin, cycle=planning, content=content)
    assert plan.ok, plan.errors
    assert (len(plan.objectives), plan.key_result_count) == (2, 2)
    assert _database() == _database()  # the dry run...
    assert not Objective.objects.filter(cycle=planning).exists()  # ...wrote nothing

    created = okr_io.import_okrs(actor=admin, cycle=planning, content=content)
    team, individual = created
    assert (team.owner_team.slug, team.parent) == ("product", None)
    assert (individual.owner_user.username, individual.parent) == ("owner", team)
    assert individual.objective_type == "committed"
    kr = team.key_results.get()
    assert (kr.title, kr.owner.username, kr.start_value, kr.target_value, kr.unit) == (
        "Raise activation from 20% to 60%",
        "owner",
        Decimal(20),
        Decimal(60),
        "%",
    )
    assert kr.current_value is None  # where things stood is not carried over
    level = individual.key_results.get()
    assert (level.kind, level.weight) == ("at_most", Decimal("0.5"))


def test_a_row_may_align_to_an_objective_already_in_the_cycle(planning, company, manager, owner):
    existing = ObjectiveFactory(cycle=planning, owner_team=company, title="Company goal")
    content = _csv([_row(parent_ref=f"O{existing.pk}")])
    (created,) = okr_io.import_okrs(actor=manager, cycle=planning, content=content)
    assert created.parent == existing


def test_semicolons_and_blank_defaults_are_understood(planning, manager):
    content = _csv(
        [_row(type="", visibility="", kind="", start="", weight="", kr_owner="")], delimiter=";"
    )
    (created,) = okr_io.import_okrs(actor=manager, cycle=planning, content=content)
    kr = created.key_results.get()
    assert (created.objective_type, created.visibility) == ("aspirational", "public")
    assert (kr.kind, kr.start_value, kr.weight, kr.owner) == ("metric", 0, 1, manager)


def test_several_key_results_of_one_objective(planning, manager, owner):
    content = _csv(
        [
            _row(),
            _row(objective="", owner_team="", key_result="Cut setup time from 9 to 3 days",
                 start="9", target="3", unit="days"),
            _row(key_result="Onboarding checklist live", kind="milestone", start="", target=""),
        ]
    )  # fmt: skip
    (created,) = okr_io.import_okrs(actor=manager, cycle=planning, content=content)
    assert list(created.key_results.order_by("order").values_list("title", "order")) == [
        ("Raise activation from 20% to 60%", 0),
        ("Cut setup time from 9 to 3 days", 1),
        ("Onboarding checklist live", 2),
    ]


# --- Import: every kind of bad file writes nothing ---------------------------------------------


BAD_ROWS = [
    # (what, rows, [(row, column)], a piece of the message)
    ("unknown owner", [_row(owner_team="nowhere")], [(2, "owner_team")], "No team"),
    (
        "unknown person",
        [_row(owner_team="", owner_user="nobody")],
        [(2, "owner_user")],
        "No active",
    ),
    ("unknown key result owner", [_row(kr_owner="ghost")], [(2, "kr_owner")], "ghost"),
    ("two owners", [_row(owner_user="owner")], [(2, "owner_team")], "one owner"),
    ("no owner", [_row(owner_team="")], [(2, "owner_user")], "one owner"),
    ("unknown parent", [_row(parent_ref="X9")], [(2, "parent_ref")], "Unknown parent"),
    ("unknown parent id", [_row(parent_ref="O999999")], [(2, "parent_ref")], "Unknown parent"),
    ("own parent", [_row(parent_ref="N1")], [(2, "parent_ref")], "own parent"),
    (
        "a loop",
        [_row(parent_ref="N2"), _row(objective_ref="N2", objective="Other", parent_ref="N1")],
        [(2, "parent_ref"), (3, "parent_ref")],
        "loop",
    ),
    ("NaN", [_row(target="NaN")], [(2, "target")], "finite"),
    ("Infinity", [_row(target="Infinity")], [(2, "target")], "finite"),
    ("minus infinity", [_row(start="-Infinity")], [(2, "start")], "finite"),
    ("text", [_row(target="sixty")], [(2, "target")], "plain number"),
    ("thousands separator", [_row(start="1,5")], [(2, "start")], "plain number"),
    ("too large", [_row(target="1e400")], [(2, "target")], "between"),
    ("too precise", [_row(target="60.123456")], [(2, "target")], "decimals"),
    ("zero weight", [_row(weight="0")], [(2, "weight")], "above 0"),
    ("no target", [_row(target="")], [(2, "target")], "Enter a number"),
    ("target equals start", [_row(target="20")], [(2, "target")], "must differ"),
    ("unknown kind", [_row(kind="vibes")], [(2, "kind")], "metric, at_least"),
    ("unknown type", [_row(type="maybe")], [(2, "type")], "aspirational"),
    ("unknown visibility", [_row(visibility="secret")], [(2, "visibility")], "public"),
    ("no title", [_row(objective="")], [(2, "objective")], "title"),
    ("no reference", [_row(objective_ref="")], [(2, "objective_ref")], "reference"),
    (
        "key result columns without a title",
        [_row(key_result="")],
        [(2, "key_result")],
        "needs a title",
    ),
    ("duplicate row", [_row(), _row()], [(3, "key_result")], "Duplicate of row 2"),
    (
        "duplicate objective",
        [_row(), _row(objective_ref="N2", key_result="Other")],
        [(3, "objective")],
        "Duplicate of the objective on row 2",
    ),
    (
        "contradicting rows",
        [_row(), _row(objective="Something else", key_result="Other")],
        [(3, "objective")],
        "Differs from row 2",
    ),
    (
        "too many cells",
        [_row()],  # plus a stray cell, added below
        [(2, "")],
        "more cells",
    ),
]


@pytest.mark.parametrize(
    ("what", "rows", "where", "message"), BAD_ROWS, ids=[case[0] for case in BAD_ROWS]
)
def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(
    planning, manager, owner, what, rows, where, message
):
    content = _csv(rows)
    if what == "too many cells":
        content = content.rstrip(b"\r\n") + b",stray\r\n"
    before = _database()
    plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
    assert not plan.ok
    assert _errors(plan) == where, plan.errors
    assert message in " ".join(e.message for e in plan.errors)
    with pytest.raises(ValidationError):
        okr_io.import_okrs(actor=manager, cycle=planning, content=content)
    assert _database() == before


def test_one_bad_row_among_good_ones_writes_nothing(planning, manager, owner):
    good = [_row(objective_ref=f"N{n}", objective=f"Objective {n}") for n in range(5)]
    content = _csv([*good, _row(objective_ref="N9", objective="Bad", target="NaN")])
    plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
    assert _errors(plan) == [(7, "target")]
    assert len(plan.objectives) == 6  # the preview still shows what the rows describe
    with pytest.raises(ValidationError):
        okr_io.import_okrs(actor=manager, cycle=planning, content=content)
    assert not Objective.objects.filter(cycle=planning).exists()


def test_an_objective_already_in_the_cycle_is_not_imported_twice(planning, manager, owner, product):
    ObjectiveFactory(cycle=planning, owner_team=product, title="Make onboarding a joy")
    plan = okr_io.plan_import(actor=manager, cycle=planning, content=_csv([_row()]))
    assert _errors(plan) == [(2, "objective")]
    assert "already in 2027 Q1" in plan.errors[0].message


def test_each_row_needs_the_importers_permission(planning, owner):
    content = _csv([_row(), _row(objective_ref="N2", owner_team="", owner_user="owner")])
    plan = okr_io.plan_import(actor=owner, cycle=planning, content=content)
    assert _errors(plan) == [(2, "owner_team")]  # the team is not theirs; their own row is
    assert "may not write objectives for Product" in plan.errors[0].message


BAD_COLUMNS = [
    ("a missing column", [c for c in HEADER if c != "target"], [(1, "target")], "missing"),
    ("an unknown column", [*HEADER, "colour"], [(1, "colour")], "Unknown column"),
    ("a column twice", [*HEADER, "unit"], [(1, "unit")], "twice"),
    ("a column without a name", [*HEADER, ""], [(1, "")], "no name"),
]


@pytest.mark.parametrize(
    ("what", "header", "where", "message"), BAD_COLUMNS, ids=[case[0] for case in BAD_COLUMNS]
)
def test_wrong_columns_are_refused(planning, manager, owner, what, header, where, message):
    content = _csv([_row()], header=header)
    plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
    assert _errors(plan) == where
    assert message in plan.errors[0].message
    with pytest.raises(ValidationError):
        okr_io.import_okrs(actor=manager, cycle=planning, content=content)
    assert not Objective.objects.filter(cycle=planning).exists()


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


BAD_FILES = [
    ("latin-1", "Make onboarding café".encode("latin-1") + b"\n", "not UTF-8"),
    (
        "not UTF-8 on row 3",
        _csv([_row(), _row(objective_ref="N2")]).replace(b"N2", b"N\xff2"),
        "row 3",
    ),
    ("an Excel workbook", _xlsx_bytes(), "Excel workbook"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
    ("empty", b"", "empty"),
    ("blank", b" \r\n \r\n", "empty"),
    ("a header only", _csv([]), "no rows"),
    ("a broken quote", _csv([_row()]) + b'N2,,"unterminated\r\n', "well-formed CSV"),
    ("too large", b"x" * (okr_io.MAX_IMPORT_BYTES + 1), "larger than 1 MB"),
]


@pytest.mark.parametrize(("what", "content", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_files_that_are_not_utf8_csv_are_refused(planning, manager, owner, what, content, message):
    plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
    assert not plan.ok
    assert message in plan.errors[0].message, plan.errors
    with pytest.raises(ValidationError):
        okr_io.import_okrs(actor=manager, cycle=planning, content=content)
    assert not Objective.objects.filter(cycle=planning).exists()


def test_too_many_rows_are_refused(planning, manager, owner):
    rows = [
        _row(objective_ref=f"N{n}", objective=f"O{n}") for n in range(okr_io.MAX_IMPORT_ROWS + 1)
    ]
    plan = okr_io.plan_import(actor=manager, cycle=planning, content=_csv(rows))
    assert "more than 2000 rows" in plan.errors[0].message


@pytest.mark.parametrize("state", ["active", "grading", "closed"])
def test_imports_go_only_into_a_planning_cycle(planning, manager, owner, state):
    planning.state = state
    planning.save(update_fields=["state"])
    with pytest.raises(CycleStateError, match=f"is {state}"):
        okr_io.import_okrs(actor=manager, cycle=planning, content=_csv([_row()]))
    assert not Objective.objects.filter(cycle=planning).exists()


@pytest.mark.parametrize("size", [5, 60])
def test_the_dry_run_reads_a_fixed_number_of_queries(
    planning, manager, owner, size, django_assert_num_queries
):
    rows = [
        _row(objective_ref=f"N{n}", objective=f"Objective {n}", parent_ref="N0" if n else "")
        for n in range(size)
    ]
    content = _csv(rows)
    # Teams, people, the manager's scope (memberships, team tree, people managed), the cycle's
    # objectives.
    with django_assert_num_queries(6):
        plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
    assert plan.ok and len(plan.objectives) == size


# --- The import page ---------------------------------------------------------------------------


def _upload(content: bytes, name: str = "okrs.csv") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_the_page_dry_runs_then_imports_on_confirmation(client, planning, manager, owner):
    client.force_login(manager)
    page = client.get(reverse("okr_import") + f"?cycle={planning.pk}")
    assert page.status_code == 200 and "Check the file (dry run)" in page.content.decode()

    content = _csv([_row(), _row(objective_ref="N2", objective="Second", parent_ref="N1")])
    preview = client.post(
        reverse("okr_import"),
        {"cycle": planning.pk, "action": "preview", "file": _upload(content)},
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Ready: 2 objectives and 2 key results would be created" in html
    assert 'name="content"' in html and "Import 2 objectives" in html
    assert not Objective.objects.filter(cycle=planning).exists()

    confirmed = client.post(
        reverse("okr_import"),
        {"cycle": planning.pk, "action": "confirm", "content": preview.context["content"]},
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("plan") + f"?cycle={planning.pk}"
    second = Objective.objects.get(cycle=planning, title="Second")
    assert second.parent.title == "Make onboarding a joy"


def test_the_page_lists_every_error_and_offers_no_confirmation(client, planning, manager, owner):
    client.force_login(manager)
    content = _csv([_row(target="NaN"), _row(objective_ref="N2", objective="B", owner_team="x")])
    response = client.post(
        reverse("okr_import"), {"cycle": planning.pk, "action": "preview", "file": _upload(content)}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "2 problems: nothing was imported" in html
    assert "<td>target</td>" in html and "<td>owner_team</td>" in html
    assert 'value="confirm"' not in html


def test_a_tampered_confirmation_is_checked_again(client, planning, manager):
    client.force_login(manager)
    response = client.post(
        reverse("okr_import"),
        {"cycle": planning.pk, "action": "confirm", "content": _csv([_row(target="x")]).decode()},
    )
    assert response.status_code == 422
    assert not Objective.objects.filter(cycle=planning).exists()


def test_the_page_refuses_a_cycle_not_in_planning(client, cycle, manager):
    client.force_login(manager)
    page = client.get(reverse("okr_import") + f"?cycle={cycle.pk}")
    assert "imported into a cycle in planning" in page.content.decode()
    response = client.post(
        reverse("okr_import"),
        {"cycle": cycle.pk, "action": "preview", "file": _upload(_csv([_row()]))},
    )
    assert response.status_code == 409
    assert "is active" in response.content.decode()


def test_no_file_is_a_form_error(client, planning, manager):
    client.force_login(manager)
    response = client.post(reverse("okr_import"), {"cycle": planning.pk, "action": "preview"})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
