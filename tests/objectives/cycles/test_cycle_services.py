"""Cycles through their life: creating, editing, the four states, the recorded transitions,
freezing scores at the close, automatic transitions and the fiscal-year setting."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import scoring
from checkins.services import record_checkin
from domain.errors import CycleStateError
from objectives.cycles import services as cycle_services
from objectives.models import Cycle, CycleTransition, KeyResult, ProgrammeSettings
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

Q1 = {"name": "2027 Q1", "start_date": date(2027, 1, 1), "end_date": date(2027, 3, 31)}


def test_admin_creates_a_cycle_in_planning(admin):
    cycle = cycle_services.create_cycle(actor=admin, **Q1, auto_transition=True)
    assert (cycle.state, cycle.created_by, cycle.auto_transition) == ("planning", admin, True)
    assert cycle.name == "2027 Q1"


@pytest.mark.parametrize("who", ["owner", "manager", "stranger"])
def test_only_admins_create_cycles(request, who):
    with pytest.raises(PermissionDenied, match="Only admins"):
        cycle_services.create_cycle(actor=request.getfixturevalue(who), **Q1)
    assert not Cycle.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the cycle a name"),
        ({"name": "x" * 81}, "name", "under 80"),
        ({"end_date": date(2027, 1, 1)}, "end_date", "after the start date"),
        ({"end_date": date(2026, 12, 1)}, "end_date", "after the start date"),
        ({"end_date": date(2029, 6, 1)}, "end_date", "at most two years"),
        ({"start_date": None}, "start_date", "first day"),
        ({"end_date": None}, "end_date", "last day"),
    ],
)
def test_bad_cycles_are_refused_with_a_message(admin, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        cycle_services.create_cycle(actor=admin, **{**Q1, **changes})
    assert message in " ".join(refused.value.message_dict[field])
    assert not Cycle.objects.exists()


def test_names_and_exact_dates_are_unique_but_overlaps_are_fine(admin):
    cycle_services.create_cycle(actor=admin, **Q1)
    with pytest.raises(ValidationError, match="already a cycle called"):
        cycle_services.create_cycle(actor=admin, **{**Q1, "name": "2027 q1"})
    with pytest.raises(ValidationError, match="exactly these dates"):
        cycle_services.create_cycle(actor=admin, **{**Q1, "name": "Winter"})
    year = cycle_services.create_cycle(
        actor=admin, name="2027", start_date=date(2027, 1, 1), end_date=date(2027, 12, 31)
    )
    assert year.pk and Cycle.objects.count() == 2


def test_transitions_go_one_step_at_a_time_and_are_recorded(admin):
    cycle = cycle_services.create_cycle(actor=admin, **Q1)
    moments = [datetime(2027, 1, 1, 9, tzinfo=UTC), datetime(2027, 4, 1, 9, tzinfo=UTC)]
    for to_state, at in zip(("active", "grading"), moments, strict=True):
        cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state=to_state, now=at)
    cycle.refresh_from_db()
    assert cycle.state == "grading"
    history = list(cycle.transitions.values_list("from_state", "to_state", "actor", "at"))
    assert history == [
        ("planning", "active", admin.pk, moments[0]),
        ("active", "grading", admin.pk, moments[1]),
    ]


@pytest.mark.parametrize(
    ("state", "to_state", "message"),
    [
        ("planning", "grading", "can move to active, not to grading"),
        ("planning", "closed", "can move to active, not to closed"),
        ("active", "closed", "can move to grading, not to closed"),
        ("active", "planning", "can move to grading, not to planning"),
        ("grading", "active", "can move to closed, not to active"),
        ("active", "active", "can move to grading, not to active"),
        ("closed", "grading", "closing is final"),
        ("closed", "closed", "closing is final"),
    ],
)
def test_no_skipping_no_going_back_and_closed_is_final(admin, state, to_state, message):
    cycle = CycleFactory(state=state)
    with pytest.raises(CycleStateError, match=message):
        cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state=to_state)
    cycle.refresh_from_db()
    assert cycle.state == state
    assert not CycleTransition.objects.exists()


def test_only_admins_move_cycles(owner, manager, cycle):
    for who in (owner, manager):
        with pytest.raises(PermissionDenied):
            cycle_services.transition_cycle(actor=who, cycle=cycle, to_state="grading")
    cycle.refresh_from_db()
    assert cycle.state == "active"


def test_a_stale_copy_cannot_move_a_cycle_twice(admin, cycle):
    stale = Cycle.objects.get(pk=cycle.pk)
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="grading")
    with pytest.raises(CycleStateError, match="is grading"):
        cycle_services.transition_cycle(actor=admin, cycle=stale, to_state="grading")
    assert CycleTransition.objects.count() == 1


def _graded_cycle(admin, cycle, owner) -> tuple[KeyResult, KeyResult, KeyResult]:
    """An objective with a metric at 0.5, a key result graded 0.9 and an at_most at 2 of 3."""
    objective = ObjectiveFactory(cycle=cycle, objective_type="committed")
    metric = KeyResultFactory(objective=objective, owner=owner, weight=Decimal(2))
    graded = KeyResultFactory(objective=objective, owner=owner)
    level = KeyResultFactory(
        objective=objective, owner=owner, kind="at_most", start_value=9, target_value=5
    )
    record_checkin(actor=owner, key_result=metric, value=Decimal(50), confidence=4)
    for value in (4, 6, 5):
        record_checkin(actor=owner, key_result=level, value=Decimal(value), confidence=4)
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="grading")
    graded.final_grade = Decimal("0.9")
    graded.save(update_fields=["final_grade"])
    return metric, graded, level


def test_closing_freezes_every_score_in_the_same_transaction(admin, cycle, owner):
    metric, graded, level = _graded_cycle(admin, cycle, owner)
    archived = KeyResultFactory(objective=metric.objective, owner=owner, archived=True)
    empty = ObjectiveFactory(cycle=cycle)
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="closed")
    for kr in (metric, graded, level, archived):
        kr.refresh_from_db()
    assert metric.frozen_score == Decimal("0.5")
    assert graded.frozen_score == Decimal("0.9")
    assert level.frozen_score == Decimal("0.6667")  # 2 of 3 check-ins at or below 5
    assert archived.frozen_score is None
    metric.objective.refresh_from_db()
    expected = scoring.objective_score(
        key_results=[(2, Decimal("0.5")), (1, Decimal("0.9")), (1, Decimal(2) / Decimal(3))]
    )
    assert metric.objective.frozen_score == expected.quantize(Decimal("0.0001"))
    empty.refresh_from_db()
    assert empty.frozen_score is None
    assert Cycle.objects.get(pk=cycle.pk).state == "closed"


def test_frozen_scores_are_stored_as_the_orm_stores_them(admin, cycle, owner):
    """Scores with more places than the column keeps, a half-way one among them, are rounded as
    saving them through the ORM rounds them (the database's own rounding on PostgreSQL)."""
    objective = ObjectiveFactory(cycle=cycle)
    values = [Decimal(5), Decimal(1), Decimal(15), Decimal(2)]  # of 100,000 and of 3
    key_results = []
    for n, value in enumerate(values):
        kr = KeyResultFactory(
            objective=objective,
            owner=owner,
            start_value=Decimal(0),
            target_value=Decimal(100_000) if n % 2 == 0 else Decimal(3),
        )
        record_checkin(actor=owner, key_result=kr, value=value, confidence=4)
        key_results.append(kr)
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="grading")
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="closed")
    witness = KeyResultFactory(objective=ObjectiveFactory(cycle=CycleFactory()), owner=owner)
    for kr, value in zip(key_results, values, strict=True):
        kr.refresh_from_db()
        exact = value / kr.target_value  # 0.00005 (half-way), 1/3, 0.00015, 2/3
        KeyResult.objects.filter(pk=witness.pk).update(frozen_score=exact)
        witness.refresh_from_db()
        assert kr.frozen_score == witness.frozen_score


@pytest.mark.parametrize("size", [2, 12])
def test_freezing_takes_the_same_queries_at_any_size(size, cycle, owner, django_assert_num_queries):
    for _ in range(size):
        objective = ObjectiveFactory(cycle=cycle)
        KeyResultFactory.create_batch(3, objective=objective, owner=owner)
    # Key results read, written; objectives read, written.
    with django_assert_num_queries(4):
        cycle_services.freeze_scores(cycle=cycle)
    assert not KeyResult.objects.filter(objective__cycle=cycle, frozen_score=None).exists()


def test_a_failed_close_freezes_nothing(admin, cycle, owner, monkeypatch):
    metric, *_ = _graded_cycle(admin, cycle, owner)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CycleTransition.objects, "create", broken)
    with pytest.raises(RuntimeError):
        cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="closed")
    metric.refresh_from_db()
    assert metric.frozen_score is None
    assert Cycle.objects.get(pk=cycle.pk).state == "grading"


def test_closed_cycles_cannot_be_edited(admin, cycle):
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    with pytest.raises(CycleStateError, match="closed"):
        cycle_services.update_cycle(
            actor=admin,
            cycle=cycle,
            name="Renamed",
            start_date=cycle.start_date,
            end_date=cycle.end_date,
            auto_transition=False,
        )
    assert Cycle.objects.get(pk=cycle.pk).name == cycle.name


def test_editing_keeps_its_own_name_and_checks_the_rest(admin, cycle):
    cycle_services.update_cycle(
        actor=admin,
        cycle=cycle,
        name=cycle.name,
        start_date=cycle.start_date,
        end_date=cycle.end_date + timedelta(days=7),
        auto_transition=True,
    )
    cycle.refresh_from_db()
    assert cycle.auto_transition
    with pytest.raises(ValidationError, match="after the start"):
        cycle_services.update_cycle(
            actor=admin,
            cycle=cycle,
            name=cycle.name,
            start_date=cycle.start_date,
            end_date=cycle.start_date,
            auto_transition=True,
        )


# --- Automatic transitions ---------------------------------------------------------------------


def _auto(name: str, start: date, end: date, state: str = "planning", auto: bool = True) -> Cycle:
    return CycleFactory(
        name=name, start_date=start, end_date=end, state=state, auto_transition=auto
    )


def test_dates_move_cycles_that_opted_in(db):
    starting = _auto("Starts today", date(2027, 1, 1), date(2027, 3, 31))
    ended = _auto("Ended yesterday", date(2026, 10, 1), date(2026, 12, 31), state="active")
    manual = _auto("Manual", date(2027, 1, 1), date(2027, 2, 1), auto=False)
    future = _auto("Future", date(2027, 4, 1), date(2027, 6, 30))
    ending_today = _auto("Ends today", date(2026, 12, 1), date(2027, 1, 1), state="active")
    at = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    done = cycle_services.run_automatic_transitions(now=at)
    states = dict(Cycle.objects.values_list("name", "state"))
    assert states == {
        starting.name: "active",
        ended.name: "grading",
        manual.name: "planning",
        future.name: "planning",
        ending_today.name: "active",
    }
    assert {(t.cycle.name, t.to_state, t.actor, t.automatic, t.at) for t in done} == {
        ("Starts today", "active", None, True, at),
        ("Ended yesterday", "grading", None, True, at),
    }
    # Idempotent: the same day again moves nothing.
    assert cycle_services.run_automatic_transitions(now=at + timedelta(hours=5)) == []
    assert CycleTransition.objects.count() == 2


def test_a_cycle_whose_whole_span_passed_in_planning_moves_through_active(db):
    _auto("Forgotten", date(2026, 1, 1), date(2026, 3, 31))
    cycle_services.run_automatic_transitions(now=datetime(2026, 6, 1, tzinfo=UTC))
    cycle = Cycle.objects.get()
    assert cycle.state == "grading"
    assert list(cycle.transitions.values_list("to_state", flat=True)) == ["active", "grading"]


def test_closing_is_never_automatic(db):
    _auto("Grading", date(2026, 1, 1), date(2026, 3, 31), state="grading")
    assert cycle_services.run_automatic_transitions(now=datetime(2027, 1, 1, tzinfo=UTC)) == []
    assert Cycle.objects.get().state == "grading"


def test_automatic_runs_use_the_company_date(db, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    _auto("Seoul", date(2027, 1, 1), date(2027, 3, 31))
    # 31 December 16:00 UTC is already 1 January in Seoul.
    with time_machine.travel(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), tick=False):
        cycle_services.run_automatic_transitions()
    assert Cycle.objects.get().state == "active"


def test_manual_moves_still_work_on_automatic_cycles(admin):
    cycle = _auto("Early", date(2027, 1, 1), date(2027, 3, 31))
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="active")
    cycle_services.run_automatic_transitions(now=datetime(2027, 1, 2, tzinfo=UTC))
    assert list(cycle.transitions.values_list("to_state", "automatic")) == [("active", False)]


# --- Fiscal year -------------------------------------------------------------------------------


def test_fiscal_year_start_defaults_to_january_and_admins_change_it(admin, owner):
    assert ProgrammeSettings.current().fiscal_year_start_month == 1
    assert not ProgrammeSettings.objects.exists()  # reading never writes
    cycle_services.set_fiscal_year_start(actor=admin, month=4)
    cycle_services.set_fiscal_year_start(actor=admin, month=4)
    assert ProgrammeSettings.objects.get().fiscal_year_start_month == 4
    with pytest.raises(ValidationError):
        cycle_services.set_fiscal_year_start(actor=admin, month=13)
    with pytest.raises(PermissionDenied):
        cycle_services.set_fiscal_year_start(actor=owner, month=7)
    assert ProgrammeSettings.current().fiscal_year_start_month == 4


def test_created_at_defaults_to_now(admin):
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False):
        cycle = cycle_services.create_cycle(actor=admin, **Q1)
    assert cycle.created_at == timezone.make_aware(datetime(2026, 12, 1, 10), UTC)
