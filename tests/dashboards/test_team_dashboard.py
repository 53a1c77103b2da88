"""The team dashboard: who may read it, its numbers, the key result table (filter, sort, page,
HTMX fragment), private objectives, sub-teams and its fixed query count."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.services import record_checkin
from initiatives.models import Initiative
from objectives.models import KeyResult, Objective
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    TeamFactory,
    populate_team,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "kr-panel"}
D = Decimal


def _url(team, **params) -> str:
    url = reverse("team_dashboard", args=[team.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def _table_titles(response) -> list[str]:
    return [bound.record.title for bound in response.context["table"].page.object_list]


@pytest.fixture
def week_story(owner, teammate, manager, key_result, team_objective):
    """Product this week: the owner checked in (confidence down to 2), the teammate did last week
    only, and the manager keeps a private objective of their own."""
    now = timezone.now()
    last_week = now - timedelta(days=7)
    theirs = KeyResultFactory(
        objective=team_objective,
        owner=teammate,
        title="Cut setup time from 10 to 0 minutes",
        start_value=D(0),
        target_value=D(10),
    )
    record_checkin(actor=owner, key_result=key_result, value=D(28), confidence=4, now=last_week)
    record_checkin(
        actor=owner, key_result=key_result, value=D(44), confidence=2, blockers="No data", now=now
    )
    record_checkin(actor=teammate, key_result=theirs, value=D(5), confidence=5, now=last_week)
    private = ObjectiveFactory(
        cycle=team_objective.cycle,
        owner_team=None,
        owner_user=manager,
        title="Become a calmer manager",
        visibility=Objective.Visibility.PRIVATE,
    )
    secret = KeyResultFactory(objective=private, owner=manager, title="Secret measure")
    record_checkin(actor=manager, key_result=secret, value=D(1), confidence=1, blockers="x")
    return {"mine": key_result, "theirs": theirs, "secret": secret}


# --- Access ---


def test_anonymous_is_sent_to_login(client, product):
    response = client.get(_url(product))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "who", ["owner", "teammate", "manager", "stranger", "other_manager", "admin"]
)
def test_every_signed_in_person_may_read_it(client, request, product, key_result, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url(product))
    assert response.status_code == 200
    assert "Raise activation from 20% to 60%" in response.content.decode()


def test_unknown_team_is_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("team_dashboard", args=["nowhere"])).status_code == 404


def test_nothing_changes_on_other_methods(client, owner, product):
    client.force_login(owner)
    assert client.post(_url(product)).status_code == 405


# --- Numbers ---


def test_deactivated_people_are_not_listed_as_silent(
    client, manager, teammate, product, week_story
):
    client.force_login(manager)
    before = client.get(_url(product)).context["dashboard"]
    assert "Teammate" in [person.name for person in before.silent]
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    after = client.get(_url(product)).context["dashboard"]
    assert "Teammate" not in [person.name for person in after.silent]
    # Their key result is still on the dashboard, waiting for a new owner.
    assert week_story["theirs"].pk in [row.pk for row in after.rows]


def test_cards_summary_and_lists_come_from_the_week(client, teammate, product, week_story):
    client.force_login(teammate)
    response = client.get(_url(product))
    html = response.content.decode()
    dashboard = response.context["dashboard"]
    cards = dashboard.cards
    # The private objective of the manager is not the teammate's to see.
    assert cards.total == 2
    assert cards.checked_in == 1
    assert cards.rate == D("0.5") and cards.rate_last_week == D(1)
    assert cards.rate_change == D("-0.5")
    # Confidence: this week (2 + 5) / 2, last week (4 + 5) / 2.
    assert cards.confidence == D("3.5") and cards.confidence_last_week == D("4.5")
    assert cards.confidence_change == D(-1)
    # The team objective: (0.6 + 0.5) / 2.
    assert cards.progress == D("0.55")
    assert dict(cards.status_counts) == {"behind": 1, "at_risk": 0, "on_track": 1, "done": 0}
    assert 'data-testid="checkin-rate">50%<' in html
    assert "−50 pts" in html
    assert "−1.00 since last week" in html

    assert [row.title for row in dashboard.attention] == ["Raise activation from 20% to 60%"]
    assert [(p.name, len(p.due)) for p in dashboard.silent] == [("Teammate", 1)]
    kinds = {sentence.kind: sentence.text for sentence in dashboard.summary}
    assert kinds["moved"] == (
        "“Raise activation from 20% to 60%” moved most this week: its progress rose by "
        "0.40 to 0.60 (Owner)."
    )
    assert kinds["lowest_confidence"].endswith("at 2/5 (Owner), blocked by: “No data”.")
    assert kinds["silent"] == "Not checked in yet this week: Teammate (1 key result)."
    assert kinds["checkin_rate"] == (
        "50% of key results have a check-in this week, down from 100% last week."
    )
    for text in kinds.values():
        assert text in html
    assert "This week in Product" in html
    assert 'data-kind="moved"' in html


def test_a_key_result_added_today_is_not_listed_as_no_update(
    client, manager, owner, product, team_objective, key_result
):
    """The cycle began 30 days ago; a key result added today has had no chance to be checked
    in, one added 20 days ago and never checked in has been silent for 20 days."""
    KeyResult.objects.filter(pk=key_result.pk).update(
        created_at=timezone.now() - timedelta(days=20)
    )
    KeyResultFactory(
        objective=team_objective, owner=owner, title="Added this morning", target_value=D(5)
    )
    client.force_login(manager)
    dashboard = client.get(_url(product)).context["dashboard"]
    rows = {row.title: row for row in dashboard.rows}
    assert rows["Added this morning"].stale is False
    assert rows["Raise activation from 20% to 60%"].stale_days == 20
    kinds = {sentence.kind: sentence for sentence in dashboard.summary}
    assert kinds["stale"].subjects == ("Raise activation from 20% to 60%",)
    assert "Added this morning" not in kinds["stale"].text
    assert dashboard.cards.stale_count == 1


def test_changes_since_last_week_are_the_differences_of_the_numbers_shown(
    client, manager, owner, product, team_objective
):
    """Rates of 1/3 and 2/3 are shown as 33% and 67%, mean confidences of 13/3 and 11/3 as 4.33
    and 3.67: the changes beside them read −34 pts and +0.66, not −33 pts and +0.67."""
    now = timezone.now()
    a, b, c = (
        KeyResultFactory(objective=team_objective, owner=owner, title=f"Measure {n}") for n in "abc"
    )
    record_checkin(actor=owner, key_result=c, value=D(5), confidence=4, now=now - timedelta(14))
    record_checkin(actor=owner, key_result=a, value=D(5), confidence=3, now=now - timedelta(7))
    record_checkin(actor=owner, key_result=b, value=D(5), confidence=4, now=now - timedelta(7))
    record_checkin(actor=owner, key_result=a, value=D(6), confidence=5, now=now)
    client.force_login(manager)
    response = client.get(_url(product))
    cards = response.context["dashboard"].cards
    assert cards.rate == D(1) / 3 and cards.rate_last_week == D(2) / 3
    html = response.content.decode()
    assert 'data-testid="checkin-rate">33%<' in html
    assert "last week 67% (−34 pts)" in html
    assert "4.33<small>/5</small>" in html
    assert "+0.66 since last week (3.67)" in html


def test_charts_have_text_alternatives(client, manager, product, week_story):
    client.force_login(manager)
    html = client.get(_url(product)).content.decode()
    for title in ("Progress by person", "Confidence by week", "Key results by status"):
        assert f">{title}</title>" in html
    assert re.search(r'<svg class="chart-svg"[^>]*role="img" aria-labelledby="chart-people', html)
    assert '<desc id="chart-people-desc">Progress: ' in html
    assert 'style="' not in html  # the CSP forbids inline styles


def test_private_objectives_never_reach_people_who_may_not_see_them(
    client, teammate, stranger, manager, admin, product, week_story
):
    for viewer in (teammate, stranger):
        client.force_login(viewer)
        response = client.get(_url(product))
        html = response.content.decode()
        assert "Secret measure" not in html and "Become a calmer manager" not in html
        assert response.context["dashboard"].cards.total == 2
        assert "Manager (1 key result)" not in html
        # Not through a filter either.
        fragment = client.get(_url(product, q="Secret"), **HTMX)
        assert "Secret measure" not in fragment.content.decode()
    for viewer in (manager, admin):
        client.force_login(viewer)
        response = client.get(_url(product))
        assert "Secret measure" in response.content.decode()
        assert response.context["dashboard"].cards.total == 3


def test_no_cycle_explains_itself(client, owner, product, cycle):
    cycle.state = "planning"
    cycle.save(update_fields=["state"])
    client.force_login(owner)
    response = client.get(_url(product))
    assert response.status_code == 200
    assert "No active cycle today" in response.content.decode()


def test_another_cycle_can_be_chosen(client, owner, product, key_result):
    earlier = CycleFactory(
        name="2026 Q3",
        start_date=timezone.localdate() - timedelta(days=150),
        end_date=timezone.localdate() - timedelta(days=60),
        state="closed",
    )
    old = ObjectiveFactory(cycle=earlier, owner_team=product, title="Last quarter's goal")
    KeyResultFactory(objective=old, owner=owner, title="Old measure")
    client.force_login(owner)
    current = client.get(_url(product)).content.decode()
    assert "Old measure" not in current and "Raise activation" in current
    response = client.get(_url(product, cycle=earlier.pk))
    html = response.content.decode()
    assert "Old measure" in html and "Raise activation" not in html
    dashboard = response.context["dashboard"]
    # A closed cycle is shown as it stood on its last day; nobody is "due" any more.
    assert dashboard.clock.on == earlier.end_date
    assert dashboard.silent == []
    assert "as it stood on" in html
    # The table keeps the cycle when it is filtered.
    assert f'name="cycle" value="{earlier.pk}"' in html


# --- Sub-teams ---


def test_sub_teams_roll_up_on_request(client, manager, product, squad, key_result, cycle):
    squad_objective = ObjectiveFactory(cycle=cycle, owner_team=squad, title="Squad goal")
    KeyResultFactory(objective=squad_objective, owner=manager, title="Squad measure")
    client.force_login(manager)
    alone = client.get(_url(product))
    assert "Squad measure" not in alone.content.decode()
    assert "Include sub-teams" in alone.content.decode()
    rolled = client.get(_url(product, subteams=1))
    html = rolled.content.decode()
    assert "Squad measure" in html
    assert rolled.context["dashboard"].cards.total == 2
    assert "Show Product alone" in html
    # The filter form keeps the roll-up.
    assert '<input type="hidden" name="subteams" value="1">' in html


def test_members_individual_objectives_count_but_other_teams_do_not(
    client, owner, stranger, product, sales, cycle, key_result
):
    mine = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner, title="My own goal")
    KeyResultFactory(objective=mine, owner=owner, title="My own measure")
    sales_objective = ObjectiveFactory(cycle=cycle, owner_team=sales, title="Sales goal")
    KeyResultFactory(objective=sales_objective, owner=stranger, title="Sales measure")
    client.force_login(owner)
    html = client.get(_url(product)).content.decode()
    assert "My own measure" in html and "Sales measure" not in html


# --- The table: filter, sort, page, HTMX ---


@pytest.fixture
def twelve(owner, teammate, team_objective):
    """Twelve key results with confidences 1-5 and values 0-110 (so statuses vary)."""
    krs = []
    for n in range(12):
        kr = KeyResultFactory(
            objective=team_objective,
            owner=owner if n % 2 else teammate,
            title=f"Measure {n:02d}",
            kind=KeyResult.Kind.METRIC,
        )
        record_checkin(
            actor=kr.owner, key_result=kr, value=D(10 * n), confidence=1 + n % 5, blockers="b"
        )
        krs.append(kr)
    return krs


def test_filter_by_status(client, manager, product, twelve):
    client.force_login(manager)
    response = client.get(_url(product, status="behind"))
    rows = response.context["table"].page.object_list
    assert rows and all(bound.record.status == "behind" for bound in rows)
    everything = response.context["dashboard"].rows
    assert len(rows) == sum(row.status == "behind" for row in everything)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"confidence": "low"}, {0, 1, 5, 6, 10, 11}),
        ({"confidence": "medium"}, {2, 7}),
        ({"q": "measure 1"}, {1, 10, 11}),  # every word, anywhere
        ({"q": "MEASURE  03"}, {3}),
    ],
)
def test_filters_in_the_database(client, manager, product, twelve, params, expected):
    client.force_login(manager)
    response = client.get(_url(product, **params), **HTMX)
    titles = {bound.record.title for bound in response.context["table"].paginated_rows}
    assert titles == {f"Measure {n:02d}" for n in expected}


def test_filter_by_owner_kind_level_and_stale(
    client, manager, owner, teammate, product, cycle, twelve
):
    mine = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner, title="Owner's goal")
    milestone = KeyResultFactory(
        objective=mine, owner=owner, title="Launch it", kind="milestone", target_value=D(1)
    )
    # Planned before the cycle began, so its silence counts from the cycle's start.
    KeyResult.objects.filter(pk=milestone.pk).update(created_at=timezone.now() - timedelta(days=40))
    client.force_login(manager)
    by_owner = client.get(_url(product, owner=teammate.pk), **HTMX).context["filterset"]
    assert {row.owner_id for row in by_owner.filtered_rows()} == {teammate.pk}
    by_kind = client.get(_url(product, kind="milestone"), **HTMX).context["filterset"]
    assert [row.pk for row in by_kind.filtered_rows()] == [milestone.pk]
    by_level = client.get(_url(product, level="individual"), **HTMX).context["filterset"]
    assert [row.pk for row in by_level.filtered_rows()] == [milestone.pk]
    # Never checked in, 30 days into the cycle: "no update".
    stale = client.get(_url(product, stale="on"), **HTMX).context["filterset"]
    assert [row.pk for row in stale.filtered_rows()] == [milestone.pk]
    by_team_level = client.get(_url(product, level="team"), **HTMX).context["filterset"]
    assert len(by_team_level.filtered_rows()) == 12


def test_bad_filter_values_are_explained_not_crashed(client, manager, product, twelve):
    client.force_login(manager)
    response = client.get(_url(product, status="sideways", owner="abc"), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Select a valid choice" in html
    # The rest of the table still shows, unfiltered by the bad values.
    assert response.context["shown_count"] == 12


def test_sorting_by_confidence_both_ways_and_ignoring_unknown_columns(
    client, manager, product, twelve
):
    client.force_login(manager)
    ascending = client.get(_url(product, sort="confidence"), **HTMX)
    confidences = [b.record.confidence for b in ascending.context["table"].page.object_list]
    assert confidences == sorted(confidences)
    assert confidences[0] == 1
    descending = client.get(_url(product, sort="-confidence"), **HTMX)
    confidences = [b.record.confidence for b in descending.context["table"].page.object_list]
    assert confidences == sorted(confidences, reverse=True)
    html = descending.content.decode()
    assert 'aria-sort="descending"' in html
    # Clicking the sorted header again flips it, keeping the filters and dropping the page.
    assert 'href="/teams/product/?sort=confidence"' in html
    unknown = client.get(_url(product, sort="password"), **HTMX)
    assert unknown.status_code == 200


def test_status_sorts_worst_first_on_the_first_click(client, manager, product, twelve):
    client.force_login(manager)
    html = client.get(_url(product), **HTMX).content.decode()
    assert 'href="/teams/product/?sort=-status"' in html
    response = client.get(_url(product, sort="-status"), **HTMX)
    ranks = [b.record.status_rank for b in response.context["table"].page.object_list]
    assert ranks == sorted(ranks, reverse=True)


def test_paging(client, manager, product, twelve):
    client.force_login(manager)
    first = client.get(_url(product, sort="title"), **HTMX)
    assert _table_titles(first) == [f"Measure {n:02d}" for n in range(10)]
    html = first.content.decode()
    assert 'href="/teams/product/?sort=title&amp;page=2"' in html
    second = client.get(_url(product, sort="title", page=2), **HTMX)
    assert _table_titles(second) == ["Measure 10", "Measure 11"]
    assert _table_titles(client.get(_url(product, sort="title", page=99), **HTMX)) == [
        "Measure 10",
        "Measure 11",
    ]
    assert _table_titles(client.get(_url(product, sort="title", page="x"), **HTMX))[0] == (
        "Measure 00"
    )


def test_htmx_gets_the_table_alone_and_the_url_stays_bookmarkable(client, manager, product, twelve):
    client.force_login(manager)
    fragment = client.get(_url(product, status="behind", sort="confidence"), **HTMX)
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="kr-panel"')
    assert "<html" not in html and "Needs attention" not in html
    assert 'hx-push-url="true"' in html
    assert '<input type="hidden" name="sort" value="confidence">' in html
    assert "HX-Request" in fragment["Vary"]
    # The same URL without HTMX is the whole page, filtered and sorted the same way.
    page = client.get(_url(product, status="behind", sort="confidence"))
    assert "<html" in page.content.decode()
    assert _table_titles(page) == _table_titles(fragment)
    # htmx restoring history after a cache miss needs the whole page too.
    restore = client.get(
        _url(product, status="behind"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in restore.content.decode()


def test_table_links_open_key_result_pages(client, manager, product, key_result):
    client.force_login(manager)
    html = client.get(_url(product)).content.decode()
    assert f'href="{reverse("key_result", args=[key_result.pk])}"' in html


# --- Queries ---

# Session, user, the team, the team tree, the cycle, the team's members, the manager's managed
# teams (memberships, tree), the team's visible objectives, their key results, the check-in
# history, the initiatives on those key results, and the header's cycle switcher. The
# filters read the scored rows: no query.
PAGE_QUERIES = 13
# The fragment skips the history and the header.
FRAGMENT_QUERIES = 10


def _add_initiatives(per_key_result: int) -> int:
    """`per_key_result` initiatives on every key result, of every status, some overdue."""
    today = timezone.localdate()
    rows = [
        Initiative(
            key_result=kr,
            owner_id=kr.owner_id,
            title=f"Initiative {n} on {kr.pk}",
            due_date=today + timedelta(days=n % 7 - 3),
            status=STATUSES[n % 4],
            priority=("high", "medium", "low")[n % 3],
            completed_at=timezone.now() if STATUSES[n % 4] == "done" else None,
        )
        for kr in KeyResult.objects.all()
        for n in range(per_key_result)
    ]
    Initiative.objects.bulk_create(rows)
    return len(rows)


STATUSES = ("todo", "in_progress", "blocked", "done")


@pytest.mark.parametrize(("people", "initiatives_each"), [(5, 3), (5, 30), (50, 3), (50, 30)])
def test_the_page_runs_a_fixed_number_of_queries(
    client, manager, product, cycle, people, initiatives_each, django_assert_num_queries
):
    populate_team(team=product, cycle=cycle, people=people)
    total = _add_initiatives(initiatives_each)
    client.force_login(manager)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(_url(product))
    assert response.context["dashboard"].cards.total == people * 3
    counts = response.context["dashboard"].initiatives.counts
    assert counts.total == total == people * 3 * initiatives_each
    assert counts.overdue > 0


@pytest.mark.parametrize("people", [5, 50])
def test_the_table_fragment_runs_a_fixed_number_of_queries(
    client, manager, product, cycle, people, django_assert_num_queries
):
    populate_team(team=product, cycle=cycle, people=people)
    client.force_login(manager)
    with django_assert_num_queries(FRAGMENT_QUERIES):
        response = client.get(_url(product, status="behind", sort="-confidence", page=2), **HTMX)
    assert response.status_code == 200
    assert len(response.context["dashboard"].rows) == people * 3


@pytest.mark.parametrize("people", [5, 50])
def test_searching_the_table_adds_one_query(
    client, manager, product, cycle, people, django_assert_num_queries
):
    populate_team(team=product, cycle=cycle, people=people)
    client.force_login(manager)
    with django_assert_num_queries(FRAGMENT_QUERIES + 1):
        response = client.get(_url(product, q="team", status="behind"), **HTMX)
    assert response.status_code == 200
    behind = [row for row in response.context["dashboard"].rows if row.status == "behind"]
    kept = response.context["filterset"].filtered_rows()
    assert [row.pk for row in kept] == [row.pk for row in behind if "team" in row.title]


@pytest.mark.parametrize(("people", "initiatives_each"), [(5, 3), (50, 30)])
def test_rolled_up_page_runs_the_same_queries(
    client, manager, product, squad, cycle, people, initiatives_each, django_assert_num_queries
):
    populate_team(team=product, cycle=cycle, people=people // 2)
    populate_team(team=squad, cycle=cycle, people=people - people // 2)
    _add_initiatives(initiatives_each)
    client.force_login(manager)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(_url(product, subteams=1))
    assert response.context["dashboard"].cards.total == people * 3


def test_sub_team_markup_needs_no_other_team(client, owner, cycle):
    lonely = TeamFactory(name="Lonely", slug="lonely")
    client.force_login(owner)
    html = client.get(_url(lonely)).content.decode()
    assert "Include sub-teams" not in html
    assert "has no key results in this cycle yet" in html


def test_progress_as_of_a_day_uses_only_the_check_ins_made_by_then(key_result):
    from dashboards.selectors.team import progress_as_of

    day = timezone.localdate()
    history = [
        (day - timedelta(days=9), D(30), 4),
        (day - timedelta(days=2), D(50), 4),
    ]
    assert progress_as_of(key_result=key_result, history=history, day=day - timedelta(days=10)) == 0
    assert progress_as_of(key_result=key_result, history=history, day=day - timedelta(days=3)) == D(
        "0.25"
    )
    keep = KeyResultFactory(kind=KeyResult.Kind.AT_LEAST, start_value=D(90), target_value=D(99))
    met_then_missed = [(day - timedelta(days=9), D(99), 4), (day - timedelta(days=2), D(95), 3)]
    assert (
        progress_as_of(key_result=keep, history=met_then_missed, day=day - timedelta(days=3)) == 1
    )
    assert progress_as_of(key_result=keep, history=met_then_missed, day=day) == D("0.5")
