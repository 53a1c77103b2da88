"""The team dashboard's initiatives card: counts, the open ones overdue first, the
filters (HTMX and plain GET), the overdue rule on the owner's calendar, privacy, sub-teams, the
weekly summary's sentence and a fixed number of queries."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative
from objectives.models import KeyResult, Objective
from tests.factories import (
    InitiativeFactory,
    KeyResultFactory,
    ObjectiveFactory,
    UserFactory,
    populate_team,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "initiatives-panel"}


def _page(team, **params) -> str:
    url = reverse("team_dashboard", args=[team.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _panel(team, **params) -> str:
    url = reverse("team_initiatives", args=[team.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _titles(response) -> list[str]:
    return [line.initiative.title for line in response.context["initiative_lines"]]


@pytest.fixture
def work(owner, teammate, key_result):
    today = timezone.localdate()
    return {
        "late": InitiativeFactory(
            key_result=key_result, title="Late", due_date=today - timedelta(days=3)
        ),
        "blocked": InitiativeFactory(
            key_result=key_result,
            owner=teammate,
            title="Stuck on legal",
            status="blocked",
            priority="high",
            due_date=today + timedelta(days=2),
        ),
        "going": InitiativeFactory(
            key_result=key_result,
            title="Going",
            status="in_progress",
            priority="low",
            due_date=today + timedelta(days=1),
        ),
        "done": InitiativeFactory(
            key_result=key_result, title="Shipped", status="done", due_date=today - timedelta(9)
        ),
    }


def test_the_card_counts_and_lists_the_open_ones_overdue_first(client, manager, product, work):
    client.force_login(manager)
    response = client.get(_page(product))
    html = response.content.decode()
    counts = response.context["dashboard"].initiatives.counts
    assert (counts.overdue, counts.blocked, counts.in_progress, counts.todo, counts.done) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert 'data-count="overdue">1<' in html and 'data-count="done">1<' in html
    assert _titles(response) == ["Late", "Going", "Stuck on legal"]  # then by due date
    assert "Shipped" not in html.split('id="initiatives-panel"')[1].split("</section>")[0]
    assert f'id="team-initiative-{work["late"].pk}" data-status="todo" data-overdue="true"' in html
    assert "3 of 3 open initiatives, overdue first" in html
    assert 'style="' not in html


def test_a_done_initiative_is_never_overdue(client, manager, product, work):
    client.force_login(manager)
    lines = client.get(_page(product)).context["dashboard"].initiatives.open
    assert work["done"].pk not in [line.pk for line in lines]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"initiatives-status": "overdue"}, ["Late"]),
        ({"initiatives-status": "blocked"}, ["Stuck on legal"]),
        ({"initiatives-priority": "low"}, ["Going"]),
        ({"initiatives-priority": "medium", "initiatives-status": "in_progress"}, []),
    ],
)
def test_filters_by_status_and_priority(client, manager, product, work, params, expected):
    client.force_login(manager)
    response = client.get(_panel(product, **params), **HTMX)
    assert response.status_code == 200
    assert _titles(response) == expected


def test_filter_by_owner(client, manager, teammate, product, work):
    client.force_login(manager)
    response = client.get(_panel(product, **{"initiatives-owner": teammate.pk}), **HTMX)
    assert _titles(response) == ["Stuck on legal"]
    choices = dict(response.context["initiative_filter"].filters["owner"].extra["choices"])
    assert set(choices.values()) == {"Owner", "Teammate"}


def test_htmx_gets_the_card_alone_and_the_address_is_the_team_page(client, manager, product, work):
    client.force_login(manager)
    response = client.get(_panel(product, subteams=1, **{"initiatives-status": "overdue"}), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="initiatives-panel"')
    assert "<html" not in html
    assert response["HX-Push-Url"] == _page(
        product, subteams=1, **{"initiatives-status": "overdue"}
    )
    assert "HX-Request" in response["Vary"]
    # The roll-up is kept by the filter form; the form works without JavaScript (a plain GET of
    # the team page, which draws the card filtered the same way).
    assert '<input type="hidden" name="subteams" value="1">' in html
    assert f'action="{_page(product)}"' in html
    page = client.get(_page(product, **{"initiatives-status": "overdue"}))
    assert "<html" in page.content.decode() and _titles(page) == ["Late"]


def test_the_card_url_without_htmx_is_the_team_page(client, manager, product):
    client.force_login(manager)
    response = client.get(_panel(product, **{"initiatives-priority": "high"}))
    assert response.status_code == 302
    assert response["Location"] == _page(product, **{"initiatives-priority": "high"})


def test_bad_filter_values_are_explained_not_crashed(client, manager, product, work):
    client.force_login(manager)
    response = client.get(
        _panel(product, **{"initiatives-status": "sideways", "initiatives-owner": "x"}), **HTMX
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert len(_titles(response)) == 3  # unfiltered by the bad values
    assert client.get(_panel(product) + "?initiatives-priority=%00", **HTMX).status_code == 422


def test_unknown_team_is_404_and_other_methods_are_refused(client, manager, product):
    client.force_login(manager)
    assert client.get(_panel(product).replace("product", "nowhere"), **HTMX).status_code == 404
    assert client.post(_panel(product), **HTMX).status_code == 405


def test_escaped_titles_and_only_web_links(client, manager, product, key_result):
    InitiativeFactory(key_result=key_result, title="<script>x</script>", link="javascript:alert(1)")
    InitiativeFactory(key_result=key_result, title="Tracked", link="https://tracker.example/T-1")
    client.force_login(manager)
    html = client.get(_page(product)).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "javascript:alert" not in html
    assert 'href="https://tracker.example/T-1"' in html


# --- Overdue on the owner's calendar ---


@pytest.mark.parametrize("zone", ["Asia/Seoul", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_overdue_turns_at_the_owners_midnight(client, manager, product, key_result, zone):
    due = timezone.localdate() - timedelta(days=2)
    # The last second of the due day where the owner lives (Seoul: 14:59:59 UTC that day; Los
    # Angeles: the next morning UTC; Kiritimati, UTC+14: 09:59:59 UTC the day before).
    last_moment_on_time = datetime.combine(
        due + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone)
    ) - timedelta(seconds=1)
    owner = UserFactory(username="far", time_zone=zone)
    InitiativeFactory(key_result=key_result, owner=owner, title="Far", due_date=due)
    client.force_login(manager)
    with time_machine.travel(last_moment_on_time, tick=False):
        before = client.get(_page(product)).context["dashboard"].initiatives
    with time_machine.travel(last_moment_on_time + timedelta(seconds=1), tick=False):
        after = client.get(_page(product)).context["dashboard"]
    summary = [s.text for s in after.summary]
    after = after.initiatives
    assert before.counts.overdue == 0 and not before.open[0].overdue
    assert after.counts.overdue == 1 and after.open[0].overdue
    assert f"1 initiative on “{key_result.title}” is overdue." in summary


# --- Privacy and scope ---


@pytest.fixture
def private_work(manager, cycle):
    secret = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=manager,
        title="Become a calmer manager",
        visibility=Objective.Visibility.PRIVATE,
    )
    kr = KeyResultFactory(objective=secret, owner=manager, title="Secret measure")
    return InitiativeFactory(
        key_result=kr, title="Secret work", due_date=timezone.localdate() - timedelta(days=5)
    )


def test_a_private_objectives_initiatives_never_count_for_those_who_may_not_see_it(
    client, teammate, stranger, manager, admin, product, work, private_work
):
    for viewer in (teammate, stranger):
        client.force_login(viewer)
        response = client.get(_page(product))
        html = response.content.decode()
        assert response.context["dashboard"].initiatives.counts.overdue == 1
        assert "Secret work" not in html and "Secret measure" not in html
        summary = " ".join(s.text for s in response.context["dashboard"].summary)
        assert "Secret" not in summary
        fragment = client.get(_panel(product, **{"initiatives-status": "overdue"}), **HTMX)
        assert "Secret work" not in fragment.content.decode()
    for viewer in (manager, admin):
        client.force_login(viewer)
        response = client.get(_page(product))
        assert response.context["dashboard"].initiatives.counts.overdue == 2
        assert "Secret work" in response.content.decode()


def test_sub_teams_roll_up_on_request(client, manager, product, squad, cycle, work):
    squad_objective = ObjectiveFactory(cycle=cycle, owner_team=squad, title="Squad goal")
    squad_kr = KeyResultFactory(objective=squad_objective, owner=manager, title="Squad measure")
    InitiativeFactory(key_result=squad_kr, title="Squad work", status="blocked")
    client.force_login(manager)
    alone = client.get(_page(product)).context["dashboard"].initiatives
    rolled = client.get(_page(product, subteams=1)).context["dashboard"].initiatives
    assert alone.counts.blocked == 1 and rolled.counts.blocked == 2
    fragment = client.get(_panel(product, subteams=1), **HTMX)
    assert "Squad work" in fragment.content.decode()
    assert "Squad work" not in client.get(_panel(product), **HTMX).content.decode()


def test_archived_key_results_initiatives_are_left_out(client, manager, product, key_result, work):
    KeyResult.objects.filter(pk=key_result.pk).update(archived=True)
    client.force_login(manager)
    assert client.get(_page(product)).context["dashboard"].initiatives.counts.total == 0


def test_the_weekly_summary_names_key_results_with_overdue_initiatives(
    client, manager, product, key_result, work
):
    InitiativeFactory(key_result=key_result, due_date=timezone.localdate() - timedelta(days=1))
    client.force_login(manager)
    response = client.get(_page(product))
    sentences = [
        s for s in response.context["dashboard"].summary if s.kind == "overdue_initiatives"
    ]
    assert [s.text for s in sentences] == [f"2 initiatives on “{key_result.title}” are overdue."]
    assert sentences[0].text in response.content.decode()
    Initiative.objects.filter(due_date__lt=timezone.localdate()).update(
        status="done", completed_at=timezone.now()
    )
    after = client.get(_page(product)).context["dashboard"].summary
    assert "overdue_initiatives" not in [s.kind for s in after]


# --- Queries ---

# Session, user, the team, the team tree, the cycle, the members, the manager's managed teams
# (memberships, tree), the visible objectives, their key results, and their initiatives.
FRAGMENT_QUERIES = 11


@pytest.mark.parametrize("initiatives_each", [3, 30])
def test_the_card_fragment_runs_a_fixed_number_of_queries(
    client, manager, product, cycle, initiatives_each, django_assert_num_queries
):
    populate_team(team=product, cycle=cycle, people=5)
    today = timezone.localdate()
    Initiative.objects.bulk_create(
        Initiative(
            key_result=kr,
            owner_id=kr.owner_id,
            title=f"Work {n}",
            due_date=today + timedelta(days=n % 5 - 2),
            status=("todo", "blocked", "in_progress")[n % 3],
        )
        for kr in KeyResult.objects.all()
        for n in range(initiatives_each)
    )
    client.force_login(manager)
    with django_assert_num_queries(FRAGMENT_QUERIES):
        response = client.get(_panel(product, **{"initiatives-status": "overdue"}), **HTMX)
    assert response.status_code == 200
    assert response.context["initiatives"].counts.total == 15 * initiatives_each
    assert all(line.overdue for line in response.context["initiative_lines"])


def test_a_bad_filter_on_the_page_itself_is_a_422_with_the_page(client, manager, product, work):
    client.force_login(manager)
    response = client.get(_page(product, **{"initiatives-priority": "urgent"}))
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html and "Select a valid choice" in html
