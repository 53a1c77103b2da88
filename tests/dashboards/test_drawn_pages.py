"""My week and the key result page kept drawn in the read cache (dashboards/drawn.py): served
as drawn, with the serving request's CSRF token, per viewer, and redrawn the moment what they
show changes.

These tests commit (transaction=True): nothing is cached inside a transaction.
"""

from datetime import timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from checkins.services import record_checkin
from dashboards import selectors
from dashboards.cache import ReadKey
from dashboards.drawn import CSRF_PLACEHOLDER
from initiatives.services import set_initiative_status
from objectives.models import KeyResult, Team
from tests.dashboards.cached_pages import (
    CACHED_PAGE_FIXTURES,
    SCOPED,
    TOKEN,
    main_of,
    tokenless,
)
from tests.factories import (
    CheckInFactory,
    InitiativeFactory,
    KeyResultFactory,
    ObjectiveFactory,
    speaking_korean,
)

pytestmark = [pytest.mark.django_db(transaction=True), *CACHED_PAGE_FIXTURES]

MY_WEEK = reverse("my_week")


def _kr_url(key_result) -> str:
    return reverse("key_result", args=[key_result.pk])


def _drawn_afresh(name: str):
    """A spy on the selector a piece is drawn from: called only when the cache missed."""
    return mock.patch(f"dashboards.selectors.{name}", wraps=getattr(selectors, name))


def _from_cache(name: str):
    return mock.patch(f"dashboards.selectors.{name}", side_effect=AssertionError("drawn afresh"))


@pytest.fixture
def blocked(owner, key_result):
    """The owner's own blocked initiative: My week lists it with a "Mark done" form."""
    return InitiativeFactory(key_result=key_result, title="Fix the signup bug", status="blocked")


@pytest.fixture
def sales_key_result(cycle, sales, stranger):
    objective = ObjectiveFactory(cycle=cycle, owner_team=sales, title="Sell more")
    return KeyResultFactory(objective=objective, owner=stranger, title="Close deals")


# --- Served as drawn ---


def test_a_warm_my_week_is_the_cached_drawing_and_equals_the_uncached_one(client, owner, blocked):
    client.force_login(owner)
    with transaction.atomic():
        uncached = main_of(client.get(MY_WEEK))
    first = main_of(client.get(MY_WEEK))
    with _from_cache("my_week"):
        second = main_of(client.get(MY_WEEK))
    assert "Fix the signup bug" in second and TOKEN.search(second)
    assert first != second  # each with its own token
    assert tokenless(first) == tokenless(second) == tokenless(uncached)


def test_a_warm_key_result_page_is_the_cached_drawing_and_equals_the_uncached_one(
    client, owner, key_result
):
    record_checkin(actor=owner, key_result=key_result, value=Decimal(30), confidence=3)
    client.force_login(owner)
    with transaction.atomic():
        uncached = main_of(client.get(_kr_url(key_result)))
    first = main_of(client.get(_kr_url(key_result)))
    with _from_cache("key_result_page"):
        second = main_of(client.get(_kr_url(key_result)))
    assert "Save check-in" in second and TOKEN.search(second)
    assert tokenless(first) == tokenless(second) == tokenless(uncached)


# --- CSRF ---


def test_each_client_gets_its_own_valid_csrf_token_in_the_cached_my_week(owner, blocked):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(owner)
    second.force_login(owner)
    tokens = {}
    for client in (first, second):
        with _drawn_afresh("my_week") as spy:
            html = main_of(client.get(MY_WEEK))
        assert CSRF_PLACEHOLDER not in html
        tokens[client] = set(TOKEN.findall(html))
        assert len(tokens[client]) == 1
        tokens[client] = tokens[client].pop()
    assert spy.call_count == 0  # the second was served the first's drawing
    url = reverse("initiative_status", args=[blocked.pk])

    def post(client, token):
        data = {"csrfmiddlewaretoken": token, "status": "in_progress", "next": MY_WEEK}
        return client.post(url, data)

    # The first's token is no good to the second (another CSRF cookie): it was not reused.
    assert post(second, tokens[first]).status_code == 403
    blocked.refresh_from_db()
    assert blocked.status == "blocked"
    assert post(second, tokens[second]).status_code == 302
    blocked.refresh_from_db()
    assert blocked.status == "in_progress"


def test_the_cached_key_result_page_carries_a_check_in_token_that_works(owner, key_result):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(owner)
    second.force_login(owner)
    first.get(_kr_url(key_result))
    with _from_cache("key_result_page"):
        html = main_of(second.get(_kr_url(key_result)))
    assert CSRF_PLACEHOLDER not in html
    token = TOKEN.search(html.split('class="checkin-form"')[1]).group(1)
    data = {"csrfmiddlewaretoken": token, "value": "52", "confidence": "4"}
    data |= {"context": "key_result", "next": _kr_url(key_result)}
    assert second.post(reverse("check_in", args=[key_result.pk]), data).status_code == 302
    assert 'data-testid="kr-current">52%<' in second.get(_kr_url(key_result)).content.decode()


def test_only_our_own_form_fields_receive_the_token_never_what_people_wrote(
    owner, teammate, key_result
):
    """Someone's initiative link and check-in note holding the placeholder's text are served as
    written: the reader's token goes into our own forms' token fields and nowhere else."""
    trap = f"https://evil.example/steal?t={CSRF_PLACEHOLDER}"
    InitiativeFactory(key_result=key_result, owner=teammate, title="Trap", link=trap)
    record_checkin(
        actor=owner,
        key_result=key_result,
        value=Decimal(30),
        confidence=3,
        what_changed=f"note {CSRF_PLACEHOLDER} "
        f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"',
    )
    for cached in (False, True):
        client = Client(enforce_csrf_checks=True)
        client.force_login(owner)
        if cached:
            client.get(_kr_url(key_result))  # draws it into the cache; the next is served from it
            with _from_cache("key_result_page"):
                html = main_of(client.get(_kr_url(key_result)))
        else:
            with transaction.atomic():  # nothing cached: drawn for this request alone
                html = main_of(client.get(_kr_url(key_result)))
        token = TOKEN.search(html.split('class="checkin-form"')[1]).group(1)
        assert CSRF_PLACEHOLDER not in token
        assert f'href="{trap}"' in html, cached
        assert "note " + CSRF_PLACEHOLDER in html, cached
        assert f"value=&quot;{CSRF_PLACEHOLDER}&quot;" in html, cached
        assert html.count(token) == len(TOKEN.findall(html)), cached  # in token fields only
        assert all(found == token for found in TOKEN.findall(html)), cached


# --- Keyed on the private objectives the viewer sees, contributors' included ---


def test_becoming_a_contributor_changes_what_the_cached_pages_key_on(cycle, owner, stranger):
    """Owning a key result or an initiative under a private objective shows it to that person:
    the read cache's per-viewer digest of what they see must move when either is given or
    taken away (PostgreSQL keys it on the `visibility` scope alone)."""
    private = ObjectiveFactory(
        cycle=cycle, owner_team=None, owner_user=owner, title="Quiet", visibility="private"
    )
    kr = KeyResultFactory(objective=private, owner=owner)
    alone = ReadKey(viewer=stranger).base
    initiative = InitiativeFactory(key_result=kr, owner=stranger)
    with_initiative = ReadKey(viewer=stranger).base
    assert with_initiative != alone
    initiative.owner = owner
    initiative.save(update_fields=["owner"])
    assert ReadKey(viewer=stranger).base == alone
    KeyResult.objects.filter(pk=kr.pk).update(owner=stranger)
    assert ReadKey(viewer=stranger).base == with_initiative  # the same one private objective


# --- Redrawn the moment what they show changes ---


def test_my_week_and_the_key_result_page_show_the_persons_check_in_at_once(
    client, owner, key_result
):
    client.force_login(owner)
    assert "Confidence <strong>" not in main_of(client.get(MY_WEEK))
    assert 'data-testid="kr-current">20%<' in main_of(client.get(_kr_url(key_result)))
    record_checkin(actor=owner, key_result=key_result, value=Decimal(44), confidence=4)
    week = main_of(client.get(MY_WEEK))
    assert "Confidence <strong>4/5</strong>" in week and "44% " in week
    assert 'data-testid="kr-current">44%<' in main_of(client.get(_kr_url(key_result)))


def test_my_week_shows_a_teammates_check_in_in_the_objectives_progress(
    client, owner, teammate, team_objective, key_result
):
    theirs = KeyResultFactory(objective=team_objective, owner=teammate, target_value=10)
    client.force_login(owner)
    assert 'data-testid="objective-progress">0.00<' in main_of(client.get(MY_WEEK))
    record_checkin(actor=teammate, key_result=theirs, value=Decimal(10), confidence=5)
    assert 'data-testid="objective-progress">0.50<' in main_of(client.get(MY_WEEK))


def test_my_week_shows_a_new_key_result_of_the_person_under_another_teams_objective(
    client, owner, key_result, sales_key_result
):
    client.force_login(owner)
    assert "Sell more" not in main_of(client.get(MY_WEEK))
    KeyResultFactory(objective=sales_key_result.objective, owner=owner, title="Demo to ten")
    week = main_of(client.get(MY_WEEK))
    assert "Sell more" in week and "Demo to ten" in week


def test_my_week_shows_the_persons_initiative_elsewhere_turning_blocked_and_back(
    client, owner, key_result, sales_key_result
):
    work = InitiativeFactory(key_result=sales_key_result, owner=owner, title="Fix the CRM export")
    client.force_login(owner)
    assert "Fix the CRM export" not in main_of(client.get(MY_WEEK))
    set_initiative_status(actor=owner, initiative=work, status="blocked")
    assert "Fix the CRM export" in main_of(client.get(MY_WEEK))
    set_initiative_status(actor=owner, initiative=work, status="in_progress")
    assert "Fix the CRM export" not in main_of(client.get(MY_WEEK))


def test_my_week_counts_an_initiative_someone_else_adds_under_the_persons_key_result(
    client, owner, manager, key_result
):
    client.force_login(owner)
    assert "No initiatives yet" in main_of(client.get(MY_WEEK))
    InitiativeFactory(key_result=key_result, owner=manager, status="blocked")
    week = main_of(client.get(MY_WEEK))
    assert "No initiatives yet" not in week
    assert "0 of 1 initiative done, 1 blocked" in week


def test_my_week_counts_an_initiative_overdue_once_its_owner_moves_time_zone(
    client, owner, manager, key_result
):
    # Due today where the manager lives (UTC-12): not overdue. Fourteen hours east of UTC their
    # today is always a day or two later: overdue, at once (their time zone is a watched column).
    today_there = timezone.localtime(timezone.now(), ZoneInfo("Etc/GMT+12")).date()
    manager.time_zone = "Etc/GMT+12"
    manager.save(update_fields=["time_zone"])
    InitiativeFactory(key_result=key_result, owner=manager, due_date=today_there, status="todo")
    client.force_login(owner)
    week = main_of(client.get(MY_WEEK))
    assert "0 of 1 initiative done" in week and "initiative-overdue-count" not in week
    manager.time_zone = "Etc/GMT-14"
    manager.save(update_fields=["time_zone"])
    assert '<span class="initiative-overdue-count">1 overdue</span>' in main_of(client.get(MY_WEEK))


def test_my_week_shows_a_team_renamed(client, owner, product, key_result):
    client.force_login(owner)
    assert "<span>Product</span>" in main_of(client.get(MY_WEEK))
    Team.objects.filter(pk=product.pk).update(name="Product Studio")
    week = main_of(client.get(MY_WEEK))
    assert "<span>Product Studio</span>" in week and "<span>Product</span>" not in week


def test_a_check_in_elsewhere_leaves_my_week_and_the_key_result_page_cached(
    client, owner, stranger, key_result, sales_key_result
):
    client.force_login(owner)
    week = main_of(client.get(MY_WEEK))
    page = main_of(client.get(_kr_url(key_result)))
    record_checkin(actor=stranger, key_result=sales_key_result, value=Decimal(5), confidence=4)
    # PostgreSQL keys them on their own scopes; SQLite's one generation redraws everything.
    with _drawn_afresh("my_week") as week_spy, _drawn_afresh("key_result_page") as page_spy:
        assert tokenless(main_of(client.get(MY_WEEK))) == tokenless(week)
        assert tokenless(main_of(client.get(_kr_url(key_result)))) == tokenless(page)
    assert week_spy.call_count == page_spy.call_count == 1 - SCOPED


# --- Per viewer ---


@pytest.mark.parametrize(
    ("other", "may_check_in"),
    [("teammate", False), ("viewer", False), ("manager", True), ("admin", True)],
)
def test_a_key_result_page_is_drawn_for_each_viewer(
    client, request, owner, key_result, other, may_check_in
):
    other = request.getfixturevalue(other)
    for first, second in ((owner, other), (other, owner)):
        cache.clear()
        shown = {}
        for person in (first, second):
            client.force_login(person)
            with _drawn_afresh("key_result_page") as spy:
                shown[person] = main_of(client.get(_kr_url(key_result)))
            assert spy.call_count == 1  # not the other's drawing
        assert "Save check-in" in shown[owner]
        assert ("Save check-in" in shown[other]) is may_check_in


def test_a_seat_made_read_only_gets_my_week_without_check_in_buttons(client, owner, key_result):
    check_in = f'href="{reverse("check_in", args=[key_result.pk])}"'
    client.force_login(owner)
    assert check_in in main_of(client.get(MY_WEEK))
    # Not a column the pages' data generation watches: the viewer's seat is part of the key.
    owner.is_viewer = True
    owner.save(update_fields=["is_viewer"])
    assert check_in not in main_of(client.get(MY_WEEK))


# --- Language ---


def test_switching_language_redraws_my_week(client, owner, key_result):
    client.force_login(owner)
    assert "due this week" in main_of(client.get(MY_WEEK))
    speaking_korean(owner)  # not a column the data generation watches: the language is keyed
    korean = main_of(client.get(MY_WEEK))
    assert "이번 주 체크인 필요" in korean and "due this week" not in korean


def test_korean_and_english_readers_of_a_key_result_page_never_share(
    client, owner, manager, key_result
):
    speaking_korean(manager)
    for first, second in ((owner, manager), (manager, owner)):
        cache.clear()
        shown = {}
        for person in (first, second):
            client.force_login(person)
            shown[person] = main_of(client.get(_kr_url(key_result)))
        assert "체크인 기록" in shown[manager] and "Check-in history" not in shown[manager]
        assert "Check-in history" in shown[owner] and "체크인 기록" not in shown[owner]


# --- Queries, warm ---

# Session, user, the head's cycles, the data generation, the reminder line: the body comes from
# the cache. PostgreSQL reads two more: the person's scopes and their generations (SQLite keys on
# the whole generation).
MY_WEEK_WARM = 5 + 2 * SCOPED
# Session, user, the key result (with its objective: permission and scopes), the data
# generation, the header's cycle switcher; PostgreSQL: the generations of the objective owner's
# scope.
KEY_RESULT_WARM = 5 + SCOPED


@pytest.mark.parametrize("size", [3, 30])
def test_a_warm_my_week_runs_a_fixed_number_of_queries(
    client, owner, team_objective, cycle, size, django_assert_num_queries
):
    mine = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner)
    for n in range(size):
        kr = KeyResultFactory(objective=team_objective if n % 2 else mine, owner=owner)
        InitiativeFactory(key_result=kr, status="blocked" if n % 3 else "todo")
    client.force_login(owner)
    assert main_of(client.get(MY_WEEK)).count('class="kr-row') == size
    with django_assert_num_queries(MY_WEEK_WARM):
        client.get(MY_WEEK)


@pytest.mark.parametrize("size", [2, 20])
def test_a_warm_key_result_page_runs_a_fixed_number_of_queries(
    client, owner, key_result, size, django_assert_num_queries
):
    now = timezone.now()
    for n in range(size):
        CheckInFactory(key_result=key_result, created_at=now - timedelta(days=n + 1))
    InitiativeFactory(key_result=key_result)
    client.force_login(owner)
    html = main_of(client.get(_kr_url(key_result)))
    assert 'data-testid="history"' in html
    with django_assert_num_queries(KEY_RESULT_WARM):
        client.get(_kr_url(key_result))
