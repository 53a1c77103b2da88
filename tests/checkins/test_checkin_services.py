from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from checkins.models import CheckIn
from checkins.services import record_checkin
from objectives.models import Cycle, KeyResult, User
from tests.factories import CheckInFactory

pytestmark = pytest.mark.django_db


def _state(key_result: KeyResult) -> tuple:
    key_result.refresh_from_db()
    return (
        CheckIn.objects.filter(key_result=key_result).count(),
        key_result.current_value,
        key_result.last_confidence,
        key_result.last_checkin_at,
    )


def test_checkin_moves_the_key_result_in_the_same_write(key_result: KeyResult, owner: User):
    checkin = record_checkin(
        actor=owner,
        key_result=key_result,
        value=Decimal("32.5"),
        confidence=4,
        what_changed="New welcome tour",
    )
    key_result.refresh_from_db()
    assert checkin.author == owner
    assert key_result.current_value == Decimal("32.5")
    assert key_result.last_confidence == 4
    assert key_result.last_checkin_at == checkin.created_at


def test_backdated_checkin_joins_history_without_becoming_latest(
    key_result: KeyResult, owner: User
):
    record_checkin(actor=owner, key_result=key_result, value=Decimal(40), confidence=4)
    record_checkin(
        actor=owner,
        key_result=key_result,
        value=Decimal(25),
        confidence=2,
        blockers="Old data",
        now=timezone.now() - timedelta(days=7),
    )
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(40)
    assert CheckIn.objects.filter(key_result=key_result).count() == 2


@pytest.mark.parametrize("who", ["owner", "manager", "admin"])
def test_who_may_check_in(request, key_result: KeyResult, who: str):
    actor = request.getfixturevalue(who)
    record_checkin(actor=actor, key_result=key_result, value=Decimal(30), confidence=3)
    assert CheckIn.objects.get().author == actor


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_manager"])
def test_who_may_not_check_in(request, key_result: KeyResult, who: str):
    actor = request.getfixturevalue(who)
    before = _state(key_result)
    with pytest.raises(PermissionDenied):
        record_checkin(actor=actor, key_result=key_result, value=Decimal(30), confidence=3)
    assert _state(key_result) == before


def test_manager_of_a_team_above_may_check_in(key_result, owner, squad, company):
    from tests.factories import MembershipFactory, UserFactory

    head = UserFactory(username="head")
    MembershipFactory(user=head, team=company, role="manager")
    record_checkin(actor=head, key_result=key_result, value=Decimal(30), confidence=5)
    assert CheckIn.objects.get().author == head


def test_manager_of_a_sub_team_may_not_check_in_above(key_result, squad):
    from tests.factories import MembershipFactory, UserFactory

    squad_lead = UserFactory(username="squad_lead")
    MembershipFactory(user=squad_lead, team=squad, role="manager")
    with pytest.raises(PermissionDenied):
        record_checkin(actor=squad_lead, key_result=key_result, value=Decimal(30), confidence=5)


@pytest.mark.parametrize("state", [Cycle.State.PLANNING, Cycle.State.GRADING, Cycle.State.CLOSED])
def test_no_checkins_outside_an_active_cycle(key_result, owner, cycle, state):
    cycle.state = state
    cycle.save(update_fields=["state"])
    before = _state(key_result)
    with pytest.raises(PermissionDenied, match="Check-ins are closed"):
        record_checkin(actor=owner, key_result=key_result, value=Decimal(30), confidence=4)
    assert _state(key_result) == before


def test_no_checkins_on_archived_key_results(key_result, owner):
    key_result.archived = True
    key_result.save(update_fields=["archived"])
    with pytest.raises(PermissionDenied, match="archived"):
        record_checkin(actor=owner, key_result=key_result, value=Decimal(30), confidence=4)


@pytest.mark.parametrize(
    ("value", "confidence", "blockers", "field"),
    [
        (Decimal("NaN"), 4, "", "value"),
        (Decimal("Infinity"), 4, "", "value"),
        (Decimal("-Infinity"), 4, "", "value"),
        (Decimal("1e13"), 4, "", "value"),
        (Decimal(30), 0, "", "confidence"),
        (Decimal(30), 6, "", "confidence"),
        (Decimal(30), 2, "", "blockers"),
        (Decimal(30), 1, "   ", "blockers"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(
    key_result, owner, value, confidence, blockers, field
):
    before = _state(key_result)
    with pytest.raises(ValidationError) as refused:
        record_checkin(
            actor=owner,
            key_result=key_result,
            value=value,
            confidence=confidence,
            blockers=blockers,
        )
    assert field in refused.value.message_dict
    assert _state(key_result) == before


def test_low_confidence_with_blockers_is_fine(key_result, owner):
    record_checkin(
        actor=owner, key_result=key_result, value=Decimal(21), confidence=1, blockers="No data team"
    )
    assert CheckIn.objects.get().blockers == "No data team"


def test_checkins_are_append_only(key_result):
    checkin = CheckInFactory(key_result=key_result)
    checkin.value = Decimal(99)
    with pytest.raises(TypeError, match="append-only"):
        checkin.save()
    with pytest.raises(TypeError, match="append-only"):
        CheckIn.objects.filter(pk=checkin.pk).update(value=Decimal(99))


def test_database_refuses_confidence_out_of_range(key_result):
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckInFactory(key_result=key_result, confidence=6)


@pytest.mark.django_db(transaction=True)  # outside any transaction, as a request runs
def test_a_key_result_said_to_be_locked_needs_the_callers_transaction(key_result, owner):
    with pytest.raises(ValueError, match="transaction"):
        record_checkin(
            actor=owner, key_result=key_result, value=Decimal(30), confidence=4, locked=True
        )
    assert not CheckIn.objects.exists()
