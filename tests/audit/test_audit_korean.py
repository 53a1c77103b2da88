"""The audit trail in the reader's language: the admins' list, its filters, and each entry as one
sentence (what happened to what), with dates and yes/no in that language too, in Korean and in
English alike."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from audit import selectors
from audit.models import AuditEvent
from objectives import services
from objectives.cycles import services as cycle_services
from tests.factories import CycleFactory, speaking_korean

pytestmark = pytest.mark.django_db


@pytest.fixture
def renamed_cycle(admin):
    cycle = CycleFactory(name="2027 Q1", start_date=date(2027, 1, 1), end_date=date(2027, 3, 31))
    cycle_services.update_cycle(
        actor=admin,
        cycle=cycle,
        name="2027년 1분기",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 3, 30),
        auto_transition=True,
    )
    return cycle


PAGE_WORDS = {
    "en": {
        "page": ("<h1>Audit trail</h1>", "1 change", ">When<", "Any action", ">Text<", ">Clear<"),
        # The entry: one sentence; the changed values (dates, yes/no) in the reader's language.
        "entry": ("updated cycle “2027년 1분기”", "31 Mar 2027", "30 Mar 2027", ">no<", ">yes<"),
        "other_language": ("<h1>변경 이력</h1>", "수정"),
    },
    "ko": {
        "page": ("<h1>변경 이력</h1>", "변경 1건", "일시", "모든 작업", "검색어", "초기화"),
        "entry": (
            "주기 “2027년 1분기” 수정",
            "2027년 3월 31일",
            "2027년 3월 30일",
            "아니요",
            ">예<",
        ),
        "other_language": ("Audit trail", "updated cycle"),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_audit_trail_page_in_the_readers_language(client, admin, renamed_cycle, language):
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    response = client.get(reverse("audit_events"))
    assert response.status_code == 200
    html = response.content.decode()
    words = PAGE_WORDS[language]
    for text in (*words["page"], *words["entry"]):
        assert text in html, text
    for text in words["other_language"]:
        assert text not in html, text


@pytest.mark.parametrize(
    ("action", "english", "korean"),
    [
        (AuditEvent.Action.CREATED, "created objective “Grow”", "목표 “Grow” 생성"),
        (AuditEvent.Action.ARCHIVED, "archived objective “Grow”", "목표 “Grow” 보관"),
        (AuditEvent.Action.GRADED, "graded objective “Grow”", "목표 “Grow” 평가 점수 입력"),
        (
            AuditEvent.Action.STATE_CHANGED,
            "state changed objective “Grow”",
            "목표 “Grow” 상태 변경",
        ),
    ],
)
def test_every_action_reads_as_one_sentence(action, english, korean):
    event = AuditEvent(
        action=action,
        subject_kind=AuditEvent.SubjectKind.OBJECTIVE,
        subject_id=1,
        subject_label="Grow",
    )
    entry = selectors.HistoryEntry(event=event, changes=[])
    with translation.override("en"):
        assert entry.summary == english
    with translation.override("ko"):
        assert entry.summary == korean


def test_the_older_history_page_in_korean(client, owner, team_objective, admin):
    services.edit_objective(
        actor=admin,
        objective=team_objective,
        title="Onboarding in one day",
        description=team_objective.description,
        owner_team=team_objective.owner_team,
        owner_user=team_objective.owner_user,
        objective_type=team_objective.objective_type,
        visibility=team_objective.visibility,
        parent=team_objective.parent,
    )
    client.force_login(speaking_korean(owner))
    html = client.get(reverse("audit_objective_history", args=[team_objective.pk])).content.decode()
    assert '<p class="subtitle">이력</p>' in html
    assert "목표 “Onboarding in one day” 수정" in html
    assert "변경 후" in html
