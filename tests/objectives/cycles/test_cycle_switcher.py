"""The header: a cycle switcher on every page (a plain GET form, no JavaScript needed) and the
links to Cycles and, for admins, People & teams."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CycleFactory

pytestmark = pytest.mark.django_db


def _selected(html: str) -> list[str]:
    return [
        part.split('"')[0]
        for part in html.split('<option value="')[1:]
        if " selected>" in part.split("</option>")[0]
    ]


def test_the_switcher_defaults_to_the_active_cycle_containing_today(client, owner, cycle):
    today = timezone.localdate()
    CycleFactory(
        name="Year", start_date=today - timedelta(days=100), end_date=today + timedelta(days=200)
    )
    CycleFactory(name="Old", start_date=today - timedelta(days=400), state="closed")
    client.force_login(owner)
    html = client.get(reverse("my_week")).content.decode()
    assert '<form class="cycle-switcher" method="get" action="/"' in html
    assert '<select id="cycle-switcher-select" name="cycle">' in html
    # The quarter, not the year beside it: the shortest active cycle holding today.
    assert _selected(html) == [str(cycle.pk)]
    assert '<optgroup label="Closed">' in html


def test_the_switcher_follows_cycle_and_submits_to_the_same_page(client, owner, cycle):
    old = CycleFactory(name="Old", start_date=cycle.start_date - timedelta(days=200))
    client.force_login(owner)
    html = client.get(reverse("cycle_report"), {"cycle": old.pk}).content.decode()
    assert f'action="{reverse("cycle_report")}"' in html
    assert _selected(html) == [str(old.pk)]
    assert "Report: Old" in html
    # Nonsense falls back to the current cycle rather than failing.
    html = client.get(reverse("cycle_report"), {"cycle": "nonsense"}).content.decode()
    assert _selected(html) == [str(cycle.pk)]


def test_nav_links(client, owner, admin, cycle):
    client.force_login(owner)
    html = client.get(reverse("cycle_list")).content.decode()
    assert '<a href="/cycles/" aria-current="page">Cycles</a>' in html
    assert "People &amp; teams" not in html
    client.force_login(admin)
    html = client.get(reverse("people")).content.decode()
    assert '<a href="/people/" aria-current="page">People &amp; teams</a>' in html


def test_signed_out_pages_have_no_switcher(client, cycle):
    html = client.get(reverse("login")).content.decode()
    assert "cycle-switcher" not in html


@pytest.mark.parametrize("count", [1, 15])
def test_the_switcher_costs_one_query(client, owner, django_assert_num_queries, count):
    for n in range(count):
        CycleFactory(name=f"C{n}", start_date=timezone.localdate() - timedelta(days=100 * n))
    client.force_login(owner)
    # A page that reads nothing else: session, user, the switcher's cycles.
    with django_assert_num_queries(3):
        response = client.get(reverse("people"))
    assert response.status_code == 403
    assert response.content.decode().count("<option value=") == count
