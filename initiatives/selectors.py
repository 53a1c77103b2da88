"""Reads of initiatives, each in a fixed number of queries whatever their number.

- `key_result_initiatives`: one key result's list, for its page and its inline panel (one query,
  plus what the viewer's edit permission on the key result asks).
- `initiative_counts`: total, done, overdue and blocked for many key results at once (one query).
- `my_overdue_and_blocked`: a person's own late or stuck initiatives in a cycle (one query, plus
  the managed teams of the visibility filter).
- `week_initiatives`: My week's counts and the person's own late or stuck ones, in one query.

Callers pass key results the viewer may see; an initiative is visible exactly when its key
result is. "Overdue" is initiatives/overdue.py's rule, judged on each owner's own calendar.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from initiatives.models import Initiative
from initiatives.overdue import candidates_q, is_overdue
from initiatives.services import archived_message
from objectives import permissions
from objectives.cycles.services import closed_cycle_message
from objectives.models import Cycle, KeyResult, User

OWNER_FIELDS = ("owner__display_name", "owner__first_name", "owner__last_name")
OWNER_FIELDS += ("owner__username", "owner__time_zone", "owner__is_active")
INITIATIVE_FIELDS = ("key_result_id", "title", "owner_id", "due_date", "status", "priority")
INITIATIVE_FIELDS += ("link", "completed_at", "created_at", "updated_at")
PRIORITY_RANK = {
    Initiative.Priority.HIGH: 0,
    Initiative.Priority.MEDIUM: 1,
    Initiative.Priority.LOW: 2,
}


@dataclass(frozen=True)
class InitiativeCounts:
    total: int = 0
    done: int = 0
    overdue: int = 0
    blocked: int = 0


NO_INITIATIVES = InitiativeCounts()


@dataclass(frozen=True)
class InitiativeItem:
    initiative: Initiative
    overdue: bool
    can_edit: bool


@dataclass(frozen=True)
class InitiativeList:
    key_result: KeyResult
    items: list[InitiativeItem]
    counts: InitiativeCounts
    can_add: bool  # may add (and the cycle and key result take changes now)
    refusal: str  # why the viewer, who may plan this key result, cannot now (closed, archived)


def _open_for_changes(key_result: KeyResult) -> str:
    """Why the key result's initiatives cannot change now; empty when they can."""
    objective = key_result.objective
    if objective.cycle.is_closed:
        return closed_cycle_message(objective.cycle)
    return archived_message(key_result)


def _sort_key(item: InitiativeItem) -> tuple:
    initiative = item.initiative
    return (
        initiative.is_done,
        initiative.due_date,
        PRIORITY_RANK.get(initiative.priority, 1),
        initiative.pk,
    )


def counts_of(items: Iterable[InitiativeItem]) -> InitiativeCounts:
    total = done = overdue = blocked = 0
    for item in items:
        total += 1
        done += item.initiative.is_done
        overdue += item.overdue
        blocked += item.initiative.status == Initiative.Status.BLOCKED
    return InitiativeCounts(total=total, done=done, overdue=overdue, blocked=blocked)


def key_result_initiatives(
    *, key_result: KeyResult, viewer: User, now: datetime | None = None
) -> InitiativeList:
    """A key result's initiatives, open ones first by due date, then the done ones.

    `key_result` comes with its objective and cycle loaded and is one the viewer may see. One
    query (the initiatives with their owners), plus the key result's edit permission (none for
    its owner; a manager's teams are asked once).
    """
    now = now or timezone.now()
    initiatives = list(
        Initiative.objects.filter(key_result_id=key_result.pk)
        .select_related("owner")
        .only(*INITIATIVE_FIELDS, *OWNER_FIELDS)
    )
    may_edit = permissions.initiative_edit_rule(viewer, key_result)
    refusal = _open_for_changes(key_result)
    items = []
    for initiative in initiatives:
        initiative.key_result = key_result
        items.append(
            InitiativeItem(
                initiative=initiative,
                overdue=is_overdue(
                    due_date=initiative.due_date,
                    status=initiative.status,
                    owner_tz=initiative.owner.time_zone,
                    now=now,
                ),
                can_edit=may_edit(initiative),
            )
        )
    items.sort(key=_sort_key)
    can_plan = permissions.can_add_initiative(viewer, key_result)
    # Only those who could change something are told why they cannot now.
    writes_here = can_plan or any(item.can_edit for item in items)
    if refusal:
        items = [InitiativeItem(item.initiative, item.overdue, False) for item in items]
    return InitiativeList(
        key_result=key_result,
        items=items,
        counts=counts_of(items),
        can_add=can_plan and not refusal,
        refusal=refusal if writes_here else "",
    )


def initiative_counts(
    *, key_result_ids: Iterable[int], now: datetime | None = None
) -> dict[int, InitiativeCounts]:
    """Total, done, overdue (in each owner's time zone) and blocked initiatives of each key
    result; key results without any are left out (NO_INITIATIVES stands in). One query: rows
    alike in key result, status, due date and owner's time zone are counted together."""
    ids = list(key_result_ids)
    if not ids:
        return {}
    now = now or timezone.now()
    rows = (
        Initiative.objects.filter(key_result_id__in=ids)
        .order_by()
        .values_list("key_result_id", "status", "due_date", "owner__time_zone")
        .annotate(n=Count("id"))
    )
    tallies = _Tallies(now=now)
    for key_result_id, status, due_date, owner_tz, n in rows:
        tallies.add(key_result_id, status=status, due_date=due_date, owner_tz=owner_tz, n=n)
    return tallies.counts()


class _Tallies:
    """Initiatives counted per key result: total, done, overdue (on each owner's calendar) and
    blocked."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.by_key_result: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    def add(
        self, key_result_id: int, *, status: str, due_date: date | None, owner_tz: str, n: int = 1
    ) -> None:
        tally = self.by_key_result[key_result_id]
        tally[0] += n
        if status == Initiative.Status.DONE:
            tally[1] += n
        elif is_overdue(due_date=due_date, status=status, owner_tz=owner_tz, now=self.now):
            tally[2] += n
        if status == Initiative.Status.BLOCKED:
            tally[3] += n

    def counts(self) -> dict[int, InitiativeCounts]:
        return {
            key_result_id: InitiativeCounts(total=t[0], done=t[1], overdue=t[2], blocked=t[3])
            for key_result_id, t in self.by_key_result.items()
        }


def _mine_q(*, user: User, cycle: Cycle, now: datetime) -> Q:
    """The person's own initiatives in `cycle` that may be overdue or are blocked, on live key
    results they may see (Python's `is_overdue` then decides exactly)."""
    return (
        (candidates_q(now=now) | Q(status=Initiative.Status.BLOCKED))
        & Q(
            owner=user,
            key_result__archived=False,
            key_result__objective__archived=False,
            key_result__objective__cycle=cycle,
        )
        & permissions.visible_objectives_q(user, prefix="key_result__objective__")
    )


def _mine(
    initiatives: Iterable[Initiative], *, user: User, cycle: Cycle, now: datetime
) -> list[InitiativeItem]:
    """Of `initiatives` (each the person's own, on a key result they see), the overdue and the
    blocked ones, most overdue first."""
    # can_edit_initiative's owner rule lets them change each, unless their seat is read-only or
    # the cycle is closed. No scope needed.
    may_change = permissions.may_write(user) and not cycle.is_closed
    items = []
    for initiative in initiatives:
        initiative.owner = user
        overdue = is_overdue(
            due_date=initiative.due_date,
            status=initiative.status,
            owner_tz=user.time_zone,
            now=now,
        )
        if not (overdue or initiative.status == Initiative.Status.BLOCKED):
            continue
        items.append(InitiativeItem(initiative=initiative, overdue=overdue, can_edit=may_change))
    items.sort(key=_sort_key)
    return items


def my_overdue_and_blocked(
    *, user: User, cycle: Cycle | None, now: datetime | None = None
) -> list[InitiativeItem]:
    """The person's own initiatives in `cycle` that are overdue or blocked, on live key results
    they may see, most overdue first. One query (plus the managed teams `visible_objectives_q`
    asks for)."""
    if cycle is None or not user.is_authenticated:
        return []
    now = now or timezone.now()
    rows = (
        Initiative.objects.filter(_mine_q(user=user, cycle=cycle, now=now))
        .select_related("key_result")
        .only(*INITIATIVE_FIELDS, "key_result__title")
    )
    return _mine(rows, user=user, cycle=cycle, now=now)


@dataclass(frozen=True)
class WeekInitiatives:
    counts: dict[int, InitiativeCounts]  # as `initiative_counts` answers
    mine: list[InitiativeItem]  # as `my_overdue_and_blocked` answers


def week_initiatives(
    *, user: User, cycle: Cycle | None, key_result_ids: Iterable[int], now: datetime | None = None
) -> WeekInitiatives:
    """My week's two reads of initiatives in one query: the counts under each of the person's
    key results (`key_result_ids`, which are theirs and in `cycle`) and their own overdue and
    blocked initiatives anywhere in the cycle (plus the managed teams `visible_objectives_q`
    asks for)."""
    ids = set(key_result_ids)
    if cycle is None or not user.is_authenticated:
        return WeekInitiatives(counts=initiative_counts(key_result_ids=ids, now=now), mine=[])
    now = now or timezone.now()
    rows = (
        Initiative.objects.filter(
            Q(key_result_id__in=ids) | _mine_q(user=user, cycle=cycle, now=now)
        )
        .select_related("key_result", "owner")
        .only(*INITIATIVE_FIELDS, "key_result__title", "owner__time_zone")
    )
    tallies = _Tallies(now=now)
    own = []
    for initiative in rows:
        # A row of another key result came in through _mine_q; on the person's own key results
        # (live, in the cycle, on their page) every one of theirs is a candidate.
        if initiative.owner_id == user.pk:
            own.append(initiative)
        if initiative.key_result_id in ids:
            tallies.add(
                initiative.key_result_id,
                status=initiative.status,
                due_date=initiative.due_date,
                owner_tz=initiative.owner.time_zone,
            )
    return WeekInitiatives(
        counts=tallies.counts(), mine=_mine(own, user=user, cycle=cycle, now=now)
    )
