"""Who is due when: each person's week in their own time zone, and the plan of which reminder,
nudge and digest e-mails the installation's policy owes as of a moment, with the reason for each.

The sweeper (reminders/delivery.py) claims the decisions whose reason is DUE; the preview page
(reminders/selectors.py) shows them all. Nothing here writes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

from django.utils import timezone

import scoring
from checkins.models import ReminderDelivery, ReminderPolicy
from objectives.models import Cycle, KeyResult, Membership

Kind = ReminderDelivery.Kind
Status = ReminderDelivery.Status

# Any place on Earth is within these offsets of UTC, so "today" somewhere is one of the dates
# between now − 12 h and now + 14 h.
_EARLIEST_OFFSET = timedelta(hours=12)
_LATEST_OFFSET = timedelta(hours=14)

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


def as_utc(moment: datetime) -> datetime:
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
    now = as_utc(now or timezone.now())
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
        elif as_utc(moment) > now:
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
    base = max(as_utc(moment), sent_at).astimezone(week.tz)
    nudge_at = base + timedelta(days=policy.nudge_after_days)
    nudge = existing.get((recipient.id, Kind.NUDGE, week.monday))
    if nudge is None and as_utc(nudge_at) >= as_utc(week.ends_at):
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
    if as_utc(moment) > now:
        return Reason.NOT_YET
    if not due:
        return Reason.NOTHING_DUE
    return _blocked(recipient) or Reason.DUE
