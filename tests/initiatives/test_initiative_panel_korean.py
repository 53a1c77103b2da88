"""The initiatives panel speaks Korean to a Korean-speaking person: the counts line with its
numbers, the statuses, the priority, the Korean date order, the form and the service's errors.
The counts line and the panel are checked in English too."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from initiatives.selectors import InitiativeCounts
from initiatives.templatetags.initiatives import initiative_counts_line
from tests.factories import InitiativeFactory, speaking_korean

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NEXT_WEEK = timezone.localdate() + timedelta(days=7)
LAST_WEEK = timezone.localdate() - timedelta(days=7)


@pytest.fixture
def korean_owner(owner):
    return speaking_korean(owner)


def _panel(client, key_result, expanded: bool = True) -> str:
    url = reverse("initiative_list", args=[key_result.pk])
    response = client.get(url, {"expanded": int(expanded)}, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_the_counts_line_in_korean_and_english():
    counts = InitiativeCounts(total=5, done=2, overdue=1, blocked=1)
    with override("ko"):
        assert initiative_counts_line(counts) == (
            '실행 과제 5개 중 2개 완료, <span class="initiative-overdue-count">1개 기한 지남</span>'
            ", 1개 막힘"
        )
        assert (
            initiative_counts_line(InitiativeCounts(total=1, done=0)) == "실행 과제 1개 중 0개 완료"
        )
        assert initiative_counts_line(InitiativeCounts()) == "아직 실행 과제가 없습니다"
    with override("en"):
        assert initiative_counts_line(counts) == (
            '2 of 5 initiatives done, <span class="initiative-overdue-count">1 overdue</span>'
            ", 1 blocked"
        )
        assert initiative_counts_line(InitiativeCounts(total=1, done=0)) == (
            "0 of 1 initiative done"
        )


PANEL = {
    "en": {
        "words": (
            "1 of 3 initiatives done, ",
            '<span class="initiative-overdue-count">1 overdue</span>, 1 blocked',
            ">Initiatives</h3>",
            "Initiatives are the work, not the outcome",
            "high priority",
            "medium priority",
            ">Overdue</span>",  # the overdue chip
            ">To do</option>",
            ">Mark done</button>",
            f"{LAST_WEEK.day} {LAST_WEEK:%b} {LAST_WEEK.year}",
        ),
        "other_language": ("실행 과제", "우선순위", "완료로 표시"),
    },
    "ko": {
        "words": (
            "실행 과제 3개 중 1개 완료, ",
            '<span class="initiative-overdue-count">1개 기한 지남</span>, 1개 막힘',
            ">실행 과제</h3>",
            "실행 과제는 결과가 아니라 업무입니다.",
            "우선순위 높음",
            "우선순위 보통",
            ">기한 지남</span>",
            ">할 일</option>",
            ">완료로 표시</button>",
            f"{LAST_WEEK.year}년 {LAST_WEEK.month}월 {LAST_WEEK.day}일",
        ),
        "other_language": ("initiatives done", "overdue<", "Mark done", " priority<"),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_panel_in_the_readers_language(client, owner, key_result, language):
    InitiativeFactory(key_result=key_result, title="Late work", due_date=LAST_WEEK, priority="high")
    InitiativeFactory(key_result=key_result, title="Finished work", status="done")
    InitiativeFactory(
        key_result=key_result, title="Stuck work", status="blocked", due_date=NEXT_WEEK
    )
    if language == "ko":
        speaking_korean(owner)
    client.force_login(owner)
    html = _panel(client, key_result)
    for text in PANEL[language]["words"]:
        assert text in html, text
    for text in PANEL[language]["other_language"]:
        assert text not in html, text
    with override(language):
        assert date_format(LAST_WEEK, "DATE_FORMAT") in html
    assert "Late work" in html  # titles are data


def test_the_form_and_its_errors_in_korean(client, korean_owner, key_result):
    client.force_login(korean_owner)
    response = client.get(reverse("initiative_new", args=[key_result.pk]), **HTMX)
    html = response.content.decode()
    assert ">담당자 (사용자 이름)</label>" in html and ">실행 과제 추가</button>" in html
    response = client.post(
        reverse("initiative_new", args=[key_result.pk]),
        {
            "title": "",
            "owner": "owner",
            "due_date": "",
            "status": "todo",
            "priority": "low",
            "link": "ftp://x",
        },
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "실행 과제의 제목을 입력하세요. 어떤 일을 하나요?" in html
    assert "실행 과제의 마감일을 입력하세요." in html
    assert "http:// 또는 https://로 시작하는 전체 웹 주소를 입력하세요." in html


def test_the_key_result_page_shows_the_korean_panel(client, korean_owner, key_result):
    InitiativeFactory(key_result=key_result, title="Work", status="done")
    client.force_login(korean_owner)
    html = client.get(reverse("key_result", args=[key_result.pk])).content.decode()
    assert "실행 과제 1개 중 1개 완료" in html
