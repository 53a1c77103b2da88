"""Building blocks every page's selectors share: which cycle, and how a key result is scored."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone

import scoring
from objectives import permissions
from objectives.cycles.clock import local_today
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
