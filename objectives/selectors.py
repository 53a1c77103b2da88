"""Read side of the admin's and the quarter's pages: cycles, grading, carrying over, people, teams.

Each function loads what its page needs in a fixed number of queries whatever the data size, and
takes every number from `scoring`. A closed cycle shows its stored (frozen) scores; any other
shows them as they stand today.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

import scoring
from dashboards.selectors.cycle_report import band_of
from initiatives.models import Initiative
from objectives import permissions
from objectives.ids import is_id
from objectives.models import (
    CYCLE_NEXT_STATE,
    Cycle,
    CycleTransition,
    KeyResult,
    Membership,
    Objective,
    ObjectiveReflection,
    Team,
    User,
)
from objectives.people_sorting import name_key, person_key
from objectives.scoring_inputs import (
    is_done,
    key_result_progress,
    shown_kr_score,
    shown_objective_score,
    value_or_start,
)

# --- Cycles page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleRow:
    cycle: Cycle
    objective_count: int
    transitions: list[CycleTransition]

    @property
    def next_state(self) -> str | None:
        return CYCLE_NEXT_STATE.get(self.cycle.state)

    @property
    def last_transition(self) -> CycleTransition | None:
        return self.transitions[-1] if self.transitions else None


def cycles_overview(*, viewer: User) -> list[CycleRow]:
    """Every cycle, newest first, with the number of its objectives the viewer may see (a
    private objective they may not see is not counted) and its transitions (two queries, plus
    the viewer's managed teams)."""
    counted = Q(objectives__archived=False) & permissions.visible_objectives_q(
        viewer, prefix="objectives__"
    )
    cycles = Cycle.objects.annotate(
        objective_count=Count("objectives", filter=counted, distinct=True)
    ).prefetch_related(
        Prefetch(
            "transitions",
            queryset=CycleTransition.objects.select_related("actor").order_by("at", "pk"),
        )
    )
    return [
        CycleRow(cycle=c, objective_count=c.objective_count, transitions=list(c.transitions.all()))
        for c in cycles.select_related("created_by").order_by("-start_date", "name")
    ]


QUARTER_DAYS = 92


def latest_quarter_end() -> date | None:
    """The last day of the latest quarter-long (or shorter) cycle: the picker proposes the quarter
    after it. Yearly cycles do not count, or the proposal would jump a year ahead (one query)."""
    return max(
        (
            end
            for start, end in Cycle.objects.values_list("start_date", "end_date")
            if (end - start).days <= QUARTER_DAYS
        ),
        default=None,
    )


def latest_started_cycle(*, today: date) -> Cycle | None:
    """When no cycle is current: the one that started last, else the first one planned."""
    return (
        Cycle.objects.filter(start_date__lte=today).order_by("-start_date").first()
        or Cycle.objects.order_by("start_date").first()
    )


def reflection_of(*, objective: Objective) -> ObjectiveReflection | None:
    return ObjectiveReflection.objects.filter(objective=objective).first()


def cycle_history(*, cycle: Cycle) -> list[CycleTransition]:
    return list(cycle.transitions.select_related("actor").order_by("at", "pk"))


@dataclass(frozen=True)
class TransitionPreview:
    """What a transition will do, in numbers, for its confirmation step."""

    key_results: int
    objectives: int
    ungraded: int
    without_reflection: int


def transition_preview(*, cycle: Cycle) -> TransitionPreview:
    """Two queries: key results (and how many lack a grade), objectives (and their reflections)."""
    krs = KeyResult.objects.filter(
        objective__cycle=cycle, archived=False, objective__archived=False
    ).aggregate(total=Count("pk"), ungraded=Count("pk", filter=Q(final_grade__isnull=True)))
    objectives = Objective.objects.filter(cycle=cycle, archived=False).aggregate(
        total=Count("pk"), without=Count("pk", filter=Q(reflection__isnull=True))
    )
    return TransitionPreview(
        key_results=krs["total"],
        objectives=objectives["total"],
        ungraded=krs["ungraded"],
        without_reflection=objectives["without"],
    )


# --- Grading page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeRow:
    key_result: KeyResult
    progress: Decimal
    score: Decimal
    band: str
    can_grade: bool

    @property
    def suggested_grade(self) -> Decimal:
        """What the grade field shows first: the set grade, else the progress to two decimals."""
        kr = self.key_result
        return kr.final_grade if kr.final_grade is not None else scoring.round2(self.progress)

    @property
    def current(self) -> Decimal:
        return value_or_start(key_result=self.key_result)


@dataclass(frozen=True)
class GradedObjective:
    objective: Objective
    score: Decimal | None
    band: str | None
    rows: list[GradeRow]
    can_reflect: bool
    reflection: ObjectiveReflection | None

    @property
    def needs_root_cause(self) -> bool:
        return self.score is not None and self.score < Decimal("0.7")

    @property
    def graded_count(self) -> int:
        return sum(row.key_result.final_grade is not None for row in self.rows)


@dataclass(frozen=True)
class GradingPage:
    cycle: Cycle
    objectives: list[GradedObjective]
    is_admin: bool

    @property
    def rows(self) -> list[GradeRow]:
        return [row for item in self.objectives for row in item.rows]

    @property
    def to_grade(self) -> int:
        return sum(row.can_grade and row.key_result.final_grade is None for row in self.rows)

    def objective_view(self, objective_id: int) -> GradedObjective | None:
        return next((o for o in self.objectives if o.objective.pk == objective_id), None)

    def row(self, key_result_id: int) -> GradeRow | None:
        return next((r for r in self.rows if r.key_result.pk == key_result_id), None)


def _reflection_of(objective: Objective) -> ObjectiveReflection | None:
    try:
        return objective.reflection
    except ObjectiveReflection.DoesNotExist:
        return None


def _owner_order(objective: Objective) -> tuple:
    """Company objectives first, then teams', then people's, by owner name (case-insensitive,
    Hangul in 가나다 order, the same on every database)."""
    team, person = objective.owner_team, objective.owner_user
    return (
        objective.level != Objective.Level.COMPANY,
        person is not None,
        name_key(team.name if team is not None else ""),
        person_key(person) if person is not None else (),
        objective.pk,
    )


def grading_page(
    *,
    cycle: Cycle,
    viewer: User,
    scope: permissions.PermissionScope | None = None,
    objective_ids: Iterable[int] | None = None,
) -> GradingPage:
    """The objectives in `cycle` the viewer grades key results in or reflects on, every key
    result of them scored (the objective's score needs them all), each row saying whether the
    viewer may grade it.

    The viewer's scope (0-3 queries), the objectives, their key results: at most five queries.
    `objective_ids` narrows it to some objectives (a fragment after a save).
    """
    scope = scope or permissions.scope_for(viewer)
    gradable = KeyResult.objects.filter(
        scope.gradable_key_results(), objective__cycle=cycle, archived=False
    ).values("objective_id")
    objectives_qs = (
        Objective.objects.filter(cycle=cycle, archived=False)
        .filter(scope.editable_objectives() | Q(pk__in=gradable))
        .filter(permissions.visible_objectives_q(viewer))
        .select_related("owner_team", "owner_user", "reflection__author", "carried_over_from")
        .order_by("owner_team__is_root", "owner_team__name", "owner_user__display_name", "pk")
    )
    if objective_ids is not None:
        objectives_qs = objectives_qs.filter(pk__in=list(objective_ids))
    # Company objectives first, then teams, then people, each by name.
    objectives = sorted(objectives_qs, key=_owner_order)
    key_results = (
        KeyResult.objects.filter(objective__in=[o.pk for o in objectives], archived=False)
        .select_related("owner", "graded_by")
        .order_by("objective_id", "order", "pk")
    )
    by_id = {o.pk: o for o in objectives}
    rows_by_objective: dict[int, list[GradeRow]] = {}
    for kr in key_results:
        progress = key_result_progress(key_result=kr)
        objective = by_id[kr.objective_id]
        kr.objective = objective
        score = shown_kr_score(key_result=kr, progress=progress, cycle=cycle)
        rows_by_objective.setdefault(kr.objective_id, []).append(
            GradeRow(
                key_result=kr,
                progress=progress,
                score=score,
                band=band_of(score=score, objective_type=objective.objective_type),
                can_grade=cycle.is_grading and scope.can_grade_key_result(kr),
            )
        )
    items = []
    for objective in objectives:
        objective.cycle = cycle
        rows = rows_by_objective.get(objective.pk, [])
        score = shown_objective_score(
            objective=objective,
            weighted_scores=[(row.key_result.weight, row.score) for row in rows],
            cycle=cycle,
        )
        items.append(
            GradedObjective(
                objective=objective,
                score=score,
                band=band_of(score=score, objective_type=objective.objective_type),
                rows=rows,
                can_reflect=cycle.is_grading and scope.can_edit_objective(objective),
                reflection=_reflection_of(objective),
            )
        )
    return GradingPage(cycle=cycle, objectives=items, is_admin=scope.admin)


# --- Carrying over ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CarryCandidate:
    objective: Objective
    score: Decimal | None
    unfinished: list[KeyResult]
    done: list[KeyResult]
    carried_into: list[str]  # names of cycles it was already carried into
    open_initiatives: int = 0  # not done, on the unfinished key results: they may come along


@dataclass(frozen=True)
class CarryOverPage:
    cycle: Cycle
    candidates: list[CarryCandidate]
    targets: list[Cycle]
    allowed_here: bool  # the cycle is grading or closed


def carry_over_page(*, cycle: Cycle, viewer: User) -> CarryOverPage:
    """The viewer's unfinished objectives in `cycle` and the cycles they can go to.

    Scope (0-3), objectives, key results, their open initiatives, earlier copies, target
    cycles: at most eight queries.
    """
    scope = permissions.scope_for(viewer)
    objectives = sorted(
        Objective.objects.filter(cycle=cycle, archived=False)
        .filter(scope.editable_objectives())
        .select_related("owner_team", "owner_user")
        .order_by("owner_team__is_root", "owner_team__name", "owner_user__display_name", "pk"),
        key=_owner_order,
    )
    key_results = (
        KeyResult.objects.filter(objective__in=[o.pk for o in objectives], archived=False)
        .select_related("owner")
        .order_by("objective_id", "order", "pk")
    )
    scored: dict[int, list[tuple[KeyResult, Decimal]]] = {}
    for kr in key_results:
        scored.setdefault(kr.objective_id, []).append((kr, key_result_progress(key_result=kr)))
    open_initiatives = dict(
        Initiative.objects.filter(key_result__in=[kr.pk for kr in key_results])
        .exclude(status=Initiative.Status.DONE)
        .order_by()
        .values("key_result_id")
        .annotate(n=Count("id"))
        .values_list("key_result_id", "n")
    )
    copies: dict[int, list[str]] = {}
    for source_id, name in Objective.objects.filter(
        carried_over_from__in=[o.pk for o in objectives]
    ).values_list("carried_over_from_id", "cycle__name"):
        copies.setdefault(source_id, []).append(name)
    candidates = []
    for objective in objectives:
        pairs = scored.get(objective.pk, [])
        unfinished = [kr for kr, progress in pairs if not is_done(key_result=kr, progress=progress)]
        if not unfinished:
            continue
        scores = [
            (kr.weight, shown_kr_score(key_result=kr, progress=progress, cycle=cycle))
            for kr, progress in pairs
        ]
        candidates.append(
            CarryCandidate(
                objective=objective,
                score=shown_objective_score(
                    objective=objective, weighted_scores=scores, cycle=cycle
                ),
                unfinished=unfinished,
                done=[kr for kr, progress in pairs if is_done(key_result=kr, progress=progress)],
                carried_into=copies.get(objective.pk, []),
                open_initiatives=sum(open_initiatives.get(kr.pk, 0) for kr in unfinished),
            )
        )
    targets = list(
        Cycle.objects.filter(state__in=[Cycle.State.PLANNING, Cycle.State.ACTIVE])
        .exclude(pk=cycle.pk)
        .order_by("start_date", "name")
    )
    return CarryOverPage(
        cycle=cycle,
        candidates=candidates,
        targets=targets,
        allowed_here=cycle.state in (Cycle.State.GRADING, Cycle.State.CLOSED),
    )


# --- People and teams ------------------------------------------------------------------------


def people_list() -> list[User]:
    """Everyone, active people first, with their teams (two queries)."""
    people = list(
        User.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("team").order_by("team__name"),
            )
        )
    )
    # Names sorted in Python: case-insensitive, Hangul in 가나다 order, on every database.
    for person in people:
        person.sorted_memberships = sorted(
            person.memberships.all(), key=lambda m: name_key(m.team.name)
        )
    return sorted(people, key=lambda person: (not person.is_active, person_key(person)))


def open_key_results(*, person: User) -> list[KeyResult]:
    """The person's key results in cycles that are not closed: what needs a new owner when
    they leave (one query)."""
    return list(
        KeyResult.objects.filter(owner=person, archived=False, objective__archived=False)
        .exclude(objective__cycle__state=Cycle.State.CLOSED)
        .select_related("objective__cycle", "objective__owner_team", "objective__owner_user")
        .order_by("-objective__cycle__start_date", "objective_id", "order", "pk")
    )


def open_individual_objectives(*, person: User) -> list[Objective]:
    return list(
        Objective.objects.filter(owner_user=person, archived=False)
        .exclude(cycle__state=Cycle.State.CLOSED)
        .select_related("cycle")
        .order_by("-cycle__start_date", "pk")
    )


@dataclass(frozen=True)
class PersonPage:
    person: User
    memberships: list[Membership]
    open_key_results: list[KeyResult]
    open_objectives: list[Objective]
    teams: list[Team] = field(default_factory=list)
    active_people: list[User] = field(default_factory=list)


def person_page(*, person: User) -> PersonPage:
    """A person with their teams, open work, and the choices the page's forms offer (five
    queries)."""
    return PersonPage(
        person=person,
        memberships=sorted(
            person.memberships.select_related("team"), key=lambda m: name_key(m.team.name)
        ),
        open_key_results=open_key_results(person=person),
        open_objectives=open_individual_objectives(person=person),
        teams=sorted(Team.objects.all(), key=lambda team: name_key(team.name)),
        active_people=sorted(User.objects.filter(is_active=True), key=person_key),
    )


@dataclass(frozen=True)
class TeamNode:
    team: Team
    depth: int
    member_count: int
    manager_names: list[str]

    @property
    def indented_name(self) -> str:
        """The name with its depth shown, for the plain <select> of parent teams."""
        return "— " * self.depth + self.team.name


def team_tree() -> list[TeamNode]:
    """Every team in tree order (the company first, sub-teams under their parent, by name) with
    member counts and managers (two queries)."""
    teams = sorted(
        Team.objects.annotate(member_count=Count("memberships")),
        key=lambda team: (name_key(team.name), team.pk),
    )
    managers: dict[int, list[str]] = {}
    for membership in Membership.objects.filter(role=Membership.Role.MANAGER).select_related(
        "user"
    ):
        managers.setdefault(membership.team_id, []).append(membership.user.name)
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    nodes: list[TeamNode] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for team in children.get(parent_id, []):
            if team.pk in seen:
                continue
            seen.add(team.pk)
            nodes.append(
                TeamNode(
                    team=team,
                    depth=depth,
                    member_count=team.member_count,
                    manager_names=sorted(managers.get(team.pk, []), key=name_key),
                )
            )
            walk(team.pk, depth + 1)

    walk(None, 0)
    return nodes


def team_members(*, team: Team) -> list[Membership]:
    """A team's people, managers first (one query)."""
    members = team.memberships.select_related("user")
    return sorted(members, key=lambda m: (m.role != Membership.Role.MANAGER, person_key(m.user)))


def team_parent_choices(*, team: Team | None) -> list[TeamNode]:
    """Teams `team` may move under: all but itself and its sub-teams (none for the root)."""
    if team is not None and team.is_root:
        return []
    excluded = permissions.with_descendants([team.pk]) if team is not None else frozenset()
    return [node for node in team_tree() if node.team.pk not in excluded]


def default_cycle_for_grading(*, requested: str | None, today: date) -> Cycle | None:
    """The cycle asked for; else the latest one in grading; else the current one."""
    from dashboards.selectors.common import resolve_cycle

    if requested and is_id(requested):
        cycle = Cycle.objects.filter(pk=int(requested)).first()
        if cycle is not None:
            return cycle
    grading = Cycle.objects.filter(state=Cycle.State.GRADING).order_by("-end_date").first()
    return grading or resolve_cycle(requested=None, on=today)
