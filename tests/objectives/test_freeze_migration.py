"""Migration 0003 gives cycles closed before scores were stored their frozen scores."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from checkins.services import record_checkin
from objectives.models import Objective
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("objectives.migrations.0003_freeze_closed_cycles")


def test_closed_cycles_get_their_scores_and_others_are_left_alone(cycle, owner, product):
    objective = ObjectiveFactory(cycle=cycle, owner_team=product)
    metric = KeyResultFactory(objective=objective, owner=owner, target_value=100)
    level = KeyResultFactory(
        objective=objective, owner=owner, kind="at_least", start_value=0, target_value=10
    )
    graded = KeyResultFactory(objective=objective, owner=owner, final_grade=Decimal("0.9"))
    record_checkin(actor=owner, key_result=metric, value=Decimal(25), confidence=4)
    for value in (12, 5, 10, 3):
        record_checkin(actor=owner, key_result=level, value=Decimal(value), confidence=4)
    migration.freeze_closed_cycles(apps, None)
    metric.refresh_from_db()
    assert metric.frozen_score is None  # the cycle is active: nothing to freeze
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    migration.freeze_closed_cycles(apps, None)
    for kr in (metric, level, graded):
        kr.refresh_from_db()
    assert (metric.frozen_score, level.frozen_score, graded.frozen_score) == (
        Decimal("0.25"),
        Decimal("0.5"),
        Decimal("0.9"),
    )
    assert Objective.objects.get(pk=objective.pk).frozen_score == Decimal("0.55")
