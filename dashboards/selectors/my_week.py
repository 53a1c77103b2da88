"""My week: the signed-in person's key results in a cycle, ready for their weekly check-in."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db import connection

import scoring
from checkins.models import ReminderDelivery
from dashboards.cache import owner_scopes
from dashboards.selectors.common import KeyResultView, ObjectiveView, build_row, score_key_result
from initiatives.selectors import (
    InitiativeCounts,
    InitiativeItem,
    WeekInitiatives,
    week_initiatives,
)
from objectives import permissions
from objectives.cycles.clock import local_today
from objectives.cycles.selectors import resolve_cycle
from objectives.models import Cycle, KeyResult, Objective, User
from objectives.scoring_inputs import shown_kr_score, shown_objective_score

KEY_RESULT_FIELDS = ("objective_id", "title", "owner_id", "kind", "unit", "start_value")
KEY_RESULT_FIELDS += ("target_value", "weight", "order", "archived", "version", "current_value")
KEY_RESULT_FIELDS += ("last_confidence", "last_checkin_at", "checkins_total", "checkins_met")
KEY_RESULT_FIELDS += ("final_grade", "grade_note", "frozen_score", "updated_at", "created_at")
OBJECTIVE_FIELDS = tuple(
    f"objective__{name}"
    for name in (
        "cycle_id",
        "title",
        "owner_team_id",
        "owner_user_id",
        "parent_id",
        "objective_type",
        "visibility",
        "archived",
        "version",
        "frozen_score",
    )
)
OBJECTIVE_FIELDS += ("objective__owner_team__name", "objective__owner_team__is_root")
OBJECTIVE_FIELDS += ("objective__owner_team__slug", "objective__owner_team__parent_id")
OBJECTIVE_FIELDS += tuple(
    f"objective__owner_user__{name}"
    for name in ("display_name", "first_name", "last_name", "username", "is_active")
)


@dataclass(frozen=True)
class SentReminder:
    kind: str  # ReminderDelivery.Kind: reminder or nudge
    sent_at: datetime


@dataclass(frozen=True)
class WeekHead:
    """Which cycle and which week My week is about (the person's own Monday to Sunday)."""

    user: User
    cycle: Cycle | None
    today: date
    week_start: date
    week_end: date

    @cached_property
    def reminder_sent(self) -> "SentReminder | None":
        """This week's latest reminder e-mail that went out (reminder or nudge), if any.

        One query, made when the page shows it: e-mails sent are no data the read cache keys
        on, so the page asks on every request.
        """
        found = (
            ReminderDelivery.objects.filter(
                user=self.user,
                period=self.week_start,
                kind__in=[ReminderDelivery.Kind.REMINDER, ReminderDelivery.Kind.NUDGE],
                status=ReminderDelivery.Status.SENT,
            )
            .order_by("-sent_at")
            .values_list("kind", "sent_at")
            .first()
        )
        return SentReminder(kind=found[0], sent_at=found[1]) if found else None


def week_head(
    *,
    user: User,
    now: datetime | None = None,
    requested_cycle: str | None = None,
    cycles: list[Cycle] | None = None,
    cycle: Cycle | None = None,
) -> WeekHead:
    """The person's week and the cycle shown: no query when `cycles` (the request's) or the
    `cycle` itself is passed, else one."""
    today = local_today(tz=user.tzinfo, now=now)
    monday, sunday = scoring.week_bounds(day=today)
    if cycle is None:
        cycle = resolve_cycle(requested=requested_cycle, on=today, cycles=cycles)
    return WeekHead(user=user, cycle=cycle, today=today, week_start=monday, week_end=sunday)


# A union of two joins from the person's own rows (each an index scan of a few dozen), where
# "objectives of the cycle holding one of them" would filter the whole cycle. Written out: on every
# request, the ORM took longer to build it than the database to answer it.
_OWNERS_SQL = """
SELECT o.owner_team_id, o.owner_user_id
FROM objectives_keyresult k JOIN objectives_objective o ON o.id = k.objective_id
WHERE k.owner_id = %(person)s AND o.cycle_id = %(cycle)s
UNION
SELECT o.owner_team_id, o.owner_user_id
FROM initiatives_initiative i
JOIN objectives_keyresult k ON k.id = i.key_result_id
JOIN objectives_objective o ON o.id = k.objective_id
WHERE i.owner_id = %(person)s AND o.cycle_id = %(cycle)s
"""


def my_week_scopes(*, user: User, cycle: Cycle) -> list[str]:
    """What My week reads, as read-cache scopes (dashboards/cache.py): the owners of the
    objectives in `cycle` where the person holds a key result (the page's rows, and their
    objectives' other key results) or an initiative (their overdue and blocked ones). Any write
    under those objectives raises their owner's scope; a key result or an initiative given to
    the person elsewhere adds an owner to this list. One query."""
    with connection.cursor() as cursor:
        cursor.execute(_OWNERS_SQL, {"person": user.pk, "cycle": cycle.pk})
        owners = cursor.fetchall()
    # The person's own scope always: their own objectives, even before they hold anything.
    team_ids, person_ids = set(), {user.pk}
    for team_id, person_id in owners:
        if person_id is not None:
            person_ids.add(person_id)
        else:
            team_ids.add(team_id)
    return owner_scopes(team_ids=team_ids, person_ids=person_ids)


@dataclass(frozen=True)
class MyWeek:
    cycle: Cycle | None
    today: date
    week_start: date
    week_end: date
    expected: Decimal | None
    objectives: list[ObjectiveView]
    progress: Decimal | None
    user: User | None = None

    @property
    def closed(self) -> bool:
        """A closed cycle is history: its page shows the scores stored when it closed, as the
        cycle report does, not statuses measured against today."""
        return self.cycle is not None and self.cycle.is_closed

    @property
    def score(self) -> Decimal | None:
        """The mean of my objectives' scores (the stored ones once the cycle is closed)."""
        return scoring.mean_progress(values=[o.score for o in self.objectives])

    @property
    def rows(self) -> list[KeyResultView]:
        return [row for objective in self.objectives for row in objective.rows]

    @property
    def due_count(self) -> int:
        return sum(row.due_this_week for row in self.rows)

    @property
    def checked_in_count(self) -> int:
        return sum(row.checked_in_this_week for row in self.rows)

    @cached_property
    def _initiatives(self) -> WeekInitiatives:
        """Each row's initiatives counted and the person's own overdue and blocked ones, one
        query (plus their permission scope) made when the page shows them."""
        return week_initiatives(
            user=self.user or AnonymousUser(),
            cycle=self.cycle,
            key_result_ids=[row.key_result.pk for row in self.rows],
        )

    @property
    def initiative_counts(self) -> dict[int, InitiativeCounts]:
        return self._initiatives.counts

    @property
    def my_initiatives(self) -> list[InitiativeItem]:
        return self._initiatives.mine

    def objective_view(self, objective_id: int) -> ObjectiveView | None:
        return next((o for o in self.objectives if o.objective.pk == objective_id), None)

    def row(self, key_result_id: int) -> KeyResultView | None:
        return next((r for r in self.rows if r.key_result.pk == key_result_id), None)


def my_week(
    *,
    user: User,
    now: datetime | None = None,
    requested_cycle: str | None = None,
    cycles: list[Cycle] | None = None,
    cycle: Cycle | None = None,
    head: WeekHead | None = None,
) -> MyWeek:
    """The signed-in person's key results in the current cycle, grouped by objective.

    Weeks run Monday to Sunday in the person's own time zone, the same week their reminders use.
    Two queries whatever the number of key results: the cycle (none when the request's
    `cycles` are passed, or the `cycle` itself: a check-in's answer passes its key result's,
    the one the page showing that key result's row is on, or the page's `head`), then every key
    result of the objectives the person holds a key result in (the others are needed for
    objective progress).
    """
    tz = user.tzinfo
    if head is None:
        head = week_head(
            user=user, now=now, requested_cycle=requested_cycle, cycles=cycles, cycle=cycle
        )
    cycle, today, monday, sunday = head.cycle, head.today, head.week_start, head.week_end
    if cycle is None:
        return MyWeek(None, today, monday, sunday, None, [], None)

    # The cycle and archive conditions sit on the outer query's objective (the same one), so
    # the subquery reads one table and the planner has one join fewer to weigh.
    my_objective_ids = KeyResult.objects.filter(owner=user, archived=False).values("objective_id")
    # Owners are not loaded: the page shows only the person's own key results (the others of
    # their objectives count towards the objectives' progress only). Of the rest, only what the
    # page, the scoring and the check-in rule read.
    key_results = (
        KeyResult.objects.filter(
            objective_id__in=my_objective_ids,
            objective__cycle=cycle,
            objective__archived=False,
            archived=False,
        )
        .select_related("objective__owner_team", "objective__owner_user")
        .only(*KEY_RESULT_FIELDS, *OBJECTIVE_FIELDS)
        .order_by("objective_id", "order", "id")
    )

    by_objective: dict[int, tuple[Objective, list[KeyResultView], list[tuple[Decimal, Decimal]]]]
    by_objective = {}
    statuses: dict[int, list[scoring.Status]] = {}
    scores: dict[int, list[tuple[Decimal, Decimal]]] = {}
    expected = scoring.expected_progress(on=today, start=cycle.start_date, end=cycle.end_date)
    for kr in key_results:
        kr.objective.cycle = cycle
        progress, _kr_expected, status = score_key_result(
            key_result=kr, cycle=cycle, on=today, tz=tz
        )
        objective, rows, weighted = by_objective.setdefault(kr.objective_id, (kr.objective, [], []))
        weighted.append((kr.weight, progress))
        statuses.setdefault(kr.objective_id, []).append(status.status)
        if cycle.is_closed:
            scores.setdefault(kr.objective_id, []).append(
                (kr.weight, shown_kr_score(key_result=kr, progress=progress, cycle=cycle))
            )
        if kr.owner_id != user.pk:
            continue
        kr.owner = user
        rows.append(
            build_row(
                key_result=kr,
                cycle=cycle,
                scored=(progress, expected, status),
                week_start=monday,
                tz=tz,
                # The person's own key result: no query, and no to a read-only seat.
                can_check_in=cycle.accepts_checkins and permissions.can_check_in(user, kr),
            )
        )

    objectives = [
        ObjectiveView(
            objective=objective,
            progress=scoring.objective_progress(key_results=weighted),
            status=scoring.objective_status(statuses=statuses[objective_id]),
            rows=rows,
            score=(
                shown_objective_score(
                    objective=objective, weighted_scores=scores[objective_id], cycle=cycle
                )
                if cycle.is_closed
                else None
            ),
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
        user=user,
    )
