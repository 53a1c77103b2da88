"""The carry-over page: an owner or admin copies chosen unfinished objectives into another
cycle once theirs is grading or closed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.services import record_checkin
from objectives.models import Cycle, Objective
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_cycle(db) -> Cycle:
    return CycleFactory(name="Next quarter", state="planning")


@pytest.fixture
def unfinished(cycle, owner, key_result) -> Objective:
    """The owner's individual objective, half done, and the team objective; then grading."""
    mine = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner, title="Learn Korean")
    kr = KeyResultFactory(objective=mine, owner=owner, start_value=0, target_value=10)
    record_checkin(actor=owner, key_result=kr, value=Decimal(5), confidence=3)
    cycle.state = "grading"
    cycle.save(update_fields=["state"])
    return mine


def _url(cycle: Cycle) -> str:
    return f"{reverse('carry_over')}?cycle={cycle.pk}"


def test_owner_sees_only_what_they_may_carry(client, owner, unfinished, cycle, next_cycle):
    client.force_login(owner)
    response = client.get(_url(cycle))
    assert response.status_code == 200
    titles = [c.objective.title for c in response.context["page"].candidates]
    assert titles == ["Learn Korean"]  # the team objective is its managers' to carry
    assert "Next quarter (planning)" in response.content.decode()


def test_manager_carries_over_and_sees_where_it_went(
    client, manager, unfinished, key_result, cycle, next_cycle
):
    client.force_login(manager)
    response = client.post(
        reverse("carry_over"),
        {"cycle": cycle.pk, "objectives": [key_result.objective_id], "into": next_cycle.pk},
    )
    assert response.status_code == 302
    copy = Objective.objects.get(cycle=next_cycle)
    assert copy.carried_over_from == key_result.objective
    page = client.get(response["Location"])
    assert "Carried 1 objective over into Next quarter." in page.content.decode()
    assert "already in Next quarter" in page.content.decode()


def test_nothing_chosen_or_twice_is_a_message(client, owner, unfinished, cycle, next_cycle):
    client.force_login(owner)
    response = client.post(reverse("carry_over"), {"cycle": cycle.pk, "into": next_cycle.pk})
    assert response.status_code == 422
    assert "Choose at least one objective to carry over." in response.content.decode()
    data = {"cycle": cycle.pk, "objectives": [unfinished.pk], "into": next_cycle.pk}
    assert client.post(reverse("carry_over"), data).status_code == 302
    response = client.post(reverse("carry_over"), data)
    assert response.status_code == 422
    assert "is already carried over into Next quarter." in response.content.decode()
    assert Objective.objects.filter(cycle=next_cycle).count() == 1


def test_an_objective_that_is_not_yours_is_not_a_choice(
    client, teammate, unfinished, cycle, next_cycle
):
    client.force_login(teammate)
    response = client.post(
        reverse("carry_over"),
        {"cycle": cycle.pk, "objectives": [unfinished.pk], "into": next_cycle.pk},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Objective.objects.filter(cycle=next_cycle).exists()


def test_an_active_cycle_does_not_carry_over_yet(client, owner, key_result, cycle, next_cycle):
    client.force_login(owner)
    response = client.get(_url(cycle))
    assert "Objectives carry over once 2026 Q4 is grading or closed" in response.content.decode()


def test_no_target_cycle_says_where_to_make_one(client, owner, unfinished, cycle):
    client.force_login(owner)
    html = client.get(_url(cycle)).content.decode()
    assert "No cycle to carry into" in html
