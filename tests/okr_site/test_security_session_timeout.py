"""Sessions end after a spell of inactivity and in any case some hours after signing in."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from okr_site import session_timeout

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, owner, clock):
    client.force_login(owner)
    return client


def _later(clock, **delta):
    clock.move_to(START + timedelta(**delta))


def test_defaults(settings):
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 120 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS == 12 * 3600
    assert settings.SESSION_ACTIVITY_REFRESH_SECONDS == 300


def test_signing_in_stamps_the_session(signed_in):
    session = signed_in.session
    assert session[session_timeout.SIGNED_IN_AT] == int(START.timestamp())
    assert session[session_timeout.LAST_SEEN_AT] == int(START.timestamp())


def test_activity_within_the_idle_limit_keeps_the_session(signed_in, clock):
    for minutes in (100, 200, 300):  # each gap under two hours
        _later(clock, minutes=minutes)
        assert signed_in.get(reverse("my_week")).status_code == 200


def test_idle_too_long_signs_out_and_says_why(signed_in, clock):
    _later(clock, minutes=121)
    response = signed_in.get(reverse("my_week"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "You were signed out after 120 minutes without activity." in page


def test_the_absolute_cap_ends_even_a_busy_session(signed_in, clock):
    for hours in range(1, 12):
        _later(clock, hours=hours)
        assert signed_in.get(reverse("my_week")).status_code == 200
    _later(clock, hours=12, minutes=1)
    response = signed_in.get(reverse("my_week"))
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session


def test_idle_limit_comes_from_the_setting(signed_in, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    _later(clock, minutes=31)
    assert signed_in.get(reverse("my_week")).status_code == 302


def test_htmx_request_after_timeout_redirects_the_whole_page(signed_in, clock):
    _later(clock, minutes=121)
    response = signed_in.get(
        reverse("my_week"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/plan/?cycle=3"},
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response["HX-Redirect"] == reverse("login") + "?next=/plan/%3Fcycle%3D3"
    assert "Location" not in response


def test_htmx_request_never_swaps_in_the_login_page_when_signed_out(client):
    response = client.post("/key-results/1/check-in/", **HTMX)
    # Not a 302 that htmx would follow and swap the login form into the row.
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login") + "?next=/"


def test_foreign_current_url_is_not_used_as_next(client):
    response = client.get(
        reverse("my_week"),
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"},
    )
    assert response["HX-Redirect"] == reverse("login") + "?next=/"


def test_public_pages_are_untouched_for_htmx(client):
    assert client.get(reverse("login"), **HTMX).status_code == 200


def _session_writes(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("my_week")).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


@pytest.mark.parametrize("minutes", [0, 1, 4])
def test_ordinary_requests_write_no_session(signed_in, clock, minutes):
    _later(clock, minutes=minutes)
    assert _session_writes(signed_in) == []


def test_a_stale_stamp_costs_one_write_then_none(signed_in, clock):
    _later(clock, minutes=6)
    assert len(_session_writes(signed_in)) == 1
    assert _session_writes(signed_in) == []


def test_a_stale_stamp_is_refreshed_once(signed_in, clock):
    _later(clock, minutes=6)
    signed_in.get(reverse("my_week"))
    assert signed_in.session[session_timeout.LAST_SEEN_AT] == int(
        (START + timedelta(minutes=6)).timestamp()
    )
    assert signed_in.session[session_timeout.SIGNED_IN_AT] == int(START.timestamp())


def test_a_clock_moved_back_neither_signs_out_nor_writes(signed_in, clock):
    clock.move_to(START - timedelta(days=30))
    assert signed_in.get(reverse("my_week")).status_code == 200
    assert signed_in.session[session_timeout.LAST_SEEN_AT] == int(START.timestamp())


def test_a_session_from_before_the_stamps_gets_them(client, owner, clock):
    client.force_login(owner)
    session = client.session
    del session[session_timeout.SIGNED_IN_AT]
    del session[session_timeout.LAST_SEEN_AT]
    session.save()
    assert client.get(reverse("my_week")).status_code == 200
    assert client.session[session_timeout.LAST_SEEN_AT] == int(START.timestamp())
