"""The planning area in Korean: pages, messages, coaching hints and form errors for a
person whose language is Korean; Korean titles written, saved and shown; the template library
shown and started from in Korean. The plan page and the template library are checked in English
too."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from objectives.models import KeyResult, Objective, ObjectiveTemplate
from objectives.planning import coaching as coaching
from objectives.planning.library import LIBRARY, UNIT_LABELS
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ensure_template_library,
    speaking_korean,
)
from tests.objectives.planning.test_okr_io import _csv, _row, _upload

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def korean(owner):
    return speaking_korean(owner)


def _korean_objective_data(cycle, **overrides):
    data = {
        "cycle": cycle.pk,
        "title": "신규 고객의 첫 주를 즐겁게 만들기",
        "description": "첫 주에 가치를 경험한 고객은 오래 머뭅니다.",
        "owner_kind": "person",
        "owner_user": "owner",
        "owner_team": "",
        "objective_type": "aspirational",
        "visibility": "public",
        "parent": "",
        "kr_rows": "3",
        "kr-0-title": "첫 주 활성화율 35%에서 55%로 향상",
        "kr-0-owner": "",
        "kr-0-kind": "metric",
        "kr-0-unit": "%",
        "kr-0-start_value": "35",
        "kr-0-target_value": "55",
        "kr-0-weight": "1",
        "kr-1-title": "온보딩 지원 티켓 월 120건에서 60건으로 감소",
        "kr-1-owner": "teammate",
        "kr-1-kind": "metric",
        "kr-1-unit": "건",
        "kr-1-start_value": "120",
        "kr-1-target_value": "60",
        "kr-1-weight": "1",
        "kr-2-kind": "metric",
        "kr-2-start_value": "0",
        "kr-2-weight": "1",
    }
    data.update(overrides)
    return data


# --- Pages -------------------------------------------------------------------------------------


# The objective each reader owns (its title, its key results' titles) and what the page says.
PLAN_PAGE = {
    "en": {
        "objective": ("Delight new teams", []),
        "words": ("Plan 2026 Q4", "Your objectives", "0 key results"),
        "other_language": ("내 목표",),
    },
    "ko": {
        "objective": ("고객 만족도 높이기", ["NPS 30에서 45로 향상"]),
        "words": (
            "2026 Q4 계획",
            "내 목표",
            "새 목표",
            "템플릿으로 시작",
            "핵심 결과 1개",
            # The one key result is a coaching hint, counted in Korean too.
            "살펴볼 힌트가 1개 있습니다",
        ),
        "other_language": ("Your objectives", "New objective"),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_plan_page_in_the_readers_language(client, owner, cycle, product, language):
    page = PLAN_PAGE[language]
    if language == "ko":
        speaking_korean(owner)
    title, key_results = page["objective"]
    objective = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner, title=title)
    for key_result in key_results:
        KeyResultFactory(objective=objective, owner=owner, title=key_result)
    client.force_login(owner)
    html = client.get(reverse("plan") + f"?cycle={cycle.pk}").content.decode()
    assert title in html
    for text in page["words"]:
        assert text in html, text
    for text in page["other_language"]:
        assert text not in html, text


def test_korean_titles_written_in_the_form_are_saved_and_shown(client, korean, teammate, cycle):
    client.force_login(korean)
    response = client.post(reverse("objective_new"), _korean_objective_data(cycle))
    assert response.status_code == 302
    objective = Objective.objects.get()
    assert objective.title == "신규 고객의 첫 주를 즐겁게 만들기"
    assert [kr.title for kr in objective.key_results.order_by("order")] == [
        "첫 주 활성화율 35%에서 55%로 향상",
        "온보딩 지원 티켓 월 120건에서 60건으로 감소",
    ]
    page = client.get(response["Location"])
    html = page.content.decode()
    # The success message, the page's own words and the saved Korean titles.
    assert "“신규 고객의 첫 주를 즐겁게 만들기”을(를) 핵심 결과 2개와 함께 저장했습니다." in html
    assert "<h1>신규 고객의 첫 주를 즐겁게 만들기</h1>" in html
    assert "첫 주 활성화율 35%에서 55%로 향상" in html
    assert "핵심 결과 추가" in html and "목표 수정" in html and "가중치 1" in html


def test_a_korean_objective_in_the_alignment_tree(client, korean, cycle, product):
    parent = ObjectiveFactory(cycle=cycle, owner_team=product, title="제품 경험을 업계 최고로")
    ObjectiveFactory(
        cycle=cycle, owner_team=None, owner_user=korean, title="온보딩을 쉽게 만들기", parent=parent
    )
    client.force_login(korean)
    # Without JavaScript the search is a page of its own: the matches with those above them.
    page = client.get(reverse("alignment_picker"), {"cycle": cycle.pk, "parent_q": "온보딩"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "정렬할 목표: “온보딩”" in html
    assert "제품 경험을 업계 최고로" in html and "온보딩을 쉽게 만들기" in html
    # The picker in the form finds it too, and says how many it shows in Korean.
    fragment = client.get(
        reverse("alignment_picker"), {"cycle": cycle.pk, "parent_q": "온보딩"}, **HTMX
    ).content.decode()
    assert "“온보딩” 검색 결과 2개." in fragment
    assert "상위 목표 없음: 지원하는 상위 목표가 없습니다" in fragment
    nothing = client.get(
        reverse("alignment_picker"), {"cycle": cycle.pk, "parent_q": "없는말"}, **HTMX
    ).content.decode()
    assert "“없는말” 검색 결과 0개: 일치하는 목표가 없습니다." in nothing


def test_the_objective_page_in_korean(client, korean, cycle, product):
    objective = ObjectiveFactory(cycle=cycle, owner_team=product, title="안정적인 플랫폼 운영하기")
    KeyResultFactory(
        objective=objective,
        owner=korean,
        title="월간 가동률 99.9% 이상 유지",
        kind=KeyResult.Kind.AT_LEAST,
        unit="%",
        start_value=Decimal("99.5"),
        target_value=Decimal("99.9"),
    )
    client.force_login(korean)
    html = client.get(reverse("objective_plan", args=[objective.pk])).content.decode()
    assert "<h1>안정적인 플랫폼 운영하기</h1>" in html
    assert "최소 유지 99.9%" in html and "핵심 결과" in html
    # One key result: the coaching says so, in Korean.
    assert "목표가 달성되었는지 보여 주려면 핵심 결과가 두 개 이상 필요합니다." in html
    assert "Key results" not in html and "keep at least" not in html


def test_the_new_objective_form_in_korean(client, korean, cycle):
    client.force_login(korean)
    html = client.get(reverse("objective_new") + f"?cycle={cycle.pk}").content.decode()
    assert f"{cycle.name}의 새 목표" in html
    assert "목표 만들기" in html and "코칭" in html and "행 추가" in html
    # The form's labels and choices come from forms.py and the models, in Korean as well.
    assert "중요한 이유" in html and "시작값" in html and "목표치" in html and "가중치" in html


# --- Coaching ----------------------------------------------------------------------------------


def test_coaching_hints_in_korean_on_korean_titles(client, korean, teammate, cycle):
    client.force_login(korean)
    data = _korean_objective_data(
        cycle,
        title="2027년 상반기 신규 고객 100명 확보",
        **{"kr-0-title": "온보딩 가이드 작성", "kr-0-kind": "milestone", "kr-1-title": ""},
    )
    data.pop("kr-1-target_value")
    html = client.get(reverse("objective_hints"), data, **HTMX).content.decode()
    # "2027년" and "상반기" name a period; "100명" is a quantity and belongs in a key result.
    assert 'data-hint="number_in_title"' in html
    assert "목표는 정성적으로 씁니다. 제목에 숫자나 퍼센트를 넣지 마세요." in html
    assert "“100명”은(는) 핵심 결과로 옮기고" in html
    assert '<span class="coach-found">100명</span>' in html
    # A Korean key result that names a task ("작성") instead of an outcome.
    assert "핵심 결과 1" in html and 'data-hint="task_not_outcome"' in html
    assert "핵심 결과는 해야 할 일이 아니라 측정하는 성과입니다." in html
    good = client.get(
        reverse("objective_hints"), _korean_objective_data(cycle), **HTMX
    ).content.decode()
    assert "코칭 힌트가 없습니다. 잘 쓴 OKR입니다." in good


def test_a_title_with_only_a_period_in_korean_has_no_number_hint():
    with translation.override("ko"):
        assert coaching.title_number_hint("2027년 3분기 고객 경험 혁신") is None
        hint = coaching.title_number_hint("매출 3배 성장")
    assert hint is not None and hint.found == "3배"
    assert hint.fix.startswith("“3배”은(는) 핵심 결과로 옮기고")
    assert hint.rule == "목표는 정성적으로 씁니다. 제목에 숫자나 퍼센트를 넣지 마세요."


def test_plural_hints_in_korean_and_english():
    with translation.override("ko"):
        too_many = coaching.objectives_per_owner_hint(6, "김민지")
        at_risk = coaching.committed_at_risk_hint(
            objective_type="committed", statuses=["at_risk", "behind"], expected=Decimal("0.2")
        )
    assert too_many.found == "김민지: 목표 6개"
    assert at_risk.found == "주의 또는 뒤처짐 상태인 핵심 결과 2개"
    english = coaching.committed_at_risk_hint(
        objective_type="committed", statuses=["at_risk"], expected=Decimal("0.2")
    )
    assert english.found == "1 key result at risk or behind"


def test_live_key_result_hints_in_korean(client, korean):
    client.force_login(korean)
    url = reverse("key_result_hints")
    html = client.get(
        url, {"title": "가이드 작성", "kind": "metric", "start_value": "5", "target_value": "5"}
    ).content.decode()
    assert "목표치가 시작값과 같은 핵심 결과는 진행을 측정하지 못합니다." in html
    assert "핵심 결과는 해야 할 일이 아니라 측정하는 성과입니다." in html


# --- Validation --------------------------------------------------------------------------------


def test_a_validation_error_in_korean(client, korean, cycle):
    client.force_login(korean)
    response = client.post(
        reverse("objective_new"), _korean_objective_data(cycle, owner_user="아무도아님")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "사용자 이름이 “아무도아님”인 활성 사용자가 없습니다." in html
    assert not Objective.objects.exists()
    empty_owner = client.post(
        reverse("objective_new"), _korean_objective_data(cycle, owner_user="")
    )
    assert "담당자의 사용자 이름을 입력하세요." in empty_owner.content.decode()


# --- The template library ----------------------------------------------------------------------


TEMPLATE_LIBRARY = {
    "en": {
        "words": (
            "<h1>Template library</h1>",
            "Make new revenue predictable quarter after quarter",
            "Raise forecast accuracy from 70% to 90%",
            "60 days → 45 days",  # the library's units too
            "Start from this template",
        ),
        "other_language": ("분기마다",),
    },
    "ko": {
        "words": (
            "<h1>템플릿 라이브러리</h1>",
            "분기마다 신규 매출을 예측 가능하게 만들기",
            "매출 예측 정확도 70%에서 90%로 향상",
            "60일 → 45일",
            "이 템플릿으로 시작",
        ),
        "other_language": ("Make new revenue predictable quarter after quarter",),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_template_library_in_the_readers_language(client, owner, cycle, language):
    ensure_template_library()
    if language == "ko":
        speaking_korean(owner)
    client.force_login(owner)
    html = client.get(reverse("template_library") + f"?cycle={cycle.pk}").content.decode()
    for text in TEMPLATE_LIBRARY[language]["words"]:
        assert text in html, text
    for text in TEMPLATE_LIBRARY[language]["other_language"]:
        assert text not in html, text


def test_a_korean_search_of_the_template_library(client, korean, cycle):
    """A Korean search finds the Korean words; the stored English still matches as well."""
    ensure_template_library()
    client.force_login(korean)
    found = client.get(reverse("template_library"), {"q": "중견기업"}, **HTMX)
    titles = [t.title for t in found.context["templates"]]
    assert "중견기업 시장에서 승리하기" in titles
    assert all("중견기업" in t.title + t.description for t in found.context["templates"])
    english_terms = client.get(reverse("template_library"), {"q": "pipeline"}, **HTMX)
    assert "건강한 나만의 파이프라인 갖추기" in [
        t.title for t in english_terms.context["templates"]
    ]


def test_starting_from_a_template_in_korean_fills_the_form_in_korean(client, korean, cycle):
    ensure_template_library()
    template = ObjectiveTemplate.objects.get(library_key="sales-predictable-revenue")
    client.force_login(korean)
    html = client.get(
        reverse("objective_new") + f"?cycle={cycle.pk}&template={template.pk}"
    ).content.decode()
    assert 'value="분기마다 신규 매출을 예측 가능하게 만들기"' in html
    assert 'value="매출 예측 정확도 70%에서 90%로 향상"' in html
    assert 'value="일"' in html  # "days" as a Korean unit
    assert "템플릿 “분기마다 신규 매출을 예측 가능하게 만들기”의 내용으로 채웠습니다." in html
    # The template itself is not changed: it stays English in the database.
    template.refresh_from_db()
    assert template.title == "Make new revenue predictable quarter after quarter"


def test_an_admins_own_template_is_shown_as_written(client, korean, admin, cycle):
    ObjectiveTemplate.objects.create(
        title="Make new revenue predictable quarter after quarter",  # a library text, but theirs
        department="sales",
        level="team",
        created_by=admin,
    )
    client.force_login(korean)
    html = client.get(reverse("template_library"), {"department": "sales"}).content.decode()
    assert "Make new revenue predictable quarter after quarter" in html
    assert "님이 저장" in html


def test_every_library_text_and_unit_has_a_korean_translation():
    texts = {entry["title"] for entry in LIBRARY} | {
        entry["description"] for entry in LIBRARY if entry.get("description")
    }
    texts |= {kr["title"] for entry in LIBRARY for kr in entry["key_results"]}
    with translation.override("ko"):
        untranslated = sorted(text for text in texts if translation.gettext(text) == text)
        units = {unit: str(label) for unit, label in UNIT_LABELS.items()}
    assert untranslated == []
    assert all(label != unit for unit, label in units.items())


@pytest.mark.parametrize("entry", LIBRARY, ids=[entry["key"] for entry in LIBRARY])
def test_the_korean_library_passes_every_coaching_hint(entry):
    """The Korean templates are as well written as the English ones: no number in a title, key
    results that read as outcomes with a target."""
    with translation.override("ko"):
        title = translation.gettext(entry["title"])
        assert coaching.title_number_hint(title) is None, title
        for kr in entry["key_results"]:
            kr_title = translation.gettext(kr["title"])
            hints = coaching.key_result_hints(
                title=kr_title,
                kind=kr["kind"],
                start=Decimal(kr["start"]),
                target=Decimal(kr["target"]),
            )
            assert hints == [], (kr_title, [h.code for h in hints])


# --- Import ------------------------------------------------------------------------------------


def test_importing_korean_okrs_in_korean(client, manager, owner):
    planning = CycleFactory(name="2027 Q1", state="planning", start_date=date(2027, 1, 1))
    manager.language = "ko"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    page = client.get(reverse("okr_import") + f"?cycle={planning.pk}").content.decode()
    assert "2027 Q1에 OKR 가져오기" in page and "파일 확인(시험 실행)" in page
    first = {"objective": "온보딩을 즐겁게", "key_result": "활성화율 20%에서 60%로 향상"}
    second = first | {"objective_ref": "N2", "objective": "고객 성공", "parent_ref": "N1"}
    content = _csv([_row(**first), _row(**second)])
    preview = client.post(
        reverse("okr_import"), {"cycle": planning.pk, "action": "preview", "file": _upload(content)}
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "준비 완료: 목표 2개와 핵심 결과 2개가 만들어집니다" in html
    assert "목표 2개 가져오기" in html and "온보딩을 즐겁게" in html
    confirmed = client.post(
        reverse("okr_import"),
        {"cycle": planning.pk, "action": "confirm", "content": preview.context["content"]},
        follow=True,
    )
    assert "2027 Q1에 목표 2개를 가져왔습니다." in confirmed.content.decode()
    imported = Objective.objects.get(cycle=planning, title="고객 성공")
    assert imported.parent.title == "온보딩을 즐겁게"
    broken = _csv([_row(target="NaN"), _row(objective_ref="N2", objective="B", owner_team="x")])
    refused = client.post(
        reverse("okr_import"), {"cycle": planning.pk, "action": "preview", "file": _upload(broken)}
    )
    assert refused.status_code == 422
    assert "문제 2건: 아무것도 가져오지 않았습니다" in refused.content.decode()
