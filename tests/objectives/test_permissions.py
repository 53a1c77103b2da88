"""The policy module as a matrix: every role against every question, for a team objective and an
individual objective, public and private."""

import pytest

from objectives import permissions
from objectives.models import Objective
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "teammate", "manager", "stranger", "other_manager", "admin"]

# role -> (view public, view private, edit objective, edit key result, check in) for a key result
# owned by `owner` on a team objective of `product`.
TEAM_OBJECTIVE = {
    "owner": (True, True, False, True, True),
    "teammate": (True, True, False, False, False),
    "manager": (True, True, True, True, True),
    "stranger": (True, False, False, False, False),
    "other_manager": (True, False, False, False, False),
    "admin": (True, True, True, True, True),
}
# ... and on `owner`'s individual objective.
INDIVIDUAL_OBJECTIVE = {
    "owner": (True, True, True, True, True),
    "teammate": (True, False, False, False, False),
    "manager": (True, True, True, True, True),
    "stranger": (True, False, False, False, False),
    "other_manager": (True, False, False, False, False),
    "admin": (True, True, True, True, True),
}


def _answers(user, objective: Objective, key_result) -> tuple[bool, ...]:
    public = permissions.can_view_objective(user, objective)
    objective.visibility = Objective.Visibility.PRIVATE
    private = permissions.can_view_objective(user, objective)
    objective.visibility = Objective.Visibility.PUBLIC
    return (
        public,
        private,
        permissions.can_edit_objective(user, objective),
        permissions.can_edit_key_result(user, key_result),
        permissions.can_check_in(user, key_result),
    )


@pytest.mark.parametrize("role", ROLES)
def test_team_objective_matrix(request, role, key_result):
    user = request.getfixturevalue(role)
    assert _answers(user, key_result.objective, key_result) == TEAM_OBJECTIVE[role]


@pytest.mark.parametrize("role", ROLES)
def test_individual_objective_matrix(request, role, cycle, owner):
    user = request.getfixturevalue(role)
    objective = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner)
    key_result = KeyResultFactory(objective=objective, owner=owner)
    assert _answers(user, objective, key_result) == INDIVIDUAL_OBJECTIVE[role]


def test_managers_reach_down_the_tree_not_up(company, product, squad, cycle, manager):
    squad_objective = ObjectiveFactory(cycle=cycle, owner_team=squad)
    company_objective = ObjectiveFactory(cycle=cycle, owner_team=company)
    assert permissions.can_edit_objective(manager, squad_objective)
    assert not permissions.can_edit_objective(manager, company_objective)


def test_inactive_people_may_do_nothing(key_result, owner):
    owner.is_active = False
    assert not permissions.can_view_objective(owner, key_result.objective)
    assert not permissions.can_check_in(owner, key_result)


def test_managed_teams_are_memoised(manager, django_assert_num_queries):
    with django_assert_num_queries(2):
        permissions.managed_team_ids(manager)
        permissions.managed_team_ids(manager)
