"""A manager narrows the team page's initiatives card to what is overdue, in a real browser:
only the card is swapped (HTMX), the address follows, and reloading it shows the same."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_filters_the_initiatives_card(page):
    call_command("seed_demo", verbosity=0)
    page.goto("/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/teams/product/")
    card = page.locator("#initiatives-panel")
    card.get_by_role("heading", name="Initiatives").wait_for()
    overdue = int(card.locator('[data-count="overdue"]').inner_text())
    assert overdue >= 2
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("Initiative status").select_option("overdue")
    page.wait_for_url(re.compile(r"initiatives-status=overdue"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('#initiatives-panel li[data-status]')]"
        ".every(li => li.dataset.overdue === 'true')"
    )
    lines = page.locator("#initiatives-panel li[data-status]")
    assert lines.count() == overdue
    assert page.evaluate("window.__sameDocument") is True  # swapped, not reloaded

    page.reload()
    assert page.locator("#initiatives-panel li[data-status]").count() == overdue
    assert page.get_by_label("Initiative status").input_value() == "overdue"
