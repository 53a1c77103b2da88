"""Delivering check-in reminders: claiming each e-mail exactly once, sending it, and the
heartbeats that show the sweeper and the workers are alive.

How an e-mail goes out once, and is never lost for good:

1. Plan. Celery beat runs `sweep_reminders` every few minutes (static schedule in settings). It
   reads everyone who might be due in three queries, whatever the number of people, and decides
   in memory, person by person in their own time zone, which e-mails are owed now
   (reminders/schedule.py): the policy's weekday and local time has passed in the person's
   current week (Monday to Sunday, local) and no e-mail of that kind exists for that week yet. A
   sweep that comes late simply catches up; none fires before the person's moment.
2. Claim. One `INSERT … ON CONFLICT (user, kind, period) DO NOTHING RETURNING` inserts the owed
   `ReminderDelivery` rows and returns only those this sweep inserted: a concurrent sweeper, or
   beat firing twice, inserts nothing for rows someone else already holds. The send tasks are
   queued with `transaction.on_commit`, so no task runs before its row is visible.
3. Send. A task takes the row's send lease with a conditional UPDATE (queued/retrying → sending,
   or a `sending` lease that expired), sends, and marks the row sent with another conditional
   UPDATE fenced by its attempt number. A duplicated or redelivered task finds the row sending or
   sent and does nothing.
4. Failure. A failed send records the attempt and the error (status `retrying`) and the task
   retries with exponential backoff. A permanent refusal by the mail server, or the person's week
   ending first, marks the row `failed`, visible in the deliveries log.
5. Recovery. A row still queued or retrying long after its last change (the message was lost:
   Redis restarted, retries ran out, or the worker holding it on the embedded SQL broker was
   killed, which never hands a taken message out again) or `sending` past its lease (the worker
   died mid-send) is re-queued by a later sweep.
6. Health. Each sweep and each worker leave a `ReminderHeartbeat` row, so the Reminders page can
   say when the sweeper last ran and when a worker last answered, and warn admins when sweeps
   stop.

The one window no database can close: a worker that dies after the mail server accepted the
message but before the "sent" mark commits. The row is sent again after the lease; the repeat
carries the same Message-ID, so mail servers and clients can recognise it as the same message.
"""

import json
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from checkins.models import ReminderDelivery, ReminderHeartbeat, ReminderPolicy
from reminders import emails, jobs
from reminders.jobs import DeliveryFailed
from reminders.schedule import as_utc, local_week, plan_deliveries

logger = logging.getLogger(__name__)

Kind = ReminderDelivery.Kind
Status = ReminderDelivery.Status


def send_lease() -> timedelta:
    """How long a worker may hold a row in `sending` before another may take it over. Longer
    than the send task's hard time limit, so a live worker never loses its lease mid-send."""
    return timedelta(seconds=settings.REMINDER_SEND_LEASE_SECONDS)


def requeue_after() -> timedelta:
    """How long a queued or retrying row may sit unchanged before a sweep queues it again.
    Longer than the longest retry backoff, so a scheduled retry is not doubled needlessly."""
    return timedelta(seconds=settings.REMINDER_REQUEUE_AFTER_SECONDS)


# --- The sweeper ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    considered: int
    claimed: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)


def sweep_reminders(*, now: datetime | None = None) -> SweepResult:
    """Claim every e-mail owed now, re-queue stalled ones, and queue their sends on commit.

    A fixed number of queries whatever the number of people: the policy, the plan (three), the
    claim (one INSERT), the re-queue (one UPDATE), inside one transaction.
    """
    now = as_utc(now or timezone.now())
    policy = ReminderPolicy.current()
    decisions = plan_deliveries(policy=policy, now=now)
    wanted = [(d.recipient.id, d.kind, d.period) for d in decisions if d.send]
    with transaction.atomic():
        claimed = claim_deliveries(wanted, now=now) if wanted else []
        requeued = requeue_stalled(now=now)
        for delivery_id in [*claimed, *requeued]:
            transaction.on_commit(partial(jobs.queue_send, delivery_id), robust=True)
    if claimed or requeued:
        logger.info("reminders: claimed %d, re-queued %d", len(claimed), len(requeued))
    return SweepResult(considered=len(decisions), claimed=claimed, requeued=requeued)


_TABLE = ReminderDelivery._meta.db_table


def claim_deliveries(wanted: list[tuple[int, str, date]], *, now: datetime) -> list[int]:
    """Insert a queued row for each (user, kind, period) nobody holds yet; the ids inserted.

    One statement for any number of rows (the rows travel as one JSON parameter), so the
    sweeper's query count does not grow with the organisation. The unique constraint decides:
    a row someone else inserted first, even a moment ago in another transaction, is skipped.
    """
    payload = json.dumps(
        [{"user_id": u, "kind": str(k), "period": p.isoformat()} for u, k, p in wanted]
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    q = connection.ops.quote_name
    columns = ", ".join(
        q(c)
        for c in (
            "user_id",
            "kind",
            "period",
            "status",
            "attempts",
            "last_error",
            "note",
            "claimed_at",
            "updated_at",
        )
    )
    if connection.vendor == "postgresql":
        source = (
            "SELECT c.user_id, c.kind, c.period, %s, 0, '', '', %s, %s "
            "FROM jsonb_to_recordset(%s::jsonb) AS c(user_id bigint, kind text, period date)"
        )
    elif connection.vendor == "sqlite":
        # `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT.
        source = (
            "SELECT json_extract(value, '$.user_id'), json_extract(value, '$.kind'), "
            "json_extract(value, '$.period'), %s, 0, '', '', %s, %s FROM json_each(%s) WHERE true"
        )
    else:
        return _claim_one_by_one(wanted, now=now)
    sql = (
        f"INSERT INTO {q(_TABLE)} ({columns}) {source} "
        f"ON CONFLICT ({q('user_id')}, {q('kind')}, {q('period')}) DO NOTHING RETURNING {q('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.QUEUED, stamp, stamp, payload])
        return [row[0] for row in cursor.fetchall()]


def _claim_one_by_one(wanted: list[tuple[int, str, date]], *, now: datetime) -> list[int]:
    # Databases without INSERT … RETURNING: the same rule, a row at a time.
    claimed = []
    for user_id, kind, period in wanted:
        try:
            with transaction.atomic():
                row = ReminderDelivery.objects.create(
                    user_id=user_id, kind=kind, period=period, claimed_at=now, updated_at=now
                )
        except IntegrityError:
            continue  # someone else holds it
        claimed.append(row.pk)
    return claimed


def requeue_stalled(*, now: datetime) -> list[int]:
    """Put back in the queue rows whose send was lost, in one UPDATE … RETURNING.

    Stalled: queued or retrying and unchanged for `requeue_after()` (the message was lost, or its
    retries ran out), or sending past its lease (the worker died). Two sweepers at once cannot
    both take a row: the second one's UPDATE finds it fresh again.
    """
    q = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {q(_TABLE)} SET {q('status')} = %s, {q('updated_at')} = %s "
        f"WHERE ({q('status')} IN (%s, %s) AND {q('updated_at')} < %s) "
        f"OR ({q('status')} = %s AND {q('updated_at')} < %s) RETURNING {q('id')}"
    )
    params = [
        Status.QUEUED,
        adapt(now),
        Status.QUEUED,
        Status.RETRYING,
        adapt(now - requeue_after()),
        Status.SENDING,
        adapt(now - send_lease()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def record_heartbeat(*, part: str, now: datetime | None = None, detail: str = "") -> None:
    """Note that `part` (the sweep, a worker) was alive at `now`: one upsert, safe from several
    processes at once."""
    ReminderHeartbeat.objects.bulk_create(
        [ReminderHeartbeat(part=part, at=now or timezone.now(), detail=detail[:200])],
        update_conflicts=True,
        unique_fields=["part"],
        update_fields=["at", "detail"],
    )


def run_sweep() -> int:
    """The sweep beat schedules: sweep now, then leave the sweep's heartbeat for the Reminders
    page. Returns how many sends were queued (claimed and re-queued)."""
    result = sweep_reminders()
    record_heartbeat(
        part=ReminderHeartbeat.Part.SWEEP,
        detail=f"claimed {len(result.claimed)}, re-queued {len(result.requeued)}",
    )
    return len(result.claimed) + len(result.requeued)


def record_worker_alive(*, host: str) -> None:
    """A worker on `host` took a message and ran it (beat sends it one every minute or so)."""
    record_heartbeat(part=ReminderHeartbeat.Part.WORKER, detail=host)


def record_worker_started(*, host: str) -> None:
    """A worker on `host` has just started: it answers, and its first sweep is still to come."""
    now = timezone.now()
    for part in (ReminderHeartbeat.Part.WORKER_STARTED, ReminderHeartbeat.Part.WORKER):
        record_heartbeat(part=part, now=now, detail=host)


# --- Sending -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    status: str
    # Set when another worker holds a live lease: try again after this many seconds.
    retry_in: float | None = None


def _take_lease(*, delivery_id: int, now: datetime) -> bool:
    return bool(
        ReminderDelivery.objects.filter(
            Q(pk=delivery_id)
            & (
                Q(status__in=[Status.QUEUED, Status.RETRYING])
                | Q(status=Status.SENDING, updated_at__lt=now - send_lease())
            )
        ).update(status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now)
    )


def _finish(delivery: ReminderDelivery, **fields: object) -> bool:
    """Leave `sending`, but only if our lease still stands (no one took over after it expired)."""
    fields.setdefault("updated_at", timezone.now())
    done = ReminderDelivery.objects.filter(
        pk=delivery.pk, status=Status.SENDING, attempts=delivery.attempts
    ).update(**fields)
    if not done:
        logger.warning(
            "reminders: delivery %s changed hands while attempt %s ran (lease expired)",
            delivery.pk,
            delivery.attempts,
        )
    return bool(done)


def _permanent(error: BaseException) -> bool:
    """A refusal the mail server will repeat however often we ask (5xx), e.g. a bad address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _not_sendable(delivery: ReminderDelivery, *, now: datetime) -> tuple[str, str] | None:
    """(final status, note) when this e-mail must not go out (any more), else None. Notes are
    stored in English and translated where the deliveries log shows them."""
    user, policy = delivery.user, ReminderPolicy.current()
    if not user.is_active:
        return Status.SKIPPED, gettext_noop("The account was deactivated.")
    if user.reminders_opt_out:
        return Status.SKIPPED, gettext_noop("The person opted out of reminders.")
    if not user.email:
        return Status.SKIPPED, gettext_noop("The person has no e-mail address.")
    if not policy.enabled or (delivery.kind == Kind.DIGEST and not policy.digest_enabled):
        return Status.SKIPPED, gettext_noop("Reminders were turned off before it was sent.")
    if delivery.period != local_week(now=now, tz=user.tzinfo).monday:
        if delivery.last_error:
            return Status.FAILED, gettext_noop(
                "Gave up: the week ended before it could be delivered."
            )
        return Status.SKIPPED, gettext_noop("The week ended before it was sent.")
    if delivery.attempts > settings.REMINDER_MAX_ATTEMPTS:
        return Status.FAILED, gettext_noop("Gave up after %(n)s attempts.") % {
            "n": delivery.attempts - 1
        }
    return None


def send_delivery(*, delivery_id: int, now: datetime | None = None) -> SendOutcome:
    """Send one claimed e-mail unless it was sent already or is being sent right now.

    Returns what became of the row. Raises DeliveryFailed after recording a failure worth
    retrying (the caller retries with backoff).
    """
    started = now or timezone.now()
    took = _take_lease(delivery_id=delivery_id, now=started)
    delivery = ReminderDelivery.objects.select_related("user").filter(pk=delivery_id).first()
    if delivery is None:
        return SendOutcome("gone")
    if not took:
        if delivery.status == Status.SENDING:
            expires = delivery.updated_at + send_lease()
            return SendOutcome(Status.SENDING, retry_in=max((expires - started).total_seconds(), 1))
        return SendOutcome(delivery.status)  # sent, skipped or failed: nothing left to do

    refusal = _not_sendable(delivery, now=started)
    if refusal:
        status, note = refusal
        _finish(delivery, status=status, note=note)
        return SendOutcome(status)
    try:
        message = emails.compose(delivery=delivery, now=started)
        if message is None:
            note = (
                gettext_noop("Nothing to report: no key results in an active cycle.")
                if delivery.kind == Kind.DIGEST
                else gettext_noop("Nothing due any more: checked in before it went out.")
            )
            _finish(delivery, status=Status.SKIPPED, note=note)
            return SendOutcome(Status.SKIPPED)
        message.send()
    except Exception as error:
        error_text = f"{type(error).__name__}: {error}"[:2000]
        if _permanent(error):
            _finish(delivery, status=Status.FAILED, last_error=error_text)
            return SendOutcome(Status.FAILED)
        _finish(delivery, status=Status.RETRYING, last_error=error_text)
        logger.warning(
            "reminders: attempt %s of delivery %s failed: %s",
            delivery.attempts,
            delivery.pk,
            error_text,
        )
        raise DeliveryFailed(error_text) from error
    sent_at = timezone.now()
    _finish(delivery, status=Status.SENT, sent_at=sent_at, updated_at=sent_at, note="")
    return SendOutcome(Status.SENT)
