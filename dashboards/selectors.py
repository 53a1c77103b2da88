"""Read side: load what a page needs in a fixed number of queries and score it with `scoring`."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

import scoring
from checkins.models import CheckIn
from objectives import permissions
from objectives.models import Cycle, KeyResult, Objective, User


def current_cycle(*, on: date) -> Cycle | None:
    """The active cycle containing `on`; of overlapping ones (a year beside its quarters) the
    shortest, because that is the one people check in against week to week."""
    candidates = Cycle.objects.filter(
        state=Cycle.State.ACTIVE, start_date__lte=on, end_date__gte=on
    )
    return min(
        candidates,
        key=lambda c: (c.end_date - c.start_date, -c.start_date.toordinal(), c.pk),
        default=None,
    )


def with_threshold_counts(queryset: QuerySet[KeyResult]) -> QuerySet[KeyResult]:
    """Annotate how many check-ins each key result has and how many met its target.

    Only at_least / at_most key results need the counts (their progress is the share of check-ins
    meeting the threshold); correlated subqueries keep it to the one query that loads the rows.
    """

    def count_of(condition: Q) -> Subquery:
        return Coalesce(
            Subquery(
                CheckIn.objects.filter(condition, key_result=OuterRef("pk"))
                .order_by()
                .values("key_result")
                .annotate(n=Count("id"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return queryset.annotate(
        checkins_total=count_of(Q()),
        checkins_met=count_of(
            Q(key_result__kind=KeyResult.Kind.AT_LEAST, value__gte=OuterRef("target_value"))
            | Q(key_result__kind=KeyResult.Kind.AT_MOST, value__lte=OuterRef("target_value"))
        ),
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

    @property
    def current(self) -> Decimal:
        kr = self.key_result
        return kr.start_value if kr.current_value is None else kr.current_value


@dataclass(frozen=True)
class ObjectiveView:
    objective: Objective
    progress: Decimal | None
    status: scoring.StatusResult | None
    rows: list[KeyResultView]


@dataclass(frozen=True)
class MyWeek:
    cycle: Cycle | None
    today: date
    week_start: date
    week_end: date
    expected: Decimal | None
    objectives: list[ObjectiveView]
    progress: Decimal | None

    @property
    def rows(self) -> list[KeyResultView]:
        return [row for objective in self.objectives for row in objective.rows]

    @property
    def due_count(self) -> int:
        return sum(row.due_this_week for row in self.rows)

    @property
    def checked_in_count(self) -> int:
        return sum(row.checked_in_this_week for row in self.rows)

    def objective_view(self, objective_id: int) -> ObjectiveView | None:
        return next((o for o in self.objectives if o.objective.pk == objective_id), None)

    def row(self, key_result_id: int) -> KeyResultView | None:
        return next((r for r in self.rows if r.key_result.pk == key_result_id), None)


def local_today(*, tz: ZoneInfo, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), tz).date()


def score_key_result(
    *, key_result: KeyResult, cycle: Cycle, on: date, tz: ZoneInfo
) -> tuple[Decimal, Decimal, scoring.StatusResult]:
    """(progress, expected, status) of one key result; needs the threshold-count annotations."""
    kr = key_result
    progress = scoring.kr_progress(
        kind=kr.kind,
        start=kr.start_value,
        target=kr.target_value,
        current=kr.current_value,
        checkins_met=getattr(kr, "checkins_met", 0),
        checkins_total=getattr(kr, "checkins_total", 0),
    )
    expected = scoring.expected_progress(on=on, start=cycle.start_date, end=cycle.end_date)
    last_checkin = timezone.localtime(kr.last_checkin_at, tz).date() if kr.last_checkin_at else None
    status = scoring.kr_status(
        kind=kr.kind,
        progress=progress,
        expected=expected,
        current=kr.current_value,
        start=kr.start_value,
        target=kr.target_value,
        confidence=kr.last_confidence,
        last_checkin=last_checkin,
        cycle_start=cycle.start_date,
        on=on,
    )
    return progress, expected, status


def _row(
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
        score=scoring.kr_score(progress=progress, final_grade=key_result.final_grade),
        status=status,
        checked_in_this_week=checked_in,
        # A finished key result has nothing left to report: it is never "due".
        due_this_week=(
            cycle.accepts_checkins and not checked_in and status.status != scoring.Status.DONE
        ),
        can_check_in=can_check_in,
    )


def my_week(*, user: User, now: datetime | None = None, cycle: Cycle | None = None) -> MyWeek:
    """The signed-in person's key results in the current cycle, grouped by objective.

    Weeks run Monday to Sunday in the person's own time zone, the same week their reminders use.
    Two queries whatever the number of key results: the cycle, then every key result of the
    objectives the person holds a key result in (the others are needed for objective progress).
    """
    tz = user.tzinfo
    today = local_today(tz=tz, now=now)
    monday, sunday = scoring.week_bounds(day=today)
    if cycle is None:
        cycle = current_cycle(on=today)
    if cycle is None:
        return MyWeek(None, today, monday, sunday, None, [], None)

    my_objective_ids = KeyResult.objects.filter(
        owner=user, archived=False, objective__cycle=cycle, objective__archived=False
    ).values("objective_id")
    key_results = with_threshold_counts(
        KeyResult.objects.filter(objective_id__in=my_objective_ids, archived=False)
        .select_related("objective__owner_team", "objective__owner_user", "owner")
        .order_by("objective_id", "order", "id")
    )

    by_objective: dict[int, tuple[Objective, list[KeyResultView], list[tuple[Decimal, Decimal]]]]
    by_objective = {}
    statuses: dict[int, list[scoring.Status]] = {}
    expected = scoring.expected_progress(on=today, start=cycle.start_date, end=cycle.end_date)
    for kr in key_results:
        kr.objective.cycle = cycle
        progress, _kr_expected, status = score_key_result(
            key_result=kr, cycle=cycle, on=today, tz=tz
        )
        objective, rows, weighted = by_objective.setdefault(kr.objective_id, (kr.objective, [], []))
        weighted.append((kr.weight, progress))
        statuses.setdefault(kr.objective_id, []).append(status.status)
        if kr.owner_id != user.pk:
            continue
        rows.append(
            _row(
                key_result=kr,
                cycle=cycle,
                scored=(progress, expected, status),
                week_start=monday,
                tz=tz,
                can_check_in=cycle.accepts_checkins,
            )
        )

    objectives = [
        ObjectiveView(
            objective=objective,
            progress=scoring.objective_progress(key_results=weighted),
            status=scoring.objective_status(statuses=statuses[objective_id]),
            rows=rows,
        )
        for objective_id, (objective, rows, weighted) in by_objective.items()
    ]
    return MyWeek(
        cycle=cycle,
        today=today,
        week_start=monday,
        week_end=sunday,
        expected=expected,
        objectives=objectives,
        progress=scoring.mean_progress(values=[o.progress for o in objectives]),
    )


def key_result_view(
    *, key_result_id: int, viewer: User, now: datetime | None = None
) -> KeyResultView:
    """One key result scored as the viewer sees it today (for a row outside My week)."""
    tz = viewer.tzinfo
    today = local_today(tz=tz, now=now)
    monday = scoring.week_start(day=today)
    kr = with_threshold_counts(
        KeyResult.objects.select_related(
            "objective__cycle", "objective__owner_team", "objective__owner_user", "owner"
        )
    ).get(pk=key_result_id)
    cycle = kr.objective.cycle
    return _row(
        key_result=kr,
        cycle=cycle,
        scored=score_key_result(key_result=kr, cycle=cycle, on=today, tz=tz),
        week_start=monday,
        tz=tz,
        can_check_in=cycle.accepts_checkins and permissions.can_check_in(viewer, kr),
    )
