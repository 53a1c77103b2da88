"""Scoring's words in other languages: statuses and reasons are whole translatable sentences with
named placeholders; `text` stays English, `reason`/`label`/`message` follow the active language."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import translation

from scoring import Kind, Status, kr_status, objective_status, words

CYCLE_START = date(2027, 1, 1)
ON = date(2027, 2, 15)


def status(**overrides: object):
    arguments: dict[str, object] = {
        "kind": Kind.METRIC,
        "progress": D("0.5"),
        "expected": D("0.5"),
        "current": D(50),
        "start": D(0),
        "target": D(100),
        "confidence": None,
        "last_checkin": ON - timedelta(days=2),
        "cycle_start": CYCLE_START,
        "created_on": None,
        "on": ON,
    }
    arguments.update(overrides)
    return kr_status(**arguments)  # type: ignore[arg-type]


@pytest.fixture
def korean():
    with translation.override("ko"):
        yield


def test_english_is_unchanged_under_english():
    with translation.override("en"):
        result = status(progress=D("0.21"), expected=D("0.55"), confidence=2)
        assert result.reason == "behind: 0.21 of an expected 0.55; confidence 2/5"
        assert Status.AT_RISK.label == "at risk"


def test_the_reason_in_korean(korean):
    result = status(progress=D("0.21"), expected=D("0.55"), confidence=2)
    assert result.reason == "뒤처짐: 예상 진행률 0.55 대비 0.21; 신뢰도 2/5"
    # The structured parts and the English text are what they always were.
    assert result.reasons[0].text == "0.21 of an expected 0.55"
    assert result.reasons[0].params["expected"] == D("0.55")
    assert result.reasons[1].message == "신뢰도 2/5"


def test_status_labels_in_korean(korean):
    assert [s.label for s in Status] == ["완료", "순조로움", "주의", "뒤처짐"]
    assert Status.ON_TRACK.value == "on_track"  # values never change


@pytest.mark.parametrize(
    ("overrides", "korean_reason"),
    [
        ({"progress": D(1)}, "완료: 목표치 달성"),
        ({"kind": "milestone", "progress": D(1), "target": D(1)}, "완료: 마일스톤 달성"),
        ({"expected": D("0.05"), "progress": D(0)}, "순조로움: 주기 초반"),
        (
            {"kind": "at_most", "current": D("4.80"), "start": D(7), "target": D(5)},
            "순조로움: 최근 값 4.8, 목표치(최대 5) 충족",
        ),
        (
            {"kind": "at_least", "current": D(93), "start": D(90), "target": D(95)},
            "뒤처짐: 최근 값 93, 목표치(최소 95) 미달",
        ),
        (
            {"kind": "at_least", "current": None, "start": D(90), "target": D(95)},
            "뒤처짐: 시작값 90, 목표치(최소 95) 미달",
        ),
        (
            {"last_checkin": ON - timedelta(days=14)},
            "주의: 예상 진행률 0.50 대비 0.50; 14일째 업데이트 없음",
        ),
        (
            {"last_checkin": None},
            "주의: 예상 진행률 0.50 대비 0.50; 주기 시작(45일 전) 이후 체크인 없음",
        ),
        (
            {"last_checkin": None, "created_on": ON - timedelta(days=12)},
            "주의: 예상 진행률 0.50 대비 0.50; 추가(12일 전) 이후 체크인 없음",
        ),
    ],
)
def test_every_reason_reads_in_korean(korean, overrides, korean_reason):
    assert status(**overrides).reason == korean_reason


def test_objective_counts_in_korean(korean):
    assert objective_status(statuses=["behind", "at_risk", "on_track", "on_track"]).reason == (
        "뒤처짐: 핵심 결과 4개 중 1개 뒤처짐, 1개 주의"
    )
    assert objective_status(statuses=["on_track", "on_track"]).reason == (
        "순조로움: 핵심 결과 2개 모두 순조로움"
    )


def test_objective_counts_keep_their_english_plurals():
    with translation.override("en"):
        assert objective_status(statuses=["behind"]).reason == "behind: 1 of 1 key result behind"
        assert objective_status(statuses=["behind", "at_risk", "done"]).reason == (
            "behind: 1 of 3 key results behind, 1 at risk"
        )


def test_words_without_a_translator_are_english():
    said = words.ngettext("%(n)s day", "%(n)s days", 3, n=3)
    assert said.english() == "3 days"
    assert words.gettext("plain").english() == "plain"
    assert words.pgettext("status", "done").english() == "done"


def test_an_installed_translator_is_used_for_nested_words():
    from django.utils.translation import gettext, ngettext, pgettext

    calls = []

    def shout(message: str) -> str:
        calls.append(message)
        return message.replace("done", "DONE").replace(" and ", " AND ")

    try:
        words.install_translator(
            gettext=shout,
            ngettext=lambda s, p, n: shout(s if n == 1 else p),
            pgettext=lambda c, m: shout(m),
        )
        said = words.gettext("%(a)s and %(b)s", a=words.pgettext("status", "done"), b="x")
        assert said.translated() == "DONE AND x"
        assert said.english() == "done and x"
        assert "%(a)s and %(b)s" in calls
    finally:
        words.install_translator(gettext=gettext, ngettext=ngettext, pgettext=pgettext)
