"""An employee plans in a real browser: starts an objective from a template, aligns it to their
team's objective through the picker's search, is coached while writing, saves, adds a key result
in place, and finds it all on My week."""

import re

import pytest
from django.core.management import call_command

from objectives.models import KeyResult, Objective
from tests.factories import ensure_template_library

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEMPLATE_TITLE = "Base every roadmap bet on evidence from customers"
TEAM_OBJECTIVE = "Make getting started effortless for new teams"
NEW_KEY_RESULT = "Raise features shipped with a customer sign-off from 30% to 70%"


def _log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def _settle_then_click(page, button) -> None:
    """Typing and leaving a field ask for coaching hints (GETs, some after a 500 ms pause). The
    test server shares one in-memory SQLite database between its threads, and it refuses a read
    that overlaps a save; so focus the button, let every hint request start and answer (htmx
    marks an element `.htmx-request` while its request runs), then press it."""
    button.focus()
    page.wait_for_timeout(700)
    page.wait_for_function("() => document.querySelector('.htmx-request') === null")
    button.click()


def test_employee_plans_an_objective_from_a_template_and_sees_it_on_my_week(page):
    # Transactional tests empty the database after each run, the migration's library with it.
    ensure_template_library()
    call_command("seed_demo", verbosity=0)
    team_objective = Objective.objects.get(title=TEAM_OBJECTIVE, cycle__state="active")
    _log_in(page, "employee")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plan").click()
    page.get_by_role("heading", name=re.compile(r"^Plan ")).wait_for()
    page.get_by_role("link", name="Start from a template").click()

    # The library filters in place (HTMX) and says how many templates it shows.
    page.get_by_label("Department").select_option("product")
    page.get_by_role("status").filter(has_text="4 templates").wait_for()
    page.get_by_role("link", name=f"Start from this template: {TEMPLATE_TITLE}").click()

    page.get_by_test_id("template-notice").wait_for()
    assert page.get_by_label("Objective", exact=True).input_value() == TEMPLATE_TITLE
    assert page.locator("#id_kr-0-title").input_value().startswith("Hold 24 customer discovery")
    assert Objective.objects.filter(title=TEMPLATE_TITLE).count() == 0  # nothing saved yet

    # Coaching as the person types: a number in the title is pointed out, and goes away.
    hints = page.locator("#objective-hints")
    hints.locator(".coach-ok").wait_for()
    title = page.get_by_label("Objective", exact=True)
    title.fill(f"{TEMPLATE_TITLE} by 50%")
    hints.locator('[data-hint="number_in_title"]').wait_for()
    title.fill(TEMPLATE_TITLE)
    hints.locator(".coach-ok").wait_for()

    # The alignment picker: search, then pick the team objective from the filtered tree.
    page.get_by_label("Search the cycle's objectives").fill("effortless")
    page.get_by_role("status").filter(has_text="for “effortless”").wait_for()
    page.locator("#id_parent").select_option(str(team_objective.pk))
    _settle_then_click(page, page.get_by_role("button", name="Create objective"))

    page.wait_for_url(re.compile(r"/plan/objectives/\d+/$"))
    created = Objective.objects.get(title=TEMPLATE_TITLE, owner_user__username="employee")
    assert created.parent_id == team_objective.pk
    assert created.key_results.count() == 3
    page.get_by_role("heading", name=TEMPLATE_TITLE).wait_for()
    assert page.get_by_role("link", name=TEAM_OBJECTIVE).count() == 1

    # Add a key result in place: no page load.
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name="+ Add key result").click()
    form = page.locator("#kr-add form")
    form.get_by_label("Key result").fill(NEW_KEY_RESULT)
    form.get_by_label("Unit").fill("%")
    form.get_by_label("Start").fill("30")
    form.get_by_label("Target").fill("70")
    _settle_then_click(page, form.get_by_role("button", name="Add key result"))
    row = page.locator(".plan-kr", has_text=NEW_KEY_RESULT)
    row.get_by_role("status").filter(has_text="Saved").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#kr-editor .plan-krs > li").count() == 4
    added = KeyResult.objects.get(title=NEW_KEY_RESULT)
    assert (added.objective_id, added.owner.username) == (created.pk, "employee")

    # My week shows the new objective with the key result just added.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My week").click()
    section = page.locator(f"#objective-{created.pk}-header")
    section.get_by_role("heading", name=TEMPLATE_TITLE).wait_for()
    assert page.locator(f"#kr-{added.pk}").get_by_role("heading", name=NEW_KEY_RESULT).count() == 1
