"""Whether reminders are actually running: the heartbeats the sweeper and the worker leave, the
Reminders pages that show them, and the warning admins get (there and in the header on every page)
when no sweep has run for twice the sweep interval."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from checkins.models import ReminderHeartbeat
from reminders import tasks
from reminders.delivery import record_heartbeat
from reminders.selectors import reminders_health
from tests.reminders.reminder_helpers import utc

pytestmark = pytest.mark.django_db

Part = ReminderHeartbeat.Part
NOW = utc(2026, 3, 9, 12)
WARNING = '<a class="header-alert" href="/reminders/">Reminders are not running</a>'


def _beat(part: str, ago: timedelta) -> None:
    record_heartbeat(part=part, now=NOW - ago, detail="test")


@pytest.fixture
def interval(settings) -> timedelta:
    settings.REMINDER_SWEEP_INTERVAL_SECONDS = 60
    return timedelta(seconds=60)


@pytest.fixture
def at_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_sweep_task_and_the_worker_leave_heartbeats(at_noon):
    tasks.sweep_reminders.delay()
    tasks.record_worker_heartbeat.delay()
    beats = {beat.part: beat for beat in ReminderHeartbeat.objects.all()}
    assert beats[Part.SWEEP].at == NOW
    assert beats[Part.SWEEP].detail == "claimed 0, re-queued 0"
    assert beats[Part.WORKER].at == NOW
    tasks.record_worker_start()  # on the worker_ready signal
    assert ReminderHeartbeat.objects.get(part=Part.WORKER_STARTED).at == NOW
    later = NOW + timedelta(minutes=5)
    record_heartbeat(part=Part.SWEEP, now=later)  # one row per part, moved on
    assert ReminderHeartbeat.objects.filter(part=Part.SWEEP).get().at == later


@pytest.mark.parametrize(
    ("beats", "stalled"),
    [
        ({}, True),  # nothing ever ran: no worker, no beat
        ({Part.SWEEP: timedelta(seconds=119)}, False),
        ({Part.SWEEP: timedelta(seconds=121)}, True),  # over twice the interval
        # A worker that started a moment ago has its first sweep still to come...
        ({Part.SWEEP: timedelta(hours=3), Part.WORKER_STARTED: timedelta(seconds=30)}, False),
        # ...but one that started long ago and keeps answering without sweeping is stalled.
        (
            {
                Part.SWEEP: timedelta(hours=3),
                Part.WORKER_STARTED: timedelta(hours=1),
                Part.WORKER: timedelta(seconds=5),
            },
            True,
        ),
    ],
)
def test_stalled_after_twice_the_interval_without_a_sweep(interval, beats, stalled):
    for part, ago in beats.items():
        _beat(part, ago)
    health = reminders_health(now=NOW)
    assert health.stalled is stalled
    assert health.stalled_after == 2 * interval


def test_the_reminders_page_says_when_the_sweeper_and_a_worker_last_ran(
    client, admin, interval, at_noon
):
    _beat(Part.SWEEP, timedelta(seconds=40))
    _beat(Part.WORKER, timedelta(seconds=10))
    client.force_login(admin)
    html = client.get(reverse("reminder_settings")).content.decode()
    assert "Reminders are running" in html
    assert 'Last sweep</dt><dd><time datetime="2026-03-09T11:59:20+00:00">' in html
    assert 'A worker last answered</dt><dd><time datetime="2026-03-09T11:59:50+00:00">' in html
    assert "every 1 minute" in html
    assert WARNING not in html and "No reminder sweep has run" not in html


@pytest.mark.parametrize("page", ["reminder_settings", "reminder_preview", "reminder_deliveries"])
def test_the_reminders_pages_warn_when_sweeps_stopped(client, admin, interval, at_noon, page):
    _beat(Part.SWEEP, timedelta(minutes=30))
    client.force_login(admin)
    html = client.get(reverse(page)).content.decode()
    assert WARNING in html
    assert "No reminder sweep has run for over 2 minutes (twice the sweep interval)" in html
    assert "Reminders are not running</h2>" in html


def test_every_page_warns_admins_in_the_header_and_nobody_else(client, admin, owner, interval):
    client.force_login(admin)
    assert WARNING in client.get(reverse("my_week")).content.decode()  # never swept
    record_heartbeat(part=Part.SWEEP, now=timezone.now())
    assert WARNING not in client.get(reverse("my_week")).content.decode()
    ReminderHeartbeat.objects.all().delete()
    client.force_login(owner)
    assert WARNING not in client.get(reverse("my_week")).content.decode()


def test_the_warning_is_in_korean_for_korean_admins(client, admin, interval):
    admin.language = "ko"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    html = client.get(reverse("reminder_settings")).content.decode()
    assert "Reminders are not running" not in html
    assert 'class="header-alert"' in html
