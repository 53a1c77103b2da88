"""The quarter's life in a real browser: the admin creates the next quarter and activates it, moves
the current one to grading; the employee grades a key result with a note; the admin closes the
quarter; the report shows the frozen grade."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from objectives.models import Cycle, CycleTransition, KeyResult

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def _sign_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login/"))


def _move(page, cycle: Cycle, link: str, confirm: str) -> None:
    """On the cycle's page: open the confirmation in place, then confirm."""
    page.goto(f"/cycles/{cycle.pk}/")
    page.get_by_role("link", name=link).click()
    page.get_by_role("region", name="Confirm the change").wait_for()
    page.get_by_role("button", name=confirm).click()
    page.wait_for_url(re.compile(rf"/cycles/{cycle.pk}/$"))


def test_a_quarter_from_creation_to_its_frozen_report(page):
    call_command("seed_demo", verbosity=0)
    current = Cycle.objects.get(state="active")
    kr = (
        KeyResult.objects.filter(
            owner__username="employee", objective__cycle=current, kind="metric", archived=False
        )
        .order_by("objective_id", "order")
        .first()
    )

    # The admin creates the next quarter with the quarter picker and activates it.
    _sign_in(page, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cycles").click()
    page.get_by_role("link", name="New cycle").click()
    page.get_by_role("button", name="Fill in name and dates").click()
    # The HTMX swap fills the fields in place (a web-first wait: no script evaluated in the page,
    # which the strict CSP would refuse).
    expect(page.get_by_label("Name")).to_have_value(re.compile(r"^\d{4} Q[1-4]$"))
    name = page.get_by_label("Name").input_value()
    page.get_by_role("button", name="Create cycle").click()
    page.get_by_text(f"“{name}” is created, in planning.").wait_for()
    created = Cycle.objects.get(name=name)
    assert created.start_date > current.end_date
    _move(page, created, "Activate…", f"Yes, activate {name}")
    page.get_by_text(f"“{name}” is now active.").wait_for()

    # ... and moves the current quarter to grading.
    _move(page, current, "Move to grading…", f"Yes, move to grading {current.name}")
    page.get_by_text(f"“{current.name}” is now grading.").wait_for()
    _sign_out(page)

    # The employee grades one of their key results, with a note, without a page load.
    _sign_in(page, "employee")
    page.goto("/cycles/grading/")
    row = page.locator(f"#grade-kr-{kr.pk}")
    page.evaluate("window.__sameDocument = true")
    row.get_by_role("link", name="Grade").click()
    row.get_by_label("Final grade").fill("0.8")
    row.get_by_label("Retrospective note").fill("The new tour landed; invites still leak.")
    row.get_by_role("button", name="Save grade").click()
    row.get_by_text("Saved").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert row.get_by_test_id("kr-score").inner_text() == "0.80"
    assert "The new tour landed" in row.get_by_test_id("grade-note").inner_text()
    _sign_out(page)

    # The admin closes the quarter; the report shows the frozen grade.
    _sign_in(page, "admin")
    _move(page, current, "Close the cycle…", f"Yes, close {current.name}")
    page.get_by_text(f"“{current.name}” is now closed.").wait_for()
    page.get_by_role("link", name="Report").first.click()
    page.wait_for_url(re.compile(rf"/cycles/report/\?cycle={current.pk}$"))
    assert "stored when the cycle closed" in page.get_by_test_id("report-basis").inner_text()
    report_row = page.locator(f"#report-kr-{kr.pk}")
    assert report_row.get_by_test_id("kr-score").inner_text() == "0.80"
    assert "The new tour landed" in report_row.inner_text()

    kr.refresh_from_db()
    assert (kr.final_grade, kr.frozen_score) == (Decimal("0.8"), Decimal("0.8"))
    steps = list(
        CycleTransition.objects.filter(cycle__in=[current, created])
        .order_by("at")
        .values_list("cycle__name", "to_state", "actor__username")
    )
    assert steps[-3:] == [
        (name, "active", "admin"),
        (current.name, "grading", "admin"),
        (current.name, "closed", "admin"),
    ]
