"""The quarter's pages speak Korean to a person who chose Korean (User.language = "ko"): the
cycles list and a cycle's page, the transition confirmation, grading, the cycle report and carrying
over. Data (cycle names, titles, people's names) stays as typed. The cycles list and the dates
are checked in English too."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.services import record_checkin
from objectives.cycles import services as cycle_services
from objectives.models import Cycle, User
from tests.factories import CycleFactory, ObjectiveReflectionFactory, speaking_korean

pytestmark = pytest.mark.django_db


def _state(cycle: Cycle, state: str) -> None:
    cycle.state = state
    cycle.save(update_fields=["state"])


def _speaking(user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def _get(client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


CYCLES_PAGE = {
    "en": {
        "words": (
            'lang="en"',
            "<h1>Cycles</h1>",
            "New cycle",
            "Fiscal year",
            "Last change",
            "Report",
            "The quarter picker counts",
        ),
        "other_language": ("새 주기", "마지막 변경"),
    },
    "ko": {
        "words": (
            'lang="ko"',
            "<h1>주기</h1>",
            "새 주기",
            "회계연도",
            "마지막 변경",
            "보고서",
            "분기 선택은",
        ),
        "other_language": ("New cycle", "Last change"),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_cycles_page_in_the_readers_language(client, admin, cycle, language):
    html = _get(client, _speaking(admin, language), reverse("cycle_list"))
    for text in CYCLES_PAGE[language]["words"]:
        assert text in html, text
    for text in CYCLES_PAGE[language]["other_language"]:
        assert text not in html, text
    assert "2026 Q4" in html  # the stored name is data


CYCLE_DATES = {
    "en": ("1 Jan 2027 – 31 Mar 2027", "Where it stands", "History"),
    "ko": ("2027년 1월 1일 – 2027년 3월 31일", "현재 단계", "이력"),
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_dates_follow_the_languages_date_format(client, admin, language):
    dates, stands, history = CYCLE_DATES[language]
    cycle = CycleFactory(name="2027 Q1", start_date=date(2027, 1, 1), end_date=date(2027, 3, 31))
    html = _get(client, _speaking(admin, language), reverse("cycle_list"))
    assert dates in html
    detail = _get(client, admin, reverse("cycle_detail", args=[cycle.pk]))
    assert dates in detail
    assert stands in detail and history in detail


def test_the_transition_confirmation_in_korean(client, admin, key_result, cycle):
    _state(cycle, Cycle.State.GRADING)
    html = _get(
        client, speaking_korean(admin), reverse("cycle_transition", args=[cycle.pk, "closed"])
    )
    assert "핵심 결과 1개와 목표 1개의 점수가 확정되어 저장됩니다." in html
    assert "예, 2026 Q4 종료" in html
    assert "종료는 되돌릴 수 없습니다." in html


def test_a_move_far_from_the_dates_names_them_in_korean(client, admin):
    cycle = CycleFactory(
        name="2099 Q1", state="planning", start_date=date(2099, 1, 1), end_date=date(2099, 3, 31)
    )
    html = _get(
        client, speaking_korean(admin), reverse("cycle_transition", args=[cycle.pk, "active"])
    )
    assert re.search(r"2099 Q1은\(는\) 2099년 1월 1일에 시작합니다\. [\d,]+일 남았습니다\.", html)
    assert "기간은 2099년 1월 1일 – 2099년 3월 31일이고 오늘은" in html


def test_a_refused_transition_says_why_in_korean(client, admin, cycle):
    speaking_korean(admin)
    _state(cycle, Cycle.State.CLOSED)
    client.force_login(admin)
    response = client.get(reverse("cycle_transition", args=[cycle.pk, "active"]))
    assert response.status_code == 409
    html = response.content.decode()
    assert "지금은 할 수 없습니다" in html and "주기 목록으로" in html


def test_the_grading_page_in_korean(client, owner, key_result, cycle):
    record_checkin(actor=owner, key_result=key_result, value=Decimal(40), confidence=4)
    _state(cycle, Cycle.State.GRADING)
    html = _get(client, speaking_korean(owner), f"{reverse('grading')}?cycle={cycle.pk}")
    for text in ("2026 Q4 평가", "평가할 핵심 결과", "진행률 0.50", "평가하기"):
        assert text in html, text
    assert "Raise activation from 20% to 60%" in html  # the title is data
    form = client.get(
        reverse("grade_key_result", args=[key_result.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "계산된 진행률은 0.50입니다." in form and "평가 점수 저장" in form


def test_the_cycle_report_in_korean(client, owner, key_result, team_objective, cycle):
    ObjectiveReflectionFactory(objective=team_objective, author=owner, what_worked="Pairing.")
    html = _get(client, speaking_korean(owner), f"{reverse('cycle_report')}?cycle={cycle.pk}")
    for text in (
        "보고서: 2026 Q4",
        "핵심 결과 점수 분포",
        "평균 점수",
        "목표, 평가 점수 및 회고",
        "CSV 다운로드",
        "잠정 점수",
        "잘되지 않은 점",
    ):
        assert text in html, text
    assert "Distribution of key result scores" not in html


def test_the_report_of_a_closed_cycle_in_korean(client, admin, owner, key_result, cycle):
    _state(cycle, Cycle.State.GRADING)
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state=Cycle.State.CLOSED)
    html = _get(client, speaking_korean(owner), f"{reverse('cycle_report')}?cycle={cycle.pk}")
    assert "주기가 종료될 때 저장된 최종 점수입니다." in html


def test_the_carry_over_page_in_korean(client, manager, key_result, cycle):
    _state(cycle, Cycle.State.GRADING)
    CycleFactory(name="2027 Q1", start_date=date(2027, 1, 1), end_date=date(2027, 3, 31))
    html = _get(client, speaking_korean(manager), f"{reverse('carry_over')}?cycle={cycle.pk}")
    assert "2026 Q4에서 이월" in html
    assert "미완료 핵심 결과 1개" in html


def test_the_cycle_switcher_in_korean(client, owner, cycle):
    html = _get(client, speaking_korean(owner), f"{reverse('cycle_report')}?cycle={cycle.pk}")
    assert "주기 선택" in html and ">보기</button>" in html
