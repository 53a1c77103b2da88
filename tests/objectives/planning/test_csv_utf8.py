"""The OKR spreadsheet and the score report in Korean: UTF-8 with a byte-order mark, headers and
coded values in the reader's language, and imports that read either language, with or without
the byte-order mark, so a Korean export edited and imported again round-trips byte for byte."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from objectives.models import Cycle, KeyResult, Objective
from objectives.planning import spreadsheets as okr_io
from tests.factories import (
    CycleFactory,
    InitiativeFactory,
    KeyResultFactory,
    ObjectiveFactory,
    speaking_korean,
)

pytestmark = pytest.mark.django_db

BOM = "\ufeff".encode()
KOREAN_HEADER = [
    "목표 참조",
    "상위 목표 참조",
    "목표",
    "설명",
    "담당 팀",
    "담당자",
    "유형",
    "공개 범위",
    "핵심 결과",
    "핵심 결과 담당자",
    "측정 방식",
    "단위",
    "시작값",
    "목표치",
    "가중치",
    "현재값",
    "핵심 결과 진행률",
    "핵심 결과 점수",
    "목표 진행률",
    "목표 점수",
    "실행 과제",
    "실행 과제 담당자",
    "실행 과제 상태",
    "실행 과제 우선순위",
    "실행 과제 마감일",
    "실행 과제 링크",
]
TEAM_TITLE = "신규 고객 온보딩 경험 개선"
KR_TITLE = "활성화율 20%→60% 달성 (월간 활성 사용자 기준)"
PERSON_TITLE = "고객 이탈률 관리: “2.5% 이하” 유지"


@pytest.fixture
def planning() -> Cycle:
    return CycleFactory(name="2027년 1분기", state="planning", start_date=date(2027, 1, 1))


@pytest.fixture
def korean_cycle(cycle, product, owner, manager):
    """A team objective and an individual one aligned to it, in Korean, with a formula-like
    title and a description over two lines."""
    team = ObjectiveFactory(
        cycle=cycle,
        owner_team=product,
        title=TEAM_TITLE,
        description='첫 주 경험을 다시 설계합니다.\n둘째 줄: 쉼표, 그리고 "따옴표"',
    )
    KeyResultFactory(
        objective=team,
        owner=owner,
        title=KR_TITLE,
        unit="명",
        start_value=Decimal(20),
        target_value=Decimal(60),
    )
    person = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        parent=team,
        title=PERSON_TITLE,
        objective_type="committed",
        visibility="private",
    )
    KeyResultFactory(
        objective=person,
        owner=owner,
        title="=이탈률 2.5% 이하",
        kind="at_most",
        start_value=Decimal("3.1"),
        target_value=Decimal("2.5"),
        weight=Decimal("0.5"),
        unit="%",
    )
    return cycle


def _table(content: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def _upload(content: bytes, name: str = "okrs.csv") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _content_of(objectives: list[Objective]) -> list[tuple]:
    return [
        (
            o.title.encode(),
            o.description.encode(),
            o.objective_type,
            o.visibility,
            o.parent.title.encode() if o.parent else None,
            [
                (kr.title.encode(), kr.unit.encode(), kr.kind, kr.start_value, kr.target_value)
                for kr in o.key_results.order_by("order")
            ],
        )
        for o in objectives
    ]


# --- Export ------------------------------------------------------------------------------------


def test_a_korean_user_exports_utf8_with_bom_and_korean_headers(client, korean_cycle, owner):
    client.force_login(speaking_korean(owner))
    response = client.get(reverse("okr_export_csv") + f"?cycle={korean_cycle.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    assert not response.content[3:].startswith(BOM)  # exactly one
    header, rows = _table(response.content)
    assert header == KOREAN_HEADER
    team, person = (dict(zip(header, row, strict=True)) for row in rows)
    assert (team["목표"], team["핵심 결과"], team["단위"]) == (TEAM_TITLE, KR_TITLE, "명")
    assert (team["유형"], team["공개 범위"], team["측정 방식"]) == ("도전형", "공개", "수치형")
    assert (person["유형"], person["공개 범위"], person["측정 방식"]) == (
        "확약형",
        "비공개",
        "최대 유지",
    )
    assert person["핵심 결과"] == "'=이탈률 2.5% 이하"  # the formula guard, in any language
    assert person["담당자"] == "owner"  # usernames and slugs are data, never translated


def test_an_english_export_is_unchanged(client, korean_cycle, owner):
    client.force_login(owner)
    response = client.get(reverse("okr_export_csv") + f"?cycle={korean_cycle.pk}")
    assert response.content.startswith(BOM)
    header, rows = _table(response.content)
    assert header == okr_io.COLUMNS
    assert [row[header.index("kind")] for row in rows] == ["metric", "at_most"]
    assert rows[0][header.index("objective")] == TEAM_TITLE


def test_the_xlsx_export_speaks_korean_too(client, korean_cycle, owner):
    client.force_login(speaking_korean(owner))
    response = client.get(reverse("okr_export_xlsx") + f"?cycle={korean_cycle.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == KOREAN_HEADER
    first, second = ([cell.value for cell in row] for row in sheet.iter_rows(min_row=2))
    assert (first[2], first[8], first[6]) == (TEAM_TITLE, KR_TITLE, "도전형")
    assert second[8] == "=이탈률 2.5% 이하"
    assert sheet.cell(row=3, column=9).data_type == "s"  # text, never a formula
    assert sheet.title == "2026 Q4"


# --- The round trip ----------------------------------------------------------------------------


def test_korean_content_round_trips_export_dry_run_import(
    client, korean_cycle, planning, owner, manager
):
    """A Korean user exports, the dry run reads the file, the import writes it: every title,
    description and unit comes back byte for byte."""
    client.force_login(speaking_korean(manager))
    exported = client.get(reverse("okr_export_csv") + f"?cycle={korean_cycle.pk}").content
    with translation.override("ko"):
        plan = okr_io.plan_import(actor=manager, cycle=planning, content=exported)
        assert plan.ok, plan.errors
        assert (len(plan.objectives), plan.key_result_count) == (2, 2)
        assert [o.title for o in plan.objectives] == [TEAM_TITLE, PERSON_TITLE]
        assert not Objective.objects.filter(cycle=planning).exists()
        created = okr_io.import_okrs(actor=manager, cycle=planning, content=exported)
    originals = list(Objective.objects.filter(cycle=korean_cycle).order_by("pk"))
    assert _content_of(created) == _content_of(originals)
    assert KeyResult.objects.get(objective=created[1]).title == "=이탈률 2.5% 이하"


def test_the_import_page_round_trips_korean_for_a_korean_user(
    client, korean_cycle, planning, manager
):
    client.force_login(speaking_korean(manager))
    exported = client.get(reverse("okr_export_csv") + f"?cycle={korean_cycle.pk}").content
    preview = client.post(
        reverse("okr_import"),
        {"cycle": planning.pk, "action": "preview", "file": _upload(exported)},
    )
    assert preview.status_code == 200, [e.message for e in preview.context["plan"].errors]
    assert TEAM_TITLE in preview.content.decode()
    confirmed = client.post(
        reverse("okr_import"),
        {"cycle": planning.pk, "action": "confirm", "content": preview.context["content"]},
    )
    assert confirmed.status_code == 302
    titles = list(Objective.objects.filter(cycle=planning).values_list("title", flat=True))
    assert sorted(titles) == sorted([TEAM_TITLE, PERSON_TITLE])


def test_an_edited_korean_file_without_bom_imports(korean_cycle, planning, manager):
    """Saved again by a program that drops the byte-order mark, with a row added in Korean."""
    with translation.override("ko"):
        content = okr_io.export_csv(okr_io.export_rows(cycle=korean_cycle, viewer=manager))
    assert content.startswith(BOM)
    text = content[len(BOM) :].decode("utf-8")
    header, rows = _table(content)
    added = dict.fromkeys(header, "")
    added.update(
        {
            "목표 참조": "새1",
            "목표": "채용 브랜드 강화",
            "담당 팀": "product",
            "유형": "확약형",
            "공개 범위": "비공개",
            "핵심 결과": "지원자 수 두 배",
            "측정 방식": "최소 유지",
            "시작값": "100",
            "목표치": "200",
        }
    )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(added.values()))
    edited = (text + buffer.getvalue()).encode("utf-8")
    assert not edited.startswith(BOM)
    with translation.override("ko"):
        created = okr_io.import_okrs(actor=manager, cycle=planning, content=edited)
    new = created[-1]
    assert (new.title, new.objective_type, new.visibility) == (
        "채용 브랜드 강화",
        "committed",
        "private",
    )
    assert new.key_results.get().kind == "at_least"


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("header_language", ["ko", "en"])
def test_headers_in_either_language_import_for_either_reader(
    product, owner, manager, planning, language, bom, header_language
):
    """A Korean user imports a file with English headers (and the other way round), saved with
    or without a byte-order mark."""
    with translation.override(header_language):
        header = okr_io.header_row()
    rows = [
        ["N1", "", "개발자 경험 개선", "", "product", "", "", "", "빌드 시간 단축", "owner"],
        ["", "", "", "", "", "", "", "", "", ""],
    ]
    rows[0] += ["metric", "분", "30", "10", "1"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header[:15])
    writer.writerow(rows[0])
    content = ("\ufeff" if bom else "") + buffer.getvalue()
    with translation.override(language):
        plan = okr_io.plan_import(actor=manager, cycle=planning, content=content.encode())
        assert plan.ok, [(e.row, e.column, e.message) for e in plan.errors]
        (created,) = okr_io.import_okrs(actor=manager, cycle=planning, content=content.encode())
    assert created.title == "개발자 경험 개선"
    assert created.key_results.get().unit == "분"


def test_korean_headers_with_semicolons_and_spacing_are_read(product, owner, manager, planning):
    content = (
        " 목표 참조 ;목표;담당  팀;유형;공개 범위;핵심 결과;핵심 결과 담당자;측정 방식;단위;"
        "시작값;목표치;가중치;상위 목표 참조;설명;담당자\r\n"
        "A;매출 성장;product;도전형;공개;월 매출 1억;owner;마일스톤;;;;;;;\r\n"
    ).encode()
    with translation.override("ko"):
        plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
    assert plan.ok, [(e.row, e.column, e.message) for e in plan.errors]
    (objective,) = plan.objectives
    assert objective.key_results[0].kind == "milestone"


def test_the_dry_run_explains_problems_in_korean_with_korean_column_names(
    product, owner, manager, planning
):
    with translation.override("ko"):
        header = okr_io.header_row()
        row = dict.fromkeys(header, "")
        row.update(
            {
                "목표 참조": "N1",
                "목표": "품질 개선",
                "담당 팀": "없는팀",
                "유형": "아무거나",
                "핵심 결과": "버그 감소",
                "측정 방식": "수치형",
                "시작값": "1,5",
                "목표치": "10",
            }
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerow(list(row.values()))
        plan = okr_io.plan_import(actor=manager, cycle=planning, content=buffer.getvalue().encode())
        problems = {e.column: (e.column_label, e.message) for e in plan.errors}
    assert problems["owner_team"] == ("담당 팀", "슬러그가 “없는팀”인 팀이 없습니다.")
    assert problems["type"] == ("유형", "“도전형” 또는 “확약형”을 입력하세요.")
    assert problems["start"] == ("시작값", "1250이나 12.5처럼 숫자만 입력하세요.")


def test_a_missing_korean_column_is_named_in_korean(manager, planning):
    with translation.override("ko"):
        header = [name for name in okr_io.header_row() if name != "목표치"]
        content = (",".join(header) + "\r\n").encode()
        plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
        assert [(e.column, e.message) for e in plan.errors] == [
            ("target", "“목표치” 열이 없습니다.")
        ]


def test_the_import_page_shows_korean_columns_and_messages(
    client, product, owner, manager, planning
):
    client.force_login(speaking_korean(manager))
    content = (
        "목표 참조,목표,담당 팀,담당자,유형,공개 범위,핵심 결과,핵심 결과 담당자,측정 방식,"
        "단위,시작값,목표치,가중치,상위 목표 참조,설명\r\n"
        "N1,품질,product,,도전형,공개,버그,owner,수치형,,5,5,1,,\r\n"
    ).encode()
    response = client.post(
        reverse("okr_import"),
        {"cycle": planning.pk, "action": "preview", "file": _upload(content)},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<td>목표치</td>" in html
    assert "목표치는 시작값과 달라야 합니다. 핵심 결과는 변화를 측정합니다." in html


def test_a_cp949_file_is_refused_with_advice(manager, planning):
    """Excel's plain “CSV” in Korean Windows is CP949: refused, never guessed."""
    content = "목표 참조,목표\r\nN1,매출\r\n".encode("cp949")
    with translation.override("ko"):
        plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
    (error,) = plan.errors
    assert "UTF-8" in error.message and "CSV UTF-8(쉼표로 분리)" in error.message


def test_initiatives_export_in_korean_and_are_left_out_of_a_korean_import(
    korean_cycle, planning, manager, owner
):
    key_result = KeyResult.objects.get(title=KR_TITLE)
    InitiativeFactory(
        key_result=key_result,
        title="온보딩 투어 배포",
        status="in_progress",
        priority="high",
        due_date=date(2026, 12, 1),
    )
    with translation.override("ko"):
        content = okr_io.export_csv(okr_io.export_rows(cycle=korean_cycle, viewer=manager))
        header, rows = _table(content)
        work = dict(zip(header, rows[1], strict=True))
        assert (work["실행 과제"], work["실행 과제 상태"], work["실행 과제 우선순위"]) == (
            "온보딩 투어 배포",
            "진행 중",
            "높음",
        )
        assert work["실행 과제 마감일"] == "2026-12-01"
        plan = okr_io.plan_import(actor=manager, cycle=planning, content=content)
    assert plan.ok, [(e.row, e.column, e.message) for e in plan.errors]
    assert plan.initiative_rows == [3]


# --- The score report's CSV --------------------------------------------------------------------


def test_the_score_report_csv_has_a_bom_and_korean_headers(client, korean_cycle, owner):
    client.force_login(speaking_korean(owner))
    response = client.get(reverse("cycle_report_csv") + f"?cycle={korean_cycle.pk}")
    assert response.status_code == 200
    assert response.content.startswith(BOM)
    header, rows = _table(response.content)
    assert header[:4] == ["주기", "목표", "수준", "목표 담당자"]
    assert header[-1] == "확정"
    first = dict(zip(header, rows[0], strict=True))
    assert (first["목표"], first["핵심 결과"], first["수준"], first["유형"]) == (
        TEAM_TITLE,
        KR_TITLE,
        "팀",
        "도전형",
    )
    assert (first["측정 방식"], first["확정"]) == ("수치형", "아니요")


def test_the_score_report_csv_stays_english_for_english_readers(client, korean_cycle, owner):
    client.force_login(owner)
    response = client.get(reverse("cycle_report_csv") + f"?cycle={korean_cycle.pk}")
    header, rows = _table(response.content)
    assert header[:3] == ["cycle", "objective", "level"]
    first = dict(zip(header, rows[0], strict=True))
    assert (first["level"], first["kind"], first["frozen"]) == ("team", "metric", "no")


def test_a_korean_cycle_name_stays_in_the_file_names(client, product, owner):
    cycle = CycleFactory(name="2027년 1분기")
    client.force_login(owner)
    for name, expected in (
        ("okr_export_csv", "okrs-2027%EB%85%84-1%EB%B6%84%EA%B8%B0.csv"),
        ("okr_export_xlsx", "okrs-2027%EB%85%84-1%EB%B6%84%EA%B8%B0.xlsx"),
        ("cycle_report_csv", "okr-scores-2027%EB%85%84-1%EB%B6%84%EA%B8%B0.csv"),
    ):
        response = client.get(reverse(name) + f"?cycle={cycle.pk}")
        assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{expected}"
