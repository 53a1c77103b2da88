"""Every fast path against `scoring` applied to the raw rows.

The dashboards no longer load and score everything the slow way: the team dashboard loads only
the team's objectives (and what their progress needs), the company heatmap counts check-ins per
objective owner in the database, the cycle report scores plain values, and a key result's
check-in counts are columns kept by triggers. Here each of them meets a reference computed from
the objectives, key results and check-ins as stored, objective by objective and key result by key
result, through `scoring` and the one-object permission predicates: they must agree exactly.

The data is seed_load's organisation, made harder: objectives without key results (one inside
another) whose progress comes from children outside the team, and a fresh check-in.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pytest_django import DjangoDbBlocker

import scoring
from checkins.models import CheckIn
from checkins.services import record_checkin
from dashboards.selectors import company_dashboard, current_cycle, team_dashboard
from dashboards.selectors.cycle_report import report_summary
from objectives import permissions, stored_scores
from objectives.cycles.clock import company_tz, cycle_clock
from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


@dataclass
class Raw:
    """A cycle as stored, seen by one viewer, scored by `scoring` one row at a time."""

    cycle: Cycle
    on: date
    objectives: dict[int, Objective]  # visible, not archived
    key_results: dict[int, list[KeyResult]]  # objective id -> not archived
    history: dict[int, list[tuple]]  # key result id -> (created_at, id, value, confidence)

    @classmethod
    def load(cls, *, cycle: Cycle, viewer: User) -> "Raw":
        objectives = {
            o.pk: o
            for o in Objective.objects.filter(cycle=cycle, archived=False).select_related(
                "owner_team", "owner_user"
            )
            if permissions.can_view_objective(viewer, o)
        }
        key_results: dict[int, list[KeyResult]] = {}
        for kr in KeyResult.objects.filter(objective_id__in=list(objectives), archived=False):
            key_results.setdefault(kr.objective_id, []).append(kr)
        history: dict[int, list[tuple]] = {}
        for row in CheckIn.objects.filter(key_result__objective__cycle=cycle).values_list(
            "key_result_id", "created_at", "id", "value", "confidence"
        ):
            history.setdefault(row[0], []).append(row[1:])
        for rows in history.values():
            rows.sort()
        today = timezone.localdate(timezone=company_tz())
        on = min(max(today, cycle.start_date), cycle.end_date)
        return cls(cycle, on, objectives, key_results, history)

    def progress_of(self, kr: KeyResult) -> Decimal:
        values = [value for _at, _id, value, _conf in self.history.get(kr.pk, [])]
        if kr.kind in (KeyResult.Kind.AT_LEAST, KeyResult.Kind.AT_MOST):
            return scoring.kr_progress(
                kind=kr.kind,
                start=kr.start_value,
                target=kr.target_value,
                current=None,
                checkin_values=values,
            )
        return scoring.kr_progress(
            kind=kr.kind,
            start=kr.start_value,
            target=kr.target_value,
            current=values[-1] if values else None,
        )

    def status_of(self, kr: KeyResult) -> scoring.Status:
        rows = self.history.get(kr.pk, [])
        latest = rows[-1] if rows else None
        return scoring.kr_status(
            kind=kr.kind,
            progress=self.progress_of(kr),
            expected=scoring.expected_progress(
                on=self.on, start=self.cycle.start_date, end=self.cycle.end_date
            ),
            current=latest[2] if latest else None,
            start=kr.start_value,
            target=kr.target_value,
            confidence=latest[3] if latest else None,
            last_checkin=timezone.localdate(latest[0], company_tz()) if latest else None,
            cycle_start=self.cycle.start_date,
            created_on=timezone.localdate(kr.created_at, company_tz()),
            on=self.on,
        ).status

    def objective_progress(self, pk: int, seen: frozenset = frozenset()) -> Decimal | None:
        krs = self.key_results.get(pk, [])
        if krs:
            return scoring.objective_progress(
                key_results=[(kr.weight, self.progress_of(kr)) for kr in krs]
            )
        children = [
            o.pk for o in self.objectives.values() if o.parent_id == pk and o.pk not in seen
        ]
        return scoring.objective_progress(
            key_results=[],
            children=[self.objective_progress(child, seen | {pk}) for child in children],
        )

    def stored_progress(self, pk: int, seen: frozenset = frozenset()) -> Decimal | None:
        """`objective_progress` as it is stored (objectives/stored_scores.py): to
        `scoring.STORED_PLACES` places, an objective without key results from its children's
        stored progress."""
        if self.key_results.get(pk):
            return scoring.stored_share(self.objective_progress(pk))
        children = [
            o.pk for o in self.objectives.values() if o.parent_id == pk and o.pk not in seen
        ]
        mean = scoring.mean_progress(
            values=[self.stored_progress(child, seen | {pk}) for child in children]
        )
        return None if mean is None else scoring.stored_share(mean)

    def checked_in_during(self, kr_id: int, monday: date) -> bool:
        return any(
            monday <= timezone.localdate(at, company_tz()) <= monday + timedelta(days=6)
            for at, _id, _value, _conf in self.history.get(kr_id, [])
        )


def subtree(team: Team) -> set[int]:
    found, frontier = {team.pk}, [team.pk]
    while frontier:
        children = list(Team.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in children if pk not in found]
        found.update(frontier)
    return found


def scope(raw: Raw, team_ids: set[int]) -> list[Objective]:
    members = set(Membership.objects.filter(team_id__in=team_ids).values_list("user_id", flat=True))
    return [
        o
        for o in raw.objectives.values()
        if o.owner_team_id in team_ids or o.owner_user_id in members
    ]


@pytest.fixture(scope="module")
def organisation(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[tuple[Cycle, Team, Objective, Objective]]:
    """seed_load's company for 150 people, plus a department objective with no key results left
    whose first child (a squad's) has none either: both score from their children.

    Seeded once for the module (it takes seconds), in a transaction rolled back after its last
    test; each test runs in a savepoint inside it, so one test's writes never reach the next.
    seed_load's COPY and its trigger switching work inside a transaction, as they do for real."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _harder_organisation()
        transaction.set_rollback(True)


def _harder_organisation() -> tuple[Cycle, Team, Objective, Objective]:
    call_command("seed_load", "--people=150", "--seed=3", stdout=None)
    cycle = current_cycle(on=timezone.localdate(timezone=company_tz()))
    department = Team.objects.filter(parent__parent__is_root=True).order_by("pk").first()
    goal = (
        Objective.objects.filter(cycle=cycle, owner_team=department, children__isnull=False)
        .order_by("pk")
        .first()
    )
    child = goal.children.filter(owner_team__isnull=False).order_by("pk").first() or (
        goal.children.order_by("pk").first()
    )
    KeyResult.objects.filter(objective__in=[goal, child]).update(archived=True)
    stored_scores.refresh(objective_ids=[goal.pk, child.pk])  # as after any write
    # A check-in made now, through the service, joins the stored history.
    kr = KeyResult.objects.filter(objective__cycle=cycle, kind="at_least", archived=False).first()
    record_checkin(actor=kr.owner, key_result=kr, value=kr.target_value, confidence=4)
    return cycle, department, goal, child


@pytest.mark.parametrize("sub_teams", [True, False])
def test_the_team_dashboard_scores_like_the_raw_rows(organisation, sub_teams):
    cycle, department, goal, child = organisation
    manager = Membership.objects.get(team=department, role="manager").user
    dashboard = team_dashboard(team=department, viewer=manager, include_sub_teams=sub_teams)
    raw = Raw.load(cycle=cycle, viewer=manager)
    team_ids = subtree(department) if sub_teams else {department.pk}
    expected = scope(raw, team_ids)

    lines = {line.objective.pk: line for line in dashboard.objectives}
    assert set(lines) == {o.pk for o in expected}
    # Its progress comes from its children; without the sub-teams, from objectives outside the
    # dashboard's own, one of which scores from its children in turn.
    assert goal.pk in lines
    assert lines[goal.pk].progress is not None
    for pk, line in lines.items():
        assert line.progress == raw.objective_progress(pk), line.objective.title
    rows = {row.pk: row for row in dashboard.rows}
    expected_krs = [kr for o in expected for kr in raw.key_results.get(o.pk, [])]
    assert set(rows) == {kr.pk for kr in expected_krs}
    for kr in expected_krs:
        assert rows[kr.pk].progress == raw.progress_of(kr)
        assert rows[kr.pk].status == raw.status_of(kr)
    clock = cycle_clock(cycle=cycle)
    checked = sum(raw.checked_in_during(kr.pk, clock.week_start) for kr in expected_krs)
    assert dashboard.cards.checked_in == checked
    assert dashboard.cards.rate == scoring.checkin_rate(checked_in=checked, total=len(rows))
    team_goals = [o.pk for o in expected if o.owner_team_id in team_ids]
    assert dashboard.cards.progress == scoring.mean_progress(
        values=[raw.objective_progress(pk) for pk in team_goals]
    )


def test_a_viewer_without_the_private_objectives_gets_the_public_numbers(organisation):
    cycle, department, _goal, _child = organisation
    outsider = User.objects.exclude(memberships__team_id__in=subtree(department)).filter(
        is_superuser=False
    )[0]
    dashboard = team_dashboard(team=department, viewer=outsider, include_sub_teams=True)
    raw = Raw.load(cycle=cycle, viewer=outsider)
    shown = {line.objective.pk for line in dashboard.objectives}
    assert shown == {o.pk for o in scope(raw, subtree(department))}
    hidden = Objective.objects.filter(cycle=cycle, visibility="private").exclude(
        pk__in=list(raw.objectives)
    )
    assert hidden.exists() and not shown & set(hidden.values_list("pk", flat=True))
    for line in dashboard.objectives:
        assert line.progress == raw.objective_progress(line.objective.pk)


@pytest.mark.parametrize("focus", ["company", "division"])
def test_the_company_dashboard_counts_like_the_raw_rows(organisation, focus):
    cycle, department, _goal, _child = organisation
    viewer = User.objects.filter(is_superuser=False).order_by("pk")[5]
    root = Team.objects.get(is_root=True)
    focus_team = root if focus == "company" else department.parent
    dashboard = company_dashboard(viewer=viewer, focus_slug=focus_team.slug)
    raw = Raw.load(cycle=cycle, viewer=viewer)
    weeks = dashboard.clock.weeks

    all_krs = [kr for krs in raw.key_results.values() for kr in krs]
    counts = {status: 0 for status in scoring.Status}
    for kr in all_krs:
        counts[raw.status_of(kr)] += 1
    assert {s.status: s.count for s in dashboard.status_chart.segments} == counts

    def rates(team: Team) -> list[Decimal | None]:
        krs = [kr for o in scope(raw, subtree(team)) for kr in raw.key_results.get(o.pk, [])]
        return [
            scoring.checkin_rate(
                checked_in=sum(raw.checked_in_during(kr.pk, week) for kr in krs), total=len(krs)
            )
            for week in weeks
        ]

    children = list(Team.objects.filter(parent=focus_team).order_by("name", "pk"))
    assert [row.rates for row in dashboard.heatmap.rows] == [
        rates(focus_team),
        *(rates(team) for team in children),
    ]
    for item in dashboard.teams:
        owned = [o.pk for o in raw.objectives.values() if o.owner_team_id in subtree(item.team)]
        assert item.progress == scoring.mean_progress(
            values=[raw.stored_progress(pk) for pk in owned]
        )
        assert item.key_result_count == sum(len(raw.key_results.get(pk, [])) for pk in owned)
    company_goals = [o.pk for o in raw.objectives.values() if o.owner_team_id == root.pk]
    assert dashboard.progress == scoring.mean_progress(
        values=[raw.stored_progress(pk) for pk in company_goals]
    )


@pytest.mark.parametrize("state", [Cycle.State.ACTIVE, Cycle.State.CLOSED])
def test_the_report_summary_scores_like_the_raw_rows(organisation, state):
    cycle = (
        organisation[0]
        if state == Cycle.State.ACTIVE
        else Cycle.objects.filter(state=Cycle.State.CLOSED).order_by("-start_date").first()
    )
    viewer = User.objects.filter(is_superuser=False).order_by("pk")[7]
    summary = report_summary(cycle=cycle, viewer=viewer)
    raw = Raw.load(cycle=cycle, viewer=viewer)

    histogram = {
        t: {b: 0 for b in ("red", "yellow", "green")} for t in ("committed", "aspirational")
    }
    scores: dict[int, Decimal | None] = {}
    for pk, objective in raw.objectives.items():
        weighted = []
        for kr in raw.key_results.get(pk, []):
            if cycle.is_closed and kr.frozen_score is not None:
                score = kr.frozen_score
            else:
                score = scoring.kr_score(progress=raw.progress_of(kr), final_grade=kr.final_grade)
            band = scoring.grade_band(score=score, objective_type=objective.objective_type)
            histogram[objective.objective_type][band] += 1
            weighted.append((kr.weight, score))
        score = (
            objective.frozen_score
            if cycle.is_closed and objective.frozen_score is not None
            else scoring.objective_score(key_results=weighted)
        )
        scores[pk] = None if score is None else scoring.stored_share(score)
    assert summary.histogram == histogram
    assert summary.key_result_count == sum(len(k) for k in raw.key_results.values())
    assert sorted(summary.order) == sorted(raw.objectives)
    by_team: dict[str, list] = {}
    for pk, objective in raw.objectives.items():
        if objective.owner_team_id and not objective.owner_team.is_root:
            by_team.setdefault(objective.owner_team.name, []).append(scores[pk])
    assert {t.name: t.score for t in summary.teams} == {
        name: scoring.mean_progress(values=values) for name, values in by_team.items()
    }
    company = [
        score
        for pk, score in scores.items()
        if raw.objectives[pk].owner_team_id and raw.objectives[pk].owner_team.is_root
    ]
    assert summary.company.score == scoring.mean_progress(values=company)


def test_stored_check_in_counts_follow_every_kind_of_write(organisation):
    cycle = organisation[0]
    keep = KeyResult.objects.filter(objective__cycle=cycle, kind="at_most").first()
    metric = KeyResult.objects.filter(objective__cycle=cycle, kind="metric").first()

    def counted(kr: KeyResult) -> tuple[int, int]:
        values = list(CheckIn.objects.filter(key_result=kr).values_list("value", flat=True))
        kr.refresh_from_db()
        met = {
            "at_least": sum(v >= kr.target_value for v in values),
            "at_most": sum(v <= kr.target_value for v in values),
        }.get(kr.kind, 0)
        return len(values), met

    def stored(kr: KeyResult) -> tuple[int, int]:
        kr.refresh_from_db()
        return kr.checkins_total, kr.checkins_met

    record_checkin(actor=keep.owner, key_result=keep, value=keep.target_value - 1, confidence=3)
    assert stored(keep) == counted(keep)
    CheckIn.objects.create(key_result=keep, author=keep.owner, value=D(10**6), confidence=4)
    assert stored(keep) == counted(keep)
    # The target moves (a planning edit, a bulk update): every stored check-in is judged again.
    KeyResult.objects.filter(pk=keep.pk).update(target_value=F("target_value") * 1000)
    assert stored(keep) == counted(keep)
    KeyResult.objects.filter(pk=keep.pk).update(kind="at_least")
    assert stored(keep) == counted(keep)
    # A stale instance saved whole cannot write old counts back.
    stale = KeyResult.objects.get(pk=metric.pk)
    record_checkin(actor=metric.owner, key_result=metric, value=metric.start_value, confidence=4)
    stale.title = "Renamed"
    stale.save()
    assert stored(metric) == counted(metric)
    CheckIn.objects.filter(key_result=keep).order_by("pk").first().delete()
    assert stored(keep) == counted(keep)


# --- Stored numbers on awkward values ------------------------------------------------------------

# Values that make the arithmetic hard: thirds and sevenths (no exact decimal), growth and
# reduction, overshoot both ways, and the pace lines themselves (a cycle half gone expects 0.5:
# progress 0.35 is exactly on track, 0.2 exactly at risk).
AWKWARD = [D(0), D(1), D(3), D(7), D(20), D(35), D("33.3333"), D("0.0001"), D(100), D(-5)]
AWKWARD += [D("12.5"), D("99.9999"), D(150), D("14285.7142"), D(2)]


def _awkward_cycle(rng, *, closed: bool = False) -> tuple[Cycle, list[Objective]]:
    today = timezone.localdate(timezone=company_tz())
    cycle = CycleFactory(
        start_date=today - timedelta(days=50),
        end_date=today + timedelta(days=50),
        state=Cycle.State.CLOSED if closed else Cycle.State.ACTIVE,
    )
    team, people = TeamFactory(), [UserFactory() for _ in range(3)]
    objectives = []
    for n in range(12):
        objectives.append(
            ObjectiveFactory(
                cycle=cycle,
                owner_team=team if n % 2 else None,
                owner_user=None if n % 2 else people[n % 3],
                objective_type=rng.choice(["aspirational", "committed"]),
                parent=objectives[0] if n > 6 else None,
                frozen_score=D(rng.randrange(0, 101)) / 100 if closed and n % 3 == 0 else None,
            )
        )
    return cycle, objectives


def _awkward_key_results(rng, cycle: Cycle, objectives: list[Objective]) -> None:
    now = timezone.now()
    for objective in objectives[1:]:  # the first has none: scored from its children
        for _ in range(rng.randrange(1, 5)):
            kind = rng.choice(["metric", "metric", "at_least", "at_most", "milestone"])
            start, target = rng.sample(AWKWARD, 2)
            if kind == "milestone":
                start, target = D(0), D(1)
            kr = KeyResultFactory(
                objective=objective,
                owner=objective.owner_user or UserFactory(),
                kind=kind,
                start_value=start,
                target_value=target,
                weight=rng.choice([D(1), D(1), D(2), D("0.5"), D("3.25")]),
                final_grade=rng.choice([None, None, D("0.7"), D(1), D(0)]),
                frozen_score=D(rng.randrange(0, 101)) / 100 if cycle.is_closed else None,
                archived=rng.random() < 0.05,
            )
            # 0 to 6 check-ins; the latest between just now and the cycle's start (stale or
            # not, around the ten-day line, near midnight).
            count = rng.randrange(0, 7)
            if not count:
                continue
            moments = sorted(
                now - timedelta(days=rng.choice([0, 3, 9, 10, 11, 12, 30, 49]), minutes=m)
                for m in rng.sample(range(24 * 60), count)
            )
            for at in moments:
                value = rng.choice([*AWKWARD, start, target, (start + target) / 2])
                if kind == "milestone":
                    value = rng.choice([D(0), D(1)])
                latest = CheckInFactory(
                    key_result=kr, value=value, confidence=rng.randrange(1, 6), created_at=at
                )
            # What record_checkin leaves: the newest check-in's value, confidence and time.
            KeyResult.objects.filter(pk=kr.pk).update(
                current_value=latest.value,
                last_confidence=latest.confidence,
                last_checkin_at=latest.created_at,
            )
    # The exact pace lines on a metric: 0.35 and 0.2 of the way, half the cycle gone.
    for current in (D(35), D(20), D("34.9999"), D("20.0001")):
        kr = KeyResultFactory(objective=objectives[1], kind="metric")
        CheckInFactory(key_result=kr, value=current, confidence=5, created_at=now)
        KeyResult.objects.filter(pk=kr.pk).update(
            current_value=current, last_checkin_at=now, last_confidence=5
        )


def objective_titles(raw: Raw, pk: int) -> list[tuple]:
    return [
        (kr.kind, kr.start_value, kr.target_value, kr.current_value) for kr in raw.key_results[pk]
    ]


@pytest.mark.parametrize(("seed", "closed"), [(1, False), (2, False), (5, True)])
def test_stored_numbers_match_scoring_key_result_by_key_result(seed, closed):
    """The awkward values, written behind the services' back and then stored as a bulk write
    stores them (objectives/stored_scores.py): every key result's stored progress, status and
    score is `scoring`'s on its rows, and every objective's progress is too."""
    import random

    rng = random.Random(seed)
    cycle, objectives = _awkward_cycle(rng, closed=closed)
    _awkward_key_results(rng, cycle, objectives)
    stored_scores.refresh_cycles(cycle_ids=[cycle.pk])
    admin = User.objects.create_superuser("stored-admin", "a@example.com", "x")
    assert cycle_clock(cycle=cycle).expected == D("0.5")
    raw = Raw.load(cycle=cycle, viewer=admin)
    for krs in raw.key_results.values():
        for kr in krs:
            kr.refresh_from_db()
            progress = raw.progress_of(kr)
            assert kr.progress == scoring.stored_share(progress), objective_titles(
                raw, kr.objective_id
            )
            assert kr.status == raw.status_of(kr)
            if closed and kr.frozen_score is not None:
                assert kr.score == kr.frozen_score
            else:
                assert kr.score == scoring.stored_share(
                    scoring.kr_score(progress=progress, final_grade=kr.final_grade)
                )
    for pk, objective in raw.objectives.items():
        objective.refresh_from_db()
        expected = raw.objective_progress(pk) if pk != objectives[0].pk else None
        if expected is not None:
            assert objective.progress == scoring.stored_share(expected)
    # The empty objective's progress is its children's stored progress, averaged.
    children = Objective.objects.filter(parent=objectives[0], archived=False)
    assert Objective.objects.get(pk=objectives[0].pk).progress == scoring.stored_share(
        scoring.mean_progress(values=[c.progress for c in children])
    )
