"""`manage.py seed_demo`: the demo company, its quarter of OKRs and its check-in history."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from pytest_django import DjangoDbBlocker

import scoring
from checkins.models import CheckIn
from dashboards.selectors import current_cycle, cycle_report, my_week
from dashboards.selectors.team_initiatives import team_initiatives
from initiatives.models import Initiative
from objectives.models import Cycle, CycleTransition, KeyResult, Membership, Objective, Team, User

pytestmark = pytest.mark.django_db

# A Wednesday afternoon seven weeks into 2026 Q4: enough history for every script to play out.
MID_QUARTER = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (User, Team, Membership, Cycle, Objective, KeyResult, CheckIn, Initiative)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def mid_quarter() -> Iterator[None]:
    with time_machine.travel(MID_QUARTER, tick=False):
        yield


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """The demo seeded once for a class of read-only tests, rolled back after them.

    Seeding takes about a second; the tests that only look at the result share one run.
    """
    with (
        django_db_blocker.unblock(),
        time_machine.travel(MID_QUARTER, tick=False),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


@pytest.mark.usefixtures("mid_quarter")
class TestDemoCompany:
    def test_creates_the_three_logins_with_the_demo_password(self, demo: str) -> None:
        admin, manager, employee = (
            User.objects.get(username=name) for name in ("admin", "manager", "employee")
        )
        for user in (admin, manager, employee):
            assert user.check_password("demo1234")
        assert admin.is_superuser and admin.is_staff and admin.is_admin
        assert not manager.is_admin and not employee.is_admin
        product = Team.objects.get(memberships__user=manager, memberships__role="manager")
        assert Membership.objects.filter(user=employee, team=product, role="member").exists()
        assert f"manager (leads {product.name})" in demo
        assert f"employee (member of {product.name})" in demo
        assert "demo1234" in demo

    def test_everyone_the_readme_names_signs_in_with_the_demo_password(self, demo: str) -> None:
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
        # "`jiwoo` / `demo1234`" in the text, and the logins table's "| `admin` | `demo1234` |".
        named = set(re.findall(r"`(\w+)`\s*[/|]\s*`demo1234`", readme))
        assert {"admin", "manager", "employee", "jiwoo"} <= named
        for username in named:
            assert User.objects.get(username=username).check_password("demo1234"), username
        assert User.objects.get(username="jiwoo").language == "ko"

    def test_other_people_cannot_log_in_but_look_real(self, demo: str) -> None:
        others = User.objects.exclude(username__in=["admin", "manager", "employee", "jiwoo"])
        assert 15 <= User.objects.count() <= 20
        assert not any(user.has_usable_password() for user in others)
        assert all(user.display_name and user.email for user in User.objects.all())
        zones = set(User.objects.values_list("time_zone", flat=True))
        assert {"Asia/Seoul", "America/New_York", "Europe/Berlin"} <= zones
        assert User.objects.filter(language="ko").count() >= 2

    def test_builds_one_company_with_departments_and_squads(self, demo: str) -> None:
        root = Team.objects.get(is_root=True)
        assert root.parent is None
        departments = {team.name for team in root.children.all()}
        assert {"Sales", "Marketing", "Product", "Engineering", "Customer Success"} <= departments
        assert len(departments) >= 6
        assert Team.objects.filter(parent__parent=root).count() >= 2
        for team in Team.objects.all():
            assert team.memberships.filter(role="manager").count() == 1, team

    def test_adds_the_current_quarter_after_a_closed_one(self, demo: str) -> None:
        today = timezone.localdate()
        cycle = current_cycle(on=today)
        assert cycle is not None
        assert (cycle.name, cycle.start_date.isoformat(), cycle.end_date.isoformat()) == (
            "2026 Q4",
            "2026-10-01",
            "2026-12-31",
        )
        states = dict(Cycle.objects.values_list("name", "state"))
        # The next quarter is the admin's to create from the Cycles page.
        assert states == {"2026 Q3": "closed", "2026 Q4": "active"}
        admin = User.objects.get(username="admin")
        assert set(Cycle.objects.values_list("created_by", flat=True)) == {admin.pk}
        # The current quarter moved with its dates; the closed one was moved by the admin.
        assert list(cycle.transitions.values_list("to_state", "automatic")) == [("active", True)]
        closed = Cycle.objects.get(name="2026 Q3")
        steps = list(closed.transitions.values_list("to_state", "actor__username", "at"))
        assert [(to, who) for to, who, _at in steps] == [
            ("active", "admin"),
            ("grading", "admin"),
            ("closed", "admin"),
        ]
        moments = [at for _to, _who, at in steps]
        assert moments == sorted(moments) and moments[-1] <= timezone.now()

    def test_the_closed_quarter_is_graded_reflected_on_and_frozen(self, demo: str) -> None:
        closed = Cycle.objects.get(state="closed")
        objectives = list(closed.objectives.select_related("owner_team"))
        assert {o.level for o in objectives} == {"company", "team", "individual"}
        key_results = list(KeyResult.objects.filter(objective__cycle=closed))
        assert len(key_results) >= 15
        assert all(kr.frozen_score is not None for kr in key_results)
        assert all(o.frozen_score is not None for o in objectives)
        graded = [kr for kr in key_results if kr.final_grade is not None]
        assert 0 < len(graded) < len(key_results)  # some left ungraded: progress was the score
        assert all(kr.grade_note and kr.graded_by_id and kr.graded_at for kr in graded)
        assert all(kr.frozen_score == kr.final_grade for kr in graded)
        assert all(hasattr(o, "reflection") for o in objectives)
        low = [o for o in objectives if o.frozen_score < Decimal("0.7")]
        assert low and all(o.reflection.root_cause for o in low)
        report = cycle_report(cycle=closed, viewer=User.objects.get(username="employee"))
        bands = {
            band for per_type in report.histogram.values() for band, n in per_type.items() if n
        }
        assert bands == {"red", "yellow", "green"}
        last_checkin = CheckIn.objects.filter(key_result__objective__cycle=closed).latest()
        grading_at = closed.transitions.get(to_state="grading").at
        assert last_checkin.created_at < grading_at

    def test_objectives_cover_all_three_levels_the_okr_way(self, demo: str) -> None:
        cycle = Cycle.objects.get(state="active")
        objectives = list(cycle.objectives.select_related("owner_team"))
        levels = {objective.level for objective in objectives}
        assert levels == {"company", "team", "individual"}
        company = [o for o in objectives if o.level == "company"]
        assert len(company) == 3
        team_owners = {o.owner_team.name for o in objectives if o.level == "team"}
        assert {"Sales", "Marketing", "Product", "Engineering", "Customer Success"} <= team_owners
        for objective in objectives:
            assert not any(char.isdigit() for char in objective.title), objective.title
            assert 3 <= objective.key_results.count() <= 4, objective.title
            if objective.level != "company":
                assert objective.parent is None or objective.parent.cycle_id == cycle.pk
        assert sum(o.parent_id is not None for o in objectives if o.level == "team") >= 10
        assert all(o.parent_id for o in objectives if o.level == "individual")
        assert sum(o.objective_type == "committed" for o in objectives) == 1
        assert [o.level for o in objectives if o.visibility == "private"] == ["individual"]

    def test_key_results_use_every_kind(self, demo: str) -> None:
        assert set(KeyResult.objects.values_list("kind", flat=True)) == set(KeyResult.Kind.values)
        mrr = KeyResult.objects.get(title__startswith="Grow MRR")
        assert (mrr.unit, mrr.start_value, mrr.target_value) == ("$", 520000, 740000)

    def test_history_spans_weeks_and_matches_each_key_result(self, demo: str) -> None:
        now = timezone.now()
        checkins = list(CheckIn.objects.all())
        weeks = {scoring.week_start(day=timezone.localtime(c.created_at).date()) for c in checkins}
        assert len(weeks) >= 3
        assert all(c.created_at <= now for c in checkins)
        assert all(c.blockers for c in checkins if c.confidence <= 2)
        assert {c.confidence for c in checkins} >= {2, 3, 4, 5}
        assert all(c.what_changed for c in checkins)
        latest = dict(
            CheckIn.objects.values("key_result")
            .annotate(at=Max("created_at"))
            .values_list("key_result", "at")
        )
        for kr in KeyResult.objects.all():
            assert kr.last_checkin_at == latest.get(kr.pk), kr.title
            if kr.last_checkin_at:
                last = kr.checkins.latest()
                assert (kr.current_value, kr.last_confidence) == (last.value, last.confidence)

    def test_a_key_result_nobody_checked_in_on_reads_as_no_update(self, demo: str) -> None:
        """The quarter's key results were planned before it began, so silence since then is
        "no update" (staleness counts from the later of the cycle's start and the creation)."""
        rows = my_week(user=User.objects.get(username="ethan")).rows
        (silent,) = (row for row in rows if row.key_result.title == "Ship in-app guided setup")
        assert silent.key_result.last_checkin_at is None
        assert silent.key_result.created_at.date() < silent.key_result.objective.cycle.start_date
        assert silent.status.stale

    def test_employee_has_a_mixed_week_with_something_due(self, demo: str) -> None:
        employee = User.objects.get(username="employee")
        week = my_week(user=employee)
        rows = week.rows
        assert 4 <= len(rows) <= 6
        assert len(week.objectives) == 2
        assert len({row.status.status for row in rows}) >= 2
        assert sum(row.due_this_week for row in rows) >= 2
        assert any(row.checked_in_this_week for row in rows)
        assert any(row.status.stale for row in rows)
        behind = [row for row in rows if row.status.status == "behind"]
        assert any(row.key_result.last_confidence <= 2 for row in behind)
        (individual,) = (o.objective for o in week.objectives if o.objective.owner_user_id)
        assert individual.owner_user == employee
        assert individual.parent.owner_team.name == "Product"

    def test_initiatives_show_every_state_on_the_managers_team(self, demo: str) -> None:
        product = Team.objects.get(slug="product")
        key_results = KeyResult.objects.filter(
            objective__owner_team=product, objective__cycle__state="active"
        ).select_related("objective")
        initiatives = team_initiatives(key_results=key_results)
        counts = initiatives.counts
        assert counts.overdue >= 2 and counts.blocked >= 1
        assert counts.in_progress >= 1 and counts.todo >= 1 and counts.done >= 1
        assert initiatives.overdue_by_key_result()  # the weekly summary has something to say
        assert f"{Initiative.objects.count()} initiatives" in demo
        # Done ones carry their completion; every one sits on the current quarter.
        assert not Initiative.objects.filter(status="done", completed_at__isnull=True).exists()
        assert set(
            Initiative.objects.values_list("key_result__objective__cycle__state", flat=True)
        ) == {"active"}
        employee = User.objects.get(username="employee")
        assert Initiative.objects.filter(owner=employee).exclude(status="done").exists()


def test_running_twice_adds_nothing(mid_quarter: None) -> None:
    seed()
    before = row_counts()
    output = seed()
    assert row_counts() == before
    assert "already there" in output
    assert "demo1234" in output


def test_if_empty_leaves_a_database_with_users_alone(mid_quarter: None) -> None:
    User.objects.create_user("someone", password="x")
    output = seed("--if-empty")
    assert row_counts() == {**dict.fromkeys(row_counts(), 0), "User": 1}
    assert "already has users" in output


def test_if_empty_seeds_an_empty_database(mid_quarter: None) -> None:
    seed("--if-empty")
    assert Team.objects.filter(is_root=True).count() == 1
    assert CheckIn.objects.exists()


def test_an_existing_company_is_never_duplicated(mid_quarter: None) -> None:
    Team.objects.create(name="Acme", slug="acme", is_root=True)
    output = seed()
    assert "already there" in output
    assert row_counts() == {**dict.fromkeys(row_counts(), 0), "Team": 1}


class _Rollback(Exception):
    pass


def test_the_same_day_tells_the_same_story(mid_quarter: None) -> None:
    def story() -> list[tuple[str, datetime, object, int, str]]:
        return list(
            CheckIn.objects.order_by("key_result__title", "created_at").values_list(
                "key_result__title", "created_at", "value", "confidence", "what_changed"
            )
        )

    with pytest.raises(_Rollback), transaction.atomic():
        seed()
        first = story()
        raise _Rollback
    seed()
    assert story() == first


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2029, 1, 1, 0, 5, tzinfo=UTC),  # first minute of a quarter, on a Monday
        datetime(2026, 10, 1, 9, 0, tzinfo=UTC),  # first morning of a quarter, on a Thursday
        datetime(2026, 10, 12, 6, 0, tzinfo=UTC),  # Monday, before anyone in Europe checks in
        datetime(2028, 3, 31, 23, 59, tzinfo=UTC),  # last minute of a (leap-year) quarter
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # the night Europe moves its clocks
    ],
    ids=["quarter-starts-monday", "quarter-day-one", "monday-early", "quarter-end", "dst-night"],
)
def test_works_on_awkward_days(instant: datetime) -> None:
    with time_machine.travel(instant, tick=False):
        seed()
        today = timezone.localdate()
        cycle = current_cycle(on=today)
        assert cycle is not None and cycle.start_date <= today <= cycle.end_date
        assert not CheckIn.objects.filter(created_at__gt=timezone.now()).exists()
        assert not CheckIn.objects.filter(
            key_result__objective__cycle=cycle, created_at__date__lt=cycle.start_date
        ).exists()
        closed = Cycle.objects.get(state="closed")
        assert closed.end_date < cycle.start_date
        assert not CycleTransition.objects.filter(at__gt=timezone.now()).exists()
        # The employee's own day may already be in the next quarter; ask about this one.
        assert my_week(
            user=User.objects.get(username="employee"), requested_cycle=str(cycle.pk)
        ).rows


def test_works_today() -> None:
    seed()
    assert current_cycle(on=timezone.localdate()) is not None
    assert not CheckIn.objects.filter(created_at__gt=timezone.now()).exists()
