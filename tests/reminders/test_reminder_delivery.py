"""Exactly once and never lost: sweeping twice, duplicated and redelivered tasks, failures with
retries and backoff, stalled rows picked up again, and what happens when a send is no longer
wanted by the time it runs."""

import smtplib
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from checkins.models import ReminderDelivery, ReminderPolicy
from checkins.services import record_checkin
from okr_site.celery import app as celery_app
from reminders import tasks
from reminders.delivery import (
    _finish,
    claim_deliveries,
    requeue_after,
    send_delivery,
    send_lease,
    sweep_reminders,
)
from reminders.jobs import DeliveryFailed
from reminders.services import set_reminder_opt_out
from tests.factories import ReminderDeliveryFactory, ReminderPolicyFactory
from tests.reminders.reminder_helpers import (
    owned_key_result,
    person,
    recipients,
    sweep_at,
    utc,
    year_cycle,
)

pytestmark = pytest.mark.django_db

Status = ReminderDelivery.Status
MONDAY = utc(2026, 3, 9).date()
MONDAY_NOON = utc(2026, 3, 9, 12)


@pytest.fixture
def worker(db):
    user = person("worker")
    owned_key_result(user, year_cycle(2026))
    return user


def _delivery(user, **fields) -> ReminderDelivery:
    return ReminderDeliveryFactory(user=user, period=MONDAY, **fields)


def _send(delivery_id: int, at=MONDAY_NOON):
    with time_machine.travel(at, tick=False):
        return tasks.send_reminder_delivery.delay(delivery_id)


@pytest.fixture
def flaky_mail(monkeypatch):
    """The mail server fails the first `failures` sends with `error`, then accepts."""
    state = {"failures": 0, "error": None, "calls": 0}

    def send_messages(self, messages):
        state["calls"] += 1
        if state["failures"]:
            state["failures"] -= 1
            raise state["error"]
        return original(self, messages)

    original = LocmemBackend.send_messages
    monkeypatch.setattr(LocmemBackend, "send_messages", send_messages)

    def fail(times: int, error: Exception) -> dict:
        state.update(failures=times, error=error)
        return state

    return fail


def test_beat_firing_twice_sends_once(worker, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    first, sent = sweep_at(MONDAY_NOON, capture)
    second, sent_again = sweep_at(MONDAY_NOON, capture)
    assert len(first.claimed) == 1 and second.claimed == []
    assert recipients(sent) == ["worker@example.com"] and sent_again == []
    delivery = ReminderDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (Status.SENT, 1, MONDAY_NOON)


def test_two_sweeps_in_one_transaction_claim_once(worker, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(MONDAY_NOON, tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        assert len(sweep_reminders().claimed) == 1
        assert sweep_reminders().claimed == []
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_claiming_is_insert_or_nothing(worker):
    wanted = [(worker.pk, "reminder", MONDAY), (worker.pk, "nudge", MONDAY)]
    first = claim_deliveries(wanted, now=MONDAY_NOON)
    again = claim_deliveries(wanted, now=MONDAY_NOON)
    assert len(first) == 2 and again == []
    assert set(ReminderDelivery.objects.values_list("kind", "status")) == {
        ("reminder", Status.QUEUED),
        ("nudge", Status.QUEUED),
    }


def test_a_duplicated_task_never_sends_twice(worker):
    delivery = _delivery(worker)
    assert _send(delivery.pk).get() == Status.SENT
    assert _send(delivery.pk).get() == Status.SENT  # found sent: nothing to do
    assert send_delivery(delivery_id=delivery.pk).status == Status.SENT
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_task_for_a_row_another_worker_is_sending_waits_for_its_lease(worker):
    delivery = _delivery(worker, status=Status.SENDING, attempts=1, updated_at=MONDAY_NOON)
    with time_machine.travel(MONDAY_NOON + timedelta(minutes=1), tick=False):
        outcome = send_delivery(delivery_id=delivery.pk)
    assert outcome.status == Status.SENDING
    assert outcome.retry_in == pytest.approx(send_lease().total_seconds() - 60)
    assert mail.outbox == []
    # Once the lease has expired the holder is presumed dead and the send is taken over.
    after_lease = MONDAY_NOON + send_lease() + timedelta(seconds=1)
    with time_machine.travel(after_lease, tick=False):
        assert send_delivery(delivery_id=delivery.pk).status == Status.SENT
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_the_holder_whose_lease_was_taken_over_cannot_mark_the_row(worker):
    delivery = _delivery(worker, status=Status.SENDING, attempts=1, updated_at=MONDAY_NOON)
    stale_view = ReminderDelivery.objects.get(pk=delivery.pk)
    ReminderDelivery.objects.filter(pk=delivery.pk).update(attempts=2)  # someone took over
    assert not _finish(stale_view, status=Status.SENT, sent_at=MONDAY_NOON)
    delivery.refresh_from_db()
    assert delivery.status == Status.SENDING


def test_a_failed_send_is_retried_and_records_attempts_and_error(worker, flaky_mail):
    state = flaky_mail(1, smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    delivery = _delivery(worker)
    # Eager mode runs Celery's retry at once; in a worker it comes after the backoff.
    assert _send(delivery.pk).get() == Status.SENT
    assert state["calls"] == 2
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT
    assert delivery.attempts == 2
    assert delivery.last_error == ("SMTPServerDisconnected: Connection unexpectedly closed")


def test_the_service_records_a_failure_before_asking_for_a_retry(worker, flaky_mail):
    flaky_mail(1, ConnectionRefusedError(111, "Connection refused"))
    delivery = _delivery(worker)
    with time_machine.travel(MONDAY_NOON, tick=False), pytest.raises(DeliveryFailed):
        send_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Status.RETRYING
    assert delivery.attempts == 1
    assert "Connection refused" in delivery.last_error
    assert mail.outbox == []


def test_the_tasks_keep_the_names_queued_messages_and_the_beat_schedule_carry(settings):
    # The names date from when reminders lived in the checkins app: messages already in the
    # broker name them, so renaming would strand those messages.
    assert tasks.sweep_reminders.name == "checkins.sweep_reminders"
    assert tasks.record_worker_heartbeat.name == "checkins.record_worker_heartbeat"
    assert tasks.send_reminder_delivery.name == "checkins.send_reminder_delivery"
    # What a worker discovers at start-up covers every task beat sends it.
    celery_app.loader.import_default_modules()
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(
        celery_app.tasks
    )


def test_retries_back_off_exponentially_with_late_acks():
    task = tasks.send_reminder_delivery
    assert task.autoretry_for == (DeliveryFailed,)
    assert (task.retry_backoff, task.retry_backoff_max, task.retry_jitter) == (30, 600, True)
    assert task.acks_late and task.reject_on_worker_lost
    assert task.time_limit < send_lease().total_seconds()
    assert tasks.sweep_reminders.acks_late


def test_a_permanent_refusal_fails_at_once(worker, flaky_mail):
    state = flaky_mail(
        5, smtplib.SMTPRecipientsRefused({"worker@example.com": (550, b"No such user")})
    )
    delivery = _delivery(worker)
    assert _send(delivery.pk).get() == Status.FAILED
    assert state["calls"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 1)
    assert "No such user" in delivery.last_error


def test_temporary_failures_give_up_after_the_attempts_cap(worker, flaky_mail, settings):
    settings.REMINDER_MAX_ATTEMPTS = 3
    state = flaky_mail(100, smtplib.SMTPResponseException(451, b"Try again later"))
    delivery = _delivery(worker)
    assert _send(delivery.pk).get() == Status.FAILED
    assert state["calls"] == 3
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert delivery.note == "Gave up after 3 attempts."
    assert "451" in delivery.last_error


def test_a_send_lost_by_the_broker_is_requeued_by_a_later_sweep(
    worker, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(MONDAY_NOON, tick=False), capture(execute=False):
        sweep_reminders()  # claimed, but the queued message is lost
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == Status.QUEUED
    soon = MONDAY_NOON + requeue_after() - timedelta(seconds=1)
    result, sent = sweep_at(soon, capture)
    assert result.requeued == [] and sent == []
    later = MONDAY_NOON + requeue_after() + timedelta(seconds=1)
    result, sent = sweep_at(later, capture)
    assert result.requeued == [delivery.pk]
    assert recipients(sent) == ["worker@example.com"]
    result, sent = sweep_at(later + timedelta(hours=1), capture)
    assert result.requeued == [] and sent == []


def test_a_worker_that_died_mid_send_is_taken_over_after_its_lease(
    worker, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    delivery = _delivery(worker, status=Status.SENDING, attempts=1, updated_at=MONDAY_NOON)
    result, sent = sweep_at(MONDAY_NOON + timedelta(minutes=5), capture)
    assert result.requeued == [] and sent == []  # the lease still stands
    after_lease = MONDAY_NOON + send_lease() + timedelta(minutes=1)
    result, sent = sweep_at(after_lease, capture)
    assert result.requeued == [delivery.pk]
    assert len(sent) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)


def test_retries_exhausted_in_celery_are_picked_up_by_the_sweeper(
    worker, django_capture_on_commit_callbacks
):
    delivery = _delivery(
        worker, status=Status.RETRYING, attempts=4, last_error="timeout", updated_at=MONDAY_NOON
    )
    later = MONDAY_NOON + requeue_after() + timedelta(seconds=1)
    result, sent = sweep_at(later, django_capture_on_commit_callbacks)
    assert result.requeued == [delivery.pk]
    assert len(sent) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Status.SENT, 5, "timeout")


@pytest.mark.parametrize(
    ("change", "note"),
    [
        ("checked_in", "Nothing due any more: checked in before it went out."),
        ("opted_out", "The person opted out of reminders."),
        ("deactivated", "The account was deactivated."),
        ("turned_off", "Reminders were turned off before it was sent."),
    ],
)
def test_a_send_no_longer_wanted_is_skipped(worker, change, note):
    delivery = _delivery(worker)
    if change == "checked_in":
        record_checkin(
            actor=worker,
            key_result=worker.key_results.get(),
            value=Decimal(3),
            confidence=4,
            now=MONDAY_NOON - timedelta(hours=1),
        )
    elif change == "opted_out":
        set_reminder_opt_out(actor=worker, opted_out=True)
    elif change == "deactivated":
        worker.is_active = False
        worker.save(update_fields=["is_active"])
    else:
        ReminderPolicyFactory(enabled=False)
    assert _send(delivery.pk).get() == Status.SKIPPED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.note) == (Status.SKIPPED, note)
    assert mail.outbox == []


def test_a_send_that_comes_after_the_week_ended_is_dropped(worker):
    quiet = _delivery(worker)
    failing = ReminderDeliveryFactory(
        user=worker, kind="nudge", period=MONDAY, status=Status.RETRYING, last_error="timeout"
    )
    next_monday = MONDAY_NOON + timedelta(days=7)
    assert _send(quiet.pk, at=next_monday).get() == Status.SKIPPED
    assert _send(failing.pk, at=next_monday).get() == Status.FAILED
    failing.refresh_from_db()
    assert failing.note == "Gave up: the week ended before it could be delivered."
    assert mail.outbox == []


def test_a_deleted_row_is_nothing_to_send(worker):
    assert send_delivery(delivery_id=987654).status == "gone"


def test_policy_defaults_apply_until_saved():
    policy = ReminderPolicy.current()
    assert policy._state.adding
    assert (policy.enabled, policy.weekday, str(policy.local_time), policy.nudge_after_days) == (
        True,
        0,
        "10:00:00",
        2,
    )
    assert ReminderPolicy.objects.count() == 0
