"""objectives/scoring_inputs.py: a key result's stored columns as `scoring`'s inputs, the same
from a model instance, from its plain row values and from its check-in history."""

from decimal import Decimal

import pytest
from django.utils import timezone

import scoring
from checkins.services import record_checkin
from objectives.models import Cycle, KeyResult
from objectives.scoring_inputs import (
    KeyResultRow,
    is_done,
    key_result_progress,
    progress_from_checkins,
    score_key_result,
    shown_kr_score,
    value_or_start,
)
from tests.factories import KeyResultFactory

pytestmark = pytest.mark.django_db
D = Decimal

# (kind, start, target, check-in values oldest first)
STORIES = [
    ("metric", D(20), D(60), [D(30), D(45)]),
    ("metric", D(100), D(40), [D(70), D(40)]),  # a reduction, reached
    ("at_least", D(90), D(95), [D(96), D(91), D(95)]),
    ("at_most", D(5), D(3), [D(4), D(2)]),
    ("milestone", D(0), D(1), [D(0), D(1)]),
    ("metric", D(0), D(10), []),  # never checked in
]


def _told(story: tuple, team_objective, owner) -> KeyResult:
    kind, start, target, values = story
    key_result = KeyResultFactory(
        objective=team_objective, owner=owner, kind=kind, start_value=start, target_value=target
    )
    for value in values:
        record_checkin(actor=owner, key_result=key_result, value=value, confidence=3)
    return KeyResult.objects.get(pk=key_result.pk)


def test_a_row_names_only_key_result_columns():
    columns = {field.attname for field in KeyResult._meta.concrete_fields}
    assert set(KeyResultRow._fields) <= columns


@pytest.mark.parametrize("story", STORIES, ids=lambda s: f"{s[0]}-{len(s[3])}")
def test_the_model_its_row_and_its_history_score_alike(story, team_objective, owner):
    key_result = _told(story, team_objective, owner)
    row = KeyResultRow(
        *KeyResult.objects.filter(pk=key_result.pk).values_list(*KeyResultRow._fields).get()
    )
    kind, start, target, values = story
    progress = key_result_progress(key_result=key_result)
    assert key_result_progress(key_result=row) == progress
    assert progress_from_checkins(kind=kind, start=start, target=target, values=values) == progress
    cycle = team_objective.cycle
    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    assert score_key_result(key_result=row, cycle=cycle, on=today, tz=tz) == score_key_result(
        key_result=key_result, cycle=cycle, on=today, tz=tz
    )
    assert value_or_start(key_result=row) == value_or_start(key_result=key_result)
    assert value_or_start(key_result=key_result) == (values[-1] if values else start)
    assert is_done(key_result=row, progress=progress) == scoring.kr_done(
        kind=kind, progress=progress
    )


def test_a_closed_cycle_shows_the_frozen_score_and_an_open_one_the_live_score(key_result):
    cycle = key_result.objective.cycle
    key_result.final_grade = D("0.6")
    key_result.frozen_score = D("0.3")
    assert shown_kr_score(key_result=key_result, progress=D("0.5"), cycle=cycle) == D("0.6")
    cycle.state = Cycle.State.CLOSED
    assert shown_kr_score(key_result=key_result, progress=D("0.5"), cycle=cycle) == D("0.3")
    key_result.frozen_score = None  # closed before scores were frozen: the live score stands
    assert shown_kr_score(key_result=key_result, progress=D("0.5"), cycle=cycle) == D("0.6")
