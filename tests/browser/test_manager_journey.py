"""A manager's weekly review in a real browser: the team dashboard's table filtered, sorted and
paged without a page load, the URL kept in step (so the back button works), then a key result's
page with its history chart."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from checkins.services import record_checkin
from objectives.models import KeyResult, Objective, User
from objectives.services import add_key_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXTRA_BEHIND = 12  # with the demo's own, "behind" fills more than one page of ten


def _add_behind_key_results() -> None:
    """The demo team has only a few key results behind; give the table a second page of them."""
    objective = Objective.objects.get(
        owner_team__slug="product", title="Make getting started effortless for new teams"
    )
    owner = User.objects.get(username="employee")
    manager = User.objects.get(username="manager")
    for n in range(EXTRA_BEHIND):
        key_result = add_key_result(
            actor=manager,
            objective=objective,
            title=f"Win back stalled trial {n + 1:02d}",
            owner=owner,
            start_value=Decimal(0),
            target_value=Decimal(10),
        )
        # Low confidence makes it behind whatever the pace; the values differ so sorting shows.
        record_checkin(
            actor=owner,
            key_result=key_result,
            value=Decimal(n % 5),
            confidence=1 + n % 2,
            blockers="The trial data export is broken.",
        )


def _titles(page) -> list[str]:
    return page.locator("#kr-panel tbody a.kr-link").all_inner_texts()


def _confidences(page) -> list[int]:
    return [
        int(text.split("/")[0]) for text in page.get_by_test_id("confidence-cell").all_inner_texts()
    ]


def test_manager_reviews_the_team_and_opens_a_key_result(page):
    call_command("seed_demo", verbosity=0)
    _add_behind_key_results()

    page.goto("/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    # "My team" lands a manager on the team they lead.
    page.goto("/teams/mine/")
    page.wait_for_url(re.compile(r"/teams/product/$"))
    page.get_by_role("heading", name="Product", level=1).wait_for()
    page.evaluate("window.__sameDocument = true")

    # Filter to "behind": only the table is swapped, and the URL follows.
    page.get_by_label("Status", exact=True).select_option("behind")
    page.wait_for_url(re.compile(r"status=behind"))
    statuses = page.locator("#kr-panel tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.status)"
    )
    assert statuses and set(statuses) == {"behind"}
    count = page.get_by_test_id("table-count").inner_text()
    behind = int(count.split(" of ")[0])
    assert behind > 10 and "page 1 of 2" in count

    # Sort by confidence, lowest first.
    page.locator("#kr-panel thead").get_by_role("link", name="Confidence").click()
    page.wait_for_url(re.compile(r"sort=confidence"))
    page.locator('#kr-panel th[aria-sort="ascending"]').wait_for()
    first_page = _titles(page)
    confidences = _confidences(page)
    assert confidences == sorted(confidences)
    assert "status=behind" in page.url

    # The next page.
    page.locator("#kr-panel").get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    page.locator('#kr-panel .page-current:has-text("2")').wait_for()
    second_page = _titles(page)
    assert second_page and not set(second_page) & set(first_page)
    assert len(first_page) + len(second_page) == behind
    assert min(_confidences(page)) >= max(confidences)
    assert page.evaluate("window.__sameDocument") is True

    # Back: page one again, still filtered and sorted, with the address to match.
    page.go_back()
    page.wait_for_url(lambda url: "page=2" not in url and "sort=confidence" in url)
    page.locator('#kr-panel .page-current:has-text("1")').wait_for()
    assert "status=behind" in page.url
    assert _titles(page) == first_page

    # The URL is a bookmark: loading it afresh shows the same table.
    bookmarked = page.url
    page.goto(bookmarked)
    assert _titles(page) == first_page

    # Open a key result from the table and see its history chart.
    title = first_page[0]
    page.locator("#kr-panel tbody").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    chart = page.get_by_test_id("value-chart")
    chart.wait_for()
    key_result = KeyResult.objects.get(title=title)
    checkins = key_result.checkins.count()
    assert chart.locator("circle.chart-point").count() == checkins
    assert chart.locator("polyline.chart-line").count() == 1
    assert chart.locator("line.chart-ref-target").count() == 1
    assert chart.locator("line.chart-ref-pace").count() == 1
    assert page.get_by_test_id("history").locator("tbody tr").count() == checkins
    assert "The trial data export is broken." in page.get_by_test_id("history").inner_text()


def test_manager_checks_in_for_their_team_from_the_key_result_page(page):
    call_command("seed_demo", verbosity=0)
    key_result = KeyResult.objects.get(title="Cut time to first value from 9 to 3 days")
    before = key_result.checkins.count()

    page.goto("/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/key-results/{key_result.pk}/")
    page.evaluate("window.__sameDocument = true")

    form = page.locator("form.checkin-form")
    form.get_by_label("Value").fill("4")
    form.get_by_label("5 — certain").check()
    form.get_by_label("What changed").fill("The new guide cut setup to four days")
    form.get_by_role("button", name="Save check-in").click()

    page.get_by_text("Saved. The numbers above are up to date.").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert page.get_by_test_id("kr-current").inner_text() == "4 days"
    chart = page.get_by_test_id("value-chart")
    assert chart.locator("circle.chart-point").count() == before + 1
    history = page.get_by_test_id("history")
    assert "The new guide cut setup to four days" in history.locator("tbody tr").first.inner_text()
    assert key_result.checkins.count() == before + 1
