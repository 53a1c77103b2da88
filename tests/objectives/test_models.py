"""Rules the database enforces itself, and the alignment rules the model enforces on save."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import scoring
from checkins.models import CheckIn
from objectives.models import Cycle, KeyResult, Membership, Objective, Team
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def _refused(factory, **kwargs) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_choices_match_what_scoring_knows():
    assert set(KeyResult.Kind.values) == {k.value for k in scoring.Kind}
    assert set(Objective.Type.values) == {t.value for t in scoring.ObjectiveType}


def test_only_one_root_team(company):
    _refused(Team.objects.create, name="Another company", slug="other", is_root=True)


def test_non_root_team_needs_a_parent(company):
    _refused(Team.objects.create, name="Orphan", slug="orphan", is_root=False)


def test_root_team_has_no_parent(company):
    _refused(Team.objects.create, name="Root", slug="root2", is_root=True, parent=company)


def test_a_person_belongs_to_a_team_once(owner, product):
    _refused(MembershipFactory, user=owner, team=product, role=Membership.Role.MANAGER)


def test_cycle_ends_after_it_starts(db):
    _refused(CycleFactory, start_date=date(2027, 1, 1), end_date=date(2027, 1, 1))


def test_objective_has_exactly_one_owner(cycle, product, owner):
    _refused(ObjectiveFactory, cycle=cycle, owner_team=product, owner_user=owner)
    _refused(ObjectiveFactory, cycle=cycle, owner_team=None, owner_user=None)


def test_weight_must_be_positive(team_objective, owner):
    _refused(KeyResultFactory, objective=team_objective, owner=owner, weight=Decimal(0))


def test_metric_target_must_differ_from_start(team_objective, owner):
    _refused(
        KeyResultFactory,
        objective=team_objective,
        owner=owner,
        start_value=Decimal(5),
        target_value=Decimal(5),
    )


def test_keep_level_kinds_may_start_at_their_target(team_objective, owner):
    kr = KeyResultFactory(
        objective=team_objective,
        owner=owner,
        kind=KeyResult.Kind.AT_MOST,
        start_value=Decimal(5),
        target_value=Decimal(5),
    )
    assert kr.pk


def test_absurd_values_are_refused_by_the_database(team_objective, owner):
    _refused(KeyResultFactory, objective=team_objective, owner=owner, target_value=Decimal("1e14"))


def test_check_in_confidence_range_is_enforced(key_result, owner):
    for confidence in (0, 6):
        _refused(
            CheckIn.objects.create,
            key_result=key_result,
            author=owner,
            value=Decimal(1),
            confidence=confidence,
        )


def test_levels(team_objective, company, cycle, owner):
    company_objective = ObjectiveFactory(cycle=cycle, owner_team=company)
    individual = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner)
    assert company_objective.level == Objective.Level.COMPANY
    assert team_objective.level == Objective.Level.TEAM
    assert individual.level == Objective.Level.INDIVIDUAL


class TestAlignment:
    def test_parent_in_the_same_cycle_is_fine(self, team_objective, company, cycle):
        parent = ObjectiveFactory(cycle=cycle, owner_team=company)
        assert team_objective.alignment_errors(parent) == []
        team_objective.parent = parent
        team_objective.full_clean()  # raises ValidationError if the parent were refused
        team_objective.save()
        team_objective.refresh_from_db()
        assert team_objective.parent == parent

    def test_parent_from_another_cycle_is_refused(self, team_objective, company):
        elsewhere = ObjectiveFactory(cycle=CycleFactory(), owner_team=company)
        team_objective.parent = elsewhere
        with pytest.raises(ValidationError, match="same cycle"):
            team_objective.full_clean()

    def test_own_parent_is_refused(self, team_objective):
        assert team_objective.alignment_errors(team_objective)

    def test_loops_are_refused(self, cycle, company, product, owner):
        top = ObjectiveFactory(cycle=cycle, owner_team=company)
        middle = ObjectiveFactory(cycle=cycle, owner_team=product, parent=top)
        bottom = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner, parent=middle)
        top.parent = bottom
        with pytest.raises(ValidationError, match="loop"):
            top.full_clean()
        assert middle.alignment_errors(bottom)
        top.refresh_from_db()
        assert not bottom.alignment_errors(top)


@pytest.mark.parametrize(
    "model",
    [
        Team,
        Membership,
        Cycle,
        Objective,
        KeyResult,
        CheckIn,
        Team._meta.apps.get_model("objectives", "User"),
    ],
)
def test_every_model_is_in_the_django_admin(model):
    assert admin.site.is_registered(model)


def test_admin_pages_open(client, admin, key_result):
    from checkins.services import record_checkin

    record_checkin(actor=admin, key_result=key_result, value=Decimal(30), confidence=4)
    client.force_login(admin)
    for url in [
        "/admin/",
        "/admin/objectives/user/",
        "/admin/objectives/team/",
        "/admin/objectives/membership/",
        "/admin/objectives/objectivetemplate/",
        "/admin/objectives/cycle/",
        "/admin/objectives/objective/",
        f"/admin/objectives/objective/{key_result.objective_id}/change/",
        "/admin/objectives/keyresult/",
        f"/admin/objectives/keyresult/{key_result.pk}/change/",
        "/admin/checkins/checkin/",
        "/admin/checkins/reminderpolicy/",
        "/admin/checkins/reminderdelivery/",
    ]:
        assert client.get(url).status_code == 200, url


def test_sub_team_fixture_shape(squad, product):
    assert squad.parent == product and TeamFactory._meta.model is Team
