"""Who may see, add and edit initiatives, as a matrix of role × objective × initiative owner; the
bulk scope and the per-key-result rule give the one-object predicates' answers."""

import pytest

from objectives import permissions
from tests.factories import InitiativeFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "teammate", "manager", "stranger", "other_manager", "admin"]


@pytest.fixture
def initiatives(cycle, company, product, sales, owner, teammate, stranger):
    """On public and private objectives of a team and of people, one initiative per possible
    owner on each key result."""
    made = []
    for visibility in ("public", "private"):
        for kwargs in (
            {"owner_team": product},
            {"owner_team": sales},
            {"owner_team": None, "owner_user": owner},
            {"owner_team": None, "owner_user": stranger},
        ):
            objective = ObjectiveFactory(cycle=cycle, visibility=visibility, **kwargs)
            kr = KeyResultFactory(objective=objective, owner=owner)
            for person in (owner, teammate, stranger):
                made.append(InitiativeFactory(key_result=kr, owner=person))
    return made


@pytest.mark.parametrize("role", ROLES)
def test_the_scope_and_the_list_rule_agree_with_the_predicates(request, role, initiatives):
    user = request.getfixturevalue(role)
    scope = permissions.scope_for(user)
    for initiative in initiatives:
        kr = initiative.key_result
        expected = permissions.can_edit_initiative(user, initiative)
        assert scope.can_edit_initiative(initiative) == expected, initiative
        assert permissions.initiative_edit_rule(user, kr)(initiative) == expected
        assert scope.can_add_initiative(kr) == permissions.can_add_initiative(user, kr)
        assert permissions.can_view_initiative(user, initiative) == (
            permissions.can_view_key_result(user, kr)
        )


def _initiative_on(objective_kwargs, *, kr_owner, initiative_owner, cycle, visibility="public"):
    objective = ObjectiveFactory(cycle=cycle, visibility=visibility, **objective_kwargs)
    kr = KeyResultFactory(objective=objective, owner=kr_owner)
    return InitiativeFactory(key_result=kr, owner=initiative_owner)


def test_the_matrix(
    cycle, product, sales, owner, teammate, manager, stranger, other_manager, admin
):
    on_product = _initiative_on(
        {"owner_team": product}, kr_owner=owner, initiative_owner=teammate, cycle=cycle
    )
    expected = {
        # The key result's owner and the team's manager edit it; so does the teammate who
        # owns the initiative; nobody from sales does.
        owner: (True, True),
        teammate: (False, True),
        manager: (True, True),
        stranger: (False, False),
        other_manager: (False, False),
        admin: (True, True),
    }
    for user, (may_add, may_edit) in expected.items():
        assert permissions.can_add_initiative(user, on_product.key_result) == may_add, user
        assert permissions.can_edit_initiative(user, on_product) == may_edit, user

    private = _initiative_on(
        {"owner_team": None, "owner_user": owner},
        kr_owner=owner,
        initiative_owner=owner,
        cycle=cycle,
        visibility="private",
    )
    assert [permissions.can_view_initiative(u, private) for u in expected] == [
        True,  # owner
        False,  # teammate
        True,  # manager of the owner
        False,
        False,
        True,  # admin
    ]


def test_a_deactivated_initiative_owner_may_not_edit(cycle, product, owner, teammate):
    initiative = _initiative_on(
        {"owner_team": product}, kr_owner=owner, initiative_owner=teammate, cycle=cycle
    )
    teammate.is_active = False
    assert not permissions.can_edit_initiative(teammate, initiative)
