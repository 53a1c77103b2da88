"""Read side of the admin's and the quarter's pages: cycles, grading, carrying over, people, teams.

Each function loads what its page needs in a fixed number of queries whatever the data size, and
takes every number from `scoring`. A closed cycle shows its stored (frozen) scores; any other
shows them as they stand today.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

import scoring
from objectives import permissions
from objectives.models import (
    Cycle,
    KeyResult,
    Objective,
    ObjectiveReflection,
    User,
)
from objectives.organisation.sorting import name_key, person_key
from objectives.scoring_inputs import (
    band_of,
    key_result_progress,
    shown_kr_score,
    shown_objective_score,
    value_or_start,
)

# --- Cycles page -----------------------------------------------------------------------------


def reflection_of(*, objective: Objective) -> ObjectiveReflection | None:
    return ObjectiveReflection.objects.filter(objective=objective).first()


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


def owner_order(objective: Objective) -> tuple:
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
    objectives = sorted(objectives_qs, key=owner_order)
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


# --- People and teams ------------------------------------------------------------------------
