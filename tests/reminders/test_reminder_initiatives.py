"""The reminder lists the person's overdue initiatives: title, key result, due date and
links, judged on the person's own calendar, in their language, escaped, in a fixed number of
queries."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from checkins.models import ReminderDelivery
from initiatives.models import Initiative
from objectives.models import Cycle, Objective
from reminders import emails
from reminders.delivery import send_delivery
from tests.factories import (
    InitiativeFactory,
    KeyResultFactory,
    ObjectiveFactory,
    ReminderDeliveryFactory,
)
from tests.reminders.reminder_helpers import owned_key_result, person, utc, year_cycle

pytestmark = pytest.mark.django_db

Kind = ReminderDelivery.Kind
# Tuesday 17 March 2026 in the week of Monday the 16th.
DUE = date(2026, 3, 17)
SITE = "https://okr.example.com"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def cycle_2026():
    return year_cycle(2026)


def _compose(user, at):
    delivery = ReminderDeliveryFactory(user=user, kind=Kind.REMINDER, period=date(2026, 3, 16))
    with time_machine.travel(at, tick=False):
        return emails.compose(delivery=delivery, now=timezone.now())


def _html(message) -> str:
    [(html, _mimetype)] = message.alternatives
    return html


def test_the_reminder_lists_overdue_initiatives_with_key_result_due_date_and_links(cycle_2026):
    owner = person("ana")
    kr = owned_key_result(owner, cycle_2026, title="Reduce churn to 3%")
    InitiativeFactory(
        key_result=kr,
        title="Call the ten biggest accounts",
        due_date=DUE - timedelta(days=2),
        status="blocked",
        link="https://tracker.example/T-7",
    )
    InitiativeFactory(key_result=kr, title="Not yet due", due_date=DUE + timedelta(days=3))
    InitiativeFactory(
        key_result=kr,
        title="Finished late",
        due_date=DUE - timedelta(days=9),
        status="done",
        completed_at=timezone.now(),
    )
    message = _compose(owner, utc(2026, 3, 17, 12))
    text, html = message.body, _html(message)
    for body in (text, html):
        assert "Call the ten biggest accounts" in body
        assert "Not yet due" not in body and "Finished late" not in body
        assert "For “Reduce churn to 3%”, due 15 Mar 2026" in body
        assert f"{SITE}/key-results/{kr.pk}/" in body
        assert "https://tracker.example/T-7" in body
        assert "Blocked" in body
    assert "1 of your initiatives is overdue:" in text
    assert "<h2>1 of your initiatives is overdue</h2>" in html


def test_nothing_overdue_says_nothing_about_initiatives(cycle_2026):
    owner = person("ben")
    kr = owned_key_result(owner, cycle_2026)
    InitiativeFactory(key_result=kr, due_date=DUE)  # due today: not overdue yet
    message = _compose(owner, utc(2026, 3, 17, 12))
    assert "initiative" not in message.body and "initiative" not in _html(message)


@pytest.mark.parametrize(
    ("zone", "turns_overdue_at"),
    [
        ("Asia/Seoul", utc(2026, 3, 17, 15)),  # UTC+9: midnight on the 18th
        ("America/New_York", utc(2026, 3, 18, 4)),  # UTC−4 (daylight time since 8 March)
    ],
)
def test_an_initiative_turns_overdue_at_the_persons_midnight(cycle_2026, zone, turns_overdue_at):
    owner = person("cho", zone)
    kr = owned_key_result(owner, cycle_2026)
    InitiativeFactory(key_result=kr, title="Due on the 17th", due_date=DUE)
    before = turns_overdue_at - timedelta(seconds=1)
    assert emails.person_overdue_initiatives(user=owner, now=before) == []
    [item] = emails.person_overdue_initiatives(user=owner, now=turns_overdue_at)
    assert item.initiative.title == "Due on the 17th"
    assert "Due on the 17th" not in _compose(owner, before).body
    ReminderDelivery.objects.all().delete()
    assert "Due on the 17th" in _compose(owner, turns_overdue_at).body


def test_only_their_own_initiatives_in_open_cycles_private_objectives_included(cycle_2026):
    """Owning an initiative under someone's private objective makes one a contributor, who
    sees it: the reminder lists it (and its check-in link opens)."""
    owner = person("dan")
    boss = person("eve")
    mine = owned_key_result(owner, cycle_2026)
    InitiativeFactory(key_result=mine, owner=boss, title="Someone else's", due_date=DUE)
    secret = ObjectiveFactory(
        cycle=cycle_2026,
        owner_user=boss,
        owner_team=None,
        visibility=Objective.Visibility.PRIVATE,
    )
    hidden = KeyResultFactory(objective=secret, owner=boss)
    InitiativeFactory(key_result=hidden, owner=owner, title="On a private objective", due_date=DUE)
    closed = year_cycle(2025)
    Cycle.objects.filter(pk=closed.pk).update(
        start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), state=Cycle.State.CLOSED
    )
    old = owned_key_result(owner, closed, title="Last year")
    InitiativeFactory(key_result=old, title="From last year", due_date=date(2025, 6, 1))
    listed = emails.person_overdue_initiatives(user=owner, now=utc(2026, 3, 20))
    assert [item.initiative.title for item in listed] == ["On a private objective"]


def test_titles_are_escaped_and_only_web_links_are_linked(cycle_2026):
    owner = person("fay")
    kr = owned_key_result(owner, cycle_2026, title="<b>Bold</b> goal")
    InitiativeFactory(
        key_result=kr, title="<script>x</script>", due_date=DUE, link="javascript:alert(1)"
    )
    html = _html(_compose(owner, utc(2026, 3, 19)))
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; goal" in html
    assert "javascript:" not in html


def test_the_list_is_in_the_persons_language(cycle_2026, settings):
    owner = person("gus", language="ko")
    kr = owned_key_result(owner, cycle_2026)
    InitiativeFactory(key_result=kr, due_date=DUE)
    message = _compose(owner, utc(2026, 3, 19))
    with translation.override("ko"):
        expected = str(Initiative.Status.TODO.label)
        due = date(2026, 3, 17)
        from django.utils.formats import date_format

        expected_date = date_format(due, "DATE_FORMAT")
    assert str(expected) in message.body
    assert expected_date in message.body


@pytest.mark.parametrize("initiatives_each", [3, 30])
def test_sending_runs_a_fixed_number_of_queries(
    cycle_2026, initiatives_each, django_assert_num_queries
):
    owner = person("hal")
    for n in range(3):
        kr = owned_key_result(owner, cycle_2026, title=f"Measure {n}")
        Initiative.objects.bulk_create(
            Initiative(
                key_result=kr,
                owner=owner,
                title=f"Work {n}.{i}",
                due_date=DUE - timedelta(days=1 + i % 4),
                status=("todo", "in_progress", "blocked")[i % 3],
            )
            for i in range(initiatives_each)
        )
    delivery = ReminderDeliveryFactory(user=owner, kind=Kind.REMINDER, period=date(2026, 3, 16))
    # The lease, the row, the reminder policy, the key results, the overdue initiatives, and
    # marking it sent: the same however many initiatives are overdue.
    with (
        time_machine.travel(utc(2026, 3, 18, 12), tick=False),
        django_assert_num_queries(6) as captured,
    ):
        assert send_delivery(delivery_id=delivery.pk).status == "sent"
    assert any("initiatives_initiative" in q["sql"] for q in captured.captured_queries)
    assert f"{3 * initiatives_each} of your initiatives are overdue" in mail.outbox[-1].body


def test_the_manager_digest_says_which_key_results_have_overdue_initiatives(cycle_2026):
    from objectives.models import Membership
    from tests.factories import MembershipFactory, RootTeamFactory, TeamFactory

    lead = person("ida")
    team = TeamFactory(name="Growth", slug="growth", parent=RootTeamFactory())
    MembershipFactory(user=lead, team=team, role=Membership.Role.MANAGER)
    objective = ObjectiveFactory(cycle=cycle_2026, owner_team=team, title="Keep customers")
    kr = KeyResultFactory(objective=objective, owner=lead, title="Reduce churn")
    for _n in range(3):
        InitiativeFactory(key_result=kr, due_date=DUE - timedelta(days=1))
    [digest] = emails.team_digests(manager=lead, now=utc(2026, 3, 18, 12))
    assert "3 initiatives on “Reduce churn” are overdue." in digest.summary
