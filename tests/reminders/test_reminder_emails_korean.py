"""The reminder, nudge, digest and test e-mails are in the person's language from the subject to
both bodies, whoever sends them (the reminder and the nudge checked in English and Korean alike),
and survive the trip through MIME: every part is declared utf-8, the encoded subject decodes back
to the same words, and so do the bodies."""

import email
import email.header
import email.policy
import re

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from checkins.models import ReminderDelivery
from dashboards.selectors.team import team_dashboard
from objectives.models import Membership
from reminders import emails
from reminders.services import send_test_reminder
from tests.factories import MembershipFactory
from tests.reminders.reminder_helpers import owned_key_result, person, year_cycle

# The English suite's week, site and helpers.
from tests.reminders.test_reminder_emails import (  # noqa: F401 - organisation is a fixture
    SITE,
    WEDNESDAY,
    _html,
    _send,
    organisation,
)

pytestmark = pytest.mark.django_db

Kind = ReminderDelivery.Kind


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def cycle_2026():
    return year_cycle(2026)


def _wire(message) -> email.message.Message:
    """The message as a mail server receives it, parsed back with the classic parser (which
    leaves encoded headers as they came)."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.compat32)


def _decoded_subject(wire: email.message.Message) -> str:
    return str(email.header.make_header(email.header.decode_header(wire["Subject"])))


def _parts(wire: email.message.Message) -> dict[str, email.message.Message]:
    return {part.get_content_type(): part for part in wire.walk() if not part.is_multipart()}


def _assert_utf8_on_the_wire(message) -> None:
    wire = _wire(message)
    raw_subject = wire["Subject"]
    assert raw_subject.isascii()  # RFC 2047 encoded words, not raw 8-bit bytes
    if not message.subject.isascii():
        words = re.findall(r"=\?[^?]+\?[bq]\?[^?]*\?=", raw_subject, flags=re.IGNORECASE)
        assert words and all(word.lower().startswith("=?utf-8?") for word in words)
        # Folded into lines a mail client reads whole (RFC 5322 recommends 78 characters).
        assert all(len(line) <= 78 for line in f"Subject: {raw_subject}".splitlines())
    # The one-click unsubscribe URL stays one readable line, whatever the subject.
    assert "\n" not in wire["List-Unsubscribe"] and "=?" not in wire["List-Unsubscribe"]
    assert _decoded_subject(wire) == message.subject
    parts = _parts(wire)
    assert set(parts) == {"text/plain", "text/html"}
    for part in parts.values():
        assert part.get_content_charset() == "utf-8"
        assert 'charset="utf-8"' in part["Content-Type"] or "charset=utf-8" in part["Content-Type"]
    text = parts["text/plain"].get_payload(decode=True).decode("utf-8")
    html = parts["text/html"].get_payload(decode=True).decode("utf-8")
    assert text.replace("\r\n", "\n").strip() == message.body.replace("\r\n", "\n").strip()
    assert html.replace("\r\n", "\n").strip() == _html(message).replace("\r\n", "\n").strip()


# Who gets the reminder (username, time zone, other fields), what they own, and what it says.
REMINDERS = {
    "en": {
        "person": ("eve", "UTC", {}),
        "titles": ["Grow MRR"],
        "subject": "Check-in time: 1 key result needs this week's update",
        "bodies": (
            "Hello Eve,",
            "1 of your key results needs this week's update.",
            "Stop these e-mails",
        ),
        "html": ("<h1>Check-in time</h1>", '<html lang="en">'),
        "check_in_line": f"Check in: {SITE}/key-results/",
        "other_language": ("안녕하세요", "이 이메일 그만 받기"),
    },
    "ko": {
        "person": ("jiwoo", "Asia/Seoul", {"language": "ko"}),
        "titles": ["Grow MRR", "Cut churn"],
        "subject": "체크인 시간입니다: 핵심 결과 2개의 이번 주 업데이트가 필요합니다",
        "bodies": (
            "Jiwoo 님, 안녕하세요.",
            "담당 핵심 결과 중 2개의 이번 주 업데이트가 필요합니다.",
            "이 이메일 그만 받기",
        ),
        "html": ("<h1>체크인 시간입니다</h1>", '<html lang="ko">'),
        "check_in_line": f"체크인: {SITE}/key-results/",
        "other_language": ("It is check-in time", "Stop these e-mails"),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_reminder_is_in_the_persons_language_in_subject_text_and_html(cycle_2026, language):
    expected = REMINDERS[language]
    username, time_zone, fields = expected["person"]
    owner = person(username, time_zone, **fields)
    for title in expected["titles"]:
        owned_key_result(owner, cycle_2026, title=title)
    message = _send(owner)
    assert message.subject == expected["subject"]
    text, html = message.body, _html(message)
    for body in (text, html):
        for words in expected["bodies"]:
            assert words in body, words
        for title in expected["titles"]:  # titles are data, never translated
            assert title in body
        for words in expected["other_language"]:
            assert words not in body, words
    for words in expected["html"]:
        assert words in html, words
    assert expected["check_in_line"] in text
    # The sender's language is untouched by the e-mail.
    assert translation.get_language() == "en"
    _assert_utf8_on_the_wire(message)


def test_a_korean_reminder_survives_mime_encoding(cycle_2026):
    owner = person("jiwoo", "Asia/Seoul", language="ko")
    owned_key_result(owner, cycle_2026, title="매출 성장")
    message = _send(owner)
    _assert_utf8_on_the_wire(message)
    text = _parts(_wire(message))["text/plain"].get_payload(decode=True).decode("utf-8")
    assert "Jiwoo 님, 안녕하세요." in text and "매출 성장" in text


NUDGES = {
    "en": {
        "person": ("eve", "UTC", {}),
        "subject": "Second reminder: 1 key result still needs this week's check-in",
        "body": "This is a second reminder: 1 of your key results still has no check-in",
        "html": "<h1>Second reminder</h1>",
    },
    "ko": {
        "person": ("minji", "Asia/Seoul", {"language": "ko"}),
        "subject": "재알림: 핵심 결과 1개에 아직 이번 주 체크인이 필요합니다",
        "body": "다시 알려 드립니다: 담당 핵심 결과 중 1개에 아직 이번 주 체크인이 없습니다.",
        "html": "<h1>재알림</h1>",
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_nudge_says_it_is_a_second_reminder(cycle_2026, language):
    expected = NUDGES[language]
    username, time_zone, fields = expected["person"]
    owner = person(username, time_zone, **fields)
    owned_key_result(owner, cycle_2026)
    message = _send(owner, kind=Kind.NUDGE)
    assert message.subject == expected["subject"]
    assert expected["body"] in message.body
    assert expected["html"] in _html(message)
    _assert_utf8_on_the_wire(message)


def test_a_korean_managers_digest_is_korean(organisation):  # noqa: F811
    lead = organisation["lead"]
    lead.language = "ko"
    lead.save(update_fields=["language"])
    message = _send(lead, kind=Kind.DIGEST)
    assert message.subject == "주간 체크인 다이제스트: Platform"
    text, html = message.body, _html(message)
    for body in (text, html):
        assert "Lead 님, 안녕하세요." in body
        assert "2026년 3월 16일 주간 팀 현황입니다." in body  # the week's Monday, Korean order
        assert "핵심 결과 3개 중 1개" in body
        assert "Quiet (핵심 결과 1개)" in body
        assert "OKR 프로그램에서 팀을 이끌고 있어 이 다이제스트를 받습니다." in body
        assert "Here is where your teams stand" not in body
    assert "<h1>주간 체크인 다이제스트</h1>" in html
    _assert_utf8_on_the_wire(message)


def test_the_digest_summary_is_written_in_the_managers_language(organisation):  # noqa: F811
    lead = organisation["lead"]
    lead.language = "ko"
    lead.save(update_fields=["language"])
    with time_machine.travel(WEDNESDAY, tick=False):
        [digest] = emails.team_digests(manager=lead, now=WEDNESDAY)
        with translation.override("ko"):
            dashboard = team_dashboard(
                team=organisation["platform"], viewer=lead, include_sub_teams=True, now=WEDNESDAY
            )
            korean = [str(sentence) for sentence in dashboard.summary]
    # Composed while English is active (a worker), yet in the manager's own language.
    assert translation.get_language() == "en"
    assert digest.summary == korean


def test_a_korean_admins_test_emails(organisation, admin):  # noqa: F811
    admin.email = "admin@example.com"
    admin.language = "ko"
    admin.save(update_fields=["email", "language"])
    MembershipFactory(user=admin, team=organisation["platform"], role=Membership.Role.MANAGER)
    with time_machine.travel(WEDNESDAY, tick=False):
        send_test_reminder(actor=admin, kind=Kind.REMINDER)
        send_test_reminder(actor=admin, kind=Kind.DIGEST)
    reminder, digest = mail.outbox
    assert reminder.subject.startswith("[테스트] 체크인 시간입니다: ")
    assert "[알림 설정 페이지에서 보낸 테스트 이메일입니다.]" in reminder.body
    assert "이번 주에 체크인할 항목은 없습니다." in reminder.body
    assert "알림 설정 페이지에서 보낸 테스트 이메일입니다." in _html(reminder)
    assert digest.subject == "[테스트] 주간 체크인 다이제스트: Platform"
    for message in (reminder, digest):
        _assert_utf8_on_the_wire(message)
