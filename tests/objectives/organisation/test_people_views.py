"""People & teams pages: admins only (everyone else signed in gets a 403 that says so)."""

import pytest
from django.urls import reverse

from objectives.models import KeyResult, Membership, Team, User
from tests.factories import KeyResultFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NON_ADMINS = ["owner", "manager", "stranger"]


def _pages(owner, product, membership) -> list[str]:
    return [
        reverse("people"),
        reverse("person_new"),
        reverse("person_detail", args=[owner.pk]),
        reverse("person_deactivate", args=[owner.pk]),
        reverse("teams"),
        reverse("team_detail", args=[product.pk]),
    ]


@pytest.mark.parametrize("who", NON_ADMINS)
def test_people_pages_are_403_for_non_admins_never_404(client, request, who, owner, product):
    client.force_login(request.getfixturevalue(who))
    membership = Membership.objects.get(user=owner)
    for url in _pages(owner, product, membership):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Only admins manage people and teams." in response.content.decode()
    assert "People &amp; teams" not in client.get(reverse("my_week")).content.decode()


def test_admin_sees_people_and_teams(client, admin, owner, product, squad):
    client.force_login(admin)
    html = client.get(reverse("people")).content.decode()
    assert "Owner" in html and "Product" in html and "People &amp; teams" in html
    tree = client.get(reverse("teams")).content.decode()
    assert tree.index("Acme") < tree.index("Product") < tree.index("Squad")
    assert 'class="depth-2" id="team-' in tree


@pytest.mark.parametrize("count", [3, 30])
def test_people_and_teams_pages_run_a_fixed_number_of_queries(
    client, admin, company, django_assert_num_queries, count
):
    teams = [Team.objects.create(name=f"T{n}", slug=f"t{n}", parent=company) for n in range(count)]
    for n in range(count):
        person = UserFactory(username=f"p{n}")
        Membership.objects.create(user=person, team=teams[n], role="manager")
    client.force_login(admin)
    # session, user, people, their memberships with teams, the header's switcher and its
    # reminders check (admins)
    with django_assert_num_queries(6):
        assert client.get(reverse("people")).status_code == 200
    # session, user, teams with member counts, managers, the header's switcher and its
    # reminders check (admins)
    with django_assert_num_queries(6):
        assert client.get(reverse("teams")).status_code == 200


def test_admin_creates_a_person(client, admin, product):
    client.force_login(admin)
    response = client.post(
        reverse("person_new"),
        {
            "username": "ada",
            "display_name": "Ada Lovelace",
            "email": "ada@example.com",
            "password": "a-long-and-unusual-passphrase",
            "time_zone": "Asia/Seoul",
            "language": "ko",
            "team": product.pk,
            "role": "member",
        },
    )
    ada = User.objects.get(username="ada")
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[ada.pk])
    assert (ada.time_zone, ada.language) == ("Asia/Seoul", "ko")
    assert Membership.objects.filter(user=ada, team=product).exists()


def test_bad_people_are_shown_their_errors(client, admin, owner):
    client.force_login(admin)
    response = client.post(
        reverse("person_new"),
        {"username": "owner", "email": "nope", "password": "1", "time_zone": "UTC", "role": "x"},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.context["form"].errors["role"][0]
    response = client.post(
        reverse("person_new"),
        {
            "username": "owner",
            "email": "nope",
            "password": "1",
            "time_zone": "UTC",
            "role": "member",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "That username is taken." in errors["username"]
    assert "Enter a valid e-mail address." in errors["email"]
    assert "This password is too short." in errors["password"][0]
    assert "That username is taken." in response.content.decode()
    assert User.objects.filter(username="owner").count() == 1


def test_profile_edit(client, admin, owner):
    client.force_login(admin)
    data = {"display_name": "O", "email": "o@example.com", "time_zone": "Europe/Berlin"}
    assert client.post(reverse("person_edit", args=[owner.pk]), data).status_code == 302
    assert User.objects.get(pk=owner.pk).time_zone == "Europe/Berlin"
    bad = {**data, "time_zone": "Nowhere/Land"}
    response = client.post(reverse("person_edit", args=[owner.pk]), bad)
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_deactivation_confirms_keeps_history_and_lists_open_work(
    client, admin, owner, teammate, key_result
):
    client.force_login(admin)
    confirm = client.get(reverse("person_deactivate", args=[owner.pk])).content.decode()
    assert "1 open key result in cycles that are not closed" in confirm
    assert key_result.title in confirm
    assert User.objects.get(pk=owner.pk).is_active  # the GET changed nothing
    response = client.post(reverse("person_deactivate", args=[owner.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Open key results to reassign" in page
    assert f'action="{reverse("key_result_reassign", args=[key_result.pk])}"' in page
    # Reassign inline: the row says where it went.
    reassigned = client.post(
        reverse("key_result_reassign", args=[key_result.pk]), {"owner": teammate.pk}, **HTMX
    )
    assert reassigned.status_code == 200
    assert "now belongs to Teammate" in reassigned.content.decode()
    assert KeyResult.objects.get(pk=key_result.pk).owner == teammate


def test_reassigning_to_a_deactivated_person_is_refused(client, admin, owner, teammate, key_result):
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    client.force_login(admin)
    response = client.post(
        reverse("key_result_reassign", args=[key_result.pk]), {"owner": teammate.pk}
    )
    assert response.status_code == 422
    assert "Choose an active person from the list." in response.content.decode()
    assert KeyResult.objects.get(pk=key_result.pk).owner == owner


@pytest.mark.parametrize("who", ["teammate", "stranger"])
def test_reassigning_needs_the_right_to_edit_the_objective(client, request, who, key_result, admin):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("key_result_reassign", args=[key_result.pk]), {"owner": admin.pk}
    )
    assert response.status_code == 403


def test_nobody_deactivates_themselves_and_reactivation(client, admin, owner):
    client.force_login(admin)
    response = client.post(reverse("person_deactivate", args=[admin.pk]))
    assert response.status_code == 409
    assert "You cannot deactivate yourself" in response.content.decode()
    client.post(reverse("person_deactivate", args=[owner.pk]))
    assert client.post(reverse("person_reactivate", args=[owner.pk])).status_code == 302
    assert User.objects.get(pk=owner.pk).is_active


def test_memberships_from_the_persons_page(client, admin, owner, product, sales):
    client.force_login(admin)
    url = reverse("membership_add", args=[owner.pk])
    assert client.post(url, {"team": sales.pk, "role": "manager"}).status_code == 302
    response = client.post(url, {"team": sales.pk, "role": "member"})
    assert response.status_code == 422
    assert "is already in Sales." in response.content.decode()
    membership = Membership.objects.get(user=owner, team=sales)
    client.post(reverse("membership_role", args=[membership.pk]), {"role": "member"})
    assert Membership.objects.get(pk=membership.pk).role == "member"
    response = client.post(reverse("membership_role", args=[membership.pk]), {"role": "chief"})
    assert response.status_code == 422
    client.post(reverse("membership_remove", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_teams_create_rename_and_move_without_loops(client, admin, company, product, squad):
    client.force_login(admin)
    assert (
        client.post(reverse("team_new"), {"name": "Design", "parent": product.pk}).status_code
        == 302
    )
    design = Team.objects.get(name="Design")
    assert design.parent == product
    response = client.post(reverse("team_new"), {"name": "", "parent": product.pk})
    assert response.status_code == 422
    url = reverse("team_detail", args=[product.pk])
    page = client.get(url)
    assert [n.team for n in page.context["parent_choices"]] == [company]  # not itself nor below
    response = client.post(url, {"name": "Product", "parent": squad.pk})
    assert response.status_code == 422
    assert "cannot move under itself or one of its own sub-teams" in response.content.decode()
    assert client.post(url, {"name": "Product & Design", "parent": company.pk}).status_code == 302
    assert Team.objects.get(pk=product.pk).name == "Product & Design"
    root = client.get(reverse("team_detail", args=[company.pk])).content.decode()
    assert "The company is the root of the tree: it stays where it is." in root
    response = client.post(
        reverse("team_detail", args=[company.pk]), {"name": "Acme", "parent": product.pk}
    )
    assert response.status_code == 422
    assert Team.objects.get(pk=company.pk).parent is None


@pytest.mark.parametrize("count", [2, 12])
def test_the_person_page_lists_open_key_results_in_fixed_queries(
    client, admin, owner, cycle, django_assert_num_queries, count
):
    for n in range(count):
        objective = ObjectiveFactory(cycle=cycle)
        KeyResultFactory(objective=objective, owner=owner, title=f"KR {n}")
    client.force_login(admin)
    # session, user, person, memberships, open key results, open objectives, teams, active
    # people, the header's switcher and its reminders check (admins)
    with django_assert_num_queries(10):
        response = client.get(reverse("person_detail", args=[owner.pk]))
    assert len(response.context["page"].open_key_results) == count
