"""Grades, reflections, carrying over and reassigning: the writes at the end of a cycle."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from checkins.services import record_checkin
from domain.errors import CycleStateError
from objectives import services
from objectives.models import Cycle, KeyResult, Objective, ObjectiveReflection
from objectives.planning import services as planning_services
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def _set_state(cycle: Cycle, state: str) -> None:
    cycle.state = state
    cycle.save(update_fields=["state"])


@pytest.fixture
def grading(cycle):
    _set_state(cycle, Cycle.State.GRADING)
    return cycle


# --- Grading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "manager", "admin"])
def test_owner_their_manager_or_an_admin_grades(request, grading, key_result, who):
    actor = request.getfixturevalue(who)
    services.grade_key_result(
        actor=actor, key_result=key_result, grade=Decimal("0.7"), note="Good progress."
    )
    key_result.refresh_from_db()
    assert key_result.final_grade == Decimal("0.7")
    assert key_result.grade_note == "Good progress."
    assert key_result.graded_by == actor and key_result.graded_at is not None


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_manager"])
def test_others_may_not_grade(request, grading, key_result, who):
    with pytest.raises(PermissionDenied, match="may not grade"):
        services.grade_key_result(
            actor=request.getfixturevalue(who),
            key_result=key_result,
            grade=Decimal("0.7"),
            note="x",
        )
    key_result.refresh_from_db()
    assert key_result.final_grade is None


@pytest.mark.parametrize(
    ("state", "message"),
    [("planning", "is planning"), ("active", "is active"), ("closed", "is closed")],
)
def test_grades_only_while_grading(cycle, key_result, owner, state, message):
    _set_state(cycle, state)
    with pytest.raises(CycleStateError, match=message):
        services.grade_key_result(
            actor=owner, key_result=key_result, grade=Decimal("0.5"), note="x"
        )
    key_result.refresh_from_db()
    assert key_result.final_grade is None


@pytest.mark.parametrize(
    ("grade", "note", "field", "message"),
    [
        (None, "x", "grade", "Enter a grade"),
        (Decimal("NaN"), "x", "grade", "finite"),
        (Decimal("Infinity"), "x", "grade", "finite"),
        (Decimal("1.01"), "x", "grade", "between 0.0 and 1.0"),
        (Decimal("-0.1"), "x", "grade", "between 0.0 and 1.0"),
        (Decimal("0.655"), "x", "grade", "two decimals"),
        (Decimal("0.6"), "   ", "note", "how it went"),
        (Decimal("0.6"), "x" * 4001, "note", "under 4000"),
    ],
)
def test_bad_grades_are_refused(grading, key_result, owner, grade, note, field, message):
    with pytest.raises(ValidationError) as refused:
        services.grade_key_result(actor=owner, key_result=key_result, grade=grade, note=note)
    assert message in " ".join(refused.value.message_dict[field])
    key_result.refresh_from_db()
    assert key_result.final_grade is None


def test_archived_key_results_are_not_graded(grading, key_result, owner):
    key_result.archived = True
    key_result.save(update_fields=["archived"])
    with pytest.raises(PermissionDenied, match="archived"):
        services.grade_key_result(actor=owner, key_result=key_result, grade=Decimal(1), note="x")


# --- Reflections -------------------------------------------------------------------------------

REFLECTION = {"what_worked": "Pairing.", "what_did_not": "Estimates.", "decision": "keep"}


def test_a_well_scored_objective_needs_no_root_cause(grading, key_result, manager):
    services.grade_key_result(actor=manager, key_result=key_result, grade=Decimal("0.8"), note="ok")
    reflection = services.save_reflection(
        actor=manager, objective=key_result.objective, root_cause="", **REFLECTION
    )
    assert (reflection.author, reflection.decision) == (manager, "keep")


def test_below_point_seven_the_root_cause_is_required(grading, key_result, manager):
    with pytest.raises(ValidationError) as refused:
        services.save_reflection(
            actor=manager, objective=key_result.objective, root_cause=" ", **REFLECTION
        )
    assert (
        "Scored 0.00, below 0.7: name the root cause." in refused.value.message_dict["root_cause"]
    )
    assert not ObjectiveReflection.objects.exists()
    services.save_reflection(
        actor=manager,
        objective=key_result.objective,
        root_cause="We started late.",
        **{**REFLECTION, "decision": "change"},
    )
    # Writing it again rewrites the one reflection.
    services.save_reflection(
        actor=manager, objective=key_result.objective, root_cause="Late start.", **REFLECTION
    )
    reflection = ObjectiveReflection.objects.get()
    assert (reflection.root_cause, reflection.decision) == ("Late start.", "keep")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"what_worked": ""}, "what_worked"),
        ({"what_did_not": " "}, "what_did_not"),
        ({"decision": "maybe"}, "decision"),
        ({"what_worked": "x" * 4001}, "what_worked"),
    ],
)
def test_incomplete_reflections_are_refused(grading, key_result, manager, changes, field):
    with pytest.raises(ValidationError) as refused:
        services.save_reflection(
            actor=manager,
            objective=key_result.objective,
            root_cause="Cause.",
            **{**REFLECTION, **changes},
        )
    assert field in refused.value.message_dict


@pytest.mark.parametrize("who", ["owner", "teammate", "stranger"])
def test_only_the_objectives_editors_reflect(request, grading, key_result, who):
    with pytest.raises(PermissionDenied):
        services.save_reflection(
            actor=request.getfixturevalue(who),
            objective=key_result.objective,
            root_cause="c",
            **REFLECTION,
        )


@pytest.mark.parametrize("state", ["planning", "active", "closed"])
def test_reflections_only_while_grading(cycle, key_result, manager, state):
    _set_state(cycle, state)
    with pytest.raises(CycleStateError):
        services.save_reflection(
            actor=manager, objective=key_result.objective, root_cause="c", **REFLECTION
        )
    assert not ObjectiveReflection.objects.exists()


# --- Carrying over ----------------------------------------------------------------------------


@pytest.fixture
def next_cycle(db) -> Cycle:
    return CycleFactory(name="Next", state=Cycle.State.PLANNING)


def _unfinished(cycle: Cycle, owner, manager) -> Objective:
    """A team objective with a metric half-way, a finished metric and a kept level, checked in
    while the cycle was active; the cycle is then back in the state it was given in."""
    state = cycle.state
    _set_state(cycle, Cycle.State.ACTIVE)
    objective = ObjectiveFactory(
        cycle=cycle,
        owner_team=manager.memberships.get().team,
        title="Delight new teams",
        objective_type="committed",
        visibility="private",
        description="Why it matters.",
    )
    half = KeyResultFactory(
        objective=objective, owner=owner, title="Half", start_value=10, target_value=30, unit="%"
    )
    done = KeyResultFactory(objective=objective, owner=owner, title="Done", target_value=5)
    level = KeyResultFactory(
        objective=objective,
        owner=owner,
        title="Level",
        kind="at_least",
        start_value=90,
        target_value=99,
        weight=Decimal(3),
    )
    record_checkin(actor=owner, key_result=half, value=Decimal(20), confidence=3)
    record_checkin(actor=owner, key_result=done, value=Decimal(5), confidence=5)
    record_checkin(actor=owner, key_result=level, value=Decimal(99), confidence=5)
    _set_state(cycle, state)
    return objective


def test_carry_over_copies_unfinished_key_results_from_their_last_value(
    grading, next_cycle, owner, manager
):
    original = _unfinished(grading, owner, manager)
    (copy,) = planning_services.carry_over_objectives(
        actor=manager, objectives=[original], into=next_cycle
    )
    assert copy.carried_over_from == original and copy.cycle == next_cycle
    for field in ("title", "description", "owner_team", "objective_type", "visibility"):
        assert getattr(copy, field) == getattr(original, field)
    krs = list(copy.key_results.order_by("order"))
    assert [(kr.title, kr.start_value, kr.target_value, kr.order) for kr in krs] == [
        ("Half", Decimal(20), Decimal(30), 0),
        ("Level", Decimal(99), Decimal(99), 1),
    ]
    assert krs[1].weight == Decimal(3) and krs[1].kind == "at_least"
    assert all(kr.current_value is None and kr.final_grade is None for kr in krs)
    assert not any(kr.checkins.exists() for kr in krs)
    # The original is untouched.
    assert original.key_results.count() == 3 and original.cycle == grading


def test_carry_over_is_refused_twice_into_the_same_cycle(grading, next_cycle, owner, manager):
    original = _unfinished(grading, owner, manager)
    planning_services.carry_over_objectives(actor=manager, objectives=[original], into=next_cycle)
    with pytest.raises(ValidationError, match="already carried over into Next"):
        planning_services.carry_over_objectives(
            actor=manager, objectives=[original], into=next_cycle
        )
    assert Objective.objects.filter(cycle=next_cycle).count() == 1


def test_copies_of_parent_and_child_stay_aligned(grading, next_cycle, owner, manager, admin):
    parent = _unfinished(grading, owner, manager)
    child = ObjectiveFactory(cycle=grading, owner_user=owner, owner_team=None, parent=parent)
    KeyResultFactory(objective=child, owner=owner)
    copies = planning_services.carry_over_objectives(
        actor=admin, objectives=[child, parent], into=next_cycle
    )
    by_source = {c.carried_over_from_id: c for c in copies}
    assert by_source[child.pk].parent == by_source[parent.pk]


def test_a_later_child_aligns_under_an_earlier_copy(grading, next_cycle, owner, manager):
    parent = _unfinished(grading, owner, manager)
    child = ObjectiveFactory(cycle=grading, owner_user=owner, owner_team=None, parent=parent)
    KeyResultFactory(objective=child, owner=owner)
    (parent_copy,) = planning_services.carry_over_objectives(
        actor=manager, objectives=[parent], into=next_cycle
    )
    (child_copy,) = planning_services.carry_over_objectives(
        actor=owner, objectives=[child], into=next_cycle
    )
    assert child_copy.parent == parent_copy


@pytest.mark.parametrize("source_state", ["planning", "active"])
def test_only_grading_or_closed_cycles_carry_over(cycle, next_cycle, owner, manager, source_state):
    _set_state(cycle, source_state)
    original = _unfinished(cycle, owner, manager)
    with pytest.raises(CycleStateError, match="once their cycle is grading or closed"):
        planning_services.carry_over_objectives(
            actor=manager, objectives=[original], into=next_cycle
        )
    assert not Objective.objects.filter(cycle=next_cycle).exists()


@pytest.mark.parametrize(
    ("target_state", "message"), [("closed", "is closed"), ("grading", "planning or active")]
)
def test_never_into_a_closed_or_grading_cycle(
    grading, next_cycle, owner, manager, target_state, message
):
    original = _unfinished(grading, owner, manager)
    _set_state(next_cycle, target_state)
    with pytest.raises(CycleStateError, match=message):
        planning_services.carry_over_objectives(
            actor=manager, objectives=[original], into=next_cycle
        )
    assert not Objective.objects.filter(cycle=next_cycle).exists()


def test_finished_objectives_and_others_objectives_stay(grading, next_cycle, owner, manager):
    original = _unfinished(grading, owner, manager)
    with pytest.raises(PermissionDenied):
        planning_services.carry_over_objectives(actor=owner, objectives=[original], into=next_cycle)
    finished = ObjectiveFactory(cycle=grading, owner_user=owner, owner_team=None)
    KeyResultFactory(
        objective=finished, owner=owner, target_value=1, kind="milestone", current_value=1
    )
    with pytest.raises(ValidationError, match="finished"):
        planning_services.carry_over_objectives(actor=owner, objectives=[finished], into=next_cycle)
    with pytest.raises(ValidationError, match="at least one"):
        planning_services.carry_over_objectives(actor=owner, objectives=[], into=next_cycle)
    assert not Objective.objects.filter(cycle=next_cycle).exists()


def test_all_or_nothing(grading, next_cycle, owner, manager, stranger):
    mine = _unfinished(grading, owner, manager)
    theirs = ObjectiveFactory(cycle=grading, owner_user=stranger, owner_team=None)
    KeyResultFactory(objective=theirs, owner=stranger)
    with pytest.raises(PermissionDenied):
        planning_services.carry_over_objectives(
            actor=manager, objectives=[mine, theirs], into=next_cycle
        )
    assert not Objective.objects.filter(cycle=next_cycle).exists()


# --- Reassigning -------------------------------------------------------------------------------


def test_admins_and_editors_reassign_to_active_people(cycle, key_result, admin, teammate, owner):
    services.reassign_key_result(actor=admin, key_result=key_result, new_owner=teammate)
    assert KeyResult.objects.get(pk=key_result.pk).owner == teammate
    with pytest.raises(ValidationError, match="already owns"):
        services.reassign_key_result(actor=admin, key_result=key_result, new_owner=teammate)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="deactivated"):
        services.reassign_key_result(actor=admin, key_result=key_result, new_owner=owner)
    with pytest.raises(PermissionDenied):
        services.reassign_key_result(actor=teammate, key_result=key_result, new_owner=admin)


def test_no_reassigning_in_a_closed_cycle(cycle, key_result, admin, teammate, owner):
    _set_state(cycle, "closed")
    with pytest.raises(CycleStateError, match="closed"):
        services.reassign_key_result(actor=admin, key_result=key_result, new_owner=teammate)
    assert KeyResult.objects.get(pk=key_result.pk).owner == owner
