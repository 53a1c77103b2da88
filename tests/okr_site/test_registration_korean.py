"""Signing in, password reset (pages and e-mail) and the error pages in Korean: for an anonymous
visitor whose browser asks for Korean, and for a person who chose Korean. The lockout page and the
CSRF failure page are checked in both languages beside their English tests
(test_security_login_throttle.py, test_security_csrf.py)."""

import email
import email.header
import email.policy
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

KO = {"HTTP_ACCEPT_LANGUAGE": "ko-KR,ko;q=0.9,en;q=0.5"}
SITE = "https://okr.example.com"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    settings.SITE_URL = SITE + "/"
    cache.clear()
    yield
    cache.clear()


LOGIN_PAGE = {
    "en": {
        "headers": {"HTTP_ACCEPT_LANGUAGE": "en"},
        "words": (
            "<title>Log in · OKR</title>",
            "<h1>Log in</h1>",
            ">Username</label>",
            ">Password</label>",
            ">Log in</button>",
            ">Forgot your password?</a>",
            ">Skip to content</a>",
        ),
        "other_language": ("로그인", "사용자 이름", "비밀번호"),
    },
    "ko": {
        "headers": KO,
        "words": (
            "<title>로그인 · OKR</title>",
            "<h1>로그인</h1>",
            ">사용자 이름</label>",
            ">비밀번호</label>",
            ">로그인</button>",
            ">비밀번호를 잊으셨나요?</a>",
            ">본문으로 건너뛰기</a>",
        ),
        "other_language": ("Log in", "Username", "Password<", "Forgot your password"),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_login_page_in_the_browsers_language(client, language):
    page = LOGIN_PAGE[language]
    html = client.get(reverse("login"), **page["headers"]).content.decode()
    for text in page["words"]:
        assert text in html, text
    for text in page["other_language"]:
        assert text not in html, text


def test_a_wrong_password_is_explained_in_korean(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "nope"}, **KO)
    html = response.content.decode()
    assert 'class="form-errors"' in html
    assert "Please enter a correct" not in html  # Django's own message, in Korean


def test_password_reset_pages_in_korean(client, owner):
    html = client.get(reverse("password_reset"), **KO).content.decode()
    assert "<h1>비밀번호 재설정</h1>" in html
    assert "계정의 이메일 주소를 입력하세요." in html and ">링크 보내기</button>" in html
    response = client.post(reverse("password_reset"), {"email": "not-an-address"}, **KO)
    assert response.status_code == 422
    assert "Enter a valid email address" not in response.content.decode()
    response = client.post(
        reverse("password_reset"), {"email": "owner@example.com"}, follow=True, **KO
    )
    html = response.content.decode()
    assert "<h1>이메일을 확인하세요</h1>" in html
    assert "로그인으로 돌아가기" in html
    bad_link = client.get(
        reverse("password_reset_confirm", args=["MQ", "bad-token"]), follow=True, **KO
    ).content.decode()
    assert "<h1>더 이상 사용할 수 없는 링크입니다</h1>" in bad_link
    assert ">새 링크 보내기</a>" in bad_link


def _wire(message) -> email.message.Message:
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.compat32)


def test_the_password_reset_email_in_korean_and_utf8(client, owner):
    client.post(reverse("password_reset"), {"email": "owner@example.com"}, **KO)
    [message] = mail.outbox
    assert message.subject == "OKR 비밀번호 재설정"
    assert "Owner 님, 안녕하세요." in message.body
    assert "사용자 이름은 owner입니다." in message.body
    assert re.search(re.escape(SITE) + r"/password-reset/[^/\s]+/[^/\s]+/", message.body)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="ko">' in html and ">새 비밀번호 설정</a>" in html

    wire = _wire(message)
    assert wire["Subject"].isascii() and "=?utf-8?" in wire["Subject"].lower()
    decoded = email.header.make_header(email.header.decode_header(wire["Subject"]))
    assert str(decoded) == "OKR 비밀번호 재설정"
    parts = {p.get_content_type(): p for p in wire.walk() if not p.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    for part in parts.values():
        assert part.get_content_charset() == "utf-8"
    text = parts["text/plain"].get_payload(decode=True).decode("utf-8")
    assert "누군가 OKR 계정의 비밀번호 재설정을 요청했습니다." in text


def test_the_reset_email_follows_the_accounts_own_language(client, owner):
    owner.language = "en"
    owner.save(update_fields=["language"])
    response = client.post(
        reverse("password_reset"), {"email": "owner@example.com"}, follow=True, **KO
    )
    assert "<h1>이메일을 확인하세요</h1>" in response.content.decode()  # the page stays Korean
    [message] = mail.outbox
    assert message.subject == "Reset your OKR password"  # the account chose English
    assert "Hello Owner," in message.body


def test_error_pages_in_korean(owner):
    client = Client()
    owner.language = "ko"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>찾을 수 없음</h1>" in html and "내 주간으로 돌아가기" in html
    assert ">내 주간</a>" in html and ">로그아웃</button>" in html  # the header, too
    with translation.override("ko"):
        server_error = render_to_string("500.html")
        forbidden = render_to_string("403.html", {"user": owner})
    assert '<html lang="ko">' in server_error and "서버에서 문제가 발생했습니다" in server_error
    assert "<h1>권한 없음</h1>" in forbidden
