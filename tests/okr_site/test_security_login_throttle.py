"""Login throttling (django-axes): a friendly lockout after repeated wrong passwords."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

WRONG = {"username": "owner", "password": "not-the-password"}
RIGHT = {"username": "owner", "password": "pw-for-tests"}


def _fail(client: Client, times: int, **extra):
    return [client.post(reverse("login"), WRONG, **extra) for _ in range(times)]


def test_four_wrong_passwords_still_let_the_right_one_in(client, owner, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    responses = _fail(client, 4)
    assert [r.status_code for r in responses] == [200] * 4
    response = client.post(reverse("login"), RIGHT)
    assert response.status_code == 302
    assert response["Location"] == reverse("my_week")


def test_success_clears_the_count(client, owner):
    _fail(client, 4)
    client.post(reverse("login"), RIGHT)
    assert not AccessAttempt.objects.filter(username="owner").exists()
    client.post(reverse("logout"))
    # Four more wrong ones are fine again: the earlier four were forgiven by the success.
    assert [r.status_code for r in _fail(client, 4)] == [200] * 4


LOCKOUT_PAGE = {
    "en": {
        "headers": {},
        "words": (
            "<h1>Too many attempts</h1>",
            "Signing in was refused after 5 wrong passwords.",
            "Try again in 15 minutes.",
        ),
    },
    "ko": {
        "headers": {"HTTP_ACCEPT_LANGUAGE": "ko-KR,ko;q=0.9,en;q=0.5"},
        "words": (
            "<h1>시도 횟수 초과</h1>",
            "비밀번호를 5번 잘못 입력해 로그인이 거부되었습니다.",
            "15분 뒤에 다시 시도하세요.",
        ),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_fifth_wrong_password_locks_out_with_a_friendly_page(client, owner, language):
    page = LOCKOUT_PAGE[language]
    *_, fifth = _fail(client, 5, **page["headers"])
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert 'data-testid="login-locked"' in html
    for text in page["words"]:
        assert text in html, text
    assert reverse("password_reset") in html
    # The page is a normal one of ours: styled, with the strict policy, no server error.
    assert "Content-Security-Policy" in fifth.headers


def test_locked_out_even_with_the_right_password_until_the_cool_off_ends(client, owner):
    _fail(client, 5)
    locked = client.post(reverse("login"), RIGHT)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The login page itself stays reachable (it is the way back in later).
    assert client.get(reverse("login")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(reverse("login"), RIGHT)
    assert response.status_code == 302
    assert response["Location"] == reverse("my_week")


def test_lockout_is_per_username_and_address(client, owner, teammate):
    _fail(client, 5)
    # Another person at the same address is not locked out...
    other = client.post(reverse("login"), {"username": "teammate", "password": "pw-for-tests"})
    assert other.status_code == 302
    # ...nor is the same person from another address.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert elsewhere.post(reverse("login"), RIGHT).status_code == 302


def test_admin_login_is_throttled_too(client, admin):
    url = reverse("admin:login")
    for _ in range(5):
        last = client.post(url, {"username": "admin", "password": "wrong"})
    assert last.status_code == 429


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(owner, settings):
    spoofing = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(5):
        spoofing.post(reverse("login"), WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert spoofing.post(reverse("login"), RIGHT).status_code == 429


def test_trusted_proxy_supplies_the_client_address(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    via_proxy = Client(REMOTE_ADDR="10.0.0.2")
    # The proxy appends the address it saw; anything left of it came from the client.
    for _ in range(5):
        via_proxy.post(reverse("login"), WRONG, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    other_client = via_proxy.post(reverse("login"), RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert other_client.status_code == 302


def test_test_client_login_works_when_given_a_request(client, owner):
    assert client.login(request=HttpRequest(), **RIGHT)
    assert client.get(reverse("my_week")).status_code == 200


@pytest.mark.parametrize("forwarded", ["not-an-address", "1.2.3.4, <script>", ""])
def test_garbage_in_forwarded_for_falls_back_to_the_connection(owner, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    hostile = Client(REMOTE_ADDR="10.0.0.2")
    response = hostile.post(reverse("login"), WRONG, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
