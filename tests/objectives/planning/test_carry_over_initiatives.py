"""Carrying an objective over brings its unfinished initiatives along when asked: the
not-done ones of the key results that move, with title, owner, status, priority, link and due
date kept and a link to the original; done ones never."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from checkins.services import record_checkin
from initiatives.models import Initiative
from objectives.models import Cycle, KeyResult, Objective
from objectives.planning import services as planning_services
from tests.factories import CycleFactory, InitiativeFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_cycle(db) -> Cycle:
    return CycleFactory(name="Next quarter", state="planning")


@pytest.fixture
def story(cycle, owner, teammate):
    """The owner's objective: one key result half done with three initiatives (one done), one
    key result finished with an open initiative; the cycle then grading."""
    mine = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner, title="Learn Korean")
    half = KeyResultFactory(objective=mine, owner=owner, title="Words", target_value=10)
    record_checkin(actor=owner, key_result=half, value=Decimal(5), confidence=3)
    finished = KeyResultFactory(objective=mine, owner=owner, title="Book", target_value=1)
    record_checkin(actor=owner, key_result=finished, value=Decimal(1), confidence=5)
    due = timezone.localdate() + timedelta(days=3)
    initiatives = {
        "blocked": InitiativeFactory(
            key_result=half,
            owner=teammate,
            title="Find a tutor",
            status="blocked",
            priority="high",
            link="https://tutors.example/1",
            due_date=due,
        ),
        "todo": InitiativeFactory(key_result=half, title="Flash cards", priority="low"),
        "done": InitiativeFactory(key_result=half, title="Buy a dictionary", status="done"),
        "on_finished": InitiativeFactory(key_result=finished, title="Write a review"),
    }
    Cycle.objects.filter(pk=cycle.pk).update(state="grading")
    cycle.refresh_from_db()
    return {"objective": mine, "half": half, **initiatives}


def test_unfinished_initiatives_come_along_as_they_were(owner, story, next_cycle):
    [copy] = planning_services.carry_over_objectives(
        actor=owner, objectives=[story["objective"]], into=next_cycle
    )
    [kr_copy] = KeyResult.objects.filter(objective=copy)
    copies = {i.title: i for i in Initiative.objects.filter(key_result=kr_copy)}
    assert set(copies) == {"Find a tutor", "Flash cards"}  # never the done one
    tutor, original = copies["Find a tutor"], story["blocked"]
    assert (tutor.owner_id, tutor.status, tutor.priority, tutor.link, tutor.due_date) == (
        original.owner_id,
        "blocked",
        "high",
        "https://tutors.example/1",
        original.due_date,
    )
    assert tutor.carried_over_from == original and tutor.completed_at is None
    assert tutor.created_by == owner
    assert copies["Flash cards"].carried_over_from == story["todo"]
    # The finished key result stays behind, and so does its initiative; the originals are kept.
    assert not Initiative.objects.filter(title="Write a review").exclude(pk=story["on_finished"].pk)
    assert Initiative.objects.filter(key_result=story["half"]).count() == 3


def test_they_stay_behind_when_not_wanted(owner, story, next_cycle):
    planning_services.carry_over_objectives(
        actor=owner, objectives=[story["objective"]], into=next_cycle, with_initiatives=False
    )
    assert not Initiative.objects.filter(key_result__objective__cycle=next_cycle).exists()


def test_a_refused_carry_copies_no_initiative(owner, story, next_cycle):
    planning_services.carry_over_objectives(
        actor=owner, objectives=[story["objective"]], into=next_cycle
    )
    before = Initiative.objects.count()
    with pytest.raises(ValidationError):
        planning_services.carry_over_objectives(
            actor=owner, objectives=[story["objective"]], into=next_cycle
        )
    assert Initiative.objects.count() == before


def test_the_page_offers_them_ticked_and_counts_them(client, owner, story, cycle, next_cycle):
    client.force_login(owner)
    response = client.get(f"{reverse('carry_over')}?cycle={cycle.pk}")
    html = response.content.decode()
    [candidate] = response.context["page"].candidates
    assert candidate.open_initiatives == 2  # not the done one, not the finished key result's
    assert "2 unfinished initiatives" in html
    assert (
        '<input type="checkbox" id="carry-initiatives" name="initiatives" value="on" checked>'
        in html
    )


@pytest.mark.parametrize(("ticked", "expected"), [(True, 2), (False, 0)])
def test_the_form_carries_them_when_ticked(
    client, owner, story, cycle, next_cycle, ticked, expected
):
    client.force_login(owner)
    data = {"cycle": cycle.pk, "objectives": [story["objective"].pk], "into": next_cycle.pk}
    if ticked:
        data["initiatives"] = "on"
    response = client.post(reverse("carry_over"), data)
    assert response.status_code == 302
    carried = Initiative.objects.filter(key_result__objective__cycle=next_cycle)
    assert carried.count() == expected


def test_a_bad_post_keeps_the_choice_and_changes_nothing(client, owner, story, cycle, next_cycle):
    client.force_login(owner)
    response = client.post(
        reverse("carry_over"),
        {"cycle": cycle.pk, "objectives": [story["objective"].pk], "into": "nope"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="carry-initiatives" name="initiatives" value="on">' in html  # unticked stays so
    assert not Objective.objects.exclude(cycle=cycle).exists()
    assert Initiative.objects.count() == 4


CARRY_PAGE_QUERIES = 10


@pytest.mark.parametrize("initiatives_each", [3, 30])
def test_the_page_counts_them_in_a_fixed_number_of_queries(
    client, owner, story, cycle, next_cycle, initiatives_each, django_assert_num_queries
):
    Initiative.objects.bulk_create(
        Initiative(key_result=story["half"], owner=owner, title=f"Work {n}", due_date=date.today())
        for n in range(initiatives_each)
    )
    client.force_login(owner)
    # Session, user, the cycle, the viewer's memberships, the objectives, their key results, their
    # open initiatives, earlier copies, the target cycles, and the header's cycle switcher.
    with django_assert_num_queries(CARRY_PAGE_QUERIES):
        response = client.get(f"{reverse('carry_over')}?cycle={cycle.pk}")
    [candidate] = response.context["page"].candidates
    assert candidate.open_initiatives == 2 + initiatives_each
