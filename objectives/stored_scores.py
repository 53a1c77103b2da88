"""Every key result's and objective's numbers, worked out by `scoring` and stored when they change.

Pages that show a team, a cycle or the whole company add up stored columns instead of scoring
tens of thousands of key results on each request. What is stored, and what it depends on:

- a key result's progress: its own columns and check-in counts (never the date); its score: the
  progress or its final grade, frozen once its cycle closes; its band: the score and its
  objective's type;
- its status and "no update" flag: those and the day. Stored with `status_until`, the first day
  they may change if nothing else does (`scoring.kr_status_changes_on`); the periodic task
  `refresh_due_statuses` recomputes those whose day has come;
- an objective's progress, score, band and status: from its key results' (status: from their
  statuses). An objective without key results takes the mean progress of the objectives aligned
  to it (archived ones aside), so a change walks up the alignment chain;
- an objective's counts of its key results by status and by band, and the Monday of the latest
  week any of them was checked in with how many were last checked in that week: pages that add
  up a whole cycle read these off its objectives.

The day is the company's, held within each cycle's dates (objectives/cycles/clock.py), as every
page reads it. Shares are stored to `scoring.STORED_PLACES` places (`scoring.stored_share`);
an objective's numbers are made of its key results' unrounded ones, and one without key results
of its children's stored progress, so what is stored is exactly what `scoring` gives the rows.

Every write that moves one of these numbers calls `refresh` in its own transaction (check-ins,
edits, archiving, grading, closing, alignment); bulk writes (the load data, migrations) call
`refresh_cycles` at their end. `recompute` compares everything with `scoring` applied to the rows
and reports (and, when asked, repairs) any drift: the `recompute_scores` command.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL

import scoring
from objectives.cycles.clock import Clock, company_tz, cycle_clock, local_today
from objectives.models import Cycle, KeyResult, Objective
from objectives.scoring_inputs import (
    KeyResultRow,
    band_of,
    key_result_progress,
    key_result_status,
    key_result_status_changes_on,
    local_date,
    shown_kr_score,
    shown_objective_score,
)


@dataclass(frozen=True)
class KeyResultNumbers:
    progress: Decimal
    score: Decimal
    band: str
    status: str
    no_update: bool
    status_until: date | None


@dataclass(frozen=True)
class ObjectiveNumbers:
    progress: Decimal | None
    score: Decimal | None
    band: str  # "" with no score
    status: str  # "" with no key results
    key_result_count: int
    done_count: int
    on_track_count: int
    at_risk_count: int
    behind_count: int
    red_count: int
    yellow_count: int
    green_count: int
    checked_week: date | None  # the Monday of the latest check-in of any of its key results
    checked_week_count: int  # how many key results were last checked in that week


KEY_RESULT_COLUMNS = tuple(f.name for f in fields(KeyResultNumbers))
OBJECTIVE_COLUMNS = tuple(f.name for f in fields(ObjectiveNumbers))


class _KeyResult(NamedTuple):
    pk: int
    objective_id: int
    archived: bool
    weight: Decimal
    row: KeyResultRow
    stored: KeyResultNumbers


class _Objective(NamedTuple):
    pk: int
    parent_id: int | None
    archived: bool
    objective_type: str
    frozen_score: Decimal | None
    cycle: Cycle
    stored: ObjectiveNumbers


@dataclass(frozen=True)
class Drift:
    """What `recompute` found stored otherwise than `scoring` says: (id, stored, computed)."""

    key_results: list[tuple[int, KeyResultNumbers, KeyResultNumbers]]
    objectives: list[tuple[int, ObjectiveNumbers, ObjectiveNumbers]]

    def __bool__(self) -> bool:
        return bool(self.key_results or self.objectives)


# --- Reading the rows ----------------------------------------------------------------------------

_OBJECTIVE_FIELDS = (
    "pk",
    "parent_id",
    "archived",
    "objective_type",
    "frozen_score",
    "cycle_id",
    "cycle__start_date",
    "cycle__end_date",
    "cycle__state",
    *OBJECTIVE_COLUMNS,
)
_KEY_RESULT_FIELDS = (
    "pk",
    "objective_id",
    "archived",
    "weight",
    *KeyResultRow._fields,
    *KEY_RESULT_COLUMNS,
)


def _load(
    rows: QuerySet[Objective],
) -> tuple[dict[int, _Objective], dict[int, list[_KeyResult]]]:
    """The objectives, and their key results (archived ones too) by objective; one query (the
    key results joined to their objectives)."""
    cycles: dict[int, Cycle] = {}
    objectives: dict[int, _Objective] = {}
    key_results: dict[int, list[_KeyResult]] = {}
    split = len(_OBJECTIVE_FIELDS)
    columns = (*_OBJECTIVE_FIELDS, *(f"key_results__{name}" for name in _KEY_RESULT_FIELDS))
    for values in rows.order_by("pk", "key_results__pk").values_list(*columns):
        pk = values[0]
        if pk not in objectives:
            _, parent_id, archived, objective_type, frozen, cycle_id, start, end, state = values[:9]
            cycle = cycles.get(cycle_id)
            if cycle is None:
                cycle = cycles[cycle_id] = Cycle(
                    pk=cycle_id, start_date=start, end_date=end, state=state
                )
            objectives[pk] = _Objective(
                pk,
                parent_id,
                archived,
                objective_type,
                frozen,
                cycle,
                ObjectiveNumbers(*values[9:split]),
            )
        kr_pk, objective_id, archived, weight, *rest = values[split:]
        if kr_pk is None:
            continue
        count = len(KeyResultRow._fields)
        key_results.setdefault(objective_id, []).append(
            _KeyResult(
                kr_pk,
                objective_id,
                archived,
                weight,
                KeyResultRow(*rest[:count]),
                KeyResultNumbers(*rest[count:]),
            )
        )
    return objectives, key_results


def _with_ancestors(objective_ids: Collection[int]) -> RawSQL:
    """The ids given and of every objective they are aligned under, as a subquery (a recursive
    one, which both databases run; UNION stops at a loop, should one ever exist)."""
    table = connection.ops.quote_name(Objective._meta.db_table)
    marks = ", ".join(["%s"] * len(objective_ids))
    return RawSQL(
        f"WITH RECURSIVE chain(id) AS ("
        f"SELECT id FROM {table} WHERE id IN ({marks}) "
        f"UNION SELECT o.parent_id FROM {table} o JOIN chain ON o.id = chain.id "
        f"WHERE o.parent_id IS NOT NULL) SELECT id FROM chain",
        tuple(objective_ids),
    )


# --- Working the numbers out ---------------------------------------------------------------------


class _Calculation:
    """The numbers of a set of objectives and their key results, from their rows; no query."""

    def __init__(
        self,
        *,
        objectives: dict[int, _Objective],
        key_results: dict[int, list[_KeyResult]],
        children: dict[int, list[tuple[int, bool, Decimal | None]]],
        now: datetime | None,
    ) -> None:
        self.objectives = objectives
        self.key_results = key_results
        self.children = children  # parent id -> (child id, archived, stored progress)
        self.now = now
        self._clocks: dict[int, Clock] = {}
        self.key_result_numbers: dict[int, KeyResultNumbers] = {}
        self.objective_numbers: dict[int, ObjectiveNumbers] = {}

    def run(self, targets: Iterable[int] | None = None) -> None:
        """Work out the `targets` (every objective loaded when None)."""
        for pk in self.objectives if targets is None else targets:
            self._objective(pk, frozenset())

    def _clock(self, cycle: Cycle) -> Clock:
        if cycle.pk not in self._clocks:
            self._clocks[cycle.pk] = cycle_clock(cycle=cycle, now=self.now)
        return self._clocks[cycle.pk]

    def _key_result(
        self, key_result: _KeyResult, objective: _Objective
    ) -> tuple[Decimal, Decimal, str]:
        """Stores the key result's numbers; returns its unrounded progress and score, and its
        status."""
        row, cycle = key_result.row, objective.cycle
        clock = self._clock(cycle)
        progress = key_result_progress(key_result=row)
        status = key_result_status(
            key_result=row,
            progress=progress,
            expected=clock.expected,
            cycle_start=cycle.start_date,
            on=clock.on,
            tz=clock.tz,
        )
        # Pages hold the day at the cycle's end: nothing moves after it, so a cycle whose end
        # has come (every closed one) needs no search for the next day.
        until = None
        if clock.on < cycle.end_date:
            until = key_result_status_changes_on(
                key_result=row,
                progress=progress,
                cycle_start=cycle.start_date,
                cycle_end=cycle.end_date,
                on=clock.on,
                tz=clock.tz,
            )
            if until is not None and until > cycle.end_date:
                until = None
        score = shown_kr_score(key_result=row, progress=progress, cycle=cycle)
        self.key_result_numbers[key_result.pk] = KeyResultNumbers(
            progress=scoring.stored_share(progress),
            score=scoring.stored_share(score),
            band=band_of(score=score, objective_type=objective.objective_type),
            status=status.status.value,
            no_update=status.stale,
            status_until=until,
        )
        return progress, score, status.status.value

    def _objective(self, pk: int, visiting: frozenset[int]) -> Decimal | None:
        """Stores the objective's numbers (and its key results'); returns its stored progress."""
        if pk in self.objective_numbers:
            return self.objective_numbers[pk].progress
        objective = self.objectives[pk]
        progresses, scores, statuses, bands, weeks = [], [], [], [], []
        tz = self._clock(objective.cycle).tz
        for key_result in self.key_results.get(pk, ()):
            progress, score, status = self._key_result(key_result, objective)
            if not key_result.archived:
                progresses.append((key_result.weight, progress))
                scores.append((key_result.weight, score))
                statuses.append(status)
                bands.append(self.key_result_numbers[key_result.pk].band)
                checked_on = local_date(moment=key_result.row.last_checkin_at, tz=tz)
                if checked_on is not None:
                    weeks.append(scoring.week_start(day=checked_on))
        if progresses:
            progress = scoring.objective_progress(key_results=progresses)
        else:
            progress = progress_of_children(
                [
                    self._child_progress(child, stored, visiting | {pk})
                    for child, archived, stored in self.children.get(pk, ())
                    if not archived and child not in visiting
                ]
            )
        score = shown_objective_score(
            objective=objective, weighted_scores=scores, cycle=objective.cycle
        )
        found = scoring.objective_status(statuses=statuses)
        numbers = ObjectiveNumbers(
            progress=None if progress is None else scoring.stored_share(progress),
            score=None if score is None else scoring.stored_share(score),
            band=band_of(score=score, objective_type=objective.objective_type) or "",
            status=found.status.value if found else "",
            key_result_count=len(progresses),
            done_count=statuses.count(scoring.Status.DONE),
            on_track_count=statuses.count(scoring.Status.ON_TRACK),
            at_risk_count=statuses.count(scoring.Status.AT_RISK),
            behind_count=statuses.count(scoring.Status.BEHIND),
            red_count=bands.count(scoring.Band.RED),
            yellow_count=bands.count(scoring.Band.YELLOW),
            green_count=bands.count(scoring.Band.GREEN),
            checked_week=max(weeks, default=None),
            checked_week_count=weeks.count(max(weeks)) if weeks else 0,
        )
        self.objective_numbers[pk] = numbers
        return numbers.progress

    def _child_progress(
        self, child: int, stored: Decimal | None, visiting: frozenset[int]
    ) -> Decimal | None:
        if child in self.objectives:
            return self._objective(child, visiting)
        return stored


def progress_of_children(values: list[Decimal | None]) -> Decimal | None:
    """The stored progress of an objective without key results of its own: the mean of its
    counted children's stored progress (None: none has any)."""
    mean = scoring.mean_progress(values=values)
    return None if mean is None else scoring.stored_share(mean)


def _children_of(parent_ids: Iterable[int]) -> dict[int, list[tuple[int, bool, Decimal | None]]]:
    children: dict[int, list[tuple[int, bool, Decimal | None]]] = {}
    rows = (
        Objective.objects.filter(parent_id__in=list(parent_ids))
        .order_by("pk")
        .values_list("pk", "parent_id", "archived", "progress")
    )
    for pk, parent_id, archived, progress in rows:
        children.setdefault(parent_id, []).append((pk, archived, progress))
    return children


# --- Writing them --------------------------------------------------------------------------------


def write_columns(
    model: type[Model], columns: tuple[str, ...], rows: dict[int, tuple[object, ...]]
) -> None:
    """Set `columns` of each row (id -> values) as the ORM would store them: one UPDATE on
    PostgreSQL (ids and values as arrays), one prepared UPDATE run for every row elsewhere.
    Django's bulk_update builds a CASE of hundreds of branches per batch instead."""
    if not rows:
        return
    fields_ = [model._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    prepared = [
        (*(f.get_db_prep_save(v, connection) for f, v in zip(fields_, values, strict=True)), pk)
        for pk, values in rows.items()
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [list(column) for column in zip(*prepared, strict=True)]
            given = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields_)
            cursor.execute(
                f"UPDATE {table} AS stored SET "
                + ", ".join(f"{name} = given.{name}" for name in columns)
                + f" FROM unnest({given}, %s::bigint[]) AS given({', '.join(columns)}, id)"
                " WHERE stored.id = given.id",
                arrays,
            )
        else:
            assignments = ", ".join(f"{name} = %s" for name in columns)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", prepared)


def _store(calculation: _Calculation, *, repair: bool = True) -> Drift:
    """Write what differs from what is stored (or, `repair` False, only report it)."""
    drift = Drift(key_results=[], objectives=[])
    stored_key_results = {
        kr.pk: kr.stored for rows in calculation.key_results.values() for kr in rows
    }
    for pk, numbers in calculation.key_result_numbers.items():
        if stored_key_results[pk] != numbers:
            drift.key_results.append((pk, stored_key_results[pk], numbers))
    for pk, numbers in calculation.objective_numbers.items():
        stored = calculation.objectives[pk].stored
        if stored != numbers:
            drift.objectives.append((pk, stored, numbers))
    if repair:
        write_columns(
            KeyResult,
            KEY_RESULT_COLUMNS,
            {
                pk: tuple(getattr(new, c) for c in KEY_RESULT_COLUMNS)
                for pk, _, new in drift.key_results
            },
        )
        write_columns(
            Objective,
            OBJECTIVE_COLUMNS,
            {
                pk: tuple(getattr(new, c) for c in OBJECTIVE_COLUMNS)
                for pk, _, new in drift.objectives
            },
        )
    return drift


# --- What the write paths call -------------------------------------------------------------------


def refresh(*, objective_ids: Iterable[int], now: datetime | None = None) -> None:
    """Work out again and store the numbers of these objectives, of their key results and of
    every objective they are aligned under (an objective without key results takes its
    children's progress). Call it in the transaction that changed them, after the change.
    One read (two when an objective without key results is among them) and up to two writes,
    whatever the company's size."""
    wanted = {pk for pk in objective_ids if pk is not None}
    if not wanted:
        return
    objectives, key_results = _load(
        Objective.objects.filter(pk__in=_with_ancestors(sorted(wanted)))
    )
    without = {
        pk for pk in objectives if not any(not kr.archived for kr in key_results.get(pk, ()))
    }
    # Those given, and above each the objectives without key results of their own (made of
    # their children's progress), up to the first with some: its numbers are its key results'.
    targets: set[int] = set()
    for pk in wanted & objectives.keys():
        while pk in objectives and pk not in targets:
            targets.add(pk)
            pk = objectives[pk].parent_id
            if pk not in without:
                break
    calculation = _Calculation(
        objectives=objectives,
        key_results=key_results,
        children=_children_of(without & targets) if without & targets else {},
        now=now,
    )
    calculation.run(sorted(targets))
    _store(calculation)


def recompute(
    *, cycle_ids: Iterable[int] | None = None, repair: bool = True, now: datetime | None = None
) -> Drift:
    """Work out every objective's and key result's numbers (of these cycles, or all) and store
    those that differ (`repair` False: only say which). One read and up to two writes, whatever
    the size."""
    objectives = Objective.objects.all()
    if cycle_ids is not None:
        objectives = objectives.filter(cycle_id__in=list(cycle_ids))
    found, key_results = _load(objectives)
    children: dict[int, list[tuple[int, bool, Decimal | None]]] = {}
    for pk, objective in found.items():
        if objective.parent_id is not None:
            children.setdefault(objective.parent_id, []).append(
                (pk, objective.archived, objective.stored.progress)
            )
    calculation = _Calculation(
        objectives=found, key_results=key_results, children=children, now=now
    )
    calculation.run()
    return _store(calculation, repair=repair)


def refresh_cycles(*, cycle_ids: Iterable[int], now: datetime | None = None) -> None:
    """`recompute` these cycles and store the result (after a bulk write)."""
    recompute(cycle_ids=cycle_ids, repair=True, now=now)


def refresh_due_statuses(*, now: datetime | None = None) -> int:
    """Recompute the key results whose stored status may have changed by today (their
    `status_until` has come), with their objectives; returns how many were due.

    Claimed by a conditional UPDATE (the day is cleared where it has come, returning the
    objectives): a second worker running at the same time waits for the first to commit, then
    finds the days moved on and does nothing. Idempotent; a claim, a read and up to two
    writes, whatever the size."""
    today = local_today(tz=company_tz(), now=now)
    table = connection.ops.quote_name(KeyResult._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET status_until = NULL "
                "WHERE status_until IS NOT NULL AND status_until <= %s RETURNING objective_id",
                [today],
            )
            claimed = [row[0] for row in cursor.fetchall()]
        refresh(objective_ids=claimed, now=now)
    return len(claimed)


# --- What pages read -----------------------------------------------------------------------------


def progress_without(*, hidden: set[int], under: list[int]) -> dict[int, Decimal | None]:
    """The progress of the objectives above hidden ones that take theirs from their children
    (no key results of their own), worked out again from the children left; two queries, none
    when no hidden objective (of `under`: those whose parent has no key results) changes any.
    The same rule as `refresh` stores (`progress_of_children`), without the hidden: for pages
    whose viewer may not see some private objectives."""
    if not under:
        return {}
    chain = {
        pk: (parent_id, count)
        for pk, parent_id, count in Objective.objects.filter(
            pk__in=_with_ancestors(sorted(under))
        ).values_list("pk", "parent_id", "key_result_count")
    }
    empty = {pk for pk, (_parent, count) in chain.items() if not count and pk not in hidden}
    children: dict[int, list[tuple[int, Decimal | None]]] = {}
    for pk, parent_id, progress in (
        Objective.objects.filter(parent_id__in=sorted(empty), archived=False)
        .order_by("pk")
        .values_list("pk", "parent_id", "progress")
    ):
        if pk not in hidden:
            children.setdefault(parent_id, []).append((pk, progress))
    found: dict[int, Decimal | None] = {}

    def progress_of(pk: int, visiting: frozenset[int]) -> Decimal | None:
        if pk not in found:
            found[pk] = progress_of_children(
                [
                    progress_of(child, visiting | {pk}) if child in empty else stored
                    for child, stored in children.get(pk, ())
                    if child not in visiting
                ]
            )
        return found[pk]

    for pk in empty:
        progress_of(pk, frozenset())
    return found
