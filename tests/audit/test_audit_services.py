"""The audit trail's recording: every audited write leaves one event with its actor and the old
and new values, in the write's own transaction; events are append-only."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.models import AuditEvent
from audit.services import diff, display, record_event, snapshot
from objectives import services
from objectives.cycles import services as cycle_services
from objectives.models import Cycle, KeyResult, Membership, Objective
from objectives.organisation import services as people_services
from objectives.planning import services as planning_services
from reminders.services import update_reminder_policy
from tests.factories import CycleFactory, ObjectiveFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _only_event(**filters) -> AuditEvent:
    events = list(AuditEvent.objects.filter(**filters))
    assert len(events) == 1, events
    return events[0]


# --- The helpers -------------------------------------------------------------------------------


def test_display_keeps_decimals_exact_and_never_takes_floats():
    assert display(D("12.5000")) == "12.5"
    assert display(D("100")) == "100"
    assert display(D("1E+2")) == "100"
    assert display(D("-0.0000")) == "0"
    assert display(None) == ""
    assert display(True) == "yes"
    assert display(date(2026, 1, 2)) == "2026-01-02"
    assert display(time(9, 5)) == "09:05"
    with pytest.raises(TypeError):
        display(0.1)


def test_diff_lists_only_what_changed(key_result, teammate):
    before = snapshot(key_result, ["title", "owner", "target_value"])
    key_result.title = "New title"
    key_result.owner = teammate
    assert diff(before, key_result, ["title", "owner", "target_value"]) == {
        "title": ["Raise activation from 20% to 60%", "New title"],
        "owner": ["Owner", "Teammate"],
    }
    assert diff(before, before, ["title"]) == {}


def test_record_event_refuses_to_run_outside_a_transaction(owner, key_result):
    # The test database wraps every test in a transaction; leave it to see the refusal.
    connection = transaction.get_connection()
    atomic, connection.in_atomic_block = connection.in_atomic_block, False
    try:
        with pytest.raises(RuntimeError):
            record_event(
                actor=owner,
                action="updated",
                subject_kind="key_result",
                subject_id=key_result.pk,
                subject_label="x",
            )
    finally:
        connection.in_atomic_block = atomic


def test_events_are_append_only(owner, key_result):
    event = record_event(
        actor=owner,
        action=AuditEvent.Action.UPDATED,
        subject_kind=AuditEvent.SubjectKind.KEY_RESULT,
        subject_id=key_result.pk,
        subject_label=key_result.title,
        changes={"title": ["a", "b"]},
    )
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(subject_label="forged")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        event.delete()
    event.subject_label = "forged"
    with pytest.raises(TypeError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).subject_label == key_result.title


def test_the_trail_outlives_what_it_describes(manager, owner, key_result):
    services.edit_key_result(
        actor=owner,
        key_result=key_result,
        title="Renamed",
        owner=owner,
        kind="metric",
        unit="%",
        start_value=D(20),
        target_value=D(60),
        weight=D(1),
    )
    objective = key_result.objective
    KeyResult.objects.filter(pk=key_result.pk).delete()
    Objective.objects.filter(pk=objective.pk).delete()
    event = _only_event(subject_kind="key_result", subject_id=key_result.pk)
    assert event.key_result_id is None and event.objective_id is None
    assert event.subject_label == "Renamed"


# --- Objectives and key results -------------------------------------------------------------


def test_editing_an_objective_records_old_and_new_values(manager, team_objective, company, cycle):
    top = ObjectiveFactory(cycle=cycle, owner_team=company, title="Company goal")
    services.edit_objective(
        actor=manager,
        objective=team_objective,
        title="Make onboarding a joy",
        description="",
        owner_team=team_objective.owner_team,
        owner_user=None,
        objective_type="committed",
        visibility="public",
        parent=top,
    )
    event = _only_event(subject_kind="objective")
    assert event.actor == manager and event.actor_label == "Manager"
    assert event.action == "updated" and event.objective_id == team_objective.pk
    assert event.changes == {
        "title": ["Make onboarding effortless", "Make onboarding a joy"],
        "objective_type": ["aspirational", "committed"],
        "parent": ["", "Company goal"],
    }
    assert event.references == {"parent": [None, top.pk]}


def test_saving_an_objective_unchanged_records_nothing_and_keeps_the_version(
    manager, team_objective
):
    services.edit_objective(
        actor=manager,
        objective=team_objective,
        title=team_objective.title,
        description=team_objective.description,
        owner_team=team_objective.owner_team,
        owner_user=None,
        objective_type=team_objective.objective_type,
        visibility=team_objective.visibility,
        parent=None,
    )
    assert not AuditEvent.objects.exists()
    team_objective.refresh_from_db()
    assert team_objective.version == 1


def test_editing_a_key_result_records_decimals_as_strings_and_people_by_name(
    manager, teammate, key_result
):
    services.edit_key_result(
        actor=manager,
        key_result=key_result,
        title=key_result.title,
        owner=teammate,
        kind="metric",
        unit="%",
        start_value=D("20.0"),  # the same number written another way: no change
        target_value=D("62.5"),
        weight=D(2),
    )
    event = _only_event(subject_kind="key_result")
    assert event.changes == {
        "owner": ["Owner", "Teammate"],
        "target_value": ["60", "62.5"],
        "weight": ["1", "2"],
    }
    assert (event.key_result_id, event.objective_id) == (key_result.pk, key_result.objective_id)
    key_result.refresh_from_db()
    assert key_result.version == 2


def test_a_refused_write_leaves_no_event(owner, stranger, key_result):
    with pytest.raises(ValidationError):
        services.edit_key_result(
            actor=owner,
            key_result=key_result,
            title="",
            owner=owner,
            kind="metric",
            unit="%",
            start_value=D(20),
            target_value=D(60),
            weight=D(1),
        )
    with pytest.raises(PermissionDenied):
        services.archive_key_result(actor=stranger, key_result=key_result)
    assert not AuditEvent.objects.exists()


def test_an_event_rolls_back_with_its_write(manager, key_result):
    """Same transaction: when something after the write fails, the event goes too."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.archive_key_result(actor=manager, key_result=key_result)
        assert AuditEvent.objects.count() == 1
        raise RuntimeError("the caller's transaction fails later")
    assert not AuditEvent.objects.exists()
    key_result.refresh_from_db()
    assert not key_result.archived


def test_creating_archiving_restoring_and_moving(manager, owner, team_objective, key_result):
    second = services.add_key_result(
        actor=manager, objective=team_objective, title="Second", owner=owner, target_value=D(5)
    )
    services.move_key_result(actor=manager, key_result=second, offset=-1)
    services.move_key_result(actor=manager, key_result=second, offset=-1)  # already first
    services.archive_key_result(actor=manager, key_result=second)
    services.restore_key_result(actor=manager, key_result=second)
    services.archive_objective(actor=manager, objective=team_objective)
    services.restore_objective(actor=manager, objective=team_objective)
    kinds = list(
        AuditEvent.objects.order_by("at", "id").values_list("subject_kind", "action", "changes")
    )
    assert kinds == [
        ("key_result", "created", {}),
        ("key_result", "reordered", {"position": ["2", "1"]}),
        ("key_result", "archived", {}),
        ("key_result", "restored", {}),
        ("objective", "archived", {}),
        ("objective", "restored", {}),
    ]
    assert set(AuditEvent.objects.values_list("actor_id", flat=True)) == {manager.pk}
    # Archiving moves the version (an edit opened before it conflicts); moving does not.
    second.refresh_from_db()
    team_objective.refresh_from_db()
    assert second.version == 3 and team_objective.version == 3


def test_writing_a_new_objective_records_it_and_its_key_results(manager, owner, cycle, product):
    objective = services.add_objective(
        actor=manager,
        cycle=cycle,
        title="Delight new teams",
        owner_team=product,
        key_results=[
            services.KeyResultDraft(title="One", owner=owner, target_value=D(10)),
            services.KeyResultDraft(title="Two", owner=owner, target_value=D(3)),
        ],
    )
    assert list(AuditEvent.objects.order_by("id").values_list("subject_kind", "subject_label")) == [
        ("objective", "Delight new teams"),
        ("key_result", "One"),
        ("key_result", "Two"),
    ]
    assert set(AuditEvent.objects.values_list("objective_id", flat=True)) == {objective.pk}


def test_grading_and_reassigning(manager, owner, teammate, key_result, cycle):
    cycle.state = Cycle.State.GRADING
    cycle.save(update_fields=["state"])
    services.grade_key_result(actor=owner, key_result=key_result, grade=D("0.70"), note="Close")
    services.reassign_key_result(actor=manager, key_result=key_result, new_owner=teammate)
    graded, reassigned = AuditEvent.objects.order_by("id")
    assert graded.action == "graded"
    assert graded.changes == {"final_grade": ["", "0.7"], "grade_note": ["", "Close"]}
    assert reassigned.changes == {"owner": ["Owner", "Teammate"]} and reassigned.actor == manager
    key_result.refresh_from_db()
    assert key_result.version == 2  # a grade does not move it; the new owner does


def test_carrying_over_records_the_copies(manager, owner, product):
    source_cycle = CycleFactory(name="Old", state="grading", start_date=date(2020, 1, 1))
    target = CycleFactory(name="New", state="planning", start_date=date(2030, 1, 1))
    source = ObjectiveFactory(cycle=source_cycle, owner_team=product, title="Carry me")
    KeyResult.objects.create(
        objective=source, title="Half", owner=owner, start_value=0, target_value=10
    )
    [copy] = planning_services.carry_over_objectives(
        actor=manager, objectives=[source], into=target
    )
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.subject_kind, e.objective_id, e.actor_id) for e in events] == [
        ("objective", copy.pk, manager.pk),
        ("key_result", copy.pk, manager.pk),
    ]
    assert events[0].changes == {"carried_over_from": ["", "Carry me (Old)"]}


# --- Cycles, people, the reminder policy ----------------------------------------------------


def test_cycles_record_creation_edits_and_moves_including_automatic_ones(admin):
    cycle = cycle_services.create_cycle(
        actor=admin,
        name="2031 Q1",
        start_date=date(2031, 1, 1),
        end_date=date(2031, 3, 31),
    )
    cycle_services.update_cycle(
        actor=admin,
        cycle=cycle,
        name="2031 Q1",
        start_date=date(2031, 1, 1),
        end_date=date(2031, 3, 30),
        auto_transition=True,
    )
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="active")
    cycle.refresh_from_db()
    cycle.end_date = date(2031, 3, 1)
    cycle.save(update_fields=["end_date"])
    from datetime import UTC, datetime

    cycle_services.run_automatic_transitions(now=datetime(2031, 3, 5, 12, tzinfo=UTC))
    events = list(
        AuditEvent.objects.filter(subject_kind="cycle")
        .order_by("id")
        .values_list("action", "actor_id", "changes")
    )
    assert events == [
        ("created", admin.pk, {}),
        (
            "updated",
            admin.pk,
            {"end_date": ["2031-03-31", "2031-03-30"], "auto_transition": ["no", "yes"]},
        ),
        ("state_changed", admin.pk, {"state": ["planning", "active"]}),
        ("state_changed", None, {"state": ["active", "grading"]}),
    ]


def test_memberships_and_people(admin, owner, sales):
    membership = people_services.add_membership(
        actor=admin, person=owner, team=sales, role="member"
    )
    people_services.change_membership_role(actor=admin, membership=membership, role="manager")
    people_services.remove_membership(actor=admin, membership=membership)
    people_services.deactivate_person(actor=admin, person=owner)
    people_services.reactivate_person(actor=admin, person=owner)
    events = list(
        AuditEvent.objects.order_by("id").values_list(
            "subject_kind", "action", "subject_label", "changes"
        )
    )
    assert events == [
        ("membership", "created", "Owner in Sales", {"role": ["", "member"]}),
        ("membership", "updated", "Owner in Sales", {"role": ["member", "manager"]}),
        ("membership", "deleted", "Owner in Sales", {"role": ["manager", ""]}),
        ("person", "deactivated", "Owner (owner)", {}),
        ("person", "reactivated", "Owner (owner)", {}),
    ]
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_creating_a_person_in_a_team_records_the_membership(admin):
    team = TeamFactory(name="Ops")
    people_services.create_person(
        actor=admin,
        username="newbie",
        password="a-long-enough-passphrase-42",
        email="newbie@example.com",
        display_name="Newbie",
        team=team,
    )
    assert _only_event(subject_kind="membership").subject_label == "Newbie in Ops"


def test_the_reminder_policy_records_old_and_new_values(admin):
    update_reminder_policy(actor=admin, weekday=2, local_time=time(9, 30), enabled=True)
    update_reminder_policy(actor=admin, nudge_after_days=0)
    first, second = AuditEvent.objects.filter(subject_kind="reminder_policy").order_by("id")
    assert first.changes == {"weekday": ["0", "2"], "local_time": ["10:00", "09:30"]}
    assert second.changes == {"nudge_after_days": ["2", "0"]}
    assert first.actor == admin


def test_a_refused_policy_change_leaves_no_event(owner):
    with pytest.raises(PermissionDenied):
        update_reminder_policy(actor=owner, weekday=3)
    with pytest.raises(ValidationError):
        update_reminder_policy(actor=UserFactory(is_superuser=True), nudge_after_days=60)
    assert not AuditEvent.objects.exists()


def test_initiatives_record_creation_edits_and_status(manager, owner, key_result):
    from initiatives.services import create_initiative, set_initiative_status, update_initiative

    initiative = create_initiative(
        actor=manager,
        key_result=key_result,
        title="Guided tour",
        owner=owner,
        due_date=date(2030, 1, 31),
    )
    update_initiative(
        actor=manager,
        initiative=initiative,
        title="Guided tour, v2",
        owner=owner,
        due_date=date(2030, 2, 28),
        status="todo",
        priority="medium",
        link="",
    )
    set_initiative_status(actor=owner, initiative=initiative, status="done")
    events = list(
        AuditEvent.objects.filter(subject_kind="initiative")
        .order_by("id")
        .values_list("action", "actor_id", "key_result_id", "objective_id", "changes")
    )
    where = (key_result.pk, key_result.objective_id)
    assert events == [
        ("created", manager.pk, *where, {}),
        (
            "updated",
            manager.pk,
            *where,
            {
                "title": ["Guided tour", "Guided tour, v2"],
                "due_date": ["2030-01-31", "2030-02-28"],
            },
        ),
        ("updated", owner.pk, *where, {"status": ["todo", "done"]}),
    ]
