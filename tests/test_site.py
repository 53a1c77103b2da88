"""Site-wide behaviour: sign-in, the login wall, health check, security headers."""

import re

import pytest
from django.db import DatabaseError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_touches_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_reports_a_database_failure(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.parametrize("url", ["/", "/key-results/1/check-in/", "/my-week/key-results/1/"])
def test_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_and_sign_in(client, owner):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "owner", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert response["Location"] == reverse("my_week")


def test_wrong_password_says_so_and_signs_nobody_in(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, owner):
    client.force_login(owner)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_strict_content_security_policy(client, owner):
    client.force_login(owner)
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "style-src 'self'" in policy


def test_pages_carry_csrf_for_htmx_and_load_htmx_from_our_origin(client, owner):
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in html
    # Everything the page loads comes from our own origin: no CDN. (Asked of what the page loads,
    # not of its whole text, where a random CSRF token may happen to spell "cdn".)
    loaded = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]*)\"", html) + re.findall(
        r"<link\b[^>]*\bhref=\"([^\"]*)\"", html
    )
    assert loaded
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded
