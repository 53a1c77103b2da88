"""What the tests of cached pages share (test_read_cache.py, test_drawn_pages.py): they commit
(transaction=True), since nothing is cached inside a transaction, start from an empty cache and
stay clear of a UTC quarter-hour turn (the fixtures, in conftest.py). A test module takes them with

    pytestmark = [pytest.mark.django_db(transaction=True), *CACHED_PAGE_FIXTURES]
"""

import re

import pytest
from django.db import connection

# PostgreSQL keys pages on the scopes they read; SQLite on the one data generation.
SCOPED = int(connection.vendor == "postgresql")
# A form's CSRF token (the value captured).
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# clear_of_a_quarter_hour_turn and empty_cache: tests/dashboards/conftest.py
CACHED_PAGE_FIXTURES = [pytest.mark.usefixtures("clear_of_a_quarter_hour_turn", "empty_cache")]


def main_of(response) -> str:
    """The page without its header bar (which carries a fresh CSRF token every time)."""
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") :]


def tokenless(html: str) -> str:
    """The page with every form's CSRF token left out (each request has its own)."""
    return TOKEN.sub('name="csrfmiddlewaretoken" value="-"', html)
