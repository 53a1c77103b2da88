"""The objectives services refuse in the reader's language: Korean under a Korean translation,
the English sentences unchanged otherwise; model labels follow too, users' words never do."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from domain.errors import CycleStateError
from objectives import services
from objectives.concurrency import EditConflict
from objectives.models import Cycle, KeyResult, Objective, ObjectiveReflection
from objectives.planning import services as planning_services
from tests.factories import CycleFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def _objective_errors() -> dict[str, list[str]]:
    return services.objective_errors(
        title=" ", description="", objective_type="bold", visibility="secret"
    )


def test_objective_errors_in_korean_and_english():
    with translation.override("ko"):
        assert _objective_errors() == {
            "title": ["목표 제목을 입력하세요. 무엇을 이루고 싶나요?"],
            "objective_type": ["도전형 또는 확약형을 선택하세요."],
            "visibility": ["공개 또는 비공개를 선택하세요."],
        }
    with translation.override("en"):
        assert _objective_errors()["title"] == [
            "Give the objective a title: what do you want to achieve?"
        ]


def test_key_result_and_number_errors_in_korean():
    with translation.override("ko"):
        errors = services.key_result_errors(
            title="",
            kind="metric",
            unit="",
            start_value=Decimal(5),
            target_value=Decimal(5),
            weight=Decimal(101),
        )
        assert errors == {
            "title": ["핵심 결과 제목을 입력하세요. 무엇을 측정하나요?"],
            "target_value": ["목표치는 시작값과 달라야 합니다. 핵심 결과는 변화를 측정합니다."],
            "weight": ["가중치는 0보다 크고 100 이하여야 합니다."],
        }
        assert services.parse_number("1,5") == (None, ["1250이나 12.5처럼 숫자만 입력하세요."])
        assert services.parse_number("1.23456")[1] == ["소수점 이하 4자리까지만 입력하세요."]
        assert services.number_errors(Decimal("NaN")) == ["유한한 숫자를 입력하세요."]


def test_grade_and_reflection_errors_in_korean():
    with translation.override("ko"):
        assert services.grade_errors(grade=Decimal("1.5"), note="") == {
            "grade": ["평가 점수는 0.0에서 1.0 사이여야 합니다."],
            "note": ["어떻게 진행되었는지 한두 문장으로 적어 주세요. 이 메모가 회고가 됩니다."],
        }
        errors = services.reflection_errors(
            score=Decimal("0.4"), what_worked="x", what_did_not="y", root_cause="", decision="?"
        )
        assert errors == {
            "root_cause": ["점수 0.40점은 0.7 미만입니다. 근본 원인을 적어 주세요."],
            "decision": ["다음 주기에 유지, 변경, 중단 중 하나를 선택하세요."],
        }


def test_a_refused_write_explains_itself_in_korean(team_objective, stranger, owner):
    with translation.override("ko"), pytest.raises(PermissionDenied) as denied:
        services.edit_objective(
            actor=stranger,
            objective=team_objective,
            title="다른 제목",
            description="",
            owner_team=team_objective.owner_team,
            owner_user=None,
            objective_type="aspirational",
            visibility="public",
            parent=None,
        )
    assert str(denied.value) == "이 목표를 수정할 권한이 없습니다."


def test_add_objective_collects_korean_messages_by_field(cycle, product, manager, owner):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    with translation.override("ko"), pytest.raises(ValidationError) as invalid:
        services.add_objective(
            actor=manager,
            cycle=cycle,
            title="",
            owner_team=product,
            key_results=[
                services.KeyResultDraft(title="첫 핵심 결과", owner=owner, target_value=None)
            ],
        )
    errors = invalid.value.message_dict
    assert errors["title"] == ["목표 제목을 입력하세요. 무엇을 이루고 싶나요?"]
    assert errors["key_results-0-target_value"] == ["숫자를 입력하세요."]
    (deactivated,) = errors["key_results-0-owner"]
    assert deactivated.startswith("Owner 님은 비활성화")
    assert deactivated.endswith("활성 사용자를 선택하세요.")


def test_a_cycle_state_refusal_names_the_state_in_korean(team_objective, owner):
    with translation.override("ko"), pytest.raises(CycleStateError) as refused:
        services.ensure_cycle_grading(team_objective.cycle)
    assert refused.value.text == (
        "평가 점수와 회고는 주기가 평가 중일 때 작성합니다. "
        "“2026 Q4” 주기는 현재 진행 중 상태입니다."
    )


def test_carrying_over_refuses_in_korean_with_the_users_words_untouched(admin, product):
    source = CycleFactory(name="2026년 3분기", state="active")
    objective = ObjectiveFactory(cycle=source, owner_team=product, title="매출 두 배")
    into = CycleFactory(name="2026년 4분기", state="planning")
    with translation.override("ko"), pytest.raises(CycleStateError) as refused:
        planning_services.carry_over_objectives(actor=admin, objectives=[objective], into=into)
    assert refused.value.text == (
        "“매출 두 배”은(는) 진행 중 상태인 2026년 3분기 주기에 있습니다. "
        "목표는 주기가 평가 중이거나 종료된 뒤에 이월할 수 있습니다."
    )


def test_an_edit_conflict_says_so_in_korean(team_objective, manager):
    with translation.override("ko"), pytest.raises(EditConflict) as conflict:
        services.edit_objective(
            actor=manager,
            objective=team_objective,
            title="새 제목",
            description="",
            owner_team=team_objective.owner_team,
            owner_user=None,
            objective_type="aspirational",
            visibility="public",
            parent=None,
            expected_version=team_objective.version + 5,
        )
    assert str(conflict.value) == (
        "“Make onboarding effortless”을(를) 연 뒤에 다른 사람이 변경했습니다."
    )


def test_model_labels_follow_the_language():
    with translation.override("ko"):
        assert Objective.Type.ASPIRATIONAL.label == "도전형"
        assert KeyResult.Kind.AT_LEAST.label == "최소 유지"
        assert Cycle(state="grading").get_state_display() == "평가 중"
        assert ObjectiveReflection.Decision.DROP.label == "중단"
        assert str(KeyResult._meta.get_field("target_value").verbose_name) == "목표치"
    with translation.override("en"):
        assert KeyResult.Kind.AT_LEAST.label == "keep at least"
        assert Cycle(state="grading").get_state_display() == "grading"


def test_the_carry_over_message_counts_in_either_language(client, admin, product):
    """One sentence with a count: "objective" / "objectives" in English, one form in Korean."""
    source = CycleFactory(name="지난 분기", state="grading")
    into = CycleFactory(name="다음 분기", state="planning")
    objective = ObjectiveFactory(cycle=source, owner_team=product, title="고객 만족")
    from tests.factories import KeyResultFactory

    KeyResultFactory(objective=objective, owner=admin, target_value=Decimal(10))
    admin.language = "ko"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    response = client.post(
        reverse("carry_over") + f"?cycle={source.pk}",
        {"cycle": source.pk, "objectives": [objective.pk], "into": into.pk},
        follow=True,
    )
    assert "목표 1개를 다음 분기 주기로 이월했습니다." in response.content.decode()
