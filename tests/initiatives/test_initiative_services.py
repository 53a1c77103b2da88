"""initiatives/services.py: validation (past due dates yes; bad links, unknown statuses no),
who may write (the key result's editors plus the initiative's own owner), the closed cycle, and
that initiatives never move a key result's progress or score."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from checkins.services import record_checkin
from dashboards import selectors as dashboard_selectors
from domain.errors import CycleStateError
from initiatives import services
from initiatives.models import Initiative
from objectives.models import KeyResult, Objective
from tests.factories import (
    InitiativeFactory,
    KeyResultFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + timedelta(days=7)


def _create(actor, key_result, **overrides):
    values = {
        "title": "Record the onboarding tour",
        "owner": actor,
        "due_date": NEXT_WEEK,
        "status": "todo",
        "priority": "high",
        "link": "",
    }
    values.update(overrides)
    return services.create_initiative(actor=actor, key_result=key_result, **values)


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Validation -------------------------------------------------------------------------------


def test_a_valid_initiative_is_created_with_its_author(owner, key_result):
    initiative = _create(owner, key_result, title="  Record the tour  ", link="https://x.test/T-1")
    initiative.refresh_from_db()
    assert initiative.title == "Record the tour"
    assert initiative.owner == owner
    assert initiative.created_by == owner
    assert initiative.link == "https://x.test/T-1"
    assert initiative.completed_at is None


def test_a_past_due_date_is_allowed(owner, key_result):
    initiative = _create(owner, key_result, due_date=date(2020, 1, 1))
    assert initiative.due_date == date(2020, 1, 1)


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com/x",
        "file:///etc/passwd",
        "not a url",
        "http://",
        "//example.com/path",
        "https://exa mple.com",
        "https://example.com/" + "a" * 500,
    ],
)
def test_malformed_or_unsafe_links_are_refused(owner, key_result, link):
    with pytest.raises(ValidationError) as refused:
        _create(owner, key_result, link=link)
    assert list(_errors(refused)) == ["link"]
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "finished"),
        ("status", ""),
        ("priority", "urgent"),
        ("title", "   "),
        ("title", "x" * 201),
        ("due_date", None),
        ("owner", None),
    ],
)
def test_bad_values_are_refused_field_by_field(owner, key_result, field, value):
    with pytest.raises(ValidationError) as refused:
        _create(owner, key_result, **{field: value})
    assert field in _errors(refused)
    assert _errors(refused)[field][0]
    assert not Initiative.objects.exists()


def test_an_unknown_status_names_the_real_ones(owner, key_result):
    with pytest.raises(ValidationError) as refused:
        _create(owner, key_result, status="finished")
    message = _errors(refused)["status"][0]
    assert "finished" in message
    assert "In progress" in message


def test_a_deactivated_owner_is_refused(owner, teammate, key_result):
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as refused:
        _create(owner, key_result, owner=teammate)
    assert "deactivated" in _errors(refused)["owner"][0]


def test_an_owner_who_cannot_see_a_private_objective_is_refused(owner, stranger, cycle):
    private = ObjectiveFactory(
        cycle=cycle, owner_user=owner, owner_team=None, visibility=Objective.Visibility.PRIVATE
    )
    kr = KeyResultFactory(objective=private, owner=owner)
    with pytest.raises(ValidationError) as refused:
        _create(owner, kr, owner=stranger)
    assert "private" in _errors(refused)["owner"][0]


def test_update_rejects_an_unknown_status_and_changes_nothing(owner, key_result):
    initiative = InitiativeFactory(key_result=key_result, owner=owner, title="Before")
    with pytest.raises(ValidationError):
        services.update_initiative(
            actor=owner,
            initiative=initiative,
            title="After",
            owner=owner,
            due_date=NEXT_WEEK,
            status="nearly",
            priority="low",
            link="",
        )
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Before", "todo")


def test_set_status_rejects_an_unknown_status(owner, key_result):
    initiative = InitiativeFactory(key_result=key_result, owner=owner)
    with pytest.raises(ValidationError) as refused:
        services.set_initiative_status(actor=owner, initiative=initiative, status="cancelled")
    assert "status" in _errors(refused)
    initiative.refresh_from_db()
    assert initiative.status == "todo"


# --- Done and completed_at ---------------------------------------------------------------------


def test_done_stamps_completed_at_and_leaving_done_clears_it(owner, key_result):
    initiative = InitiativeFactory(key_result=key_result, owner=owner)
    moment = timezone.now() - timedelta(hours=3)
    services.complete_initiative(actor=owner, initiative=initiative, now=moment)
    initiative.refresh_from_db()
    assert (initiative.status, initiative.completed_at) == ("done", moment)
    # Done again keeps the first moment.
    services.set_initiative_status(actor=owner, initiative=initiative, status="done")
    initiative.refresh_from_db()
    assert initiative.completed_at == moment
    services.set_initiative_status(actor=owner, initiative=initiative, status="in_progress")
    initiative.refresh_from_db()
    assert (initiative.status, initiative.completed_at) == ("in_progress", None)


def test_creating_as_done_stamps_completed_at(owner, key_result):
    initiative = _create(owner, key_result, status="done")
    assert initiative.completed_at is not None


def test_the_database_refuses_done_without_completed_at(owner, key_result):
    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.create(
            key_result=key_result, title="x", owner=owner, due_date=NEXT_WEEK, status="done"
        )


# --- Who may write ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "manager", "admin"])
def test_the_key_results_editors_add_initiatives(request, key_result, who):
    actor = request.getfixturevalue(who)
    assert _create(actor, key_result).created_by == actor


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_manager"])
def test_others_may_not_add_initiatives(request, owner, key_result, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _create(actor, key_result, owner=owner)
    assert not Initiative.objects.exists()


def test_a_read_only_viewer_may_not_write_even_their_own(owner, key_result):
    owner.is_viewer = True
    owner.save(update_fields=["is_viewer"])
    with pytest.raises(PermissionDenied):
        _create(owner, key_result)
    mine = InitiativeFactory(key_result=key_result, owner=owner)
    with pytest.raises(PermissionDenied):
        services.complete_initiative(actor=owner, initiative=mine)


def test_the_initiatives_owner_edits_it_on_someone_elses_key_result(owner, teammate, key_result):
    """The teammate does not edit the key result, but owns this piece of work."""
    initiative = InitiativeFactory(key_result=key_result, owner=teammate, title="Tour copy")
    services.update_initiative(
        actor=teammate,
        initiative=initiative,
        title="Tour copy, second draft",
        owner=teammate,
        due_date=NEXT_WEEK + timedelta(days=3),
        status="in_progress",
        priority="low",
        link="https://tracker.test/OKR-7",
    )
    services.complete_initiative(actor=teammate, initiative=initiative)
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Tour copy, second draft", "done")


def test_the_initiatives_owner_may_not_give_it_to_someone_else(owner, teammate, key_result):
    initiative = InitiativeFactory(key_result=key_result, owner=teammate)
    with pytest.raises(ValidationError) as refused:
        services.update_initiative(
            actor=teammate,
            initiative=initiative,
            title=initiative.title,
            owner=owner,
            due_date=initiative.due_date,
            status="todo",
            priority="medium",
            link="",
        )
    assert "owner" in _errors(refused)
    initiative.refresh_from_db()
    assert initiative.owner == teammate


def test_the_key_results_owner_reassigns_an_initiative(owner, teammate, key_result):
    initiative = InitiativeFactory(key_result=key_result, owner=owner)
    services.update_initiative(
        actor=owner,
        initiative=initiative,
        title=initiative.title,
        owner=teammate,
        due_date=initiative.due_date,
        status="todo",
        priority="medium",
        link="",
    )
    initiative.refresh_from_db()
    assert initiative.owner == teammate


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_manager"])
def test_others_may_not_edit_or_complete_an_initiative(request, owner, key_result, who):
    actor = request.getfixturevalue(who)
    initiative = InitiativeFactory(key_result=key_result, owner=owner, title="Kept")
    with pytest.raises(PermissionDenied):
        services.complete_initiative(actor=actor, initiative=initiative)
    with pytest.raises(PermissionDenied):
        services.update_initiative(
            actor=actor,
            initiative=initiative,
            title="Taken",
            owner=owner,
            due_date=NEXT_WEEK,
            status="todo",
            priority="low",
            link="",
        )
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Kept", "todo")


def test_an_initiative_owner_keeps_their_work_when_the_objective_goes_private(
    owner, manager, stranger, other_manager, cycle
):
    """The owner of an initiative contributes to its objective: they keep seeing and editing
    their work after the objective went private (here the stranger was given work on it)."""
    objective = ObjectiveFactory(cycle=cycle, owner_user=owner, owner_team=None)
    kr = KeyResultFactory(objective=objective, owner=owner)
    initiative = InitiativeFactory(key_result=kr, owner=stranger)
    other = InitiativeFactory(key_result=kr, owner=owner)
    objective.visibility = Objective.Visibility.PRIVATE
    objective.save(update_fields=["visibility"])
    services.complete_initiative(actor=stranger, initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.DONE
    # The stranger's manager is no contributor: the objective stays hidden from them.
    with pytest.raises(PermissionDenied):
        services.complete_initiative(actor=other_manager, initiative=other)
    other.refresh_from_db()
    assert other.status != Initiative.Status.DONE
    # The owner's manager sees and edits the private objective's work.
    services.complete_initiative(actor=manager, initiative=other)
    other.refresh_from_db()
    assert other.status == Initiative.Status.DONE


# --- Cycle state and archives -----------------------------------------------------------------


@pytest.mark.parametrize("state", ["planning", "active", "grading"])
def test_open_cycles_take_initiative_changes(owner, key_result, cycle, state):
    cycle.state = state
    cycle.save(update_fields=["state"])
    initiative = _create(owner, key_result)
    assert (initiative.key_result, initiative.status) == (key_result, Initiative.Status.TODO)
    services.complete_initiative(actor=owner, initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.DONE


def test_a_closed_cycle_refuses_every_write_and_changes_nothing(owner, key_result, cycle):
    initiative = InitiativeFactory(key_result=key_result, owner=owner, title="Frozen")
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    with pytest.raises(CycleStateError, match="closed"):
        _create(owner, key_result)
    with pytest.raises(CycleStateError, match="closed"):
        services.complete_initiative(actor=owner, initiative=initiative)
    with pytest.raises(CycleStateError, match="closed"):
        services.update_initiative(
            actor=owner,
            initiative=initiative,
            title="Thawed",
            owner=owner,
            due_date=NEXT_WEEK,
            status="todo",
            priority="low",
            link="",
        )
    assert list(Initiative.objects.values_list("title", "status")) == [("Frozen", "todo")]


def test_an_archived_key_result_refuses_changes(owner, key_result):
    initiative = InitiativeFactory(key_result=key_result, owner=owner)
    KeyResult.objects.filter(pk=key_result.pk).update(archived=True)
    with pytest.raises(PermissionDenied, match="archived"):
        services.complete_initiative(actor=owner, initiative=initiative)
    with pytest.raises(PermissionDenied, match="archived"):
        _create(owner, key_result)


# --- Outputs are not outcomes -----------------------------------------------------------------


def test_initiatives_never_change_a_key_results_progress_or_score(owner, key_result):
    record_checkin(actor=owner, key_result=key_result, value=Decimal(30), confidence=4)

    def standing():
        kr = KeyResult.objects.get(pk=key_result.pk)
        view = dashboard_selectors.key_result_view(key_result_id=kr.pk, viewer=owner)
        return (kr.current_value, kr.updated_at, view.progress, view.score, view.status.status)

    before = standing()
    work = [_create(owner, key_result, title=f"Work {n}") for n in range(3)]
    for initiative in work:
        services.complete_initiative(actor=owner, initiative=initiative)
    services.set_initiative_status(actor=owner, initiative=work[0], status="blocked")
    assert standing() == before
    assert before[2] == Decimal("0.25")
