"""Stored progress, scores, bands and statuses are exactly what `scoring` gives the raw rows,
whatever writes come and however many days pass (objectives/stored_scores.py).

The oracle here reads the rows as they are (every check-in, not the counts and latest values
kept beside them) and applies `scoring` by DESIGN.md's rules; after every step of a random
sequence of writes through the services, and of days passing with only the periodic refresh to
move the statuses, every stored number must equal it.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from checkins.models import CheckIn
from checkins.services import record_checkin
from domain.errors import DomainError
from objectives import stored_scores
from objectives.cycles.services import transition_cycle, update_cycle
from objectives.models import Cycle, KeyResult, Objective
from objectives.services import (
    archive_key_result,
    archive_objective,
    edit_key_result,
    edit_objective,
    grade_key_result,
    restore_key_result,
    restore_objective,
)
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    RootTeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = date(2027, 1, 4)  # a Monday
END = START + timedelta(days=83)


# --- The oracle ----------------------------------------------------------------------------------


def _local(moment: datetime | None) -> date | None:
    return timezone.localtime(moment, timezone.get_default_timezone()).date() if moment else None


def expected_numbers() -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Every key result's and objective's numbers, from the rows, today."""
    tz = timezone.get_default_timezone()
    today = timezone.localtime(timezone.now(), tz).date()
    key_results: dict[int, tuple] = {}
    objectives: dict[int, Objective] = {o.pk: o for o in Objective.objects.select_related("cycle")}
    by_objective: dict[int, list[tuple[KeyResult, Decimal, Decimal, str]]] = {}
    for kr in KeyResult.objects.order_by("pk"):
        objective = objectives[kr.objective_id]
        cycle = objective.cycle
        on = min(max(today, cycle.start_date), cycle.end_date)
        checkins = list(CheckIn.objects.filter(key_result=kr).order_by("created_at", "pk"))
        latest = checkins[-1] if checkins else None
        current = latest.value if latest else None
        if kr.kind in ("at_least", "at_most"):
            progress = scoring.kr_progress(
                kind=kr.kind,
                start=kr.start_value,
                target=kr.target_value,
                current=None,
                checkin_values=[c.value for c in checkins],
            )
        else:
            progress = scoring.kr_progress(
                kind=kr.kind, start=kr.start_value, target=kr.target_value, current=current
            )
        inputs = {
            "kind": kr.kind,
            "progress": progress,
            "current": current,
            "start": kr.start_value,
            "target": kr.target_value,
            "confidence": latest.confidence if latest else None,
            "last_checkin": _local(latest.created_at) if latest else None,
            "cycle_start": cycle.start_date,
            "created_on": _local(kr.created_at),
            "on": on,
        }
        status = scoring.kr_status(
            **inputs,
            expected=scoring.expected_progress(on=on, start=cycle.start_date, end=cycle.end_date),
        )
        until = scoring.kr_status_changes_on(**inputs, cycle_end=cycle.end_date)
        if cycle.is_closed and kr.frozen_score is not None:
            score = kr.frozen_score
        else:
            score = scoring.kr_score(progress=progress, final_grade=kr.final_grade)
        key_results[kr.pk] = (
            scoring.stored_share(progress),
            scoring.stored_share(score),
            scoring.grade_band(score=score, objective_type=objective.objective_type).value,
            status.status.value,
            status.stale,
            until if until is not None and until <= cycle.end_date else None,
        )
        if not kr.archived:
            by_objective.setdefault(kr.objective_id, []).append(
                (kr, progress, score, status.status.value)
            )

    found: dict[int, tuple] = {}

    def objective_numbers(pk: int, seen: frozenset[int]) -> tuple:
        if pk in found:
            return found[pk]
        objective = objectives[pk]
        rows = by_objective.get(pk, [])
        if rows:
            progress = scoring.objective_progress(
                key_results=[(k.weight, p) for k, p, _, _ in rows]
            )
        else:
            progress = scoring.mean_progress(
                values=[
                    objective_numbers(child.pk, seen | {pk})[0]
                    for child in objectives.values()
                    if child.parent_id == pk and not child.archived and child.pk not in seen
                ]
            )
        if objective.cycle.is_closed and objective.frozen_score is not None:
            score = objective.frozen_score
        else:
            score = scoring.objective_score(key_results=[(k.weight, s) for k, _, s, _ in rows])
        status = scoring.objective_status(statuses=[s for *_, s in rows])
        statuses = [s for *_, s in rows]
        bands = [key_results[k.pk][2] for k, *_ in rows]
        weeks = [
            scoring.week_start(day=_local(k.last_checkin_at)) for k, *_ in rows if k.last_checkin_at
        ]
        found[pk] = (
            None if progress is None else scoring.stored_share(progress),
            None if score is None else scoring.stored_share(score),
            ""
            if score is None
            else scoring.grade_band(score=score, objective_type=objective.objective_type).value,
            status.status.value if status else "",
            len(rows),
            *(statuses.count(s) for s in ("done", "on_track", "at_risk", "behind")),
            *(bands.count(b) for b in ("red", "yellow", "green")),
            max(weeks, default=None),
            weeks.count(max(weeks)) if weeks else 0,
        )
        return found[pk]

    for pk in objectives:
        objective_numbers(pk, frozenset())
    return key_results, found


def stored_numbers() -> tuple[dict[int, tuple], dict[int, tuple]]:
    return (
        {
            pk: tuple(rest)
            for pk, *rest in KeyResult.objects.order_by("pk").values_list(
                "pk", *stored_scores.KEY_RESULT_COLUMNS
            )
        },
        {
            pk: tuple(rest)
            for pk, *rest in Objective.objects.order_by("pk").values_list(
                "pk", *stored_scores.OBJECTIVE_COLUMNS
            )
        },
    )


def assert_stored_as_scoring_says(step: object) -> None:
    expected_krs, expected_objectives = expected_numbers()
    stored_krs, stored_objectives = stored_numbers()
    for pk, numbers in expected_krs.items():
        assert stored_krs[pk] == numbers, (step, "key result", pk)
    for pk, numbers in expected_objectives.items():
        assert stored_objectives[pk] == numbers, (step, "objective", pk)


# --- The world and what happens to it ------------------------------------------------------------


class World:
    """A quarter of five objectives aligned in three levels, two of them without key results
    (one inside the other), six key results of every kind, three people and an admin."""

    def __init__(self) -> None:
        self.admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
        self.people = [UserFactory(username=f"person{n}") for n in range(3)]
        root = RootTeamFactory()
        self.cycle = CycleFactory(
            name="2027 Q1", start_date=START, end_date=END, state=Cycle.State.ACTIVE
        )
        company = ObjectiveFactory(cycle=self.cycle, owner_team=root, title="Company")
        middle = ObjectiveFactory(cycle=self.cycle, owner_team=root, parent=company, title="Middle")
        inner = ObjectiveFactory(
            cycle=self.cycle, owner_team=None, owner_user=self.people[0], parent=middle
        )
        person = ObjectiveFactory(
            cycle=self.cycle, owner_team=None, owner_user=self.people[1], parent=middle
        )
        other = ObjectiveFactory(
            cycle=self.cycle,
            owner_team=None,
            owner_user=self.people[2],
            parent=inner,
            objective_type=Objective.Type.COMMITTED,
        )
        self.objectives = [company, middle, inner, person, other]
        kinds = [
            (company, "metric", Decimal(0), Decimal(100)),
            (company, "at_least", Decimal(0), Decimal(50)),
            (person, "metric", Decimal(45), Decimal(30)),
            (person, "milestone", Decimal(0), Decimal(1)),
            (other, "at_most", Decimal(0), Decimal(5)),
            (other, "metric", Decimal(10), Decimal(20)),
        ]
        self.key_results = [
            KeyResultFactory(
                objective=objective,
                owner=self.people[n % 3],
                kind=kind,
                start_value=start,
                target_value=target,
                created_at=timezone.now(),
            )
            for n, (objective, kind, start, target) in enumerate(kinds)
        ]
        # Progress apart from zero from the start, so that which children count shows.
        for index, value in ((0, Decimal(40)), (2, Decimal(35)), (4, Decimal(3))):
            record_checkin(
                actor=self.admin, key_result=self.key_results[index], value=value, confidence=4
            )

    def key_result(self, index: int) -> KeyResult:
        return KeyResult.objects.select_related("objective__cycle").get(
            pk=self.key_results[index % len(self.key_results)].pk
        )

    def objective(self, index: int) -> Objective:
        return Objective.objects.select_related("cycle").get(
            pk=self.objectives[index % len(self.objectives)].pk
        )


VALUES = st.sampled_from([Decimal(v) for v in ("0", "1", "4", "5", "12.5", "25", "35", "50", "99")])
KINDS = st.sampled_from(["metric", "at_least", "at_most", "milestone"])
STEPS = st.one_of(
    st.tuples(
        st.just("check_in"),
        st.integers(0, 5),
        VALUES,
        st.integers(1, 5),
        st.sampled_from([0, 0, 0, 2, 9]),
    ),
    st.tuples(st.just("edit"), st.integers(0, 5), KINDS, VALUES, VALUES),
    st.tuples(st.just("weight"), st.integers(0, 5), st.sampled_from(["0.5", "1", "3"])),
    st.tuples(st.just("owner"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("archive_key_result"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("archive_objective"), st.integers(1, 4), st.booleans()),
    st.tuples(st.just("parent"), st.integers(1, 4), st.integers(0, 5)),
    st.tuples(st.just("days"), st.sampled_from([1, 3, 6, 11, 25])),
    st.tuples(st.just("dates"), st.sampled_from([-14, 7, 30])),
    st.tuples(st.just("grade"), st.integers(0, 5), st.sampled_from(["0", "0.3", "1"])),
    st.tuples(st.just("next_state")),
)


def apply(world: World, step: tuple, traveller: object) -> None:
    """One write through the services (refused ones change nothing), or days passing."""
    name, *args = step
    admin = world.admin
    if name == "check_in":
        index, value, confidence, days_back = args
        record_checkin(
            actor=admin,
            key_result=world.key_result(index),
            value=value,
            confidence=confidence,
            blockers="stuck" if confidence <= 2 else "",
            now=timezone.now() - timedelta(days=days_back),
        )
    elif name in ("edit", "weight", "owner"):
        kr = world.key_result(args[0])
        values = {
            "kind": kr.kind,
            "start_value": kr.start_value,
            "target_value": kr.target_value,
            "weight": kr.weight,
            "owner": kr.owner,
        }
        if name == "edit":
            values.update(kind=args[1], start_value=args[2], target_value=args[3])
        elif name == "weight":
            values["weight"] = Decimal(args[1])
        else:
            values["owner"] = world.people[args[1]]
        edit_key_result(actor=admin, key_result=kr, title=kr.title, unit=kr.unit, **values)
    elif name == "archive_key_result":
        change = archive_key_result if args[1] else restore_key_result
        change(actor=admin, key_result=world.key_result(args[0]))
    elif name == "archive_objective":
        change = archive_objective if args[1] else restore_objective
        change(actor=admin, objective=world.objective(args[0]))
    elif name == "parent":
        objective, parent = world.objective(args[0]), world.objective(args[1])
        edit_objective(
            actor=admin,
            objective=objective,
            title=objective.title,
            description="",
            owner_team=objective.owner_team,
            owner_user=objective.owner_user,
            objective_type=objective.objective_type,
            visibility=objective.visibility,
            parent=None if parent.pk == objective.pk else parent,
        )
    elif name == "days":
        traveller.shift(timedelta(days=args[0]))
        stored_scores.refresh_due_statuses()
    elif name == "dates":
        cycle = Cycle.objects.get(pk=world.cycle.pk)
        update_cycle(
            actor=admin,
            cycle=cycle,
            name=cycle.name,
            start_date=cycle.start_date + timedelta(days=args[0]),
            end_date=cycle.end_date + timedelta(days=args[0]),
            auto_transition=False,
        )
    elif name == "grade":
        grade_key_result(
            actor=admin, key_result=world.key_result(args[0]), grade=Decimal(args[1]), note=""
        )
    elif name == "next_state":
        cycle = Cycle.objects.get(pk=world.cycle.pk)
        if cycle.next_state:
            transition_cycle(actor=admin, cycle=cycle, to_state=cycle.next_state)


@settings(max_examples=40)
@given(
    first_day=st.integers(0, 20),
    steps=st.lists(STEPS, min_size=1, max_size=14),
)
def test_stored_numbers_are_what_scoring_gives_the_rows_after_any_writes(first_day, steps):
    moment = datetime.combine(
        START + timedelta(days=first_day), time(9), timezone.get_default_timezone()
    )
    with time_machine.travel(moment, tick=False) as traveller, transaction.atomic():
        world = World()
        assert_stored_as_scoring_says("start")
        for step in steps:
            try:
                with transaction.atomic():
                    apply(world, step, traveller)
            except (DomainError, ValidationError):
                pass  # refused: nothing was written, which the check below holds too
            assert_stored_as_scoring_says(step)
        transaction.set_rollback(True)


def test_the_periodic_refresh_claims_only_what_is_due_and_a_second_run_finds_nothing():
    moment = datetime.combine(START, time(9), timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False) as traveller:
        world = World()
        assert stored_scores.refresh_due_statuses() == 0
        traveller.shift(timedelta(days=12))  # the grace period ends, silence turns stale
        due = KeyResult.objects.filter(status_until__lte=START + timedelta(days=12)).count()
        assert due == len(world.key_results)
        assert stored_scores.refresh_due_statuses() == due
        assert stored_scores.refresh_due_statuses() == 0
        assert_stored_as_scoring_says("after the refresh")


@pytest.mark.parametrize("size", [1, 4])
def test_the_periodic_refresh_runs_in_a_fixed_number_of_queries(size, django_assert_num_queries):
    moment = datetime.combine(START, time(9), timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False) as traveller:
        world = World()
        for _ in range(size):
            objective = ObjectiveFactory(cycle=world.cycle, parent=world.objectives[1])
            KeyResultFactory.create_batch(5, objective=objective, created_at=timezone.now())
        traveller.shift(timedelta(days=12))
        # a savepoint, the claim (an UPDATE … RETURNING), the objectives and those above with
        # their key results, the children of those without key results, a write for each
        # table, the savepoint's release
        with django_assert_num_queries(7):
            assert stored_scores.refresh_due_statuses() == 6 + 5 * size
        assert_stored_as_scoring_says("after the refresh")


def test_recompute_reports_drift_and_repairs_it_when_asked():
    world = World()
    kr = world.key_results[0]
    KeyResult.objects.filter(pk=kr.pk).update(progress=Decimal("0.5"), status="behind")
    Objective.objects.filter(pk=world.objectives[1].pk).update(progress=Decimal("0.9"))
    with pytest.raises(CommandError, match="1 key results and 1 objectives drifted"):
        call_command("recompute_scores")
    other = CycleFactory(
        name="2027 Q2", start_date=END + timedelta(days=1), end_date=END + timedelta(days=90)
    )
    call_command("recompute_scores", "--cycle", str(other.pk))  # nothing drifted there
    with pytest.raises(CommandError, match="drifted"):
        call_command("recompute_scores", "--cycle", str(world.cycle.pk))
    call_command("recompute_scores", "--repair")
    assert not stored_scores.recompute(repair=False)
    assert_stored_as_scoring_says("repaired")


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_stored_numbers_of_existing_rows():
    moment = datetime.combine(START + timedelta(days=20), time(9), timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False):
        world = World()
        record_checkin(
            actor=world.admin, key_result=world.key_results[5], value=Decimal(15), confidence=3
        )
        call_command("migrate", "objectives", "0009", verbosity=0)
        call_command("migrate", "objectives", verbosity=0)
        assert_stored_as_scoring_says("migrated")
        assert Objective.objects.get(pk=world.objectives[1].pk).progress is not None
