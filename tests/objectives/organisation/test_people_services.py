"""People, memberships and the team tree, as admins change them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from domain.errors import Conflict
from objectives.models import Membership, Team, User
from objectives.organisation import services as people

pytestmark = pytest.mark.django_db

NEW = {
    "username": "ada",
    "password": "a-long-and-unusual-passphrase",
    "email": "ada@example.com",
    "display_name": "Ada Lovelace",
    "time_zone": "Europe/London",
    "language": "ko",
}


def test_admin_creates_a_person_who_can_sign_in(admin, product, client):
    person = people.create_person(actor=admin, **NEW, team=product, role="manager")
    assert person.check_password(NEW["password"]) and person.is_active
    assert (person.time_zone, person.language) == ("Europe/London", "ko")
    assert Membership.objects.get(user=person).role == "manager"
    # django-axes throttles sign-ins per request, so authenticate() needs one.
    assert client.login(request=HttpRequest(), username="ada", password=NEW["password"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": ""}, "username", "Choose a username"),
        ({"username": "has space"}, "username", "letters, digits"),
        ({"username": "OWNER"}, "username", "taken"),
        ({"password": "123"}, "password", "too short"),
        ({"email": ""}, "email", "reminders go there"),
        ({"email": "not-an-address"}, "email", "valid e-mail"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "time zone"),
        ({"language": "fr"}, "language", "language"),
        ({"role": "boss"}, "role", "member or manager"),
    ],
)
def test_bad_people_are_refused(admin, owner, changes, field, message):
    before = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        people.create_person(actor=admin, **{**NEW, **changes})
    assert message in " ".join(refused.value.message_dict[field])
    assert User.objects.count() == before


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_only_admins_manage_people(request, who, product):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="Only admins"):
        people.create_person(actor=actor, **NEW)
    with pytest.raises(PermissionDenied):
        people.create_team(actor=actor, name="Skunkworks", parent=product)


def test_profile_changes(admin, owner):
    people.update_person(
        actor=admin,
        person=owner,
        display_name="Olivia Owner",
        email="olivia@example.com",
        time_zone="Asia/Seoul",
        language="",
    )
    owner.refresh_from_db()
    assert (owner.name, owner.time_zone, str(owner.tzinfo)) == (
        "Olivia Owner",
        "Asia/Seoul",
        "Asia/Seoul",
    )


def test_deactivating_keeps_history_and_moves_nothing(admin, owner, key_result, product):
    people.deactivate_person(actor=admin, person=owner)
    owner.refresh_from_db()
    assert not owner.is_active and owner.deactivated_by == admin and owner.deactivated_at
    key_result.refresh_from_db()
    assert key_result.owner == owner  # listed for reassignment, not moved
    assert Membership.objects.filter(user=owner, team=product).exists()
    with pytest.raises(Conflict, match="already deactivated"):
        people.deactivate_person(actor=admin, person=owner)
    people.reactivate_person(actor=admin, person=owner)
    owner.refresh_from_db()
    assert owner.is_active and owner.deactivated_at is None


def test_nobody_deactivates_themselves(admin):
    with pytest.raises(Conflict, match="yourself"):
        people.deactivate_person(actor=admin, person=admin)
    assert User.objects.get(pk=admin.pk).is_active


def test_a_deactivated_person_cannot_sign_in(admin, owner, client):
    people.deactivate_person(actor=admin, person=owner)
    assert not client.login(request=HttpRequest(), username="owner", password="pw-for-tests")


def test_memberships(admin, owner, product, sales):
    membership = people.add_membership(actor=admin, person=owner, team=sales, role="manager")
    with pytest.raises(ValidationError, match="already in Sales"):
        people.add_membership(actor=admin, person=owner, team=sales, role="member")
    people.change_membership_role(actor=admin, membership=membership, role="member")
    assert Membership.objects.get(pk=membership.pk).role == "member"
    with pytest.raises(ValidationError):
        people.change_membership_role(actor=admin, membership=membership, role="owner")
    people.remove_membership(actor=admin, membership=membership)
    assert not Membership.objects.filter(user=owner, team=sales).exists()
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="deactivated"):
        people.add_membership(actor=admin, person=owner, team=sales, role="member")


# --- Teams -------------------------------------------------------------------------------------


def test_teams_are_created_under_a_parent_with_a_unique_slug(admin, company, product):
    first = people.create_team(actor=admin, name="Growth", parent=product)
    second = people.create_team(actor=admin, name="Growth", parent=company)
    assert (first.slug, second.slug) == ("growth", "growth-2")
    assert not first.is_root and first.parent == product
    with pytest.raises(ValidationError, match="already has a team called"):
        people.create_team(actor=admin, name="growth", parent=product)
    with pytest.raises(ValidationError, match="belongs to"):
        people.create_team(actor=admin, name="Orphan", parent=None)
    with pytest.raises(ValidationError, match="name"):
        people.create_team(actor=admin, name=" ", parent=company)


def test_the_first_team_is_the_company(admin):
    root = people.create_team(actor=admin, name="한국 회사", parent=None)
    assert root.is_root and root.parent is None and root.slug == "team"


def test_rename_keeps_the_slug_and_moves_stay_in_the_tree(admin, company, product, squad, sales):
    people.update_team(actor=admin, team=product, name="Product & Design", parent=company)
    product.refresh_from_db()
    assert (product.name, product.slug) == ("Product & Design", "product")
    people.update_team(actor=admin, team=squad, name="Squad", parent=sales)
    assert Team.objects.get(pk=squad.pk).parent == sales


@pytest.mark.parametrize(
    ("team", "parent", "message"),
    [
        ("product", "product", "under itself or one of its own sub-teams"),
        ("product", "squad", "under itself or one of its own sub-teams"),
        ("company", "sales", "cannot move"),
        ("product", None, "belongs to"),
    ],
)
def test_no_loops_and_the_root_stays_the_root(request, admin, squad, sales, team, parent, message):
    moving = request.getfixturevalue(team)
    target = request.getfixturevalue(parent) if parent else None
    before = Team.objects.get(pk=moving.pk).parent_id
    with pytest.raises(ValidationError, match=message):
        people.update_team(actor=admin, team=moving, name=moving.name, parent=target)
    assert Team.objects.get(pk=moving.pk).parent_id == before
    assert Team.objects.filter(is_root=True).count() == 1
