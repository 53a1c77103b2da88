"""Building blocks every page's selectors share: which cycle, and how a key result is scored."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone

import scoring
from objectives import permissions
from objectives.ids import is_id
from objectives.models import Cycle, KeyResult, Objective, User
from objectives.scoring_inputs import score_key_result, shown_kr_score, value_or_start


def request_cycles(request: HttpRequest) -> list[Cycle]:
    """Every cycle, newest first, loaded once per request: the header's switcher and the page
    resolving its own cycle share the one query (there are a handful of cycles a year)."""
    cycles = getattr(request, "_okr_all_cycles", None)
    if cycles is None:
        cycles = list(Cycle.objects.order_by("-start_date", "name"))
        request._okr_all_cycles = cycles
    return cycles


def resolve_cycle(
    *, requested: str | None, on: date, cycles: list[Cycle] | None = None
) -> Cycle | None:
    """The cycle a page shows: the one asked for (`?cycle=<id>`) when it exists, else the
    current one. A malformed or unknown id falls back to the current cycle rather than failing.
    With `cycles` (every cycle, from `request_cycles`) it asks the database nothing."""
    if cycles is not None:
        by_id = {c.pk: c for c in cycles}
        if requested and is_id(requested) and int(requested) in by_id:
            return by_id[int(requested)]
        return pick_current_cycle(cycles=cycles, on=on)
    if requested and is_id(requested):
        cycle = Cycle.objects.filter(pk=int(requested)).first()
        if cycle is not None:
            return cycle
    return current_cycle(on=on)


def current_cycle(*, on: date) -> Cycle | None:
    """The active cycle containing `on`; of overlapping ones (a year beside its quarters) the
    shortest, because that is the one people check in against week to week."""
    candidates = Cycle.objects.filter(
        state=Cycle.State.ACTIVE, start_date__lte=on, end_date__gte=on
    )
    return pick_current_cycle(cycles=candidates, on=on)


def pick_current_cycle(*, cycles: Iterable[Cycle], on: date) -> Cycle | None:
    """current_cycle's rule over cycles already loaded (the header's switcher has them all)."""
    return min(
        (c for c in cycles if c.state == Cycle.State.ACTIVE and c.start_date <= on <= c.end_date),
        key=lambda c: (c.end_date - c.start_date, -c.start_date.toordinal(), c.pk),
        default=None,
    )


@dataclass(frozen=True)
class KeyResultView:
    """A key result with everything `scoring` says about it on one day."""

    key_result: KeyResult
    progress: Decimal
    expected: Decimal
    score: Decimal
    status: scoring.StatusResult
    checked_in_this_week: bool
    due_this_week: bool
    can_check_in: bool
    # In a closed cycle the row shows its stored score and grade, not a status against today.
    closed: bool = False

    @property
    def current(self) -> Decimal:
        return value_or_start(key_result=self.key_result)

    @property
    def band(self) -> str:
        """The score's colour band for its objective's type (select the objective with it)."""
        objective_type = self.key_result.objective.objective_type
        return scoring.grade_band(score=self.score, objective_type=objective_type).value


@dataclass(frozen=True)
class ObjectiveView:
    objective: Objective
    progress: Decimal | None
    status: scoring.StatusResult | None
    rows: list[KeyResultView]
    # The score a closed cycle shows (the one stored when it closed); None while it is open.
    score: Decimal | None = None

    @property
    def band(self) -> str | None:
        if self.score is None:
            return None
        band = scoring.grade_band(score=self.score, objective_type=self.objective.objective_type)
        return band.value


def local_today(*, tz: ZoneInfo, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), tz).date()


def build_row(
    *,
    key_result: KeyResult,
    cycle: Cycle,
    scored: tuple[Decimal, Decimal, scoring.StatusResult],
    week_start: date,
    tz: ZoneInfo,
    can_check_in: bool,
) -> KeyResultView:
    progress, expected, status = scored
    last = key_result.last_checkin_at
    checked_in = last is not None and timezone.localtime(last, tz).date() >= week_start
    return KeyResultView(
        key_result=key_result,
        progress=progress,
        expected=expected,
        score=shown_kr_score(key_result=key_result, progress=progress, cycle=cycle),
        status=status,
        checked_in_this_week=checked_in,
        # A finished key result has nothing left to report: it is never "due".
        due_this_week=(
            cycle.accepts_checkins and not checked_in and status.status != scoring.Status.DONE
        ),
        can_check_in=can_check_in,
        closed=cycle.is_closed,
    )


def key_result_view(
    *, key_result_id: int, viewer: User, now: datetime | None = None
) -> KeyResultView:
    """One key result scored as the viewer sees it today (for a row outside My week)."""
    tz = viewer.tzinfo
    today = local_today(tz=tz, now=now)
    monday = scoring.week_start(day=today)
    kr = KeyResult.objects.select_related(
        "objective__cycle", "objective__owner_team", "objective__owner_user", "owner"
    ).get(pk=key_result_id)
    cycle = kr.objective.cycle
    return build_row(
        key_result=kr,
        cycle=cycle,
        scored=score_key_result(key_result=kr, cycle=cycle, on=today, tz=tz),
        week_start=monday,
        tz=tz,
        can_check_in=cycle.accepts_checkins and permissions.can_check_in(viewer, kr),
    )
