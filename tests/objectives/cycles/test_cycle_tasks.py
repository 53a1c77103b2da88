"""The daily Celery task that moves cycles with automatic transitions: thin, it calls the
service, and running it for real moves a cycle whose start date has come."""

from datetime import timedelta

import pytest
from django.utils import timezone

from objectives import tasks
from objectives.cycles import services as cycle_services
from objectives.models import Cycle
from tests.factories import CycleFactory

pytestmark = pytest.mark.django_db


def test_the_task_calls_the_service(monkeypatch):
    calls = []

    def fake_run(**kwargs):
        calls.append(kwargs)
        return ["one", "two"]

    monkeypatch.setattr(cycle_services, "run_automatic_transitions", fake_run)
    # .delay runs eagerly in tests (CELERY_TASK_ALWAYS_EAGER), through Celery's own machinery.
    result = tasks.run_automatic_cycle_transitions.delay()
    assert calls == [{}]
    assert result.get() == 2


def test_the_task_moves_a_due_cycle_once(db):
    today = timezone.localdate()
    CycleFactory(
        name="Due",
        state="planning",
        auto_transition=True,
        start_date=today,
        end_date=today + timedelta(days=90),
    )
    assert tasks.run_automatic_cycle_transitions.delay().get() == 1
    assert tasks.run_automatic_cycle_transitions.delay().get() == 0
    assert Cycle.objects.get().state == "active"


def test_the_task_is_registered_under_its_beat_name():
    assert (
        tasks.run_automatic_cycle_transitions.name == "objectives.run_automatic_cycle_transitions"
    )
