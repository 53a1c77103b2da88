"""Password reset by e-mail: the whole flow, an expired link, no address leak, rate limits."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

SITE = "https://okr.example.com"
NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    settings.SITE_URL = SITE + "/"
    cache.clear()
    yield
    cache.clear()


def _request_reset(client: Client, email: str):
    return client.post(reverse("password_reset"), {"email": email})


def _link_in(message) -> str:
    match = re.search(re.escape(SITE) + r"(/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_login_page_offers_a_reset(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html
    assert "Forgot your password?" in html


def test_reset_pages_need_no_login(client):
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(reverse("password_reset_done")).status_code == 200
    assert client.get(reverse("password_reset_complete")).status_code == 200


def test_full_flow_from_request_to_signing_in(client, owner):
    response = _request_reset(client, "OWNER@example.com")  # any letter case
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.com"]
    assert message.subject == "Reset your OKR password"
    assert "Your username is owner." in message.body
    html_body, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    link = _link_in(message)
    assert f'href="{SITE}{link}"' in html_body

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    signed_in = client.post(reverse("login"), {"username": "owner", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("my_week")
    # The link worked once; now it is spent.
    client.post(reverse("logout"))
    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_a_weak_new_password_is_refused_next_to_the_field(client, owner):
    _request_reset(client, "owner@example.com")
    form_page = client.get(_link_in(mail.outbox[0]), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 422
    assert "This password is too common." in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password("pw-for-tests")


def test_unknown_address_gets_the_same_answer_and_no_mail(client, owner):
    known = _request_reset(client, "owner@example.com")
    unknown = _request_reset(client, "nobody@example.com")
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert len(mail.outbox) == 1
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If an account uses that address" in page


def test_inactive_person_gets_no_mail(client, owner):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert _request_reset(client, "owner@example.com").status_code == 302
    assert mail.outbox == []


def test_expired_link_shows_a_clear_page(client, owner, settings):
    _request_reset(client, "owner@example.com")
    link = _link_in(mail.outbox[0])
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        response = client.get(link, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="invalid-reset-link"' in html
    assert "expired or was already used" in html
    assert f'href="{reverse("password_reset")}"' in html


@pytest.mark.parametrize(
    "link", ["/password-reset/Zm9v/bad-token/", "/password-reset/!!!/x/", "/password-reset/MQ/x/"]
)
def test_tampered_links_show_the_same_page(client, owner, link):
    response = client.get(link)
    assert response.status_code == 200
    assert 'data-testid="invalid-reset-link"' in response.content.decode()


def test_mails_to_one_address_are_capped(client, owner, settings):
    limit = settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR
    for _ in range(limit + 2):
        response = _request_reset(client, "owner@example.com")
        assert response.status_code == 302  # the answer never changes
    assert len(mail.outbox) == limit


def test_one_client_is_rate_limited(client, owner, settings):
    settings.PASSWORD_RESET_REQUESTS_PER_CLIENT_PER_HOUR = 3
    for n in range(3):
        assert _request_reset(client, f"someone{n}@example.com").status_code == 302
    refused = _request_reset(client, "owner@example.com")
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert mail.outbox == []
    assert (
        Client(REMOTE_ADDR="198.51.100.1")
        .post(reverse("password_reset"), {"email": "owner@example.com"})
        .status_code
        == 302
    )


def test_setting_a_new_password_lifts_a_login_lockout(client, owner):
    for _ in range(5):
        client.post(reverse("login"), {"username": "owner", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="owner").exists()
    _request_reset(client, "owner@example.com")
    form_page = client.get(_link_in(mail.outbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    response = client.post(reverse("login"), {"username": "owner", "password": NEW_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("email", ["", "not an address"])
def test_a_malformed_address_is_refused_next_to_the_field(client, email, settings):
    settings.PASSWORD_RESET_REQUESTS_PER_CLIENT_PER_HOUR = 1
    for _ in range(3):  # never counted against the client's allowance
        response = _request_reset(client, email)
        assert response.status_code == 422
    assert 'class="error"' in response.content.decode()
    assert _request_reset(client, "nobody@example.com").status_code == 302


def test_the_request_does_the_same_work_for_any_address(
    client, owner, monkeypatch, django_assert_num_queries
):
    """A request never looks the address up nor sends mail: it queues the same task for any
    address, so its answer and its time say nothing about who has an account."""
    from okr_site.tasks import send_password_reset_email

    queued = []
    monkeypatch.setattr(
        send_password_reset_email, "delay", lambda *args: queued.append(args), raising=False
    )
    with django_assert_num_queries(0):
        known = _request_reset(client, "owner@example.com")
    with django_assert_num_queries(0):
        unknown = _request_reset(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert mail.outbox == []  # nothing rendered or sent during the request
    assert queued == [("owner@example.com", "en"), ("nobody@example.com", "en")]

    # The task does the rest: the account's mail, and nothing for an unknown address.
    for args in queued:
        send_password_reset_email(*args)
    assert [message.to for message in mail.outbox] == [["owner@example.com"]]
    assert SITE + "/password-reset/" in mail.outbox[0].body


def test_a_broker_outage_changes_nothing_in_the_answer(client, owner, monkeypatch):
    from okr_site.tasks import send_password_reset_email

    def down(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(send_password_reset_email, "delay", down, raising=False)
    response = _request_reset(client, "owner@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
