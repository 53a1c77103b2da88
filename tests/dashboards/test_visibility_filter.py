"""permissions.visible_objectives_q filters exactly what can_view_objective allows, so the
dashboards' set-based filtering and the pages' own checks never disagree."""

import pytest

from objectives import permissions
from objectives.models import KeyResult, Objective
from tests.factories import KeyResultFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = ["owner", "teammate", "manager", "stranger", "other_manager", "admin", "inactive"]


@pytest.fixture
def objectives(cycle, company, product, squad, sales, owner, stranger, manager):
    made = []
    for visibility in Objective.Visibility.values:
        for owner_team, owner_user in (
            (company, None),
            (product, None),
            (squad, None),
            (sales, None),
            (None, owner),
            (None, stranger),
            (None, manager),
        ):
            objective = ObjectiveFactory(
                cycle=cycle, owner_team=owner_team, owner_user=owner_user, visibility=visibility
            )
            KeyResultFactory(objective=objective, owner=owner_user or owner)
            made.append(objective)
    return made


@pytest.mark.parametrize("who", PEOPLE)
def test_the_filter_matches_the_object_check(
    request, objectives, teammate, other_manager, admin, who
):
    if who == "inactive":
        person = UserFactory(username="gone", is_active=False)
    else:
        person = request.getfixturevalue(who)
    expected = {o.pk for o in objectives if permissions.can_view_objective(person, o)}
    filtered = set(
        Objective.objects.filter(permissions.visible_objectives_q(person)).values_list(
            "pk", flat=True
        )
    )
    assert filtered == expected
    through_key_results = set(
        KeyResult.objects.filter(
            permissions.visible_objectives_q(person, prefix="objective__")
        ).values_list("objective_id", flat=True)
    )
    assert through_key_results == expected
    if who not in ("admin",):
        # Somebody always misses something private, or the test proves nothing.
        assert len(expected) < len(objectives)
