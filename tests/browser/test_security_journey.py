"""Security in a real browser: a session that ends mid-page sends the whole page to the login."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_htmx_click_after_the_session_ended_loads_the_login_page_whole(page):
    call_command("seed_demo", verbosity=0)
    page.goto("/login/")
    assert page.get_by_role("link", name="Forgot your password?").is_visible()
    page.get_by_label("Username").fill("employee")
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    # The session ends while the page stays open (idle timeout, or signed out elsewhere).
    Session.objects.all().delete()
    page.get_by_role("link", name="Check in").first.click()

    # htmx followed HX-Redirect: a full page load of the login page, not a form in a row.
    page.wait_for_url(re.compile(r"/login/\?next=/"))
    assert page.locator("h1").all_inner_texts() == ["Log in"]
    assert page.locator("form.checkin-form").count() == 0


def test_htmx_form_with_a_stale_token_asks_for_a_reload_in_place(page, expected_console_errors):
    # The refused POST is the point of this journey; Chromium logs every 403 it receives.
    expected_console_errors.append("the server responded with a status of 403")
    call_command("seed_demo", verbosity=0)
    page.goto("/login/")
    page.get_by_label("Username").fill("employee")
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    row = page.locator("tr.kr-row, .kr-row").first
    row.get_by_role("link", name="Check in").click()
    form = row.locator("form.checkin-form")
    form.wait_for()
    # The page was left open while the token changed (signed in again in another tab).
    page.context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": page.url}])
    form.get_by_label("Value").fill("1")
    form.get_by_label("4 — likely").check()
    form.get_by_role("button", name="Save check-in").click()

    notice = page.get_by_test_id("csrf-failure")
    notice.wait_for()
    assert "open too long" in notice.inner_text()
    notice.get_by_role("link", name="Reload the page").click()
    page.wait_for_url(re.compile(r"/$"))
