"""Finding one thing by its id for a person (objectives/access.py, initiatives/access.py): what
they may see comes back with its relations loaded; what does not exist and what they may not see
are the same NotFound (404)."""

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.http import Http404

from domain.errors import NotFound
from initiatives.access import access_initiative
from objectives.access import (
    access_cycle,
    access_key_result,
    access_membership,
    access_objective,
    access_person,
    access_team,
)
from objectives.models import Membership, Objective, User
from tests.factories import InitiativeFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

MISSING = 999_999
ROLES = ("owner", "teammate", "manager", "stranger", "admin")


@pytest.fixture
def private_objective(cycle, owner) -> Objective:
    """The owner's own private objective: theirs, their manager's and the admins' to see."""
    return ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        title="Private growth plan",
        visibility=Objective.Visibility.PRIVATE,
    )


@pytest.fixture
def private_team_objective(cycle, product) -> Objective:
    return ObjectiveFactory(
        cycle=cycle,
        owner_team=product,
        title="Product's quiet bet",
        visibility=Objective.Visibility.PRIVATE,
    )


# --- Objectives --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_public_objective_is_everyones(request, role, team_objective):
    user = request.getfixturevalue(role)
    assert access_objective(user=user, pk=team_objective.pk) == team_objective


@pytest.mark.parametrize(
    ("role", "sees"),
    [("owner", True), ("manager", True), ("admin", True), ("teammate", False), ("stranger", False)],
)
def test_a_private_objective_is_its_owners_their_managers_and_the_admins(
    request, role, sees, private_objective
):
    user = request.getfixturevalue(role)
    if sees:
        assert access_objective(user=user, pk=private_objective.pk) == private_objective
    else:
        with pytest.raises(NotFound):
            access_objective(user=user, pk=private_objective.pk)


@pytest.mark.parametrize(
    ("role", "sees"),
    [("teammate", True), ("manager", True), ("admin", True), ("stranger", False)],
)
def test_a_private_team_objective_is_its_members(request, role, sees, private_team_objective):
    user = request.getfixturevalue(role)
    if sees:
        assert access_objective(user=user, pk=private_team_objective.pk) == private_team_objective
    else:
        with pytest.raises(NotFound):
            access_objective(user=user, pk=private_team_objective.pk)


def test_a_contributor_sees_the_private_objective_they_work_for(stranger, private_objective):
    with pytest.raises(NotFound):
        access_objective(user=stranger, pk=private_objective.pk)
    KeyResultFactory(objective=private_objective, owner=stranger)
    assert access_objective(user=stranger, pk=private_objective.pk) == private_objective


def test_missing_and_hidden_are_the_same_404(owner, stranger, private_objective):
    with pytest.raises(NotFound) as missing:
        access_objective(user=owner, pk=MISSING)
    with pytest.raises(NotFound) as hidden:
        access_objective(user=stranger, pk=private_objective.pk)
    assert isinstance(missing.value, Http404)
    assert missing.value.message == hidden.value.message


def test_an_objective_comes_with_its_cycle_owners_and_parent_in_one_query(
    owner, team_objective, django_assert_num_queries
):
    child = ObjectiveFactory(
        cycle=team_objective.cycle, owner_user=owner, owner_team=None, parent=team_objective
    )
    with django_assert_num_queries(1):
        found = access_objective(user=owner, pk=child.pk)
        assert (found.cycle.name, found.owner_user.username) == ("2026 Q4", "owner")
        assert found.owner_team is None and found.parent.title == team_objective.title


# --- Key results and initiatives ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_key_result_of_a_public_objective_is_everyones(request, role, key_result):
    user = request.getfixturevalue(role)
    assert access_key_result(user=user, pk=key_result.pk) == key_result


@pytest.mark.parametrize(
    ("role", "sees"),
    [("owner", True), ("manager", True), ("admin", True), ("teammate", False), ("stranger", False)],
)
def test_a_key_result_is_hidden_with_its_private_objective(
    request, role, sees, private_objective, owner
):
    key_result = KeyResultFactory(objective=private_objective, owner=owner)
    user = request.getfixturevalue(role)
    if sees:
        assert access_key_result(user=user, pk=key_result.pk) == key_result
    else:
        with pytest.raises(NotFound):
            access_key_result(user=user, pk=key_result.pk)


def test_a_key_result_is_always_its_own_owners(teammate, private_objective):
    """Given a key result under someone's private objective, its owner sees both."""
    key_result = KeyResultFactory(objective=private_objective, owner=teammate)
    assert access_key_result(user=teammate, pk=key_result.pk) == key_result


def test_a_key_result_comes_with_its_objective_cycle_and_owners_in_one_query(
    owner, key_result, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = access_key_result(user=owner, pk=key_result.pk)
        assert found.objective.cycle.name == "2026 Q4"
        assert found.objective.owner_team.name == "Product"
        assert found.objective.owner_user is None
        assert found.owner.username == "owner"


def test_a_missing_key_result_is_not_found(owner):
    with pytest.raises(NotFound):
        access_key_result(user=owner, pk=MISSING)


@pytest.mark.parametrize(
    ("role", "sees"),
    [("owner", True), ("manager", True), ("admin", True), ("teammate", False), ("stranger", False)],
)
def test_an_initiative_is_seen_with_its_key_result(request, role, sees, private_objective, owner):
    initiative = InitiativeFactory(
        key_result=KeyResultFactory(objective=private_objective, owner=owner)
    )
    user = request.getfixturevalue(role)
    if sees:
        assert access_initiative(user=user, pk=initiative.pk) == initiative
    else:
        with pytest.raises(NotFound):
            access_initiative(user=user, pk=initiative.pk)


def test_an_initiative_comes_with_its_key_result_in_one_query(
    stranger, key_result, django_assert_num_queries
):
    initiative = InitiativeFactory(key_result=key_result)
    with django_assert_num_queries(1):
        found = access_initiative(user=stranger, pk=initiative.pk)
        assert found.key_result.objective.cycle.name == "2026 Q4"
        assert (found.owner.username, found.key_result.owner.username) == ("owner", "owner")
    with pytest.raises(NotFound):
        access_initiative(user=stranger, pk=MISSING)


# --- Cycles, teams, people: everyone's once signed in -------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_cycles_teams_and_people_are_everyones(request, role, cycle, product, owner):
    user = request.getfixturevalue(role)
    assert access_cycle(user=user, pk=cycle.pk) == cycle
    assert access_team(user=user, pk=product.pk) == product
    assert access_person(user=user, pk=owner.pk) == owner
    membership = Membership.objects.get(user=owner, team=product)
    assert access_membership(user=user, pk=membership.pk) == membership


def test_missing_cycles_teams_people_and_memberships_are_not_found(owner):
    for access in (access_cycle, access_team, access_person, access_membership):
        with pytest.raises(NotFound):
            access(user=owner, pk=MISSING)


def test_a_deactivated_account_sees_nothing(owner, cycle, product, key_result):
    User.objects.filter(pk=owner.pk).update(is_active=False)
    owner.refresh_from_db()
    for access, pk in (
        (access_cycle, cycle.pk),
        (access_team, product.pk),
        (access_person, owner.pk),
        (access_objective, key_result.objective_id),
        (access_key_result, key_result.pk),
    ):
        with pytest.raises(NotFound):
            access(user=owner, pk=pk)


def test_a_team_comes_with_its_parent_and_a_membership_with_its_person_and_team(
    admin, squad, owner, django_assert_num_queries
):
    membership = Membership.objects.get(user=owner)
    with django_assert_num_queries(2):
        assert access_team(user=admin, pk=squad.pk).parent.name == "Product"
        found = access_membership(user=admin, pk=membership.pk)
        assert (found.user.username, found.team.name) == ("owner", "Product")


# --- Locking ------------------------------------------------------------------------------------


def test_for_update_locks_the_row_inside_a_transaction(owner, key_result, team_objective):
    with transaction.atomic():
        assert access_key_result(user=owner, pk=key_result.pk, for_update=True) == key_result
        assert access_objective(user=owner, pk=team_objective.pk, for_update=True)
        # Hidden stays hidden when locking too.
        with pytest.raises(NotFound):
            access_key_result(user=owner, pk=MISSING, for_update=True)


@pytest.mark.django_db(transaction=True)
def test_for_update_outside_a_transaction_is_refused(owner, key_result, cycle):
    with pytest.raises(TransactionManagementError):
        access_key_result(user=owner, pk=key_result.pk, for_update=True)
    with pytest.raises(TransactionManagementError):
        access_cycle(user=owner, pk=cycle.pk, for_update=True)
    # Without the lock no transaction is needed.
    assert access_key_result(user=owner, pk=key_result.pk) == key_result
