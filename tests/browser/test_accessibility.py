"""Automated accessibility checks: axe-core (WCAG 2.0/2.1 A and AA rules) on every main page, in
English and in Korean, in a real Chromium. A serious or critical violation fails the page's check
with the rule, its help and the offending elements; what is left below that is listed in
docs/accessibility.md. Run: `.venv/bin/pytest -q tests/browser/test_accessibility.py`
(axe-core comes from `make setup`; OKR_AXE_REPORT=<file> records every result, see axe.py).

The demo organisation is seeded once per language, not once per page (seeding takes seconds):
every page state is a subtest of that language's test, so a failing page is reported under its
own name and hides none of the others. Each person signs in once and their pages follow one
another in their own browser context (a new context per page started a new renderer and parsed
axe-core again every time, half the sweep's cost); the anonymous pages get a context of their
own. A JavaScript error or CSP report fails the page state it came from."""

import re
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from objectives.cycles.services import transition_cycle
from objectives.models import Cycle, KeyResult, Objective, User
from tests.browser.axe import assert_accessible
from tests.browser.browsing import open_page
from tests.factories import ReminderDeliveryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"en": "English", "ko": "Korean"}


def _locale(language: str) -> dict:
    """The browser asks for the language too, so the anonymous pages follow it."""
    return {"locale": "ko-KR" if language == "ko" else "en-US"}


@pytest.fixture
def context_options(language: str) -> dict:
    return _locale(language)


def _active() -> Cycle:
    return Cycle.objects.get(state=Cycle.State.ACTIVE)


def _closed() -> Cycle:
    return Cycle.objects.filter(state=Cycle.State.CLOSED).latest("end_date")


def _employee_key_result() -> KeyResult:
    return (
        KeyResult.objects.filter(
            owner__username="employee",
            kind=KeyResult.Kind.METRIC,
            archived=False,
            objective__cycle__state=Cycle.State.ACTIVE,
            objective__archived=False,
        )
        .order_by("objective_id", "order")
        .first()
    )


def _team_objective() -> Objective:
    return (
        Objective.objects.filter(owner_team__slug="product", cycle=_active(), archived=False)
        .order_by("pk")
        .first()
    )


def _open_check_in(page) -> None:
    kr = _employee_key_result()
    row = page.locator(f"#kr-{kr.pk}")
    row.locator(".kr-actions a.button").click()
    row.locator("form.checkin-form").wait_for()


def _filter_team_table(page) -> None:
    page.locator("#kr-panel select[name=status]").select_option("behind")
    page.wait_for_url(re.compile(r"status=behind"))
    expect(page.locator("#kr-panel tbody tr").first).to_have_attribute("data-status", "behind")
    # The new count is announced (the polite live region, filled out of band).
    expect(page.locator("#live-region")).to_have_text(
        page.get_by_test_id("table-count").inner_text()
    )


def _move_to_grading() -> None:
    transition_cycle(
        actor=User.objects.get(username="admin"), cycle=_active(), to_state=Cycle.State.GRADING
    )


def _add_deliveries() -> None:
    """The demo sends no reminders; the log needs rows (sent and failed) to show."""
    for username, status in (("employee", "sent"), ("manager", "failed")):
        ReminderDeliveryFactory(
            user=User.objects.get(username=username),
            status=status,
            sent_at=timezone.now() - timedelta(hours=2),
        )


@dataclass(frozen=True)
class Page:
    name: str
    user: str | None  # None: not signed in
    path: Callable[[], str]
    # More data, before the page is loaded. The pages share one database, so the change stays for
    # every page after this one: pages with a `before` come last (the test checks that).
    before: Callable[[], None] | None = None
    then: Callable[[object], None] | None = None  # what to do on the page before checking
    status: int = 200


PAGES = [
    Page("My week", "employee", lambda: "/"),
    Page("My week, inline check-in form", "employee", lambda: "/", then=_open_check_in),
    Page("Key result", "manager", lambda: f"/key-results/{_employee_key_result().pk}/"),
    Page("Objective", "manager", lambda: f"/objectives/{_team_objective().pk}/"),
    Page("Team dashboard", "manager", lambda: "/teams/product/"),
    Page(
        "Team dashboard, table filtered",
        "manager",
        lambda: "/teams/product/",
        then=_filter_team_table,
    ),
    Page("Teams", "manager", lambda: "/teams/"),
    Page("Company", "employee", lambda: "/company/"),
    Page("Plan", "manager", lambda: "/plan/"),
    Page(
        "Objective edit form", "manager", lambda: f"/plan/objectives/{_team_objective().pk}/edit/"
    ),
    Page("Template library", "manager", lambda: "/plan/templates/"),
    Page("Import", "admin", lambda: "/plan/import/"),
    Page("Cycles", "admin", lambda: "/cycles/"),
    Page("Cycle detail", "admin", lambda: f"/cycles/{_active().pk}/"),
    Page("Cycle report", "manager", lambda: f"/cycles/report/?cycle={_closed().pk}"),
    Page("People & teams", "admin", lambda: "/people/"),
    Page("Teams (admin)", "admin", lambda: "/people/teams/"),
    Page(
        "Person",
        "admin",
        lambda: f"/people/{User.objects.get(username='employee').pk}/",
    ),
    Page("Reminder settings", "admin", lambda: "/reminders/"),
    Page("Audit trail", "admin", lambda: "/audit/"),
    Page("Login", None, lambda: "/login/"),
    Page("Password reset", None, lambda: "/password-reset/"),
    Page("Not found (404)", "employee", lambda: "/no-such-page/", status=404),
    # Changing data, so after every page they could affect: the reminder log gets rows; the
    # active cycle moves to grading (no page after this one may need an active cycle).
    Page("Reminder deliveries", "admin", lambda: "/reminders/deliveries/", before=_add_deliveries),
    Page("Grading", "employee", lambda: "/cycles/grading/", before=_move_to_grading),
]


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("demo1234")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/$"))


class _Tabs:
    """One signed-in page per person (None: signed out), opened on first use, in a context of its
    own with the language's locale; every page's console errors and uncaught exceptions collected
    as they come, for the page state that provoked them."""

    def __init__(self, browser, base_url: str, language: str, stack: ExitStack) -> None:
        self.browser, self.base_url, self.language, self.stack = browser, base_url, language, stack
        self.pages: dict[str | None, object] = {}
        self.errors: list[str] = []

    def page(self, user: str | None) -> object:
        if user not in self.pages:
            page = self.stack.enter_context(
                open_page(
                    self.browser,
                    self.base_url,
                    # Judged page state by page state (`_check_page`), not again when the
                    # context closes: the empty string is part of every error.
                    expected_errors=[""],
                    **_locale(self.language),
                )
            )
            page.on("pageerror", lambda error: self.errors.append(str(error)))
            page.on(
                "console",
                lambda message: (
                    self.errors.append(message.text) if message.type == "error" else None
                ),
            )
            if user:
                _sign_in(page, user)
            self.errors.clear()
            self.pages[user] = page
        return self.pages[user]


def _check_page(tabs: _Tabs, spec: Page, language: str) -> None:
    """Everything a page state is checked for, in its person's page."""
    if spec.user:
        User.objects.filter(username=spec.user).update(language=language)
    if spec.before:
        spec.before()
    page = tabs.page(spec.user)
    tabs.errors.clear()
    response = page.goto(spec.path())
    assert response.status == spec.status
    # The page is in the language asked for, and says so (screen readers pick the voice by it).
    expect(page.locator("html")).to_have_attribute("lang", language)
    if spec.then:
        spec.then(page)

    assert_accessible(page, name=f"{spec.name} · {LANGUAGES[language]}")
    expected = ["404 (Not Found)"] if spec.status == 404 else []
    assert [e for e in tabs.errors if not any(part in e for part in expected)] == []


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_pages_have_no_serious_accessibility_violations(browser, live_server, subtests, language):
    changing = [spec.name for spec in PAGES if spec.before]
    assert [spec.name for spec in PAGES[len(PAGES) - len(changing) :]] == changing, (
        "pages that change data come after the others (they share the seeded database)"
    )
    call_command("seed_demo", verbosity=0)
    with ExitStack() as stack:
        tabs = _Tabs(browser, live_server.url, language, stack)
        for spec in PAGES:
            with subtests.test(msg=f"{spec.name} · {LANGUAGES[language]}"):
                _check_page(tabs, spec, language)


@pytest.mark.parametrize("language", ["en"])
def test_an_inline_check_in_is_announced(page, language: str):
    """HTMX swaps only part of the page: the polite live region says what happened, so a screen
    reader user hears the result without hunting for it."""
    call_command("seed_demo", verbosity=0)
    kr = _employee_key_result()
    _sign_in(page, "employee")
    live = page.locator("#live-region")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text("")

    row = page.locator(f"#kr-{kr.pk}")
    row.locator(".kr-actions a.button").click()
    form = row.locator("form.checkin-form")
    form.locator("input[name=value]").fill(str(kr.target_value.normalize()))
    form.locator("input[name=confidence][value='4']").check()
    form.locator("textarea[name=what_changed]").fill("Closed the last deals")
    form.locator("button[type=submit]").click()
    row.get_by_text("Saved").wait_for()
    expect(live).to_have_text(f"Check-in saved: {kr.title}")
    # The announcement is the region's text, not a copy of the fragment left in the row.
    assert row.locator("[hx-swap-oob]").count() == 0
    assert_accessible(page, name="My week, after a check-in · English")
