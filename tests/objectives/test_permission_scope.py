"""The bulk permission scope gives the same answers as the one-object predicates, role by role,
and its Q filters select exactly the objects those predicates allow."""

import pytest

from objectives import permissions
from objectives.models import KeyResult, Objective
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "teammate", "manager", "stranger", "other_manager", "admin"]


@pytest.fixture
def objectives(cycle, company, product, squad, sales, owner, teammate, stranger):
    made = []
    for visibility in ("public", "private"):
        for kwargs in (
            {"owner_team": product},
            {"owner_team": squad},
            {"owner_team": sales},
            {"owner_team": company},
            {"owner_team": None, "owner_user": owner},
            {"owner_team": None, "owner_user": stranger},
        ):
            objective = ObjectiveFactory(cycle=cycle, visibility=visibility, **kwargs)
            for person in (owner, teammate, stranger):
                KeyResultFactory(objective=objective, owner=person)
            made.append(objective)
    return made


@pytest.mark.parametrize("role", ROLES)
def test_scope_agrees_with_the_predicates(request, role, objectives):
    user = request.getfixturevalue(role)
    scope = permissions.scope_for(user)
    editable = set(
        Objective.objects.filter(scope.editable_objectives()).values_list("pk", flat=True)
    )
    gradable = set(
        KeyResult.objects.filter(scope.gradable_key_results()).values_list("pk", flat=True)
    )
    for objective in objectives:
        assert scope.can_view_objective(objective) == permissions.can_view_objective(
            user, objective
        )
        expected_edit = permissions.can_edit_objective(user, objective)
        assert scope.can_edit_objective(objective) == expected_edit
        assert (objective.pk in editable) == expected_edit
        for kr in objective.key_results.all():
            expected_grade = permissions.can_grade_key_result(user, kr)
            assert scope.can_grade_key_result(kr) == expected_grade
            assert (kr.pk in gradable) == expected_grade


def test_inactive_people_have_an_empty_scope(owner, objectives):
    owner.is_active = False
    scope = permissions.scope_for(owner)
    assert not scope.can_view_objective(objectives[0])
    assert not Objective.objects.filter(scope.editable_objectives()).exists()


def test_scope_costs_a_fixed_number_of_queries(
    manager, owner, admin, objectives, django_assert_num_queries
):
    with django_assert_num_queries(3):  # memberships, team tree, people of managed teams
        permissions.scope_for(manager)
    with django_assert_num_queries(1):
        permissions.scope_for(owner)
    with django_assert_num_queries(0):
        permissions.scope_for(admin)
