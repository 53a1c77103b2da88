"""A failed HTMX request, in a real browser: the page stays as it was and its alert region says
what happened — for an answer the server refused and for no answer at all."""

import re
from decimal import Decimal

import pytest

from objectives.models import KeyResult, Objective
from tests.factories import KeyResultFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_check_in_on_a_key_result_gone_since_the_page_loaded(
    page, owner, stranger, key_result, expected_console_errors
):
    other = KeyResultFactory(
        objective=key_result.objective,
        owner=owner,
        title="Cut setup time from 30 to 10 minutes",
        start_value=Decimal(30),
        target_value=Decimal(10),
    )
    # Chromium logs each failed request; they are the point of this journey.
    expected_console_errors += [
        "Failed to load resource",
        "Response Status Error",
        "htmx:sendError",
        "htmx:afterRequest",
    ]
    _log_in(page, "owner")
    row = page.locator(f"#kr-{key_result.pk}")
    row.wait_for()
    page.evaluate("window.__sameDocument = true")
    alert = page.locator("#alert-region")
    assert alert.inner_text() == ""

    # After the page loaded, its key results went to someone else, under their private
    # objective: the owner no longer contributes to it, so it is out of sight, a 404.
    KeyResult.objects.filter(objective_id=key_result.objective_id).update(owner=stranger)
    Objective.objects.filter(pk=key_result.objective_id).update(
        owner_team=None, owner_user=stranger, visibility=Objective.Visibility.PRIVATE
    )
    row.get_by_role("link", name="Check in").click()
    alert.get_by_text("no longer there").wait_for()
    assert alert.get_by_role("link", name="Reload the page").count() == 1
    # Nothing swapped into the row; the page is the same document, with no error page in it.
    assert row.locator("form").count() == 0
    assert row.get_by_role("link", name="Check in").is_visible()
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("h1", has_text="Not found").count() == 0
    alert.get_by_role("button", name="Dismiss").click()
    assert alert.inner_text() == ""

    # A key result deleted after the page loaded: the same.
    KeyResult.objects.filter(objective_id=key_result.objective_id).update(owner=owner)
    Objective.objects.filter(pk=key_result.objective_id).update(
        owner_team=key_result.objective.owner_team, owner_user=None, visibility="public"
    )
    KeyResult.objects.filter(pk=other.pk).delete()
    page.locator(f"#kr-{other.pk}").get_by_role("link", name="Check in").click()
    alert.get_by_text("no longer there").wait_for()
    assert page.evaluate("window.__sameDocument") is True

    # No answer at all: the network is down.
    page.route("**/check-in/**", lambda route: route.abort())
    row.get_by_role("link", name="Check in").click()
    alert.get_by_text("could not be reached").wait_for()
    assert row.locator("form").count() == 0
    assert page.evaluate("window.__sameDocument") is True
