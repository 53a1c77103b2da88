"""The read-only seat (User.is_viewer): reads what a member of the same teams reads, writes
nothing, not even a key result assigned to it; an admin who is also a viewer reads like an admin
and writes nothing. Admins set the flag on the People page; the viewer meets no write button."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from objectives import permissions
from objectives.models import Objective, User
from tests.factories import KeyResultFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewers_kr(team_objective, viewer):
    return KeyResultFactory(
        objective=team_objective, owner=viewer, start_value=Decimal(0), target_value=Decimal(4)
    )


@pytest.fixture
def own_objective(cycle, viewer):
    return ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=viewer, title="Mine")


@pytest.fixture
def admin_viewer(db) -> User:
    return UserFactory(username="auditor", is_superuser=True, is_staff=True, is_viewer=True)


WRITES = [
    lambda u, w: permissions.can_edit_objective(u, w["objective"]),
    lambda u, w: permissions.can_edit_objective(u, w["own"]),
    lambda u, w: permissions.can_edit_key_result(u, w["kr"]),
    lambda u, w: permissions.can_check_in(u, w["kr"]),
    lambda u, w: permissions.can_grade_key_result(u, w["kr"]),
    lambda u, w: permissions.can_write_reflection(u, w["own"]),
    lambda u, w: permissions.can_carry_over(u, w["own"]),
    lambda u, w: permissions.can_reassign_key_result(u, w["kr"]),
    lambda u, w: permissions.can_create_objective(u, owner_user=u),
    lambda u, w: permissions.can_create_objectives(u),
    lambda u, w: permissions.can_manage_key_results(u, w["own"]),
    lambda u, w: permissions.can_manage_templates(u),
    lambda u, w: permissions.can_manage_cycles(u),
    lambda u, w: permissions.can_manage_people(u),
    lambda u, w: permissions.can_manage_reminders(u),
]


@pytest.mark.parametrize("who", ["viewer", "admin_viewer"])
def test_a_viewer_may_write_nothing_not_even_their_own(
    who, request, team_objective, viewers_kr, own_objective
):
    user = request.getfixturevalue(who)
    world = {"objective": team_objective, "own": own_objective, "kr": viewers_kr}
    assert [index for index, write in enumerate(WRITES) if write(user, world)] == []
    scope = permissions.scope_for(user)
    assert scope.read_only
    assert not scope.can_edit_objective(own_objective)
    assert not scope.can_edit_key_result(viewers_kr)
    assert not scope.can_grade_key_result(viewers_kr)
    assert not Objective.objects.filter(scope.editable_objectives()).exists()
    assert not viewers_kr.__class__.objects.filter(scope.gradable_key_results()).exists()


def test_the_same_person_without_the_flag_may_write(viewer, viewers_kr, own_objective):
    """The refusals above come from the flag, not from the cast."""
    viewer.is_viewer = False
    assert permissions.can_check_in(viewer, viewers_kr)
    assert permissions.can_edit_objective(viewer, own_objective)
    assert permissions.scope_for(viewer).can_edit_key_result(viewers_kr)


def test_a_viewer_reads_like_a_member_and_an_admin_viewer_like_an_admin(
    cycle, owner, viewer, admin_viewer, team_objective
):
    private = ObjectiveFactory(
        cycle=cycle, owner_team=None, owner_user=owner, visibility=Objective.Visibility.PRIVATE
    )
    assert permissions.can_view_objective(viewer, team_objective)
    assert not permissions.can_view_objective(viewer, private)
    assert permissions.can_view_objective(admin_viewer, private)
    assert permissions.scope_for(admin_viewer).can_view_objective(private)


def test_a_viewer_checking_in_on_their_key_result_is_refused(client, viewer, viewers_kr):
    client.force_login(viewer)
    response = client.post(
        reverse("check_in", args=[viewers_kr.pk]), {"value": "2", "confidence": "4"}
    )
    assert response.status_code == 403
    assert not CheckIn.objects.filter(key_result=viewers_kr).exists()


def test_admins_set_and_clear_the_flag_on_the_people_page(client, admin, teammate):
    client.force_login(admin)
    page = client.get(reverse("person_detail", args=[teammate.pk])).content.decode()
    assert 'name="is_viewer"' in page
    profile = {"display_name": "Team Mate", "email": "t@example.com", "time_zone": "UTC"}
    response = client.post(
        reverse("person_edit", args=[teammate.pk]), {**profile, "is_viewer": "on"}
    )
    assert response.status_code == 302
    teammate.refresh_from_db()
    assert teammate.is_viewer
    assert "read-only" in client.get(reverse("people")).content.decode()
    client.post(reverse("person_edit", args=[teammate.pk]), profile)
    teammate.refresh_from_db()
    assert not teammate.is_viewer


def test_a_new_person_can_start_read_only(client, admin, product):
    client.force_login(admin)
    response = client.post(
        reverse("person_new"),
        {
            "username": "board",
            "display_name": "Board",
            "email": "board@example.com",
            "password": "a long enough passphrase 42",
            "time_zone": "UTC",
            "team": product.pk,
            "role": "member",
            "is_viewer": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="board").is_viewer


def test_a_viewer_sees_read_only_and_no_write_buttons(
    client, viewer, viewers_kr, own_objective, cycle
):
    client.force_login(viewer)
    week = client.get(reverse("my_week")).content.decode()
    assert "read-only" in week
    assert reverse("check_in", args=[viewers_kr.pk]) not in week
    plan = client.get(reverse("plan") + f"?cycle={cycle.pk}").content.decode()
    assert reverse("objective_new") not in plan
    assert "is closed" not in plan
    page = client.get(reverse("objective_plan", args=[own_objective.pk])).content.decode()
    assert reverse("objective_edit", args=[own_objective.pk]) not in page
    assert reverse("objective_new") not in page


def test_a_member_still_sees_their_write_buttons(client, owner, key_result, cycle):
    """The assertions above can fail: the same pages show the buttons to a writer."""
    client.force_login(owner)
    week = client.get(reverse("my_week")).content.decode()
    assert "read-only" not in week
    assert reverse("check_in", args=[key_result.pk]) in week
    assert (
        reverse("objective_new")
        in client.get(reverse("plan") + f"?cycle={cycle.pk}").content.decode()
    )


def test_django_admin_is_closed_to_an_admin_who_is_also_a_viewer(client, admin, admin_viewer):
    # Django admin writes; the read-only seat wins over the admin's rights there too.
    client.force_login(admin_viewer)
    refused = client.get(reverse("admin:index"))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("admin:login"))
    assert client.post(reverse("admin:objectives_team_add"), {"name": "X"}).status_code == 302
    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("admin", ["People &amp; teams", "Reminders", "Audit trail", ">Admin<"], []),
        ("admin_viewer", ["Audit trail"], ["People &amp; teams", "Reminders", ">Admin<"]),
        ("owner", [], ["People &amp; teams", "Reminders", "Audit trail", ">Admin<"]),
    ],
)
def test_the_header_offers_only_what_the_policy_allows(request, client, cycle, who, shown, hidden):
    client.force_login(request.getfixturevalue(who))
    header = client.get(reverse("my_week")).content.decode().split("</header>")[0]
    for label in shown:
        assert label in header
    for label in hidden:
        assert label not in header
