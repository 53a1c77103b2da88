"""The read cache (dashboards/cache.py): exact invalidation, per-viewer privacy, fixed queries.

These tests commit (transaction=True): nothing is cached inside a transaction, so the other page
tests read the uncached path and these the cached one.
"""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from checkins.services import record_checkin
from dashboards.cache import ReadKey, generation
from objectives.models import (
    Cycle,
    KeyResult,
    Membership,
    Objective,
    ObjectiveReflection,
    Team,
    User,
)
from objectives.services import archive_key_result
from tests.dashboards.cached_pages import CACHED_PAGE_FIXTURES, SCOPED, main_of, tokenless
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    InitiativeFactory,
    KeyResultFactory,
    ObjectiveFactory,
    TeamFactory,
    UserFactory,
    populate_team,
)

pytestmark = [pytest.mark.django_db(transaction=True), *CACHED_PAGE_FIXTURES]


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "kr-panel"}


def _team_url(team: Team, **params: str) -> str:
    url = reverse("team_dashboard", args=[team.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


# --- The generation ---


WRITES = {
    "a person's name": lambda w: User.objects.filter(pk=w["owner"].pk).update(display_name="New"),
    "a person leaving": lambda w: User.objects.filter(pk=w["owner"].pk).update(is_active=False),
    "a new person": lambda w: UserFactory(username="newcomer"),
    "a team renamed": lambda w: Team.objects.filter(pk=w["product"].pk).update(name="Renamed"),
    "a membership": lambda w: Membership.objects.filter(user=w["owner"]).delete(),
    "a cycle's dates": lambda w: Cycle.objects.filter(pk=w["cycle"].pk).update(
        end_date=w["cycle"].end_date + timedelta(days=1)
    ),
    "an objective made private": lambda w: Objective.objects.filter(
        pk=w["team_objective"].pk
    ).update(visibility="private"),
    "a key result's target": lambda w: KeyResult.objects.filter(pk=w["key_result"].pk).update(
        target_value=Decimal(70)
    ),
    "a raw check-in": lambda w: CheckInFactory(key_result=w["key_result"]),
    "a reflection": lambda w: ObjectiveReflection.objects.create(
        objective=w["team_objective"], decision="keep", author=w["owner"]
    ),
    # Issue 10: the team page's initiatives card and weekly summary read them.
    "an initiative": lambda w: InitiativeFactory(key_result=w["key_result"]),
}


@pytest.fixture
def world(owner, product, cycle, team_objective, key_result):
    return {
        "owner": owner,
        "product": product,
        "cycle": cycle,
        "team_objective": team_objective,
        "key_result": key_result,
    }


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_to_what_the_pages_read_moves_the_generation(world, write):
    before = generation()
    assert before is not None
    WRITES[write](world)
    assert generation() not in (None, before)


def test_signing_in_does_not_throw_the_cached_pages_away(owner, client):
    before = generation()
    owner.set_password("new-password-for-tests")
    owner.save(update_fields=["password"])
    # django-axes throttles sign-ins per request, so authenticate() needs one.
    assert client.login(
        request=HttpRequest(), username="owner", password="new-password-for-tests"
    )  # last_login
    assert generation() == before


def test_nothing_is_cached_inside_a_transaction(owner):
    from django.db import transaction

    with transaction.atomic():
        assert generation() is None
        assert ReadKey(viewer=owner).key("anything") is None


# --- Pages ---


def test_a_cached_team_page_shows_a_check_in_the_moment_it_is_made(
    client, manager, owner, product, key_result
):
    client.force_login(manager)
    first = main_of(client.get(_team_url(product)))
    again = main_of(client.get(_team_url(product)))
    assert first == again  # the same page, from the cache
    assert "0 of 1 key result" in again
    record_checkin(
        actor=owner, key_result=key_result, value=Decimal(44), confidence=2, blockers="x"
    )
    after = client.get(_team_url(product)).content.decode()
    assert "1 of 1 key result" in after
    assert "2/5" in after  # the table shows the new confidence
    fragment = client.get(_team_url(product, confidence="low"), **HTMX).content.decode()
    assert key_result.title in fragment


def test_the_company_page_and_the_report_follow_writes(client, owner, company, key_result):
    client.force_login(owner)
    assert client.get(reverse("company")).status_code == 200
    report = client.get(reverse("cycle_report")).content.decode()
    assert "0.00" in report
    record_checkin(actor=owner, key_result=key_result, value=Decimal(60), confidence=5)
    company_page = client.get(reverse("company")).content.decode()
    assert "1 on track" in company_page or "1 done" in company_page.lower()
    report = client.get(reverse("cycle_report")).content.decode()
    assert 'data-testid="kr-score"' in report and "1.00" in report


def test_a_warm_report_draws_its_objectives_from_the_cache_as_computed(
    client, owner, cycle, key_result
):
    client.force_login(owner)
    first = main_of(client.get(reverse("cycle_report")))
    with mock.patch(
        "dashboards.selectors.cycle_report.report_objectives", side_effect=AssertionError
    ):
        warm = main_of(client.get(reverse("cycle_report")))
    with transaction.atomic():  # nothing is cached inside a transaction
        uncached = main_of(client.get(reverse("cycle_report")))
    assert key_result.title in warm
    assert tokenless(warm) == tokenless(first) == tokenless(uncached)


def test_the_report_shows_a_grade_note_the_moment_it_is_written(client, owner, key_result):
    client.force_login(owner)
    assert "Shipped late, learned a lot" not in client.get(reverse("cycle_report")).content.decode()
    KeyResult.objects.filter(pk=key_result.pk).update(grade_note="Shipped late, learned a lot")
    assert "Shipped late, learned a lot" in client.get(reverse("cycle_report")).content.decode()


def test_each_page_of_the_report_is_its_own_entry_and_keeps_the_query(
    client, owner, cycle, product
):
    for n in range(30):  # two pages of 25
        ObjectiveFactory(cycle=cycle, owner_team=product, title=f"Objective {n:02}")
    client.force_login(owner)
    url = reverse("cycle_report")
    first = client.get(f"{url}?cycle={cycle.pk}").content.decode()
    second = client.get(f"{url}?cycle={cycle.pk}&page=2").content.decode()
    assert "Objective 00" in first and "Objective 00" not in second
    assert "Objective 29" in second and "Objective 29" not in first
    assert f"?cycle={cycle.pk}&amp;page=1" in second  # the links keep the cycle asked for
    again = client.get(f"{url}?cycle={cycle.pk}&page=2").content.decode()
    assert "Objective 29" in again and "Objective 00" not in again


def test_viewers_who_see_different_private_objectives_never_share_a_cached_page(
    client, manager, stranger, product, cycle
):
    private = ObjectiveFactory(
        cycle=cycle,
        owner_team=product,
        title="Quiet reorganisation",
        visibility=Objective.Visibility.PRIVATE,
    )
    KeyResultFactory(objective=private, owner=manager, title="Private measure")
    for first, second in ((manager, stranger), (stranger, manager)):
        cache.clear()
        client.force_login(first)
        seen_first = client.get(_team_url(product)).content.decode()
        client.force_login(second)
        seen_second = client.get(_team_url(product)).content.decode()
        by_who = {first: seen_first, second: seen_second}
        assert "Quiet reorganisation" in by_who[manager]
        assert "Quiet reorganisation" not in by_who[stranger]
        assert "Private measure" not in by_who[stranger]


def test_a_page_cached_yesterday_is_not_served_today(client, manager, product, key_result):
    client.force_login(manager)
    client.get(_team_url(product))
    tomorrow = timezone.now() + timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow.date()):
        key = ReadKey(viewer=manager).base
    assert key is not None and str(tomorrow.date()) in key


def test_pages_work_when_the_cache_server_does_not(client, manager, product, key_result):
    client.force_login(manager)
    with (
        mock.patch("dashboards.cache.django_cache.get", side_effect=ConnectionError("down")),
        mock.patch("dashboards.cache.django_cache.set", side_effect=ConnectionError("down")),
    ):
        response = client.get(_team_url(product))
        assert response.status_code == 200
        assert key_result.title in response.content.decode()
        assert client.get(reverse("company")).status_code == 200
        assert client.get(reverse("cycle_report")).status_code == 200


# --- Queries, warm ---

# Session, user, the team, the data generation, and the header's cycle switcher: the viewer's
# private objectives, the head, the sections and the table all come from the cache. PostgreSQL
# reads one more: the generations of the team's scopes (its teams and people), so that a
# check-in elsewhere leaves the page cached; SQLite has the one generation.
TEAM_WARM = 5 + SCOPED
TEAM_FRAGMENT_WARM = 4 + SCOPED  # no header
# Session, user, the data generation, the switcher.
COMPANY_WARM = 4
# Session, user, the cycle, the generation, the switcher: the summary over the whole cycle and
# the page of objectives come from the cache.
REPORT_WARM = 5


@pytest.mark.parametrize("people", [5, 40])
def test_warm_pages_run_a_fixed_number_of_queries(
    client, manager, company, product, squad, cycle, people, django_assert_num_queries
):
    populate_team(team=product, cycle=cycle, people=people // 2)
    populate_team(team=squad, cycle=cycle, people=people - people // 2)
    client.force_login(manager)
    pages = [
        (TEAM_WARM, _team_url(product, subteams="1"), {}),
        (TEAM_FRAGMENT_WARM, _team_url(product, subteams="1", status="behind"), HTMX),
        (COMPANY_WARM, reverse("company"), {}),
        (REPORT_WARM, reverse("cycle_report"), {}),
    ]
    for _queries, url, headers in pages:
        assert client.get(url, **headers).status_code == 200  # computed and kept
    for queries, url, headers in pages:
        with django_assert_num_queries(queries):
            assert client.get(url, **headers).status_code == 200


def test_the_same_cycle_asked_for_by_id_is_its_own_entry(client, manager, product, cycle):
    older = CycleFactory(
        name="Older",
        start_date=cycle.start_date - timedelta(days=120),
        end_date=cycle.start_date - timedelta(days=30),
        state=Cycle.State.CLOSED,
    )
    ObjectiveFactory(cycle=older, owner_team=product, title="Last quarter goal")
    client.force_login(manager)
    assert "Last quarter goal" not in client.get(_team_url(product)).content.decode()
    shown = client.get(_team_url(product, cycle=str(older.pk))).content.decode()
    assert "Last quarter goal" in shown


def test_a_new_team_shows_on_the_cached_company_page(client, owner, company, cycle):
    client.force_login(owner)
    assert "Research" not in client.get(reverse("company")).content.decode()
    TeamFactory(name="Research", slug="research", parent=company)
    assert "Research" in client.get(reverse("company")).content.decode()


def test_a_cached_team_page_shows_an_initiative_turning_blocked_at_once(
    client, manager, product, key_result
):
    from initiatives.models import Initiative

    work = InitiativeFactory(key_result=key_result, title="Migrate the billing data")
    client.force_login(manager)
    first = client.get(_team_url(product)).content.decode()
    assert 'data-count="blocked">0<' in first
    Initiative.objects.filter(pk=work.pk).update(status="blocked")
    after = client.get(_team_url(product)).content.decode()
    assert 'data-count="blocked">1<' in after


# --- Scoped invalidation (PostgreSQL) ---

needs_scopes = pytest.mark.skipif(
    not SCOPED, reason="SQLite keeps the one data generation: every write redraws every page"
)


def _scopes() -> dict[str, int]:
    from dashboards.models import ScopeGeneration

    return dict(ScopeGeneration.objects.values_list("scope", "value"))


def _raised(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {scope for scope, value in after.items() if value != before.get(scope)}


@needs_scopes
def test_a_check_in_raises_the_scopes_of_its_objective_and_those_above_it(
    owner, stranger, product, sales, company, cycle, team_objective, key_result
):
    child = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner, parent=team_objective)
    kr = KeyResultFactory(objective=child, owner=owner)
    before = _scopes()
    record_checkin(actor=owner, key_result=kr, value=Decimal(10), confidence=4)
    raised = _raised(before, _scopes())
    assert {f"person:{owner.pk}", f"team:{product.pk}", f"cycle:{cycle.pk}"} <= raised
    # Not the other teams' pages, nor the past weeks (a check-in dated now), nor visibility.
    assert not raised & {f"team:{sales.pk}", f"team:{company.pk}", "org", "all", "visibility"}
    assert f"history:{cycle.pk}" not in raised
    # A check-in dated last week rewrites the past weeks' counts.
    before = _scopes()
    CheckInFactory(key_result=kr, created_at=timezone.now() - timedelta(days=8))
    assert f"history:{cycle.pk}" in _raised(before, _scopes())
    # People and teams: every page.
    before = _scopes()
    Team.objects.filter(pk=sales.pk).update(name="Sales and more")
    assert _raised(before, _scopes()) == {"org"}


@needs_scopes
def test_a_check_in_elsewhere_leaves_the_team_page_cached_and_redraws_the_company(
    client, manager, stranger, product, sales, cycle, key_result
):
    theirs = ObjectiveFactory(cycle=cycle, owner_team=sales, title="Sell more")
    elsewhere = KeyResultFactory(objective=theirs, owner=stranger, title="Close deals")
    client.force_login(manager)
    first = main_of(client.get(_team_url(product)))

    def behind() -> int:
        chart = client.get(reverse("company")).context["dashboard"].status_chart
        return next(s.count for s in chart.segments if s.status == "behind")

    before = behind()
    # Behind (no check-in, a third of the cycle gone) to done.
    record_checkin(actor=stranger, key_result=elsewhere, value=Decimal(100), confidence=4)
    with mock.patch("dashboards.selectors.team._fill", side_effect=AssertionError("drawn afresh")):
        assert main_of(client.get(_team_url(product))) == first
    assert behind() == before - 1


def test_a_team_page_follows_a_check_in_under_its_objective_without_key_results(
    client, manager, stranger, product, cycle
):
    # The team's objective has no key results: its progress is the mean of the objectives
    # aligned to it, here someone else's in another team.
    hollow = ObjectiveFactory(cycle=cycle, owner_team=product, title="Be the calm team")
    theirs = ObjectiveFactory(
        cycle=cycle, owner_team=None, owner_user=stranger, parent=hollow, title="Help out"
    )
    kr = KeyResultFactory(objective=theirs, owner=stranger, start_value=0, target_value=100)
    client.force_login(manager)
    before = client.get(_team_url(product))
    line = next(o for o in before.context["dashboard"].objectives if o.objective.pk == hollow.pk)
    assert line.progress == 0
    record_checkin(actor=stranger, key_result=kr, value=Decimal(40), confidence=4)
    after = client.get(_team_url(product))
    line = next(o for o in after.context["dashboard"].objectives if o.objective.pk == hollow.pk)
    assert line.progress == Decimal("0.4")


def test_a_team_page_follows_its_objective_losing_its_last_key_result(
    client, manager, stranger, product, cycle
):
    # Which objectives have no key results is stored with them (key_result_count): once one
    # has none, the objectives aligned to it (here someone else's, in another team) make its
    # progress at once.
    goal = ObjectiveFactory(cycle=cycle, owner_team=product, title="Be the calm team")
    own = KeyResultFactory(objective=goal, owner=manager, start_value=0, target_value=10)
    theirs = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=stranger, parent=goal)
    kr = KeyResultFactory(objective=theirs, owner=stranger, start_value=0, target_value=100)
    record_checkin(actor=stranger, key_result=kr, value=Decimal(50), confidence=4)
    client.force_login(manager)

    def progress() -> Decimal | None:
        page = client.get(_team_url(product))
        return next(
            o.progress for o in page.context["dashboard"].objectives if o.objective.pk == goal.pk
        )

    assert progress() == 0
    archive_key_result(actor=manager, key_result=own)
    assert progress() == Decimal("0.5")


def test_the_report_lists_a_new_objective_at_once(client, owner, company, cycle, key_result):
    client.force_login(owner)
    assert "Hire the calmest team" not in client.get(reverse("cycle_report")).content.decode()
    ObjectiveFactory(cycle=cycle, owner_team=company, title="Hire the calmest team")
    assert "Hire the calmest team" in client.get(reverse("cycle_report")).content.decode()


@needs_scopes
def test_a_check_in_leaves_the_reports_order_kept_and_redraws_its_numbers(
    client, owner, company, key_result
):
    # The order is made of objectives and owners, not of numbers: kept under the cycle's
    # history, which a check-in dated now leaves; the summary's numbers move at once.
    client.force_login(owner)
    assert "0.00" in client.get(reverse("cycle_report")).content.decode()
    record_checkin(actor=owner, key_result=key_result, value=Decimal(60), confidence=5)
    with mock.patch("dashboards.selectors.cycle_report.report_order", side_effect=AssertionError):
        report = client.get(reverse("cycle_report")).content.decode()
    assert 'data-testid="kr-score"' in report and "1.00" in report
