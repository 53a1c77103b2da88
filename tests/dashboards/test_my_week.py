from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from checkins.services import record_checkin
from dashboards import selectors
from objectives.models import Cycle, KeyResult, Objective, User
from tests.factories import CycleFactory, InitiativeFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def _key_results(objective: Objective, owner: User, count: int) -> list[KeyResult]:
    return [
        KeyResultFactory(
            objective=objective,
            owner=owner,
            title=f"Measure {n}",
            start_value=Decimal(0),
            target_value=Decimal(100),
        )
        for n in range(count)
    ]


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("my_week"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_shows_my_key_results_grouped_by_objective(client, owner, key_result, cycle):
    record_checkin(
        actor=owner, key_result=key_result, value=Decimal(32), confidence=2, blockers="No data"
    )
    client.force_login(owner)
    response = client.get(reverse("my_week"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Make onboarding effortless" in html
    assert "Raise activation from 20% to 60%" in html
    assert "32% " in html and "of 60%" in html
    assert "Confidence <strong>2/5</strong>" in html
    # progress (32-20)/(60-20) = 0.30; the score and the reason come from scoring
    row = response.context["week"].row(key_result.pk)
    assert row.progress == Decimal("0.3")
    assert row.status.reason in html
    assert "confidence 2/5" in row.status.reason
    assert "✓ Checked in this week" in html


def test_other_peoples_key_results_count_for_the_objective_but_are_not_listed(
    client, owner, teammate, key_result, team_objective
):
    theirs = KeyResultFactory(
        objective=team_objective, owner=teammate, title="Their number", target_value=Decimal(10)
    )
    record_checkin(actor=teammate, key_result=theirs, value=Decimal(10), confidence=5)
    client.force_login(owner)
    response = client.get(reverse("my_week"))
    html = response.content.decode()
    assert "Their number" not in html
    # mine at 0 progress, theirs done: objective progress = (0 + 1) / 2
    objective_view = response.context["week"].objective_view(team_objective.pk)
    assert objective_view.progress == Decimal("0.5")
    assert 'data-testid="objective-progress">0.50<' in html


def test_due_this_week_follows_the_persons_monday(client, owner, key_result):
    owner.time_zone = "Asia/Seoul"
    owner.save(update_fields=["time_zone"])
    # Both moments are Sunday in UTC, but in Seoul the check-in was Sunday 23:00 and "now" is
    # Monday 00:30: a new week has begun for this person, so the key result is due again. The
    # Sunday is one inside the key result's cycle (which the factories place around today), not
    # a fixed date the cycle would leave behind as the calendar moves on.
    start = key_result.objective.cycle.start_date
    sunday = start + timedelta(days=7 + (6 - start.weekday()))
    sunday_evening = datetime.combine(sunday, time(14, 0), tzinfo=timezone.UTC)
    monday_seoul = datetime.combine(sunday, time(15, 30), tzinfo=timezone.UTC)
    with time_machine.travel(sunday_evening, tick=False):
        record_checkin(actor=owner, key_result=key_result, value=Decimal(30), confidence=4)
    with time_machine.travel(monday_seoul, tick=False):
        week = selectors.my_week(user=owner)
    row = week.row(key_result.pk)
    assert row.due_this_week
    assert week.due_count == 1
    owner.time_zone = "UTC"
    del owner.tzinfo
    with time_machine.travel(monday_seoul, tick=False):
        assert not selectors.my_week(user=owner).row(key_result.pk).due_this_week


def test_summary_counts_due_and_checked_in(client, owner, team_objective):
    first, second, third = _key_results(team_objective, owner, 3)
    record_checkin(actor=owner, key_result=first, value=Decimal(50), confidence=4)
    client.force_login(owner)
    week = client.get(reverse("my_week")).context["week"]
    assert week.due_count == 2
    assert week.checked_in_count == 1


def test_done_key_results_are_not_due(owner, team_objective):
    finished, open_one = _key_results(team_objective, owner, 2)
    last_week = timezone.now() - timedelta(days=8)
    record_checkin(
        actor=owner, key_result=finished, value=Decimal(100), confidence=5, now=last_week
    )
    record_checkin(actor=owner, key_result=open_one, value=Decimal(50), confidence=5, now=last_week)
    week = selectors.my_week(user=owner)
    assert week.row(finished.pk).status.status == "done"
    assert not week.row(finished.pk).due_this_week
    assert week.row(open_one.pk).due_this_week


def test_no_active_cycle_explains_itself(client, owner, key_result, cycle):
    cycle.state = Cycle.State.PLANNING
    cycle.save(update_fields=["state"])
    client.force_login(owner)
    response = client.get(reverse("my_week"))
    assert response.status_code == 200
    assert "No active cycle today" in response.content.decode()


def test_no_key_results_explains_itself(client, owner, cycle):
    client.force_login(owner)
    assert "You own no key results" in client.get(reverse("my_week")).content.decode()


def test_the_shortest_active_cycle_is_current(owner):
    today = timezone.localdate()
    year = CycleFactory(
        name="Year", start_date=today - timedelta(days=100), end_date=today + timedelta(days=200)
    )
    quarter = CycleFactory(
        name="Quarter", start_date=today - timedelta(days=20), end_date=today + timedelta(days=60)
    )
    CycleFactory(
        name="Closed",
        start_date=today - timedelta(days=5),
        end_date=today + timedelta(days=5),
        state=Cycle.State.CLOSED,
    )
    assert selectors.current_cycle(on=today) == quarter
    assert year != quarter


def test_archived_key_results_and_objectives_stay_off_the_page(client, owner, team_objective):
    kept, archived = _key_results(team_objective, owner, 2)
    archived.archived = True
    archived.save(update_fields=["archived"])
    archived_objective = ObjectiveFactory(
        cycle=team_objective.cycle, owner_user=owner, owner_team=None, archived=True
    )
    # A title with a space: a bare word this short could be spelled by the page's CSRF token.
    KeyResultFactory(objective=archived_objective, owner=owner, title="Gone with its objective")
    client.force_login(owner)
    html = client.get(reverse("my_week")).content.decode()
    assert kept.title in html
    assert archived.title not in html
    assert "Gone with its objective" not in html


@pytest.mark.parametrize("count", [3, 30])
def test_my_week_runs_a_fixed_number_of_queries(
    client, owner, teammate, team_objective, django_assert_num_queries, count
):
    """Session, user, every cycle (one query the page and the header's cycle switcher share),
    key results, this week's reminder, and for initiatives the person's memberships
    (whose private objectives they see), then each row's counts and their own overdue and
    blocked ones together: 7 queries at any size."""
    other_objective = ObjectiveFactory(
        cycle=team_objective.cycle, owner_user=owner, owner_team=None
    )
    mine = _key_results(team_objective, owner, count // 2) + _key_results(
        other_objective, owner, count - count // 2
    )
    _key_results(team_objective, teammate, 2)
    for kr in mine[::2]:
        record_checkin(actor=owner, key_result=kr, value=Decimal(40), confidence=3)
    overdue = timezone.localdate() - timedelta(days=3)
    for kr in mine:
        InitiativeFactory(key_result=kr, owner=owner, due_date=overdue)
        InitiativeFactory(key_result=kr, owner=teammate, status="blocked")
    client.force_login(owner)
    with django_assert_num_queries(7):
        response = client.get(reverse("my_week"))
    assert len(response.context["week"].rows) == count
    assert len(response.context["week"].my_initiatives) == count
    assert response.content.decode().count("0 of 2 initiatives done, ") == count


def test_another_cycle_can_be_chosen_and_nonsense_falls_back(client, owner, key_result, cycle):
    today = timezone.localdate()
    past = CycleFactory(
        name="Past",
        start_date=today - timedelta(days=200),
        end_date=today - timedelta(days=110),
        state=Cycle.State.CLOSED,
    )
    old_objective = ObjectiveFactory(cycle=past, owner_user=owner, owner_team=None)
    KeyResultFactory(objective=old_objective, owner=owner, title="Number from last quarter")
    client.force_login(owner)
    chosen = client.get(reverse("my_week"), {"cycle": str(past.pk)})
    assert chosen.context["week"].cycle == past
    assert "Number from last quarter" in chosen.content.decode()
    assert not chosen.context["week"].rows[0].can_check_in
    for nonsense in ["abc", "999999", "-1", "1e3"]:
        response = client.get(reverse("my_week"), {"cycle": nonsense})
        assert response.status_code == 200
        assert response.context["week"].cycle == cycle


def test_a_closed_cycle_shows_the_frozen_scores_not_live_statuses(client, owner, cycle, key_result):
    """Weeks after it closed, the cycle's page is its record: the scores stored at closing and
    the owner's grade, not a status measured against today ("no update for 74 days")."""
    record_checkin(
        actor=owner,
        key_result=key_result,
        value=Decimal(52),
        confidence=2,
        blockers="Waiting on data",
        now=timezone.now() - timedelta(days=74),
    )
    KeyResult.objects.filter(pk=key_result.pk).update(
        final_grade=Decimal("0.9"), grade_note="Shipped late", frozen_score=Decimal("0.9")
    )
    Objective.objects.filter(pk=key_result.objective_id).update(frozen_score=Decimal("0.9"))
    # The live formula now says 0.8 ((52 - 20) / 40): the frozen 0.90 must win.
    KeyResult.objects.filter(pk=key_result.pk).update(final_grade=None)
    Cycle.objects.filter(pk=cycle.pk).update(
        start_date=cycle.start_date - timedelta(days=100),
        end_date=timezone.localdate() - timedelta(days=30),
        state=Cycle.State.CLOSED,
    )
    client.force_login(owner)
    response = client.get(reverse("my_week"), {"cycle": cycle.pk})
    html = response.content.decode()
    week = response.context["week"]
    assert week.closed
    row = week.row(key_result.pk)
    assert row.score == Decimal("0.9")
    assert '<span class="band band-green" title="Green band">0.90</span>' in html
    assert "Final scores, stored when the cycle closed." in html
    assert "Shipped late" in html
    assert "no update" not in html.lower()
    assert "no check-in since" not in html
    assert row.status.reason not in html
    assert "chip-at_risk" not in html and "chip-behind" not in html
    assert 'data-testid="objective-progress"' not in html
    assert "expected" not in html.split('id="week-summary"')[1].split("</section>")[0]
