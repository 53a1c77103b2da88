"""`manage.py seed_load`: deterministic, scales with --people, refuses a database that holds data,
and writes the rows the services would have written (latest values, counts, frozen scores)."""

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import HttpRequest
from pytest_django import DjangoDbBlocker

import scoring
from checkins.models import CheckIn
from dashboards.selectors import current_cycle
from initiatives.models import Initiative
from initiatives.overdue import past_due
from objectives.cycles.services import freeze_scores
from objectives.models import (
    Cycle,
    CycleTransition,
    KeyResult,
    Membership,
    Objective,
    ObjectiveReflection,
    Team,
    User,
)
from tests.factories import UserFactory

# Seeding commits (COPY, then triggers re-enabled on PostgreSQL), as it does for real.
pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 11, 18)  # a Wednesday: the current week has a few check-ins already
PEOPLE = 70


def seed(people: int = PEOPLE, seed: int = 1, *extra: str) -> str:
    out = StringIO()
    call_command(
        "seed_load", f"--people={people}", f"--seed={seed}", f"--today={TODAY}", *extra, stdout=out
    )
    return out.getvalue()


def fingerprint() -> str:
    """Every row seed_load writes, ids included, as one digest."""
    digest = hashlib.sha256()
    tables = [
        (User, ["username", "display_name", "email", "time_zone", "is_superuser", "password"]),
        (Team, ["name", "slug", "parent_id", "is_root"]),
        (Membership, ["user_id", "team_id", "role"]),
        (Cycle, ["name", "start_date", "end_date", "state"]),
        (CycleTransition, ["cycle_id", "from_state", "to_state", "at"]),
        (
            Objective,
            ["cycle_id", "title", "owner_team_id", "owner_user_id", "parent_id"]
            + ["objective_type", "visibility", "archived", "frozen_score"],
        ),
        (
            KeyResult,
            ["objective_id", "title", "owner_id", "kind", "start_value", "target_value"]
            + ["weight", "archived", "current_value", "last_confidence", "last_checkin_at"]
            + ["checkins_total", "checkins_met", "final_grade", "frozen_score"],
        ),
        (CheckIn, ["key_result_id", "author_id", "value", "confidence", "blockers", "created_at"]),
        (ObjectiveReflection, ["objective_id", "decision", "author_id"]),
        (
            Initiative,
            ["key_result_id", "title", "owner_id", "due_date", "status", "priority", "link"]
            + ["completed_at", "created_by_id"],
        ),
    ]
    for model, fields in tables:
        for row in model.objects.order_by("pk").values_list("pk", *fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    seed(seed=7)
    first = fingerprint()
    wipe()
    seed(seed=7)
    assert fingerprint() == first
    wipe()
    seed(seed=8)
    assert fingerprint() != first


def test_it_refuses_a_database_that_holds_data_unless_told_to_wipe_it():
    UserFactory(username="someone")
    with pytest.raises(CommandError, match="already holds data .*--wipe"):
        seed()
    assert list(User.objects.values_list("username", flat=True)) == ["someone"]
    seed(PEOPLE, 1, "--wipe")
    assert not User.objects.filter(username="someone").exists()
    assert User.objects.count() == PEOPLE


def test_the_organisation_scales_with_the_number_of_people():
    # The class below checks the same proportions at PEOPLE.
    assert_proportions(people=2 * PEOPLE, output=seed(2 * PEOPLE))


def assert_proportions(*, people: int, output: str) -> None:
    assert User.objects.count() == people
    assert f"{people:,} users" in output
    cycle = current_cycle(on=TODAY)
    assert cycle.start_date <= TODAY <= cycle.end_date
    current = Objective.objects.filter(cycle=cycle)
    key_results = KeyResult.objects.filter(objective__cycle=cycle)
    # The proportions of the 5,000-person company: ~6 people a team, ~2.4 objectives and ~8
    # key results a person, ~12 check-ins a key result.
    assert people / 9 < Team.objects.count() < people / 4
    assert 2 * people < current.count() < 3 * people
    assert 7 * people < key_results.count() < 10 * people
    checkins = CheckIn.objects.filter(key_result__objective__cycle=cycle).count()
    assert 11 * key_results.count() < checkins < 13 * key_results.count()
    # Four levels: company, divisions, departments, squads.
    root = Team.objects.get(is_root=True)
    assert Team.objects.filter(parent__parent__parent=root).exists()
    assert not Team.objects.filter(parent__parent__parent__parent=root).exists()
    # The three quarters before are closed, graded and frozen.
    closed = Cycle.objects.filter(state=Cycle.State.CLOSED)
    assert closed.count() == 3
    assert not KeyResult.objects.filter(
        objective__cycle__in=closed, archived=False, frozen_score=None
    ).exists()
    assert KeyResult.objects.filter(objective__cycle__in=closed).exclude(final_grade=None).exists()
    assert ObjectiveReflection.objects.exists()


@pytest.fixture(scope="class")
def loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """seed_load's company at PEOPLE, seeded once for the tests that only read it (it takes
    seconds), in a transaction rolled back after the last of them; each test runs in a savepoint
    inside it. COPY and the trigger switching on PostgreSQL work inside a transaction, as they do
    when seed_load runs for real (it opens its own)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestTheLoadedCompany:
    def test_has_the_proportions_of_the_large_company(self, loaded: str) -> None:
        assert_proportions(people=PEOPLE, output=loaded)

    def test_every_kind_level_and_visibility_is_there_and_aligned(self, loaded: str) -> None:
        cycle = current_cycle(on=TODAY)
        kinds = set(KeyResult.objects.values_list("kind", flat=True))
        assert kinds == set(KeyResult.Kind.values)
        current = Objective.objects.filter(cycle=cycle)
        assert current.filter(owner_team__is_root=True).exists()
        assert current.filter(owner_team__is_root=False).exists()
        assert current.filter(owner_user__isnull=False).exists()
        assert current.filter(visibility=Objective.Visibility.PRIVATE).exists()
        aligned = current.exclude(owner_team__is_root=True).filter(parent__isnull=False).count()
        assert aligned > 0.9 * current.exclude(owner_team__is_root=True).count()
        assert not current.filter(parent__isnull=False).exclude(parent__cycle=cycle).exists()

    def test_key_results_hold_what_record_checkin_would_have_left(self, loaded: str) -> None:
        for kr in KeyResult.objects.annotate(n=Count("checkins")).filter(n__gt=0)[:200]:
            latest = CheckIn.objects.filter(key_result=kr).order_by("-created_at", "-id").first()
            assert (kr.current_value, kr.last_confidence, kr.last_checkin_at) == (
                latest.value,
                latest.confidence,
                latest.created_at,
            )
        assert not KeyResult.objects.filter(checkins=None).exclude(current_value=None).exists()
        # Blockers accompany every low confidence, as the check-in form requires.
        assert not CheckIn.objects.filter(confidence__lte=2, blockers="").exists()
        # Nothing in the future of the day it was built around.
        assert not CheckIn.objects.filter(created_at__date__gte=TODAY).exists()

    def test_the_stored_check_in_counts_are_the_rows_counted(self, loaded: str) -> None:
        target = F("key_result__target_value")
        met = Q(key_result__kind="at_least", value__gte=target) | Q(
            key_result__kind="at_most", value__lte=target
        )
        counted = {
            row["key_result"]: (row["total"], row["met"])
            for row in CheckIn.objects.values("key_result").annotate(
                total=Count("id"), met=Count("id", filter=met)
            )
        }
        for pk, total, met_count in KeyResult.objects.values_list(
            "pk", "checkins_total", "checkins_met"
        ):
            assert (total, met_count) == counted.get(pk, (0, 0))

    def test_closed_quarters_hold_the_scores_closing_them_would_have_frozen(
        self, loaded: str
    ) -> None:
        for cycle in Cycle.objects.filter(state=Cycle.State.CLOSED):
            stored_krs = dict(
                KeyResult.objects.filter(objective__cycle=cycle).values_list("pk", "frozen_score")
            )
            stored_objectives = dict(
                Objective.objects.filter(cycle=cycle).values_list("pk", "frozen_score")
            )
            freeze_scores(cycle=cycle)  # the service, on the same rows
            assert (
                dict(
                    KeyResult.objects.filter(objective__cycle=cycle).values_list(
                        "pk", "frozen_score"
                    )
                )
                == stored_krs
            )
            assert (
                dict(Objective.objects.filter(cycle=cycle).values_list("pk", "frozen_score"))
                == stored_objectives
            )

    def test_the_current_quarter_has_twelve_weeks_of_history_and_a_week_to_go(
        self, loaded: str
    ) -> None:
        cycle = current_cycle(on=TODAY)
        monday = scoring.week_start(day=TODAY)
        assert cycle.start_date == monday - timedelta(weeks=12)
        assert cycle.end_date > TODAY
        weeks = {
            scoring.week_start(day=moment.date())
            for moment in CheckIn.objects.filter(key_result__objective__cycle=cycle).values_list(
                "created_at", flat=True
            )
        }
        assert len(weeks) == 13  # twelve full weeks and this one so far
        grades = KeyResult.objects.filter(objective__cycle__state=Cycle.State.CLOSED).exclude(
            final_grade=None
        )
        assert all(
            Decimal(0) <= g <= Decimal(1) for g in grades.values_list("final_grade", flat=True)
        )

    def test_everyone_signs_in_with_the_printed_password(self, client, loaded: str) -> None:
        assert "load1234" in loaded
        person = User.objects.filter(is_superuser=False).first()
        # django-axes throttles sign-ins per request, so authenticate() needs one.
        assert client.login(request=HttpRequest(), username=person.username, password="load1234")
        assert User.objects.get(username="load-admin").is_admin

    def test_most_current_key_results_have_initiatives_some_late_blocked_or_done(
        self, loaded: str
    ) -> None:
        cycle = current_cycle(on=TODAY)
        current = KeyResult.objects.filter(objective__cycle=cycle, archived=False)
        per_key_result = dict(current.annotate(n=Count("initiatives")).values_list("pk", "n"))
        with_some = [n for n in per_key_result.values() if n]
        assert len(with_some) >= 0.75 * len(per_key_result)
        assert set(with_some) <= {1, 2, 3}
        # Only the current quarter's key results, never an archived one.
        assert not Initiative.objects.exclude(key_result__in=current).exists()
        initiatives = list(Initiative.objects.select_related("key_result__owner"))
        # completed_at exactly when done (the model's check constraint holds it too), never ahead
        # of the day the data is built around.
        for initiative in initiatives:
            assert (initiative.completed_at is not None) == (initiative.status == "done")
            if initiative.completed_at:
                assert initiative.completed_at.date() < TODAY
            assert cycle.start_date <= initiative.due_date <= cycle.end_date
            assert initiative.created_by_id == initiative.key_result.owner_id
        overdue = [
            i for i in initiatives if past_due(due_date=i.due_date, status=i.status, today=TODAY)
        ]
        statuses = {i.status for i in initiatives}
        assert statuses == {"todo", "in_progress", "blocked", "done"}
        assert overdue and len(overdue) < len(initiatives) / 3
        assert {i.priority for i in initiatives} == {"high", "medium", "low"}
        assert any(i.link for i in initiatives) and any(not i.link for i in initiatives)
        # Owned by the key result's owner or by someone in one of the owner's teams.
        teams_of: dict[int, set[int]] = {}
        for user_id, team_id in Membership.objects.values_list("user_id", "team_id"):
            teams_of.setdefault(user_id, set()).add(team_id)
        for initiative in initiatives:
            owner = initiative.key_result.owner_id
            assert initiative.owner_id == owner or teams_of[initiative.owner_id] & teams_of[owner]
