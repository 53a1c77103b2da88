"""The teams list and "My team", the navigation's way to a team dashboard."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, speaking_korean

pytestmark = pytest.mark.django_db


# The two headings, mine first, and the line saying every dashboard is open, in each language.
TEAM_LIST = {
    "en": ("Your teams", "All teams", "Every team's dashboard is open to everyone."),
    "ko": ("내 팀", "전체 팀", "모든 팀 대시보드는 누구나 볼 수 있습니다."),
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_list_shows_every_team_as_a_tree_and_mine_first(client, owner, squad, sales, language):
    if language == "ko":
        speaking_korean(owner)
    client.force_login(owner)
    response = client.get(reverse("team_list"))
    assert response.status_code == 200
    html = response.content.decode()
    mine, everyone, open_to_all = TEAM_LIST[language]
    assert mine in html and open_to_all in html
    assert html.index(mine) < html.index(everyone)
    for name in ("Acme", "Product", "Squad", "Sales"):
        assert f">{name}</a>" in html
    # Squad is listed inside Product's branch.
    assert html.index(">Product</a>") < html.index(">Squad</a>") < html.index(">Sales</a>")


def test_my_team_goes_straight_to_the_one_team(client, owner, product):
    client.force_login(owner)
    response = client.get(reverse("my_team"))
    assert response.status_code == 302
    assert response["Location"] == reverse("team_dashboard", args=["product"])


def test_my_team_prefers_the_team_a_manager_leads_and_keeps_the_cycle(
    client, manager, sales, cycle
):
    MembershipFactory(user=manager, team=sales)
    client.force_login(manager)
    response = client.get(reverse("my_team") + f"?cycle={cycle.pk}")
    assert (
        response["Location"] == reverse("team_dashboard", args=["product"]) + f"?cycle={cycle.pk}"
    )


def test_several_teams_or_none_lead_to_the_list(client, owner, sales, admin):
    MembershipFactory(user=owner, team=sales)
    client.force_login(owner)
    assert client.get(reverse("my_team"))["Location"] == reverse("team_list")
    client.force_login(admin)
    assert client.get(reverse("my_team"))["Location"] == reverse("team_list")


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("team_list")).status_code == 302
    assert client.get(reverse("my_team")).status_code == 302


@pytest.mark.parametrize("teams", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    client, owner, company, teams, django_assert_num_queries
):
    from tests.factories import TeamFactory

    for n in range(teams):
        MembershipFactory(user=owner, team=TeamFactory(parent=company, name=f"T{n}", slug=f"t{n}"))
    client.force_login(owner)
    # Session, user, the team tree, my memberships, and the header's cycle switcher.
    with django_assert_num_queries(5):
        response = client.get(reverse("team_list"))
    assert response.status_code == 200
    assert f">T{teams - 1}</a>" in response.content.decode()
