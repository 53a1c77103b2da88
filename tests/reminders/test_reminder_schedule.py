"""When reminders, nudges and digests fall due: each person's own time zone, DST, catching up,
never early, and who counts as due. Time is frozen with time_machine throughout."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
import time_machine

from checkins.models import ReminderDelivery, Weekday
from checkins.services import record_checkin
from objectives.models import Cycle, Membership
from reminders.schedule import Reason, plan_deliveries
from tests.factories import (
    MembershipFactory,
    ReminderDeliveryFactory,
    ReminderPolicyFactory,
    TeamFactory,
)
from tests.reminders.reminder_helpers import (
    owned_key_result,
    person,
    recipients,
    sweep_at,
    utc,
    year_cycle,
)

pytestmark = pytest.mark.django_db

Kind = ReminderDelivery.Kind


@pytest.fixture
def cycle_2026():
    return year_cycle(2026)


@pytest.fixture
def seoul(cycle_2026):
    user = person("seoul", "Asia/Seoul")
    owned_key_result(user, cycle_2026)
    return user


@pytest.fixture
def new_york(cycle_2026):
    user = person("newyork", "America/New_York")
    owned_key_result(user, cycle_2026)
    return user


def _plan(moment, policy=None):
    policy = policy or ReminderPolicyFactory()
    with time_machine.travel(moment, tick=False):
        return {(d.recipient.id, d.kind): d for d in plan_deliveries(policy=policy)}


def test_seoul_and_new_york_each_get_theirs_at_ten_local(
    seoul, new_york, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # The first sweep ever catches up on the week before (Monday 2 March 10:00 has passed for
    # both), so start from a sweep on Sunday that does exactly that.
    _, sent = sweep_at(utc(2026, 3, 8, 12, 0), capture)
    assert recipients(sent) == ["newyork@example.com", "seoul@example.com"]
    # Monday 9 March 2026, the day after New York moved to daylight time (UTC−4).
    _, sent = sweep_at(utc(2026, 3, 9, 0, 59), capture)  # 09:59 in Seoul
    assert sent == []
    _, sent = sweep_at(utc(2026, 3, 9, 1, 0), capture)  # 10:00 in Seoul
    assert recipients(sent) == ["seoul@example.com"]
    _, sent = sweep_at(utc(2026, 3, 9, 13, 59), capture)  # 09:59 in New York
    assert sent == []
    _, sent = sweep_at(utc(2026, 3, 9, 14, 0), capture)  # 10:00 EDT in New York
    assert recipients(sent) == ["newyork@example.com"]
    _, sent = sweep_at(utc(2026, 3, 9, 23, 0), capture)
    assert sent == []
    this_week = ReminderDelivery.objects.filter(period=utc(2026, 3, 9).date())
    assert sorted(this_week.values_list("user__username", "kind", "status")) == [
        ("newyork", "reminder", "sent"),
        ("seoul", "reminder", "sent"),
    ]


@pytest.mark.parametrize(
    ("time_zone", "not_before", "due_at"),
    [
        # New York: standard time (UTC−5) the week before the spring change...
        ("America/New_York", utc(2026, 3, 2, 14, 59), utc(2026, 3, 2, 15, 0)),
        # ...daylight time (UTC−4) the week after it...
        ("America/New_York", utc(2026, 3, 9, 13, 59), utc(2026, 3, 9, 14, 0)),
        # ...and back to standard time after the autumn change on 1 November.
        ("America/New_York", utc(2026, 10, 26, 13, 59), utc(2026, 10, 26, 14, 0)),
        ("America/New_York", utc(2026, 11, 2, 14, 59), utc(2026, 11, 2, 15, 0)),
        # London changes on other dates (29 March), Seoul never does.
        ("Europe/London", utc(2026, 3, 23, 9, 59), utc(2026, 3, 23, 10, 0)),
        ("Europe/London", utc(2026, 3, 30, 8, 59), utc(2026, 3, 30, 9, 0)),
        ("Asia/Seoul", utc(2026, 3, 30, 0, 59), utc(2026, 3, 30, 1, 0)),
        # Kathmandu is UTC+5:45: a Monday 10:00 there is 04:15 UTC.
        ("Asia/Kathmandu", utc(2026, 3, 30, 4, 14), utc(2026, 3, 30, 4, 15)),
    ],
)
def test_ten_local_is_dst_correct(cycle_2026, time_zone, not_before, due_at):
    user = person("traveller", time_zone)
    owned_key_result(user, cycle_2026)
    assert _plan(not_before)[(user.pk, Kind.REMINDER)].reason is Reason.NOT_YET
    decision = _plan(due_at)[(user.pk, Kind.REMINDER)]
    assert decision.reason is Reason.DUE
    assert decision.moment.hour == 10 and decision.moment.minute == 0
    assert decision.moment.weekday() == Weekday.MONDAY


def test_a_time_skipped_by_the_spring_change_fires_an_hour_later_on_the_clock(
    new_york, django_capture_on_commit_callbacks
):
    # 02:30 on Sunday 8 March 2026 does not exist in New York (02:00 jumps to 03:00): it is
    # read with the offset before the change, i.e. 03:30 EDT = 07:30 UTC.
    ReminderPolicyFactory(weekday=Weekday.SUNDAY, local_time=time(2, 30))
    _, sent = sweep_at(utc(2026, 3, 8, 7, 29), django_capture_on_commit_callbacks)
    assert sent == []
    _, sent = sweep_at(utc(2026, 3, 8, 7, 30), django_capture_on_commit_callbacks)
    assert recipients(sent) == ["newyork@example.com"]


def test_a_time_repeated_by_the_autumn_change_fires_at_its_first_occurrence(
    new_york, django_capture_on_commit_callbacks
):
    # 01:30 happens twice in New York on Sunday 1 November 2026: first at EDT (05:30 UTC).
    ReminderPolicyFactory(weekday=Weekday.SUNDAY, local_time=time(1, 30))
    _, sent = sweep_at(utc(2026, 11, 1, 5, 29), django_capture_on_commit_callbacks)
    assert sent == []
    _, sent = sweep_at(utc(2026, 11, 1, 5, 30), django_capture_on_commit_callbacks)
    assert len(sent) == 1
    _, sent = sweep_at(utc(2026, 11, 1, 6, 30), django_capture_on_commit_callbacks)
    assert sent == []  # the second 01:30 is the same week: nothing more


def test_a_late_sweep_catches_up_within_the_week_and_the_next_week_starts_afresh(
    seoul, new_york, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ReminderPolicyFactory(nudge_after_days=0)
    sweep_at(utc(2026, 3, 8, 12, 0), capture)  # last week's, out of the way
    # Beat was down all Monday and Tuesday; the first sweep on Wednesday sends both.
    _, sent = sweep_at(utc(2026, 3, 11, 12, 0), capture)
    assert recipients(sent) == ["newyork@example.com", "seoul@example.com"]
    # Sunday night in New York is already next Monday 09:00 in Seoul: not yet for Seoul.
    _, sent = sweep_at(utc(2026, 3, 16, 0, 0), capture)
    assert sent == []
    _, sent = sweep_at(utc(2026, 3, 16, 1, 0), capture)
    assert recipients(sent) == ["seoul@example.com"]
    assert ReminderDelivery.objects.filter(user=seoul).count() == 3  # three weeks, one each


def test_the_persons_own_week_decides_whether_they_checked_in(
    seoul, django_capture_on_commit_callbacks
):
    key_result = seoul.key_results.get()
    # Sunday 8 March, 23:00 in Seoul (14:00 UTC): last week for Seoul.
    record_checkin(
        actor=seoul, key_result=key_result, value=Decimal(5), confidence=4, now=utc(2026, 3, 8, 14)
    )
    assert _plan(utc(2026, 3, 9, 1, 0))[(seoul.pk, Kind.REMINDER)].reason is Reason.DUE
    # Monday 9 March, 08:00 in Seoul (Sunday 23:00 UTC): this week for Seoul, whatever UTC says.
    record_checkin(
        actor=seoul, key_result=key_result, value=Decimal(6), confidence=4, now=utc(2026, 3, 8, 23)
    )
    assert _plan(utc(2026, 3, 9, 1, 0))[(seoul.pk, Kind.REMINDER)].reason is Reason.NOTHING_DUE
    _, sent = sweep_at(utc(2026, 3, 9, 1, 0), django_capture_on_commit_callbacks)
    assert sent == []


def test_who_counts_as_due(cycle_2026):
    due = person("due")
    owned_key_result(due, cycle_2026)
    partly = person("partly")
    checked, still_open = owned_key_result(partly, cycle_2026), owned_key_result(partly, cycle_2026)
    opted_out = person("optedout", reminders_opt_out=True)
    owned_key_result(opted_out, cycle_2026)
    no_email = person("noemail", email="")
    owned_key_result(no_email, cycle_2026)
    inactive = person("inactive", is_active=False)
    owned_key_result(inactive, cycle_2026)
    finished = person("finished")
    owned_key_result(finished, cycle_2026, current_value=Decimal(100))
    archived = person("archived")
    owned_key_result(archived, cycle_2026, archived=True)
    archived_objective = person("archivedobjective")
    objective_kr = owned_key_result(archived_objective, cycle_2026)
    objective_kr.objective.archived = True
    objective_kr.objective.save(update_fields=["archived"])
    planning = person("planning")
    planned_cycle = Cycle.objects.create(
        name="Planned", start_date=cycle_2026.start_date, end_date=cycle_2026.end_date
    )
    owned_key_result(planning, planned_cycle)
    monday_noon = utc(2026, 3, 9, 12)
    record_checkin(
        actor=partly, key_result=checked, value=Decimal(1), confidence=4, now=monday_noon
    )
    plan = _plan(monday_noon + timedelta(hours=1))
    reasons = {
        decision.recipient.name.lower(): (decision.reason, decision.due_count)
        for (_user_id, kind), decision in plan.items()
        if kind == Kind.REMINDER
    }
    assert reasons == {
        "due": (Reason.DUE, 1),
        "partly": (Reason.DUE, 1),  # one of two key results still lacks this week's check-in
        "optedout": (Reason.OPTED_OUT, 1),
        "noemail": (Reason.NO_EMAIL, 1),
        "finished": (Reason.NOTHING_DUE, 0),  # a finished key result is never due
        # Not in the plan at all: the inactive person, and those with nothing open in an active
        # cycle (planning cycle, archived key result, archived objective).
    }
    assert still_open.owner == partly


def test_only_cycles_running_on_the_persons_today_count(django_capture_on_commit_callbacks):
    user = person("early")
    later = Cycle.objects.create(
        name="Next quarter",
        start_date=utc(2026, 4, 1).date(),
        end_date=utc(2026, 6, 30).date(),
        state=Cycle.State.ACTIVE,
    )
    owned_key_result(user, later)
    _, sent = sweep_at(utc(2026, 3, 9, 12), django_capture_on_commit_callbacks)
    assert sent == []
    _, sent = sweep_at(utc(2026, 4, 6, 12), django_capture_on_commit_callbacks)
    assert recipients(sent) == ["early@example.com"]


def test_nudge_follows_n_days_later_if_still_not_checked_in(
    new_york, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ReminderPolicyFactory(nudge_after_days=2)
    _, sent = sweep_at(utc(2026, 3, 9, 14), capture)  # Monday 10:00 EDT: the reminder
    assert len(sent) == 1 and "Second reminder" not in sent[0].subject
    _, sent = sweep_at(utc(2026, 3, 11, 13, 59), capture)  # Wednesday 09:59
    assert sent == []
    _, sent = sweep_at(utc(2026, 3, 11, 14), capture)  # Wednesday 10:00
    assert len(sent) == 1
    assert sent[0].subject.startswith("Second reminder")
    assert "This is a second reminder" in sent[0].body
    _, sent = sweep_at(utc(2026, 3, 13, 14), capture)
    assert sent == []
    kinds = ReminderDelivery.objects.filter(user=new_york).values_list("kind", flat=True)
    assert sorted(kinds) == ["nudge", "reminder"]


def test_no_nudge_after_checking_in(new_york, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    sweep_at(utc(2026, 3, 9, 14), capture)
    record_checkin(
        actor=new_york,
        key_result=new_york.key_results.get(),
        value=Decimal(10),
        confidence=4,
        now=utc(2026, 3, 10, 15),
    )
    _, sent = sweep_at(utc(2026, 3, 11, 15), capture)
    assert sent == []
    assert _plan(utc(2026, 3, 11, 15))[(new_york.pk, Kind.NUDGE)].reason is Reason.NOTHING_DUE


def test_a_caught_up_reminder_moves_its_nudge_along(new_york, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    ReminderPolicyFactory(nudge_after_days=2)
    _, sent = sweep_at(utc(2026, 3, 11, 16), capture)  # Wednesday 12:00 EDT, two days late
    assert len(sent) == 1
    # Not a nudge straight away: two days after the reminder actually went out.
    _, sent = sweep_at(utc(2026, 3, 11, 16, 5), capture)
    assert sent == []
    _, sent = sweep_at(utc(2026, 3, 13, 15, 59), capture)
    assert sent == []
    _, sent = sweep_at(utc(2026, 3, 13, 16), capture)
    assert [m.subject.startswith("Second reminder") for m in sent] == [True]


def test_a_nudge_that_would_fall_next_week_is_not_sent(
    new_york, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ReminderPolicyFactory(weekday=Weekday.SATURDAY, nudge_after_days=2)
    sweep_at(utc(2026, 3, 14, 15), capture)  # Saturday 11:00 EDT
    decision = _plan(utc(2026, 3, 15, 20))[(new_york.pk, Kind.NUDGE)]
    assert decision.reason is Reason.NUDGE_NEXT_WEEK
    _, sent = sweep_at(utc(2026, 3, 16, 3, 59), capture)  # Sunday 23:59 in New York
    assert sent == []


def test_no_nudge_when_turned_off(new_york, django_capture_on_commit_callbacks):
    ReminderPolicyFactory(nudge_after_days=0)
    sweep_at(utc(2026, 3, 9, 14), django_capture_on_commit_callbacks)
    _, sent = sweep_at(utc(2026, 3, 13, 14), django_capture_on_commit_callbacks)
    assert sent == []
    assert (new_york.pk, Kind.NUDGE) not in _plan(utc(2026, 3, 13, 14))


def test_managers_get_one_digest_a_week_at_their_local_time(
    cycle_2026, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ReminderPolicyFactory(
        digest_weekday=Weekday.FRIDAY, digest_time=time(16, 0), nudge_after_days=0
    )
    team = TeamFactory(name="Platform")
    lead = person("lead", "Asia/Seoul")
    MembershipFactory(user=lead, team=team, role=Membership.Role.MANAGER)
    member = person("member", "Asia/Seoul")
    MembershipFactory(user=member, team=team)
    owned_key_result(member, cycle_2026)
    sweep_at(utc(2026, 3, 9, 1), capture)  # the member's Monday reminder
    _, sent = sweep_at(utc(2026, 3, 13, 6, 59), capture)  # Friday 15:59 in Seoul
    assert sent == []
    _, sent = sweep_at(utc(2026, 3, 13, 7, 0), capture)
    assert recipients(sent) == ["lead@example.com"]
    assert sent[0].subject == "Weekly check-in digest: Platform"
    _, sent = sweep_at(utc(2026, 3, 13, 12, 0), capture)
    assert sent == []


def test_digests_can_be_turned_off(cycle_2026, django_capture_on_commit_callbacks):
    ReminderPolicyFactory(digest_enabled=False)
    lead = person("lead")
    MembershipFactory(user=lead, team=TeamFactory(), role=Membership.Role.MANAGER)
    _, sent = sweep_at(utc(2026, 3, 13, 12), django_capture_on_commit_callbacks)
    assert sent == []
    assert ReminderDelivery.objects.count() == 0


def test_nothing_goes_out_while_reminders_are_off(seoul, django_capture_on_commit_callbacks):
    ReminderPolicyFactory(enabled=False)
    result, sent = sweep_at(utc(2026, 3, 9, 3), django_capture_on_commit_callbacks)
    assert sent == [] and result.claimed == []


def test_an_existing_row_is_never_claimed_again(seoul, django_capture_on_commit_callbacks):
    ReminderDeliveryFactory(
        user=seoul, period=utc(2026, 3, 9).date(), status=ReminderDelivery.Status.FAILED
    )
    result, sent = sweep_at(utc(2026, 3, 9, 3), django_capture_on_commit_callbacks)
    assert sent == [] and result.claimed == []
    assert _plan(utc(2026, 3, 9, 3))[(seoul.pk, Kind.REMINDER)].existing_status == "failed"
