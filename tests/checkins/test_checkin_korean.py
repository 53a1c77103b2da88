"""A check-in refusal and the reminder pages in Korean for a Korean-speaking person (their own
choice, or the browser's Accept-Language on the unsubscribe page, which needs no login). The
check-in form, its target hint, its errors and its page are checked in both languages in
test_checkin_views.py."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from checkins.models import ReminderDelivery
from objectives.models import KeyResult
from reminders.unsubscribe import unsubscribe_token
from tests.factories import ReminderDeliveryFactory, ReminderPolicyFactory, speaking_korean
from tests.reminders.reminder_helpers import owned_key_result, person, utc, year_cycle

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
Status = ReminderDelivery.Status
MONDAY_EVENING = utc(2026, 3, 9, 19)


@pytest.fixture
def korean_owner(owner):
    return speaking_korean(owner)


@pytest.fixture
def korean_admin(admin):
    admin.language = "ko"
    admin.email = "admin@example.com"
    admin.save(update_fields=["language", "email"])
    return admin


def _url(key_result: KeyResult) -> str:
    return reverse("check_in", args=[key_result.pk])


# --- The check-in form ---------------------------------------------------------------------------


def test_a_refusal_in_korean(client, korean_owner, key_result):
    key_result.archived = True
    key_result.save(update_fields=["archived"])
    client.force_login(korean_owner)
    response = client.get(_url(key_result), **HTMX)
    assert response.status_code == 403
    assert "보관된 핵심 결과입니다." in response.content.decode()


# --- The reminder pages ---------------------------------------------------------------------------


def test_the_reminder_settings_page_in_korean(client, korean_admin):
    client.force_login(korean_admin)
    html = client.get(reverse("reminder_settings")).content.decode()
    assert "<h1>알림</h1>" in html
    assert "체크인 알림은 각자의 시간대 기준으로 선택한 요일과 시각에 발송됩니다." in html
    for text in (
        ">정책</h2>",
        "<legend>주간 알림</legend>",
        "<legend>매니저 주간 다이제스트</legend>",
        ">알림 요일</label>",
        ">재알림까지의 일수</label>",
        ">월요일</option>",
        ">금요일</option>",
        ">설정 저장</button>",
        "저장된 적이 없습니다. 기본값입니다.",
        ">테스트 이메일 받기</h2>",
        "admin@example.com(으)로 바로 보냅니다.",
        ">재알림</option>",
        ">알림이 동작하는 방식</h2>",
        ">발송 기록</a>",
        ">지금 발송 대상</a>",
    ):
        assert text in html, text
    assert "Weekly reminder" not in html and "How reminders work" not in html


def test_reminder_settings_validation_and_saving_in_korean(client, korean_admin):
    client.force_login(korean_admin)
    policy = {
        "enabled": "on",
        "weekday": "4",
        "local_time": "09:30",
        "nudge_after_days": "3",
        "digest_enabled": "on",
        "digest_weekday": "4",
        "digest_time": "16:00",
    }
    response = client.post(reverse("reminder_settings"), policy, **HTMX)
    assert response.status_code == 422
    assert (
        "재알림은 같은 주 안에 보내야 합니다: 금요일로부터 최대 2일 뒤까지 가능합니다."
        in response.content.decode()
    )
    with time_machine.travel(utc(2026, 3, 9, 1, 30), tick=False):
        response = client.post(
            reverse("reminder_settings"), {**policy, "nudge_after_days": "1"}, follow=True
        )
    html = response.content.decode()
    assert "알림 설정을 저장했습니다." in html
    assert "마지막 변경: <time" in html and ">2026년 3월 9일 (월) 01:30</time>" in html


def test_a_test_email_to_a_korean_admin_is_reported_in_korean(client, korean_admin):
    client.force_login(korean_admin)
    response = client.post(reverse("reminder_test"), {"kind": "reminder"}, **HTMX)
    html = response.content.decode()
    assert "admin@example.com(으)로 테스트 이메일을 보냈습니다." in html


def test_the_preview_in_korean(client, korean_admin):
    ReminderPolicyFactory()
    cycle = year_cycle(2026)
    seoul, honolulu = person("due0", "Asia/Seoul"), person("due1", "Pacific/Honolulu")
    for user in (seoul, honolulu):
        owned_key_result(user, cycle)
    client.force_login(korean_admin)
    with time_machine.travel(MONDAY_EVENING, tick=False):
        html = client.get(reverse("reminder_preview")).content.decode()
        later = client.get(reverse("reminder_preview"), {"show": "not_yet"}).content.decode()
    assert "<h1>지금 발송 대상</h1>" in html
    assert "지금 이메일 발송 대상" in html  # the reason filter's label
    assert "이번 주 알림 시각이 지났고 핵심 결과 1개에 아직 체크인이 없습니다." in html
    assert ">알림</span>" in html  # the kind
    assert "2026년 3월 9일 (월) 19:00 UTC" in html
    assert "현지 발송 시각 전입니다." in later
    assert "3월 9일 (월) 10:00" in later  # Honolulu's own 10:00, in Korean order
    assert "Their reminder time" not in html


def test_the_deliveries_log_in_korean(client, korean_admin):
    ReminderDeliveryFactory(
        user=person("failing"),
        status=Status.SKIPPED,
        note="The person opted out of reminders.",
        period=utc(2026, 3, 9).date(),
    )
    ReminderDeliveryFactory(
        user=person("giving_up"),
        status=Status.FAILED,
        note="Gave up after 5 attempts.",
        claimed_at=timezone.now(),
    )
    client.force_login(korean_admin)
    html = client.get(reverse("reminder_deliveries")).content.decode()
    assert "<h1>발송 기록</h1>" in html
    for text in ("대상자", "해당 주", "시도 횟수", "마지막 오류 / 메모", ">필터</button>"):
        assert text in html, text
    assert 'class="delivery-status delivery-skipped">건너뜀<' in html
    assert "알림 수신을 거부했습니다." in html
    assert "5번 시도한 뒤 중단했습니다." in html
    assert "2026년 3월 9일" in html


def test_the_unsubscribe_page_follows_the_browser_language(client, owner):
    url = reverse("reminder_unsubscribe", args=[unsubscribe_token(owner)])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "<h1>Owner 님의 알림 이메일</h1>" in html
    assert ">알림 이메일 그만 받기</button>" in html
    html = client.post(url, {"action": "unsubscribe"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "완료했습니다. 이제 알림, 재알림, 주간 다이제스트 이메일을 받지 않습니다." in html
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Reminder e-mails for Owner</h1>" in english


def test_the_deliveries_log_pages_in_korean(client, korean_admin):
    for n in range(51):
        ReminderDeliveryFactory(user=person(f"log{n}"))
    client.force_login(korean_admin)
    html = client.get(reverse("reminder_deliveries")).content.decode()
    assert "다음" in html and "next\n" not in html
    html = client.get(reverse("reminder_deliveries"), {"page": "2"}).content.decode()
    assert "이전" in html
    korean_admin.language = "en"
    korean_admin.save(update_fields=["language"])
    english = client.get(reverse("reminder_deliveries"), {"page": "2"}).content.decode()
    assert "previous" in english and "이전" not in english
