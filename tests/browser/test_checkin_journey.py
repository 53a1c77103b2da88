"""An employee's weekly check-in, in a real browser, without a page reload."""

import re

import pytest
from django.core.management import call_command

from objectives.models import KeyResult

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_key_result(employee_username: str) -> KeyResult:
    """One of the employee's metric key results in the active cycle that is not yet done."""
    candidates = KeyResult.objects.filter(
        owner__username=employee_username,
        kind=KeyResult.Kind.METRIC,
        archived=False,
        objective__cycle__state="active",
        objective__archived=False,
    ).select_related("objective")
    for kr in candidates:
        current = kr.start_value if kr.current_value is None else kr.current_value
        if current != kr.target_value:
            return kr
    raise AssertionError("the demo employee has no unfinished metric key result")


def test_employee_checks_in_inline_and_it_persists(page):
    call_command("seed_demo", verbosity=0)
    kr = _open_key_result("employee")

    page.goto("/")
    assert "/login/" in page.url
    page.get_by_label("Username").fill("employee")
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    row = page.locator(f"#kr-{kr.pk}")
    header = page.locator(f"#objective-{kr.objective_id}-header")
    value_before = row.get_by_test_id("kr-value").inner_text()
    progress_before = header.get_by_test_id("objective-progress").inner_text()

    # A marker on window survives HTMX swaps but not a page load.
    page.evaluate("window.__sameDocument = true")
    row.get_by_role("link", name="Check in").click()
    form = row.locator("form.checkin-form")
    form.wait_for()
    new_value = str(kr.target_value.normalize())
    form.get_by_label("Value").fill(new_value)
    form.get_by_label("4 — likely").check()
    form.get_by_label("What changed").fill("Closed the last two deals of the quarter")
    form.get_by_role("button", name="Save check-in").click()

    row.get_by_text("Saved").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    value_after = row.get_by_test_id("kr-value").inner_text()
    progress_after = header.get_by_test_id("objective-progress").inner_text()
    assert value_after != value_before
    assert progress_after != progress_before
    assert row.locator(".chip-done").count() == 1

    page.reload()
    assert page.evaluate("window.__sameDocument") is None
    assert page.locator(f"#kr-{kr.pk}").get_by_test_id("kr-value").inner_text() == value_after
    assert (
        page.locator(f"#objective-{kr.objective_id}-header")
        .get_by_test_id("objective-progress")
        .inner_text()
        == progress_after
    )
    kr.refresh_from_db()
    assert kr.current_value == kr.target_value
    assert kr.last_confidence == 4
