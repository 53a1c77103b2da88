"""The language a page speaks: the person's setting, else the browser; the header's switcher."""

import pytest
from django.conf import settings
from django.urls import reverse

from objectives.models import User

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return response.headers["Content-Language"]


def test_an_anonymous_visitor_gets_the_browsers_language(client):
    korean = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9,en;q=0.5")
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert _lang(korean) == "ko"
    assert '<html lang="ko">' in korean.text
    assert _lang(english) == "en"
    assert '<html lang="en">' in english.text


def test_the_persons_setting_beats_the_browser(client, owner):
    owner.language = "en"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    response = client.get(reverse("my_week"), HTTP_ACCEPT_LANGUAGE="ko")
    assert _lang(response) == "en"


def test_without_a_setting_the_browser_decides(client, owner):
    owner.language = ""
    owner.save(update_fields=["language"])
    client.force_login(owner)
    assert _lang(client.get(reverse("my_week"), HTTP_ACCEPT_LANGUAGE="ko")) == "ko"


def test_the_header_offers_both_languages_each_named_in_itself(client, owner):
    client.force_login(owner)
    page = client.get(reverse("my_week"), HTTP_ACCEPT_LANGUAGE="en").text
    assert f'action="{reverse("set_language")}"' in page
    assert 'value="en" lang="en" class="link-button" aria-current="true">English</button>' in page
    assert 'value="ko" lang="ko" class="link-button">한국어</button>' in page
    assert 'name="next" value="/"' in page


def test_switching_keeps_the_choice_on_the_account_and_returns_to_the_page(client, owner):
    client.force_login(owner)
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/company/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    assert User.objects.get(pk=owner.pk).language == "ko"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    # Another device (a fresh session, an English browser) follows the account.
    client.logout()
    client.force_login(owner)
    assert _lang(client.get(reverse("my_week"), HTTP_ACCEPT_LANGUAGE="en")) == "ko"


def test_a_read_only_viewer_chooses_their_language_too(client, viewer):
    client.force_login(viewer)
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=viewer.pk).language == "ko"


def test_an_anonymous_switch_sets_the_cookie_the_login_page_follows(client):
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/login/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ko"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
    assert _lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")) == "ko"


@pytest.mark.parametrize("choice", ["", "fr", "KO", "ko-KR", "<script>", "x" * 10_000])
def test_an_unknown_language_is_refused_and_changes_nothing(client, owner, choice):
    owner.language = "en"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    response = client.post(reverse("set_language"), {"language": choice, "next": "/"})
    assert response.status_code == 422
    assert "Choose English or 한국어." in response.text
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert User.objects.get(pk=owner.pk).language == "en"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_it_never_sends_anyone_off_site(client, owner, target):
    client.force_login(owner)
    response = client.post(reverse("set_language"), {"language": "ko", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_get_is_not_a_switch(client, owner):
    client.force_login(owner)
    assert client.get(reverse("set_language") + "?language=ko").status_code == 405
    assert User.objects.get(pk=owner.pk).language != "ko"
