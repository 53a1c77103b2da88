"""The overdue rule, in one place: past its due date and not done, where "past" is judged on the
owner's own calendar (their time zone), so an initiative due Monday is overdue from Tuesday
00:00 where its owner lives, not where the server is.

Queries cannot compare with each owner's local date portably (SQLite has no time zones), so
`candidates_q` narrows in SQL to rows that may be overdue somewhere on Earth, and `is_overdue`
decides each one exactly in Python.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from initiatives.models import Initiative

# No time zone is more than 14 hours ahead of UTC: nobody's today is after UTC's tomorrow.
_LATEST_LOCAL_DAY_AHEAD = timedelta(days=1)


def owner_today(*, tz_name: str, now: datetime | None = None) -> date:
    try:
        tz = ZoneInfo(tz_name)
    except (ValueError, KeyError):
        tz = ZoneInfo("UTC")
    return timezone.localtime(now or timezone.now(), tz).date()


def past_due(*, due_date: date, status: str, today: date) -> bool:
    """The rule itself, where `today` is already the owner's local date."""
    return status != Initiative.Status.DONE and due_date < today


def is_overdue(*, due_date: date, status: str, owner_tz: str, now: datetime | None = None) -> bool:
    return past_due(due_date=due_date, status=status, today=owner_today(tz_name=owner_tz, now=now))


def candidates_q(*, now: datetime | None = None, prefix: str = "") -> Q:
    """Q for the initiatives that might be overdue for their owner at `now` (a superset)."""
    utc_today = (now or timezone.now()).astimezone(ZoneInfo("UTC")).date()
    return ~Q(**{f"{prefix}status": Initiative.Status.DONE}) & Q(
        **{f"{prefix}due_date__lt": utc_today + _LATEST_LOCAL_DAY_AHEAD}
    )
