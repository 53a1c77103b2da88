"""Every list, fragment and count of initiatives runs a fixed number of queries: the same at 3
and at 30 initiatives per key result (owners spread over several people and time zones)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.selectors import initiative_counts
from tests.factories import InitiativeFactory, KeyResultFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SIZES = [3, 30]
ZONES = ["Asia/Seoul", "America/Los_Angeles", "Europe/Berlin", "UTC"]


def _fill(key_result, count: int, *, owner=None) -> list:
    """`count` initiatives in every status, half of them late, owned by people in four zones."""
    people = [
        UserFactory(username=f"worker{key_result.pk}-{n}", time_zone=zone)
        for n, zone in enumerate(ZONES)
    ]
    today = timezone.localdate()
    made = []
    for n in range(count):
        status = ["todo", "in_progress", "blocked", "done"][n % 4]
        made.append(
            InitiativeFactory(
                key_result=key_result,
                owner=owner if owner is not None and n % 2 else people[n % len(people)],
                status=status,
                due_date=today + timedelta(days=(n % 5) - 2),
                link=f"https://tracker.test/OKR-{n}" if n % 3 else "",
            )
        )
    return made


@pytest.fixture
def second_kr(team_objective, owner):
    return KeyResultFactory(objective=team_objective, owner=owner, title="Second measure")


# Session, user, the key result (with objective, cycle and owner), its initiatives with owners.
LIST_QUERIES = 4
# Session, user, the key result, the counts.
COLLAPSED_QUERIES = 4
# The key result page's own (see tests/dashboards/test_key_result_page.py).
KEY_RESULT_PAGE_QUERIES = 7
# tests/dashboards/test_my_week.py explains them.
MY_WEEK_QUERIES = 7
# Session, user, the initiative (with key result, objective, cycle, owner); the write: savepoint,
# the key result, the cycle locked, the initiative locked, the update, its audit event, release;
# then the panel's list.
STATUS_QUERIES = 11
# Session, user, the key result; the owner's username; the write: savepoint, the key result, the
# cycle locked, the insert, its audit event, release; then the panel's list.
CREATE_QUERIES = 11
# Session, user, the cycle, the person's memberships (their permission scope), their overdue and
# blocked initiatives.
SECTION_QUERIES = 5


@pytest.mark.parametrize("count", SIZES)
def test_a_key_results_panel(client, owner, key_result, count, django_assert_num_queries):
    _fill(key_result, count, owner=owner)
    client.force_login(owner)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("initiative_list", args=[key_result.pk]), **HTMX)
    assert len(response.context["listing"].items) == count


@pytest.mark.parametrize("count", SIZES)
def test_a_managers_panel(client, manager, key_result, count, django_assert_num_queries):
    """A manager's right to edit is worked out once for the key result, never per row: two
    more queries (the teams they manage and the tree below) at any size."""
    _fill(key_result, count)
    client.force_login(manager)
    with django_assert_num_queries(LIST_QUERIES + 2):
        response = client.get(reverse("initiative_list", args=[key_result.pk]), **HTMX)
    assert all(item.can_edit for item in response.context["listing"].items)


@pytest.mark.parametrize("count", SIZES)
def test_a_closed_panel(client, owner, key_result, count, django_assert_num_queries):
    _fill(key_result, count)
    client.force_login(owner)
    url = reverse("initiative_list", args=[key_result.pk])
    with django_assert_num_queries(COLLAPSED_QUERIES):
        response = client.get(url, {"expanded": "0", "collapsible": "1"}, **HTMX)
    assert response.context["counts"].total == count


@pytest.mark.parametrize("count", SIZES)
def test_counts_for_many_key_results(key_result, second_kr, count, django_assert_num_queries):
    _fill(key_result, count)
    _fill(second_kr, count)
    with django_assert_num_queries(1):
        counts = initiative_counts(key_result_ids=[key_result.pk, second_kr.pk])
    assert counts[key_result.pk].total == counts[second_kr.pk].total == count
    assert counts[key_result.pk].done == count // 4 + (count % 4 > 3)


@pytest.mark.parametrize("count", SIZES)
def test_the_key_result_page(client, owner, key_result, count, django_assert_num_queries):
    _fill(key_result, count, owner=owner)
    client.force_login(owner)
    with django_assert_num_queries(KEY_RESULT_PAGE_QUERIES):
        response = client.get(reverse("key_result", args=[key_result.pk]))
    assert response.content.decode().count('data-testid="initiative"') == count


@pytest.mark.parametrize("count", SIZES)
def test_my_week(client, owner, key_result, second_kr, count, django_assert_num_queries):
    _fill(key_result, count, owner=owner)
    _fill(second_kr, count, owner=owner)
    client.force_login(owner)
    with django_assert_num_queries(MY_WEEK_QUERIES):
        response = client.get(reverse("my_week"))
    week = response.context["week"]
    assert sum(c.total for c in week.initiative_counts.values()) == 2 * count
    assert week.my_initiatives


@pytest.mark.parametrize("count", SIZES)
def test_my_weeks_section(client, owner, key_result, cycle, count, django_assert_num_queries):
    _fill(key_result, count, owner=owner)
    client.force_login(owner)
    with django_assert_num_queries(SECTION_QUERIES):
        response = client.get(reverse("my_initiatives"), {"cycle": cycle.pk}, **HTMX)
    assert response.context["mine"]


@pytest.mark.parametrize("count", SIZES)
def test_changing_a_status(client, owner, key_result, count, django_assert_num_queries):
    made = _fill(key_result, count, owner=owner)
    target = next(i for i in made if i.status == "todo")
    client.force_login(owner)
    with django_assert_num_queries(STATUS_QUERIES):
        response = client.post(
            reverse("initiative_status", args=[target.pk]), {"status": "done"}, **HTMX
        )
    assert response.status_code == 200


@pytest.mark.parametrize("count", SIZES)
def test_adding_one(client, owner, key_result, count, django_assert_num_queries):
    _fill(key_result, count, owner=owner)
    client.force_login(owner)
    data = {
        "title": "One more",
        "owner": "owner",
        "due_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "status": "todo",
        "priority": "low",
    }
    with django_assert_num_queries(CREATE_QUERIES):
        response = client.post(reverse("initiative_new", args=[key_result.pk]), data, **HTMX)
    assert response.status_code == 200
    assert len(response.context["listing"].items) == count + 1


# Session, user, the key result (or the initiative with its key result), the panel's list.
FORM_QUERIES = 4
# Session, user, the initiative; the owner's username; the write: savepoint, the key result, the
# cycle locked, the initiative locked, the update, its audit event, release; the panel's list.
EDIT_QUERIES = 12


@pytest.mark.parametrize("count", SIZES)
def test_opening_the_forms(client, owner, key_result, count, django_assert_num_queries):
    made = _fill(key_result, count, owner=owner)
    client.force_login(owner)
    with django_assert_num_queries(FORM_QUERIES):
        client.get(reverse("initiative_new", args=[key_result.pk]), **HTMX)
    with django_assert_num_queries(FORM_QUERIES):
        response = client.get(reverse("initiative_edit", args=[made[1].pk]), **HTMX)
    assert response.context["editing"] == made[1].pk


@pytest.mark.parametrize("count", SIZES)
def test_editing_one(client, owner, key_result, count, django_assert_num_queries):
    made = _fill(key_result, count, owner=owner)
    client.force_login(owner)
    data = {
        "title": "Renamed",
        "owner": "owner",
        "due_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "status": "blocked",
        "priority": "low",
        "link": "https://tracker.test/OKR-99",
    }
    with django_assert_num_queries(EDIT_QUERIES):
        response = client.post(reverse("initiative_edit", args=[made[1].pk]), data, **HTMX)
    assert response.status_code == 200
