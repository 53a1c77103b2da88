"""Markup in titles and notes is shown as text everywhere (pages, fragments, e-mails), and
spreadsheet formulas in them never run (CSV and XLSX cells get a leading apostrophe)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from checkins.services import record_checkin
from objectives.models import Cycle
from reminders.emails import compose_test
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'
FORMULA = '=HYPERLINK("http://evil.example","click")'
FORMULAS = (FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(cycle, team_objective, owner, manager, admin):
    """An objective and key results whose words are markup and formulas, with a check-in."""
    objective = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        parent=team_objective,
        title=f"{SCRIPT} {IMAGE}",
        description=f"{SCRIPT} why",
    )
    krs = [
        KeyResultFactory(
            objective=objective,
            owner=owner,
            title=title,
            unit="<b>u</b>",
            start_value=Decimal(0),
            target_value=Decimal(10),
        )
        for title in (f"{SCRIPT} first", *FORMULAS)
    ]
    record_checkin(
        actor=owner,
        key_result=krs[0],
        value=Decimal(3),
        confidence=2,
        what_changed=f"{SCRIPT} note",
        blockers=IMAGE,
        now=timezone.now() - timedelta(days=1),
    )
    formula_objective = ObjectiveFactory(
        cycle=cycle, owner_team=None, owner_user=owner, title=FORMULA, description="@cmd"
    )
    KeyResultFactory(objective=formula_objective, owner=owner, title="-1 bugs", target_value=5)
    return {"objective": objective, "krs": krs, "formula_objective": formula_objective}


def _pages(h: dict, cycle: Cycle) -> list[tuple[str, dict]]:
    q = f"?cycle={cycle.pk}"
    objective, kr = h["objective"], h["krs"][0]
    return [
        (reverse("my_week"), {}),
        (reverse("team_dashboard", args=["product"]) + q, {}),
        (reverse("team_dashboard", args=["product"]) + q, {"HX-Request": "true"}),
        (reverse("company") + q, {}),
        (reverse("objective_children", args=[objective.parent_id]), {"HX-Request": "true"}),
        (reverse("objective", args=[objective.pk]), {}),
        (reverse("key_result", args=[kr.pk]), {}),
        (reverse("check_in", args=[kr.pk]), {}),
        (reverse("check_in", args=[kr.pk]), {"HX-Request": "true"}),
        (reverse("plan") + q, {}),
        (reverse("objective_plan", args=[objective.pk]), {}),
        (reverse("objective_edit", args=[objective.pk]), {}),
        (reverse("key_result_edit", args=[kr.pk]), {}),
        (reverse("alignment_picker") + q + "&parent_q=script", {"HX-Request": "true"}),
        (reverse("grading") + q, {}),
        (reverse("cycle_report") + q, {}),
        (reverse("carry_over") + q, {}),
    ]


@pytest.mark.parametrize("reader", ["owner", "admin"])
def test_markup_in_titles_and_notes_is_escaped_on_every_page(
    reader, hostile, cycle, client: Client, request
):
    client.force_login(request.getfixturevalue(reader))
    for url, headers in _pages(hostile, cycle):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SCRIPT not in body, f"raw <script> on {url}"
        assert IMAGE not in body, f"raw <img onerror> on {url}"
        assert "onerror=" not in body.replace("onerror=&quot;", ""), url
    # And it is there, as text, where titles show.
    page = client.get(reverse("objective", args=[hostile["objective"].pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markup_in_a_titles_is_escaped_in_reminder_and_digest_emails(hostile, owner, manager):
    now = timezone.now()
    for user, kind in ((owner, "reminder"), (owner, "nudge"), (manager, "digest")):
        message = compose_test(user=user, kind=kind, now=now)
        html = "".join(content for content, mime in message.alternatives if mime == "text/html")
        assert html, kind
        assert SCRIPT not in html and IMAGE not in html, kind
        assert "&lt;script&gt;" in html, f"the title is missing from the {kind}"
        # Plain text is plain: the words as typed, and no HTML part mixed into it.
        assert "<html" not in message.body


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_no_live_formula(cells: list[str], where: str) -> None:
    for cell in cells:
        if cell.startswith(FORMULA_PREFIXES):
            # A plain number ("-2.5") is data, not a formula.
            try:
                Decimal(cell)
            except ArithmeticError:
                pytest.fail(f"{where}: a cell a spreadsheet would run: {cell!r}")


def test_csv_exports_guard_against_formula_injection(hostile, cycle, owner, client: Client):
    client.force_login(owner)
    for name in ("okr_export_csv", "cycle_report_csv"):
        response = client.get(reverse(name) + f"?cycle={cycle.pk}")
        assert response.status_code == 200
        cells = _csv_cells(response.content)
        _assert_no_live_formula(cells, name)
        assert f"'{FORMULA}" in cells, f"{name} lost the formula-looking title"
        assert SCRIPT + " first" in cells, f"{name}: CSV is data, markup stays as typed"


def test_xlsx_export_has_no_formula_cells(hostile, cycle, owner, client: Client):
    """In XLSX the guard is the cell's type: formula-looking words are string cells, which a
    spreadsheet shows and never runs (a CSV has no types, hence its apostrophe)."""
    client.force_login(owner)
    response = client.get(reverse("okr_export_xlsx") + f"?cycle={cycle.pk}")
    book = load_workbook(io.BytesIO(response.content))
    texts = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula cell {cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts[cell.value] = cell.data_type
    assert texts.get(FORMULA) == "s" or texts.get(f"'{FORMULA}") == "s", texts
