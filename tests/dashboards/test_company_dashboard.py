"""The company dashboard: the alignment tree (expanding lazily), progress by team with drill-down,
the check-in heatmap, the status distribution, private objectives and fixed query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.services import record_checkin
from objectives.models import Objective
from tests.factories import KeyResultFactory, ObjectiveFactory, TeamFactory, populate_team

pytestmark = pytest.mark.django_db

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def alignment(company, product, squad, cycle, owner, manager):
    """company goal ← product goal (owner's KR at 0.5) ← squad goal, plus the owner's private goal
    aligned under the product goal."""
    company_goal = ObjectiveFactory(cycle=cycle, owner_team=company, title="Win the market")
    product_goal = ObjectiveFactory(
        cycle=cycle, owner_team=product, title="Delight new teams", parent=company_goal
    )
    product_kr = KeyResultFactory(objective=product_goal, owner=owner, title="Activation")
    record_checkin(actor=owner, key_result=product_kr, value=D(50), confidence=4)
    squad_goal = ObjectiveFactory(
        cycle=cycle, owner_team=squad, title="Squad helps", parent=product_goal
    )
    squad_kr = KeyResultFactory(objective=squad_goal, owner=manager, title="Squad measure")
    record_checkin(actor=manager, key_result=squad_kr, value=D(100), confidence=5)
    private = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        title="My private ambition",
        parent=product_goal,
        visibility=Objective.Visibility.PRIVATE,
    )
    KeyResultFactory(objective=private, owner=owner, title="Private measure")
    return {
        "company": company_goal,
        "product": product_goal,
        "squad": squad_goal,
        "private": private,
    }


@pytest.mark.parametrize(
    "who", ["owner", "teammate", "manager", "stranger", "other_manager", "admin"]
)
def test_everyone_signed_in_reads_it(client, request, alignment, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("company"))
    assert response.status_code == 200
    assert "Win the market" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("company")).status_code == 302


def test_the_tree_starts_at_company_objectives_with_progress_from_their_children(
    client, stranger, alignment
):
    client.force_login(stranger)
    response = client.get(reverse("company"))
    dashboard = response.context["dashboard"]
    (root,) = dashboard.roots
    assert root.objective.title == "Win the market"
    # No key results of its own: the mean of its one visible child, itself 0.5.
    assert root.progress == D("0.5") and root.child_count == 1
    assert dashboard.progress == D("0.5")
    html = response.content.decode()
    children_url = reverse("objective_children", args=[alignment["company"].pk])
    assert f'hx-get="{children_url}"' in html and 'hx-trigger="toggle once"' in html
    # The deeper levels are not loaded until opened.
    assert "Squad helps" not in html


def test_opening_a_branch_loads_its_children(client, stranger, owner, alignment):
    client.force_login(stranger)
    url = reverse("objective_children", args=[alignment["product"].pk])
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="tree-node"')
    assert "Squad helps" in html and "My private ambition" not in html
    assert [node.objective.title for node in response.context["nodes"]] == ["Squad helps"]
    client.force_login(owner)
    mine = client.get(url, **HTMX)
    assert "My private ambition" in mine.content.decode()


def test_branches_of_hidden_or_unknown_objectives_are_404(client, stranger, alignment):
    client.force_login(stranger)
    url = reverse("objective_children", args=[alignment["private"].pk])
    assert client.get(url, **HTMX).status_code == 404
    assert client.get(reverse("objective_children", args=[999999])).status_code == 404


def test_private_key_results_stay_out_of_the_counts(client, stranger, owner, alignment):
    client.force_login(stranger)
    seen_by_stranger = client.get(reverse("company")).context["dashboard"].status_chart.total
    client.force_login(owner)
    seen_by_owner = client.get(reverse("company")).context["dashboard"].status_chart.total
    assert (seen_by_stranger, seen_by_owner) == (2, 3)


def test_progress_by_team_rolls_up_and_drills_down(client, stranger, product, squad, alignment):
    client.force_login(stranger)
    dashboard = client.get(reverse("company")).context["dashboard"]
    product_row = next(t for t in dashboard.teams if t.team == product)
    # Product's own goal (0.5) and its squad's (1.0).
    assert product_row.progress == D("0.75")
    assert product_row.objective_count == 2 and product_row.has_sub_teams
    drilled = client.get(reverse("company") + "?team=squad", **HTMX)
    html = drilled.content.decode()
    assert html.lstrip().startswith('<section id="teams-panel"')
    assert "Squad has no sub-teams" in html
    into_product = client.get(reverse("company") + "?team=product", **HTMX)
    teams = into_product.context["dashboard"].teams
    assert [(t.team.name, t.progress) for t in teams] == [("Squad", D(1))]
    assert "Vary" in into_product and "HX-Request" in into_product["Vary"]


def test_heatmap_counts_the_share_checked_in_each_week(client, stranger, product, alignment):
    client.force_login(stranger)
    dashboard = client.get(reverse("company")).context["dashboard"]
    heat = dashboard.heatmap
    rows = {row.label: row.rates for row in heat.rows}
    # Both visible key results were checked in this week; none before.
    assert rows["All of Acme"][-1] == D(1)
    assert rows["Product"][-1] == D(1)
    assert rows["Product"][0] == D(0)
    assert rows["Sales"][-1] is None
    assert len(heat.weeks) == len(dashboard.clock.weeks)


def test_heatmap_weeks_follow_the_company_time_zone(
    client, stranger, product, owner, cycle, settings
):
    settings.TIME_ZONE = "Asia/Seoul"
    goal = ObjectiveFactory(cycle=cycle, owner_team=product, title="Late goal")
    kr = KeyResultFactory(objective=goal, owner=owner)
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    # Sunday 20:00 UTC is already Monday in Seoul.
    sunday_evening = timezone.make_aware(
        timezone.datetime.combine(monday - timedelta(days=8), timezone.datetime.min.time()),
        timezone.UTC,
    ) + timedelta(hours=20)
    record_checkin(actor=owner, key_result=kr, value=D(5), confidence=4, now=sunday_evening)
    client.force_login(stranger)
    dashboard = client.get(reverse("company")).context["dashboard"]
    rates = next(row.rates for row in dashboard.heatmap.rows if row.label == "Product")
    weeks = dashboard.clock.weeks
    assert rates[weeks.index(monday - timedelta(days=7))] == D(1)


def test_status_distribution_and_charts_render_with_text(client, admin, alignment):
    client.force_login(admin)
    html = client.get(reverse("company")).content.decode()
    assert ">Key results by status</title>" in html
    assert ">Check-ins by team and week</title>" in html
    assert ">Progress by team in Acme</title>" in html
    assert 'style="' not in html


def test_no_cycle_or_no_company(client, owner, cycle):
    cycle.state = "planning"
    cycle.save(update_fields=["state"])
    client.force_login(owner)
    assert "No active cycle today" in client.get(reverse("company")).content.decode()


# --- Queries ---

# Session, user, cycle, team tree, memberships, the manager's managed teams (2), the private
# objectives hidden from them, the teams' and top objectives' stored numbers, the key results
# added up per owner from the objectives' stored counts, the tree's objectives and their
# children, the weeks checked in, and the header's cycle switcher.
PAGE_QUERIES = 14
TEAMS_FRAGMENT_QUERIES = 13
# Session, user, the objective, the manager's managed teams (2), the visible objectives, the
# key results their progress needs.
CHILDREN_QUERIES = 7


def _company_of(size: int, company, product, cycle):
    goal = ObjectiveFactory(cycle=cycle, owner_team=company, title="Company goal")
    populate_team(team=product, cycle=cycle, people=size // 2)
    sales_like = TeamFactory(name="Field", slug="field", parent=company)
    populate_team(team=sales_like, cycle=cycle, people=size - size // 2)
    Objective.objects.filter(owner_team__in=[product, sales_like]).update(parent=goal)
    return goal


@pytest.mark.parametrize("people", [5, 50])
def test_the_page_runs_a_fixed_number_of_queries(
    client, manager, company, product, cycle, people, django_assert_num_queries
):
    _company_of(people, company, product, cycle)
    client.force_login(manager)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(reverse("company"))
    assert response.context["dashboard"].status_chart.total == people * 3


@pytest.mark.parametrize("people", [5, 50])
def test_the_teams_fragment_runs_a_fixed_number_of_queries(
    client, manager, company, product, cycle, people, django_assert_num_queries
):
    _company_of(people, company, product, cycle)
    client.force_login(manager)
    with django_assert_num_queries(TEAMS_FRAGMENT_QUERIES):
        response = client.get(reverse("company") + "?team=acme", **HTMX)
    assert len(response.context["dashboard"].teams) == 2


@pytest.mark.parametrize("people", [5, 50])
def test_a_branch_runs_a_fixed_number_of_queries(
    client, manager, company, product, cycle, people, django_assert_num_queries
):
    goal = _company_of(people, company, product, cycle)
    client.force_login(manager)
    with django_assert_num_queries(CHILDREN_QUERIES):
        response = client.get(reverse("objective_children", args=[goal.pk]), **HTMX)
    assert len(response.context["nodes"]) == 2


def test_another_cycle_can_be_chosen(client, stranger, company, alignment):
    from tests.factories import CycleFactory

    earlier = CycleFactory(
        name="Earlier",
        start_date=timezone.localdate() - timedelta(days=200),
        end_date=timezone.localdate() - timedelta(days=110),
        state="closed",
    )
    ObjectiveFactory(cycle=earlier, owner_team=company, title="Last year ambition")
    client.force_login(stranger)
    response = client.get(reverse("company") + f"?cycle={earlier.pk}")
    html = response.content.decode()
    assert "Last year ambition" in html and "Win the market" not in html
    assert response.context["dashboard"].clock.on == earlier.end_date
