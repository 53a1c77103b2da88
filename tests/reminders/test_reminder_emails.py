"""What the e-mails say: due key results with value, target, status and an absolute check-in link;
the person's language and time zone; plain text and HTML; an unsubscribe link in every one; and
the manager digest's numbers, which come from `scoring`. The reminder's and the nudge's words in
each language: test_reminder_emails_korean.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from checkins.models import ReminderDelivery
from checkins.services import record_checkin
from objectives.models import KeyResult, Membership, Objective
from reminders import emails
from reminders.delivery import send_delivery
from reminders.services import send_test_reminder
from reminders.unsubscribe import unsubscribe_token
from tests.factories import (
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    ReminderDeliveryFactory,
    RootTeamFactory,
    TeamFactory,
)
from tests.reminders.reminder_helpers import owned_key_result, person, sweep_at, utc, year_cycle

pytestmark = pytest.mark.django_db

Kind = ReminderDelivery.Kind
# Wednesday 18 March 2026: 11 weeks into the year cycle, so pace and staleness are judged.
WEDNESDAY = utc(2026, 3, 18, 12)
SITE = "https://okr.example.com"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def cycle_2026():
    return year_cycle(2026)


def _send(user, kind=Kind.REMINDER, at=WEDNESDAY) -> mail.EmailMessage:
    delivery = ReminderDeliveryFactory(user=user, kind=kind, period=utc(2026, 3, 16).date())
    with time_machine.travel(at, tick=False):
        assert send_delivery(delivery_id=delivery.pk).status == "sent"
    return mail.outbox[-1]


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_the_reminder_lists_due_key_results_with_value_target_status_and_link(cycle_2026):
    owner = person("ana", "Asia/Seoul")
    objective = ObjectiveFactory(cycle=cycle_2026, owner_user=owner, owner_team=None, title="Win")
    revenue = owned_key_result(
        owner,
        cycle_2026,
        objective=objective,
        title="Grow MRR",
        unit="$",
        start_value=Decimal(500000),
        target_value=Decimal(740000),
    )
    uptime = owned_key_result(
        owner,
        cycle_2026,
        objective=objective,
        title="Keep uptime",
        kind=KeyResult.Kind.AT_LEAST,
        unit="%",
        target_value=Decimal("99.95"),
    )
    checked = owned_key_result(owner, cycle_2026, objective=objective, title="Already done")
    finished = owned_key_result(owner, cycle_2026, objective=objective, title="Shipped")
    earlier = WEDNESDAY - timedelta(days=12)
    record_checkin(
        actor=owner,
        key_result=revenue,
        value=Decimal(530000),
        confidence=2,
        blockers="Hiring",
        now=earlier,
    )
    record_checkin(actor=owner, key_result=checked, value=Decimal(40), confidence=4, now=WEDNESDAY)
    record_checkin(actor=owner, key_result=finished, value=Decimal(100), confidence=5, now=earlier)

    message = _send(owner)
    assert message.to == ["ana@example.com"]
    assert message.subject == "Check-in time: 2 key results need this week's update"
    text, html = message.body, _html(message)
    for body in (text, html):
        assert "Grow MRR" in body and "Keep uptime" in body
        assert "Already done" not in body  # checked in this week
        assert "Shipped" not in body  # done: nothing left to report
        assert "$530,000 of $740,000 (from $500,000)" in body
        assert "keep at least 99.95%" in body
        assert f"{SITE}/key-results/{revenue.pk}/check-in/" in body
        assert f"{SITE}/key-results/{uptime.pk}/check-in/" in body
        assert "/reminders/unsubscribe/" in body
    # The status and its reason are scoring's, as My week shows them.
    view = next(
        row
        for row in emails.person_key_results(user=owner, now=WEDNESDAY)
        if row.key_result.pk == revenue.pk
    )
    assert view.status.status == "behind"
    assert f"Status: {view.status.reason}" in text
    assert "confidence 2/5" in view.status.reason and "no update for 12 days" in view.status.reason
    assert 'class="chip chip-behind">Behind<' in html


def test_every_email_carries_an_unsubscribe_link_and_header_that_work(client, cycle_2026):
    owner = person("ben")
    owned_key_result(owner, cycle_2026)
    message = _send(owner)
    token = unsubscribe_token(owner)
    link = f"{SITE}/reminders/unsubscribe/{token}/"
    assert link in message.body and link in _html(message)
    headers = message.extra_headers
    assert headers["List-Unsubscribe"] == f"<{link}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire the long URL stays readable (not folded into RFC 2047 encoded words).
    assert f"List-Unsubscribe: <{link}>\n" in message.message().as_string()
    response = client.post(link.removeprefix(SITE), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.reminders_opt_out


def test_every_attempt_at_one_delivery_carries_the_same_message_id(cycle_2026):
    owner = person("cleo")
    owned_key_result(owner, cycle_2026)
    delivery = ReminderDeliveryFactory(user=owner, period=utc(2026, 3, 16).date())
    message_id = emails.delivery_message_id(delivery)
    assert message_id == f"<okr-reminder-{delivery.pk}-20260316@okr.example.com>"
    with time_machine.travel(WEDNESDAY, tick=False):
        send_delivery(delivery_id=delivery.pk)
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id
    assert mail.outbox[0].message()["Message-ID"] == message_id


def test_the_email_is_in_the_persons_language_and_time_zone(cycle_2026):
    owner = person("dae", "Asia/Seoul", language="ko")
    owned_key_result(owner, cycle_2026)
    message = _send(owner)
    assert '<html lang="ko">' in _html(message)
    # Rendering switched language and time zone only for the e-mail.
    assert timezone.get_current_timezone_name() == "UTC"


@pytest.fixture
def organisation(cycle_2026):
    """A manager leading Platform (with a sub-team, Infra); a team beside it they do not lead."""
    company = RootTeamFactory()
    platform = TeamFactory(name="Platform", slug="platform", parent=company)
    infra = TeamFactory(name="Infra", slug="infra", parent=platform)
    sales = TeamFactory(name="Sales", slug="sales", parent=company)
    lead = person("lead", "America/New_York")
    MembershipFactory(user=lead, team=platform, role=Membership.Role.MANAGER)
    diligent, quiet, infra_person, seller = (
        person("diligent"),
        person("quiet"),
        person("infraperson"),
        person("seller"),
    )
    MembershipFactory(user=diligent, team=platform)
    MembershipFactory(user=quiet, team=platform)
    MembershipFactory(user=infra_person, team=infra)
    MembershipFactory(user=seller, team=sales)
    team_goal = ObjectiveFactory(cycle=cycle_2026, owner_team=platform, title="Fast platform")
    on_pace = KeyResultFactory(objective=team_goal, owner=diligent, title="Cut build time")
    lagging = KeyResultFactory(objective=team_goal, owner=quiet, title="Cut p99 latency")
    infra_kr = owned_key_result(infra_person, cycle_2026, title="Automate failover")
    owned_key_result(seller, cycle_2026, title="Close Acme")  # another team: not in the digest
    secret = ObjectiveFactory(
        cycle=cycle_2026,
        owner_user=seller,
        owner_team=None,
        visibility=Objective.Visibility.PRIVATE,
    )
    KeyResultFactory(objective=secret, owner=infra_person, title="Secret sideline")
    record_checkin(
        actor=diligent, key_result=on_pace, value=Decimal(30), confidence=4, now=WEDNESDAY
    )
    record_checkin(
        actor=quiet,
        key_result=lagging,
        value=Decimal(2),
        confidence=2,
        blockers="Vendor",
        now=WEDNESDAY - timedelta(days=15),
    )
    record_checkin(
        actor=infra_person,
        key_result=infra_kr,
        value=Decimal(25),
        confidence=3,
        now=WEDNESDAY - timedelta(days=9),
    )
    return {"lead": lead, "platform": platform, "on_pace": on_pace, "lagging": lagging}


def test_the_digest_counts_the_teams_key_results_with_scoring(organisation):
    lead = organisation["lead"]
    [digest] = emails.team_digests(manager=lead, now=WEDNESDAY)
    assert digest.team == organisation["platform"]
    # Platform's own key results and Infra's (rolled up); not Sales', not the private one.
    assert digest.total == 3
    assert digest.checked_in == 1
    assert digest.rate == Decimal(1) / Decimal(3)
    assert [(s.name, s.due_count) for s in digest.stragglers] == [
        ("Infraperson", 1),
        ("Quiet", 1),
    ]
    titles = [row.key_result.title for row in digest.attention]
    assert titles[0] == "Cut p99 latency"  # behind and without an update for 15 days
    assert "Cut build time" not in titles
    assert all(
        row.view.status.status == "behind" or row.view.status.stale for row in digest.attention
    )
    assert digest.summary  # the team dashboard's written weekly summary
    assert any("Not checked in yet this week" in sentence for sentence in digest.summary)


def test_the_digest_email(organisation, cycle_2026):
    lead = organisation["lead"]
    message = _send(lead, kind=Kind.DIGEST, at=WEDNESDAY)
    assert message.subject == "Weekly check-in digest: Platform"
    text, html = message.body, _html(message)
    for body in (text, html):
        assert "33%" in body and "1 of 3 key results" in body
        assert "Quiet (1 key result)" in body and "Infraperson (1 key result)" in body
        assert "Cut p99 latency" in body
        assert f"{SITE}/key-results/{organisation['lagging'].pk}/check-in/" in body
        assert f"{SITE}/teams/platform/?subteams=1" in body
        assert "Close Acme" not in body and "Secret sideline" not in body
        assert "/reminders/unsubscribe/" in body
    for sentence in emails.team_digests(manager=lead, now=WEDNESDAY)[0].summary:
        assert sentence in text


def test_a_manager_with_nothing_to_report_gets_no_digest(cycle_2026):
    lead = person("idle")
    MembershipFactory(user=lead, team=TeamFactory(), role=Membership.Role.MANAGER)
    delivery = ReminderDeliveryFactory(user=lead, kind=Kind.DIGEST, period=utc(2026, 3, 16).date())
    with time_machine.travel(WEDNESDAY, tick=False):
        assert send_delivery(delivery_id=delivery.pk).status == "skipped"
    delivery.refresh_from_db()
    assert delivery.note == "Nothing to report: no key results in an active cycle."
    assert mail.outbox == []


def test_the_sweep_sends_the_digest_end_to_end(organisation, django_capture_on_commit_callbacks):
    _, sent = sweep_at(utc(2026, 3, 20, 15), django_capture_on_commit_callbacks)  # Fri 11:00 EDT
    digests = [m for m in sent if m.subject.startswith("Weekly check-in digest")]
    assert [m.to for m in digests] == [["lead@example.com"]]


def test_a_test_email_is_marked_and_sent_at_once(organisation, admin):
    admin.email = "admin@example.com"
    with time_machine.travel(WEDNESDAY, tick=False):
        assert send_test_reminder(actor=admin, kind=Kind.REMINDER) == admin.email
        # An admin who leads no team gets the whole company's digest as the sample.
        send_test_reminder(actor=admin, kind=Kind.DIGEST)
    reminder, digest = mail.outbox
    assert reminder.subject.startswith("[Test] ")
    assert "This is a test e-mail" in reminder.body
    assert "Nothing is due this week" in reminder.body  # the admin owns no key results
    assert digest.subject == "[Test] Weekly check-in digest: Acme"
    assert "Cut p99 latency" in digest.body and "Close Acme" in digest.body
    assert ReminderDelivery.objects.count() == 0  # not part of the exactly-once bookkeeping
