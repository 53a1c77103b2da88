"""Real-browser journeys: Playwright driving the system Chromium against the live server."""

import os
from collections.abc import Iterator

import pytest

from tests.browser.browsing import open_page

CHROMIUM = os.environ.get("OKR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: `apt-get install chromium` (.ci/run installs it), "
            "or point OKR_CHROMIUM at one"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def expected_console_errors() -> list[str]:
    """Parts of console errors a journey provokes on purpose (a test appends to it), such as
    Chromium's "Failed to load resource" line for a request the server is meant to refuse."""
    return []


@pytest.fixture
def context_options() -> dict:
    """More options for the browser context (a module overrides it, e.g. a locale)."""
    return {}


@pytest.fixture
def page(browser, live_server, expected_console_errors, context_options) -> Iterator[object]:
    with open_page(
        browser, live_server.url, expected_errors=expected_console_errors, **context_options
    ) as page:
        yield page
