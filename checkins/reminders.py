"""Check-in reminders: who is due, claiming each e-mail exactly once, and sending it.

How an e-mail goes out once, and is never lost for good:

1. Plan. Celery beat runs `sweep_reminders` every few minutes (static schedule in settings). It
   reads everyone who might be due in three queries, whatever the number of people, and decides
   in memory, person by person in their own time zone, which e-mails are owed now: the policy's
   weekday and local time has passed in the person's current week (Monday to Sunday, local) and
   no e-mail of that kind exists for that week yet. A sweep that comes late simply catches up;
   none fires before the person's moment.
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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache, partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

import scoring
from audit import services as audit
from audit.models import AuditEvent
from checkins import reminder_emails
from checkins.models import ReminderDelivery, ReminderHeartbeat, ReminderPolicy
from objectives import permissions
from objectives.models import Cycle, KeyResult, Membership, User

logger = logging.getLogger(__name__)

Kind = ReminderDelivery.Kind
Status = ReminderDelivery.Status

# Any place on Earth is within these offsets of UTC, so "today" somewhere is one of the dates
# between now − 12 h and now + 14 h.
_EARLIEST_OFFSET = timedelta(hours=12)
_LATEST_OFFSET = timedelta(hours=14)
UNSUBSCRIBE_SALT = "okr.reminders.unsubscribe"


def send_lease() -> timedelta:
    """How long a worker may hold a row in `sending` before another may take it over. Longer
    than the send task's hard time limit, so a live worker never loses its lease mid-send."""
    return timedelta(seconds=settings.REMINDER_SEND_LEASE_SECONDS)


def requeue_after() -> timedelta:
    """How long a queued or retrying row may sit unchanged before a sweep queues it again.
    Longer than the longest retry backoff, so a scheduled retry is not doubled needlessly."""
    return timedelta(seconds=settings.REMINDER_REQUEUE_AFTER_SECONDS)


# --- Weeks and moments, in each person's own time zone ------------------------------------------


@cache
def zone(name: str) -> ZoneInfo:
    """The person's time zone; an unknown name (it was validated on save) falls back to UTC."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class LocalWeek:
    """A person's current Monday-to-Sunday week, in their time zone."""

    tz: ZoneInfo
    now: datetime  # local
    monday: date
    starts_at: datetime  # local midnight starting Monday
    ends_at: datetime  # local midnight starting next Monday

    @property
    def today(self) -> date:
        return self.now.date()

    def moment(self, *, weekday: int, at: time) -> datetime:
        """`weekday` (0 = Monday) at local time `at` in this week, as an aware local datetime.

        zoneinfo applies the offset in force on that date, so 10:00 stays 10:00 across a DST
        change. A time skipped by a spring-forward change (02:30 on that night) resolves with the
        offset before the change, i.e. an hour later on the clock (03:30); a time that happens
        twice in the autumn means its first occurrence.
        """
        return datetime.combine(self.monday + timedelta(days=weekday), at, tzinfo=self.tz)


def local_week(*, now: datetime, tz: ZoneInfo) -> LocalWeek:
    local_now = now.astimezone(tz)
    monday = scoring.week_start(day=local_now.date())
    return LocalWeek(
        tz=tz,
        now=local_now,
        monday=monday,
        starts_at=datetime.combine(monday, time(0), tzinfo=tz),
        ends_at=datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz),
    )


def _utc(moment: datetime) -> datetime:
    # Aware datetimes sharing a tzinfo compare by wall clock; UTC compares by the instant.
    return moment.astimezone(UTC)


# --- Who is due: the plan ------------------------------------------------------------------------


class Reason(StrEnum):
    """Why a person gets (or does not get) an e-mail of a kind right now."""

    DUE = "due"
    NOT_YET = "not_yet"
    ALREADY = "already"
    NOTHING_DUE = "nothing_due"
    OPTED_OUT = "opted_out"
    NO_EMAIL = "no_email"
    NUDGE_NEXT_WEEK = "nudge_next_week"


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    email: str
    time_zone: str
    opted_out: bool


@dataclass(frozen=True)
class Decision:
    """One (person, kind) of the current week and what the sweeper does about it."""

    recipient: Recipient
    kind: str
    week: LocalWeek
    moment: datetime  # local: when this e-mail is owed
    reason: Reason
    due_count: int = 0  # key results still without this week's check-in (reminder, nudge)
    open_count: int = 0  # key results the person owns in active cycles (reminder, nudge)
    existing_status: str = ""  # of this week's delivery row, when there is one

    @property
    def period(self) -> date:
        return self.week.monday

    @property
    def send(self) -> bool:
        return self.reason is Reason.DUE

    @property
    def existing_status_label(self) -> str:
        """The existing delivery's status in words ("sent"), in the active language."""
        if self.existing_status in Status.values:
            return str(Status(self.existing_status).label)
        return self.existing_status


@dataclass
class _Owner:
    recipient: Recipient
    week: LocalWeek
    open_count: int = 0
    due_count: int = 0


def _recipient(row: tuple) -> Recipient:
    user_id, username, display_name, first, last, email, time_zone, opted_out = row
    name = display_name or f"{first} {last}".strip() or username
    return Recipient(user_id, name, email or "", time_zone, opted_out)


_PERSON_FIELDS = (
    "id",
    "username",
    "display_name",
    "first_name",
    "last_name",
    "email",
    "time_zone",
    "reminders_opt_out",
)


def _finished(*, kind: str, start: Decimal, target: Decimal, current: Decimal | None) -> bool:
    """Done by scoring's first status rule: only metric and milestone key results finish, when
    their progress reaches 1. A finished key result is never due (as on My week)."""
    # Only a metric or milestone finishes, and its progress needs no check-in counts.
    progress = scoring.kr_progress(kind=kind, start=start, target=target, current=current)
    return scoring.kr_done(kind=kind, progress=progress)


def _owners(*, now: datetime) -> dict[int, _Owner]:
    """People owning key results in active cycles, with how many are due this week; one query.

    Due: a non-archived key result of a non-archived objective, in an active cycle that contains
    the person's today, not finished, and without a check-in since the person's Monday 00:00.
    """
    earliest = (now - _EARLIEST_OFFSET).date()
    latest = (now + _LATEST_OFFSET).date()
    rows = KeyResult.objects.filter(
        archived=False,
        objective__archived=False,
        objective__cycle__state=Cycle.State.ACTIVE,
        objective__cycle__start_date__lte=latest,
        objective__cycle__end_date__gte=earliest,
        owner__is_active=True,
    ).values_list(
        *(f"owner__{name}" for name in _PERSON_FIELDS),
        "kind",
        "start_value",
        "target_value",
        "current_value",
        "last_checkin_at",
        "objective__cycle__start_date",
        "objective__cycle__end_date",
    )
    owners: dict[int, _Owner] = {}
    weeks: dict[str, LocalWeek] = {}
    person_width = len(_PERSON_FIELDS)
    for row in rows:
        person = row[:person_width]
        kind, start, target, current, last_checkin_at, cycle_start, cycle_end = row[person_width:]
        owner = owners.get(person[0])
        if owner is None:
            time_zone = person[6]
            week = weeks.get(time_zone)
            if week is None:
                week = weeks[time_zone] = local_week(now=now, tz=zone(time_zone))
            owner = owners[person[0]] = _Owner(recipient=_recipient(person), week=week)
        if not cycle_start <= owner.week.today <= cycle_end:
            continue
        owner.open_count += 1
        checked_in = last_checkin_at is not None and last_checkin_at >= owner.week.starts_at
        if not checked_in and not _finished(kind=kind, start=start, target=target, current=current):
            owner.due_count += 1
    return {pk: owner for pk, owner in owners.items() if owner.open_count}


def _managers(*, now: datetime) -> dict[int, tuple[Recipient, LocalWeek]]:
    """Active people who manage a team, each with their week; one query."""
    rows = (
        Membership.objects.filter(role=Membership.Role.MANAGER, user__is_active=True)
        .values_list(*(f"user__{name}" for name in _PERSON_FIELDS))
        .distinct()
    )
    managers = {}
    for row in rows:
        recipient = _recipient(row)
        managers[recipient.id] = (recipient, local_week(now=now, tz=zone(recipient.time_zone)))
    return managers


def _existing(*, periods: Iterable[date]) -> dict[tuple[int, str, date], tuple[str, datetime]]:
    """(user, kind, period) → (status, sent_at) of this week's delivery rows; one query."""
    rows = ReminderDelivery.objects.filter(period__in=sorted(set(periods))).values_list(
        "user_id", "kind", "period", "status", "sent_at"
    )
    return {
        (user_id, kind, period): (status, sent_at)
        for user_id, kind, period, status, sent_at in rows
    }


def _blocked(recipient: Recipient) -> Reason | None:
    if recipient.opted_out:
        return Reason.OPTED_OUT
    if not recipient.email:
        return Reason.NO_EMAIL
    return None


def plan_deliveries(*, policy: ReminderPolicy, now: datetime | None = None) -> list[Decision]:
    """Every e-mail the policy owes this week as of `now`, and why; three queries at most.

    The sweeper claims the decisions whose reason is DUE; the preview page shows them all.
    """
    now = _utc(now or timezone.now())
    if not policy.enabled:
        return []
    owners = _owners(now=now)
    managers = _managers(now=now) if policy.digest_enabled else {}
    periods = {owner.week.monday for owner in owners.values()}
    periods |= {week.monday for _recipient, week in managers.values()}
    existing = _existing(periods=periods) if periods else {}

    decisions: list[Decision] = []
    for owner in owners.values():
        decisions.extend(_person_decisions(owner=owner, policy=policy, now=now, existing=existing))
    for recipient, week in managers.values():
        moment = week.moment(weekday=policy.digest_weekday, at=policy.digest_time)
        found = existing.get((recipient.id, Kind.DIGEST, week.monday))
        if found:
            reason = Reason.ALREADY
        elif _utc(moment) > now:
            reason = Reason.NOT_YET
        else:
            reason = _blocked(recipient) or Reason.DUE
        decisions.append(
            Decision(
                recipient=recipient,
                kind=Kind.DIGEST,
                week=week,
                moment=moment,
                reason=reason,
                existing_status=found[0] if found else "",
            )
        )
    return decisions


def _person_decisions(
    *,
    owner: _Owner,
    policy: ReminderPolicy,
    now: datetime,
    existing: dict[tuple[int, str, date], tuple[str, datetime]],
) -> list[Decision]:
    recipient, week = owner.recipient, owner.week
    counts = {"due_count": owner.due_count, "open_count": owner.open_count}
    moment = week.moment(weekday=policy.weekday, at=policy.local_time)
    reminder = existing.get((recipient.id, Kind.REMINDER, week.monday))
    decisions = [
        Decision(
            recipient=recipient,
            kind=Kind.REMINDER,
            week=week,
            moment=moment,
            reason=_reason(
                recipient=recipient, found=reminder, moment=moment, now=now, due=owner.due_count
            ),
            existing_status=reminder[0] if reminder else "",
            **counts,
        )
    ]
    if not policy.nudge_after_days or reminder is None:
        return decisions
    status, sent_at = reminder
    if status != Status.SENT:
        return decisions
    # N days after the reminder actually went out (a late, caught-up reminder moves its nudge
    # along), at the same local time of day, and only within the same week.
    base = max(_utc(moment), sent_at).astimezone(week.tz)
    nudge_at = base + timedelta(days=policy.nudge_after_days)
    nudge = existing.get((recipient.id, Kind.NUDGE, week.monday))
    if nudge is None and _utc(nudge_at) >= _utc(week.ends_at):
        reason = Reason.NUDGE_NEXT_WEEK
    else:
        reason = _reason(
            recipient=recipient, found=nudge, moment=nudge_at, now=now, due=owner.due_count
        )
    decisions.append(
        Decision(
            recipient=recipient,
            kind=Kind.NUDGE,
            week=week,
            moment=nudge_at,
            reason=reason,
            existing_status=nudge[0] if nudge else "",
            **counts,
        )
    )
    return decisions


def _reason(
    *,
    recipient: Recipient,
    found: tuple[str, datetime] | None,
    moment: datetime,
    now: datetime,
    due: int,
) -> Reason:
    if found:
        return Reason.ALREADY
    if _utc(moment) > now:
        return Reason.NOT_YET
    if not due:
        return Reason.NOTHING_DUE
    return _blocked(recipient) or Reason.DUE


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
    now = _utc(now or timezone.now())
    policy = ReminderPolicy.current()
    decisions = plan_deliveries(policy=policy, now=now)
    wanted = [(d.recipient.id, d.kind, d.period) for d in decisions if d.send]
    with transaction.atomic():
        claimed = claim_deliveries(wanted, now=now) if wanted else []
        requeued = requeue_stalled(now=now)
        for delivery_id in [*claimed, *requeued]:
            transaction.on_commit(partial(_queue_send, delivery_id), robust=True)
    if claimed or requeued:
        logger.info("reminders: claimed %d, re-queued %d", len(claimed), len(requeued))
    return SweepResult(considered=len(decisions), claimed=claimed, requeued=requeued)


def _queue_send(delivery_id: int) -> None:
    from checkins.tasks import send_reminder_delivery  # the tasks module imports this one

    send_reminder_delivery.delay(delivery_id)


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


# --- Sending -------------------------------------------------------------------------------------


class DeliveryFailed(Exception):
    """A send failed in a way worth retrying; the row already records the attempt and error."""


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
        message = reminder_emails.compose(delivery=delivery, now=started)
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


# --- Policy, test e-mails and opting out ---------------------------------------------------------

POLICY_FIELDS = (
    "enabled",
    "weekday",
    "local_time",
    "nudge_after_days",
    "digest_enabled",
    "digest_weekday",
    "digest_time",
)


def update_reminder_policy(*, actor: User, **values: object) -> ReminderPolicy:
    """Save the installation's reminder policy. Admins only; the next sweep follows it."""
    if not permissions.can_manage_reminders(actor):
        raise PermissionDenied(_("Only admins change the reminder policy."))
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"not policy fields: {sorted(unknown)}")
    with transaction.atomic():
        policy = (
            ReminderPolicy.objects.select_for_update()
            .filter(pk=ReminderPolicy.SINGLETON_ID)
            .first()
        )
        creating = policy is None
        if creating:
            policy = ReminderPolicy(pk=ReminderPolicy.SINGLETON_ID)
        before = audit.capture(policy, audit.REMINDER_POLICY_FIELDS)
        for name, value in values.items():
            setattr(policy, name, value)
        policy.updated_at = timezone.now()
        policy.updated_by = actor
        policy.full_clean()
        if creating:
            policy.save(force_insert=True)
        else:
            policy.save(update_fields=[*values, "updated_at", "updated_by"])
        # Against the defaults when it was never saved: those were in force until now.
        changes = audit.changes_since(before, policy, audit.REMINDER_POLICY_FIELDS)
        if changes or creating:
            audit.record_event(
                actor=actor,
                action=AuditEvent.Action.UPDATED,
                subject_kind=AuditEvent.SubjectKind.REMINDER_POLICY,
                subject_id=policy.pk,
                subject_label=str(ReminderPolicy._meta.verbose_name),
                changes=changes,
            )
    return policy


def send_test_reminder(*, actor: User, kind: str, now: datetime | None = None) -> str:
    """E-mail the actor a sample of `kind` built from their own data, now and outside the
    exactly-once bookkeeping (it is not a delivery). Returns the address it went to."""
    if not permissions.can_manage_reminders(actor):
        raise PermissionDenied(_("Only admins send test reminders."))
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a reminder, a nudge or a digest.")})
    if not actor.email:
        raise ValidationError({"kind": _("Your account has no e-mail address to send to.")})
    message = reminder_emails.compose_test(user=actor, kind=kind, now=now or timezone.now())
    message.send()
    return actor.email


def unsubscribe_token(user: User) -> str:
    """A signed token that lets its holder turn this person's reminders off (and on), no login.

    The same for every e-mail to the person and without expiry: an unsubscribe link must keep
    working in an old e-mail, and all it can do is switch that person's e-mails off or on.
    """
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(user.pk)


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        user_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id).first()


def set_reminder_opt_out(*, actor: User, opted_out: bool) -> User:
    """Turn the actor's own reminder e-mails off or on (reminders, nudges and digests alike)."""
    with transaction.atomic():
        actor.reminders_opt_out = opted_out
        actor.save(update_fields=["reminders_opt_out"])
    return actor
