"""The dashboards in Korean: a person whose language is Korean reads every page's
headings, labels, dates, status reasons, charts and weekly summary in Korean; numbers and money
follow the language; the key result search finds Korean titles and names. The team dashboard is
checked in English too, the teams list in both languages in test_team_index.py."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from checkins.services import record_checkin
from dashboards import summary
from dashboards.templatetags import okr
from tests.factories import KeyResultFactory, UserFactory

pytestmark = pytest.mark.django_db

D = Decimal
KOREAN_DATE = re.compile(r"20\d\d년 \d{1,2}월 \d{1,2}일")


def _text(response) -> str:
    """The page's visible words, tags dropped and spaces squeezed."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _speak(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def story(owner, teammate, manager, key_result, team_objective):
    """This week the owner checked in (confidence down to 2, a Korean blocker); the teammate's
    key result in won was checked in last week only."""
    now = timezone.now()
    won = KeyResultFactory(
        objective=team_objective,
        owner=teammate,
        title="신규 매출 1억 원 달성",
        unit="KRW",
        start_value=D(0),
        target_value=D(100_000_000),
    )
    record_checkin(
        actor=owner, key_result=key_result, value=D(28), confidence=4, now=now - timedelta(7)
    )
    record_checkin(
        actor=owner,
        key_result=key_result,
        value=D(44),
        confidence=2,
        blockers="데이터 없음",
        now=now,
    )
    record_checkin(
        actor=teammate, key_result=won, value=D(1_500_000), confidence=3, now=now - timedelta(7)
    )
    return {"mine": key_result, "won": won}


# --- Pages ---------------------------------------------------------------------------------------


TEAM_DASHBOARD = {
    "en": {
        "words": (
            "Average objective progress",
            "Checked in this week",
            "Key results by status",
            "Average confidence",
            "Needs attention",
            "Not checked in this week",
            "Progress by person",
            "Confidence by week",
            "Last check-in",  # a column of the key result table
            "Search",  # its filters
            "Any status",
            "2 of 2 key results",  # the table's count
            # The status reasons.
            "of an expected",
            "confidence 2/5",
            # Money in won in the table.
            "₩1,500,000 of ₩100,000,000",
        ),
        "week": re.compile(r"week of \d{1,2} [A-Z][a-z]{2} – \d{1,2} [A-Z][a-z]{2} 20\d\d"),
        # The written weekly summary.
        "summary": (
            ("Lowest confidence:", "데이터 없음"),
            ("% of key results have a check-in this week",),
            ("Not checked in yet this week: Teammate (1 key result)",),
        ),
        "other_language": ("평균 목표 진행률", "주의 필요"),
    },
    "ko": {
        "words": (
            "평균 목표 진행률",
            "이번 주 체크인 완료",
            "상태별 핵심 결과",
            "평균 신뢰도",
            "주의 필요",
            "이번 주 미체크인",
            "구성원별 진행률",
            "주별 신뢰도",
            "최근 체크인",
            "검색",
            "모든 상태",
            "핵심 결과 2개 중 2개",
            "뒤처짐: 예상 진행률",
            "신뢰도 2/5",
            "₩1,500,000 / ₩100,000,000",
        ),
        "week": KOREAN_DATE,
        "summary": (
            ("신뢰도가 가장 낮은 핵심 결과", "데이터 없음"),
            ("이번 주에 핵심 결과의 50%가 체크인되어",),
            ("이번 주에 아직 체크인하지 않은 구성원: Teammate(핵심 결과 1개)",),
        ),
        "other_language": ("Average objective progress", "Needs attention", "week of", "behind:"),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_team_dashboard_in_the_readers_language(client, manager, product, story, language):
    page = TEAM_DASHBOARD[language]
    client.force_login(_speak(manager, language))
    response = client.get(reverse("team_dashboard", args=[product.slug]))
    assert response.status_code == 200
    text = _text(response)
    for words in page["words"]:
        assert words in text, words
    assert page["week"].search(text)  # the week in the subtitle
    sentences = [s.text for s in response.context["dashboard"].summary]
    for parts in page["summary"]:
        assert any(all(part in s for part in parts) for s in sentences), (parts, sentences)
    for words in page["other_language"]:
        assert words not in text, words


def test_company_dashboard_in_korean(client, manager, story):
    client.force_login(_speak(manager, "ko"))
    response = client.get(reverse("company"))
    assert response.status_code == 200
    text = _text(response)
    for words in (
        "전사 목표 진행률",
        "정렬",
        "전사 목표에 정렬되지 않음",
        "상태별 핵심 결과",  # the status chart's title
        "핵심 결과 2개: 뒤처짐 2개.",  # and its text alternative
        "팀별·주별 체크인",  # the heatmap
        "팀별 진행률",
        "하위 팀 보기",
    ):
        assert words in text, words
    assert KOREAN_DATE.search(text)
    assert re.search(r"\d{1,2}월 \d{1,2}일 주: \d+% 체크인", text)  # heatmap cells


def test_key_result_page_in_korean(client, teammate, story):
    client.force_login(_speak(teammate, "ko"))
    response = client.get(reverse("key_result", args=[story["won"].pk]))
    assert response.status_code == 200
    text = _text(response)
    for words in ("현재값", "목표치 ₩100,000,000", "시작값 ₩0", "체크인 기록", "기간별 값"):
        assert words in text, words
    assert "체크인 1회. 최근 값 ₩1,500,000, 시작값 ₩0, 목표치 ₩100,000,000." in text
    assert KOREAN_DATE.search(text)  # the history's dates
    assert "뒤처짐: 예상 진행률" in text and "신뢰도 3/5" in text


def test_my_week_in_korean(client, owner, story):
    client.force_login(_speak(owner, "ko"))
    response = client.get(reverse("my_week"))
    assert response.status_code == 200
    text = _text(response)
    for words in ("내 주간", "이번 주 체크인 필요", "내 목표 진행률", "최근 체크인", "체크인"):
        assert words in text, words
    assert "44% / 60% (시작값 20%)" in text
    assert KOREAN_DATE.search(text)
    assert re.search(r"\d{1,2}월 \d{1,2}일 \(.\) \d\d:\d\d", text)  # the last check-in
    assert "신뢰도 2/5" in text


def test_objective_page_in_korean(client, manager, team_objective, story):
    client.force_login(_speak(manager, "ko"))
    response = client.get(reverse("objective", args=[team_objective.pk]))
    assert response.status_code == 200
    text = _text(response)
    for words in ("진행률", "상태", "정렬된 목표", "현재 예상 진행률", "핵심 결과 2개 모두 뒤처짐"):
        assert words in text, words
    assert "₩1,500,000 / ₩100,000,000" in text


def test_the_cached_sections_follow_the_language(client, manager, product, story):
    """The read cache keeps a copy per language: Korean after English draws Korean."""
    client.force_login(_speak(manager, "en"))
    assert "Average objective progress" in _text(
        client.get(reverse("team_dashboard", args=[product.slug]))
    )
    _speak(manager, "ko")
    text = _text(client.get(reverse("team_dashboard", args=[product.slug])))
    assert "평균 목표 진행률" in text and "Average objective progress" not in text


# --- Search --------------------------------------------------------------------------------------


def test_search_finds_korean_titles_and_names(client, manager, product, team_objective, story):
    kim = UserFactory(username="minsu", display_name="김민수")
    KeyResultFactory(objective=team_objective, owner=kim, title="고객 만족도 90점 유지")
    client.force_login(_speak(manager, "ko"))
    url = reverse("team_dashboard", args=[product.slug])

    def titles(query: str) -> list[str]:
        response = client.get(url, {"q": query})
        return [bound.record.title for bound in response.context["table"].page.object_list]

    assert titles("매출") == ["신규 매출 1억 원 달성"]
    assert titles("1억 달성") == ["신규 매출 1억 원 달성"]  # every word, in any order
    assert titles("만족도") == ["고객 만족도 90점 유지"]
    assert titles("민수") == ["고객 만족도 90점 유지"]  # part of a Korean name
    assert titles("없는말") == []


def test_search_matches_decomposed_korean(client, manager, product, story):
    """Hangul typed as separate jamo (NFD, as some systems send it) still matches."""
    import unicodedata

    client.force_login(manager)
    url = reverse("team_dashboard", args=[product.slug])
    response = client.get(url, {"q": unicodedata.normalize("NFD", "매출")})
    titles = [bound.record.title for bound in response.context["table"].page.object_list]
    assert titles == ["신규 매출 1억 원 달성"]


# --- Numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "unit", "text"),
    [
        ("en", D("740000"), "$", "$740,000"),
        ("en", D("1200.5"), "$", "$1,200.50"),
        ("en", D("1500000"), "KRW", "₩1,500,000"),
        ("en", D("1500000"), "₩", "₩1,500,000"),
        ("en", D("-500"), "$", "−$500"),
        ("en", D("12.50"), "%", "12.5%"),
        ("en", D("30"), "days", "30 days"),
        ("en", D("1234567.125"), "", "1,234,567.125"),
        ("ko", D("1500000"), "KRW", "₩1,500,000"),
        ("ko", D("1500000"), "₩", "₩1,500,000"),
        ("ko", D("1200.5"), "USD", "US$1,200.50"),
        ("ko", D("1200.5"), "€", "€1,200.50"),
        ("ko", D("1234567.5"), "", "1,234,567.5"),
        ("ko", D("12.5"), "%", "12.5%"),
        ("ko", D("30"), "일", "30일"),
        ("ko", D("1200"), "명", "1,200명"),
        ("en", D("3"), "건", "3건"),
        ("ko", D("30"), "days", "30 days"),
        ("ko", None, "KRW", "—"),
    ],
)
def test_with_unit_per_language(language, value, unit, text):
    with translation.override(language):
        assert okr.with_unit(value, unit) == text


def test_with_unit_keeps_every_digit_of_a_decimal():
    with translation.override("ko"):
        assert okr.with_unit(D("0.000001"), "") == "0.000001"
        assert okr.with_unit(D("123456789012345678.123"), "KRW") == "₩123,456,789,012,345,678.123"


def test_lowercase_or_unknown_codes_are_plain_units():
    with translation.override("en"):
        assert okr.with_unit(D(3), "usd") == "3 usd"
        assert okr.with_unit(D(3), "XYZ") == "3 XYZ"
        assert okr.with_unit(D(3), "NPS") == "3 NPS"


def test_percentage_points_in_korean():
    with translation.override("ko"):
        assert okr.signed_points(D("0.12")) == "+12%p"
        assert okr.signed_points(D("-0.05")) == "−5%p"
    with translation.override("en"):
        assert okr.signed_points(D("0.12")) == "+12 pts"


# --- The weekly summary --------------------------------------------------------------------------


def _facts(**overrides) -> summary.WeekFacts:
    kr = summary.KeyResultFacts(
        title="가입 전환율",
        owner="김민수",
        status="behind",
        progress=D("0.2"),
        progress_change=D("0.1"),
        confidence=2,
        blocker="예산 승인 대기",
        stale_days=12,
        due=True,
    )
    values = {
        "team": "제품팀",
        "key_results": [kr],
        "rate_this_week": D("0.5"),
        "rate_last_week": D("0.75"),
    }
    values.update(overrides)
    return summary.WeekFacts(**values)


def test_weekly_summary_in_korean():
    with translation.override("ko"):
        texts = {s.kind: s.text for s in summary.compose(_facts())}
        empty = summary.compose(_facts(key_results=[]))[0].text
    assert texts["moved"] == (
        "이번 주에 가장 많이 움직인 핵심 결과는 “가입 전환율”입니다. "
        "진행률이 0.10 올라 0.20이(가) 되었습니다(김민수)."
    )
    assert texts["lowest_confidence"] == (
        "신뢰도가 가장 낮은 핵심 결과: “가입 전환율” 2/5(김민수). 막힌 점: “예산 승인 대기”."
    )
    assert texts["silent"] == "이번 주에 아직 체크인하지 않은 구성원: 김민수(핵심 결과 1개)."
    assert texts["stale"] == "10일 넘게 업데이트 없음: “가입 전환율”(김민수, 12일)."
    assert texts["checkin_rate"] == (
        "이번 주에 핵심 결과의 50%가 체크인되어 지난주 75%보다 줄었습니다."
    )
    assert empty == "제품팀에는 이번 주기에 아직 핵심 결과가 없습니다."


def test_weekly_summary_lists_in_korean():
    many = [
        summary.KeyResultFacts(
            title=f"KR {n}", owner=f"사람 {n}", status="behind", progress=D(0), due=True
        )
        for n in range(5)
    ]
    with translation.override("ko"):
        silent = summary.silent_sentence(_facts(key_results=many))
    assert silent.text == (
        "이번 주에 아직 체크인하지 않은 구성원: 사람 0(핵심 결과 1개), 사람 1(핵심 결과 1개), "
        "사람 2(핵심 결과 1개) 외 2건."
    )
