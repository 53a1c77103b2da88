"""What the dashboards share: the company's clock for a cycle, and a cycle's visible objectives
with their key results scored.

Dashboards count weeks Monday to Sunday in the company's time zone (settings.TIME_ZONE), the week
the weekly check-in rate is defined on; My week uses each person's own. A cycle that is over is
shown as it stood on its last day, and one not started yet as on its first: a past quarter does
not turn "stale" just because it is old.

Private objectives the viewer may not see are filtered out in the database (see
`permissions.visible_objectives_q`), so no page, count or chart built from here can reveal them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

import scoring
from checkins.models import CheckIn
from dashboards.selectors.common import KeyResultView, build_row, score_key_result
from objectives import permissions
from objectives.cycles.clock import Clock
from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User

# --- Teams --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamTree:
    """The whole organisation tree, loaded in one query."""

    teams: dict[int, Team]
    children: dict[int | None, list[int]]

    @classmethod
    def load(cls) -> "TeamTree":
        teams = {team.pk: team for team in Team.objects.order_by("name", "pk")}
        children: dict[int | None, list[int]] = {}
        for team in teams.values():
            children.setdefault(team.parent_id, []).append(team.pk)
        return cls(teams=teams, children=children)

    @property
    def root(self) -> Team | None:
        return next((t for t in self.teams.values() if t.is_root), None)

    def child_teams(self, team_id: int) -> list[Team]:
        return [self.teams[pk] for pk in self.children.get(team_id, ())]

    def subtree(self, team_id: int) -> list[int]:
        """The team and every team below it, parents before children."""
        order, stack, seen = [], [team_id], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            order.append(current)
            stack.extend(reversed(self.children.get(current, ())))
        return order

    def ancestors(self, team_id: int) -> list[Team]:
        """From the root down to the team's parent."""
        chain, seen = [], {team_id}
        parent_id = self.teams[team_id].parent_id
        while parent_id is not None and parent_id not in seen:
            seen.add(parent_id)
            chain.append(self.teams[parent_id])
            parent_id = self.teams[parent_id].parent_id
        return list(reversed(chain))


def members_by_team(team_ids: Iterable[int]) -> dict[int, set[int]]:
    """team id -> ids of its members (any role); one query."""
    result: dict[int, set[int]] = {}
    rows = Membership.objects.filter(team_id__in=list(team_ids)).values_list("team_id", "user_id")
    for team_id, user_id in rows:
        result.setdefault(team_id, set()).add(user_id)
    return result


# --- Objectives and key results of a cycle -------------------------------------------------------


def _latest_blockers() -> Coalesce:
    return Coalesce(
        Subquery(
            CheckIn.objects.filter(key_result=OuterRef("pk"))
            .order_by("-created_at", "-id")
            .values("blockers")[:1],
            output_field=TextField(),
        ),
        Value(""),
        output_field=TextField(),
    )


def visible_objectives(*, cycle: Cycle, viewer: User) -> dict[int, Objective]:
    """The cycle's non-archived objectives the viewer may see; one query (plus the viewer's
    managed teams)."""
    objectives = (
        Objective.objects.filter(cycle=cycle, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .select_related("owner_team", "owner_user")
        .order_by("id")
    )
    result = {}
    for objective in objectives:
        objective.cycle = cycle
        result[objective.pk] = objective
    return result


def aligned_objectives(
    *,
    cycle: Cycle,
    viewer: User,
    team_ids: Iterable[int],
    member_ids: Iterable[int],
) -> dict[int, Objective]:
    """What a team's pages need of a cycle, not the whole company's objectives; one query: the
    visible objectives owned by one of the teams or by one of the people (see
    `objectives_around`)."""
    return objectives_around(
        cycle=cycle,
        viewer=viewer,
        wanted=Q(owner_team_id__in=list(team_ids)) | Q(owner_user_id__in=list(member_ids)),
    )


def objectives_around(*, cycle: Cycle, viewer: User, wanted: Q) -> dict[int, Objective]:
    """The cycle's visible objectives that `wanted` picks, plus every visible objective aligned
    to one without key results (its stored `key_result_count`); one query.

    An objective without key results takes its progress from its children, wherever they sit,
    and those without any from theirs in turn; loading the children of all of them (a handful)
    lets `CycleObjectives` score the wanted objectives exactly as it would with every objective
    of the cycle loaded (tests/dashboards/test_fast_paths.py holds it to that). Children of one
    the viewer cannot see are loaded and never used: only the wanted objectives' progress is
    asked for.
    """
    objectives = (
        Objective.objects.filter(cycle=cycle, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .filter(wanted | Q(parent__key_result_count=0))
        .select_related("owner_team", "owner_user")
        .order_by("id")
    )
    result = {}
    for objective in objectives:
        objective.cycle = cycle
        result[objective.pk] = objective
    return result


def alignment_chain(*, objective: Objective) -> list[int]:
    """Ids of the objectives above `objective`, its parent first, whoever may see them; one
    query over the cycle's (id, parent) pairs, however deep the alignment."""
    parents = dict(
        Objective.objects.filter(cycle_id=objective.cycle_id).values_list("pk", "parent_id")
    )
    chain, seen = [], {objective.pk}
    parent_id = objective.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        chain.append(parent_id)
        parent_id = parents.get(parent_id)
    return chain


@dataclass
class CycleObjectives:
    """Visible objectives of a cycle, how they align, and the scored key results of those loaded.

    Progress follows DESIGN.md: the weighted mean of an objective's key results, or with none
    the mean of its (visible) aligned children's progress.
    """

    cycle: Cycle
    clock: Clock
    objectives: dict[int, Objective]
    children: dict[int | None, list[int]]
    rows: dict[int, list[KeyResultView]]  # objective id -> its scored key results
    _progress: dict[int, Decimal | None] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        *,
        cycle: Cycle,
        clock: Clock,
        viewer: User,
        focus: Iterable[int] | None = None,
        objectives: dict[int, Objective] | None = None,
        details: bool = True,
    ) -> "CycleObjectives":
        """The visible objectives (unless given: one query) with the key results needed to score
        the `focus` objectives (all of them when None: one query). Without `details` the key
        results come without their owners and latest blockers (a page that shows neither)."""
        if objectives is None:
            objectives = visible_objectives(cycle=cycle, viewer=viewer)
        index = cls.build(cycle=cycle, clock=clock, objectives=objectives)
        index.score(focus, details=details)
        return index

    @classmethod
    def build(
        cls, *, cycle: Cycle, clock: Clock, objectives: dict[int, Objective]
    ) -> "CycleObjectives":
        """The alignment of the given objectives, nothing scored yet; no query."""
        children: dict[int | None, list[int]] = {}
        for objective in objectives.values():
            # A child of a hidden objective shows at the top, not under something unseen.
            parent = objective.parent_id if objective.parent_id in objectives else None
            children.setdefault(parent, []).append(objective.pk)
        return cls(cycle=cycle, clock=clock, objectives=objectives, children=children, rows={})

    def score(self, focus: Iterable[int] | None = None, *, details: bool = True) -> None:
        """Load and score the key results that the `focus` objectives' progress needs (every
        objective's when None); one query."""
        wanted = self._needed(self.objectives.keys() if focus is None else focus)
        self.rows = load_rows(
            objective_ids=wanted,
            objectives=self.objectives,
            cycle=self.cycle,
            clock=self.clock,
            details=details,
        )
        self._progress = {}

    def _needed(self, focus: Iterable[int]) -> set[int]:
        # An objective without key results is scored from its children, so those are needed too.
        needed: set[int] = set()
        stack = [pk for pk in focus if pk in self.objectives]
        while stack:
            pk = stack.pop()
            if pk in needed:
                continue
            needed.add(pk)
            if self.objectives[pk].key_result_count == 0:
                stack.extend(self.children.get(pk, ()))
        return needed

    def children_of(self, objective_id: int | None) -> list[Objective]:
        return [self.objectives[pk] for pk in self.children.get(objective_id, ())]

    def progress(
        self, objective_id: int, _visiting: frozenset[int] = frozenset()
    ) -> Decimal | None:
        if objective_id in self._progress:
            return self._progress[objective_id]
        rows = self.rows.get(objective_id, [])
        if rows:
            value = scoring.objective_progress(
                key_results=[(row.key_result.weight, row.progress) for row in rows]
            )
        else:
            visiting = _visiting | {objective_id}
            value = scoring.objective_progress(
                key_results=[],
                children=[
                    self.progress(child, visiting)
                    for child in self.children.get(objective_id, ())
                    if child not in visiting
                ],
            )
        self._progress[objective_id] = value
        return value

    def status(self, objective_id: int) -> scoring.StatusResult | None:
        return scoring.objective_status(
            statuses=[row.status.status for row in self.rows.get(objective_id, [])]
        )

    def all_rows(self, objective_ids: Iterable[int] | None = None) -> list[KeyResultView]:
        ids = self.rows.keys() if objective_ids is None else objective_ids
        return [row for pk in ids for row in self.rows.get(pk, [])]


SCORED_FIELDS = (
    "objective",
    "owner",
    "kind",
    "start_value",
    "target_value",
    "weight",
    "current_value",
    "last_confidence",
    "last_checkin_at",
    "checkins_total",
    "checkins_met",
    "final_grade",
    "frozen_score",
    "created_at",
)


def load_rows(
    *,
    objective_ids: Iterable[int],
    objectives: dict[int, Objective],
    cycle: Cycle,
    clock: Clock,
    details: bool = True,
) -> dict[int, list[KeyResultView]]:
    """Score the non-archived key results of the given objectives; one query.

    Each key result carries the threshold counts `scoring` needs and, with `details`, its owner
    and `latest_blockers` (its latest check-in's blockers).
    """
    ids = sorted(objective_ids)
    if not ids:
        return {}
    key_results = KeyResult.objects.filter(objective_id__in=ids, archived=False)
    if details:
        key_results = key_results.select_related("owner").annotate(
            latest_blockers=_latest_blockers()
        )
    else:
        # What scoring reads, for pages that show numbers only: at company scale every column
        # left out is tens of thousands of values not converted.
        key_results = key_results.only(*SCORED_FIELDS)
    key_results = key_results.order_by("objective_id", "order", "id")
    rows: dict[int, list[KeyResultView]] = {}
    owners: dict[int, User] = {}
    for kr in key_results:
        kr.objective = objectives[kr.objective_id]
        if details:
            # One instance per person, however many key results they own: cached dashboards
            # (dashboards/cache.py) stay small and quick to load.
            kr.owner = owners.setdefault(kr.owner_id, kr.owner)
        rows.setdefault(kr.objective_id, []).append(
            build_row(
                key_result=kr,
                cycle=cycle,
                scored=score_key_result(key_result=kr, cycle=cycle, on=clock.on, tz=clock.tz),
                week_start=clock.week_start,
                tz=clock.tz,
                can_check_in=False,
            )
        )
    return rows


def scope_objective_ids(
    *, objectives: dict[int, Objective], team_ids: Iterable[int], member_ids: Iterable[int]
) -> list[int]:
    """Objectives owned by one of the teams, or individual objectives of one of their members."""
    teams, members = set(team_ids), set(member_ids)
    return [
        pk
        for pk, objective in objectives.items()
        if objective.owner_team_id in teams or objective.owner_user_id in members
    ]


def checkin_history(
    key_result_ids: Iterable[int], *, clock: Clock
) -> dict[int, list[tuple[date, Decimal, int]]]:
    """key result id -> its check-ins as (company-local day, value, confidence), oldest first;
    one query."""
    history: dict[int, list[tuple[date, Decimal, int]]] = {}
    ids = list(key_result_ids)
    if not ids:
        return history
    # The database turns each moment into the company's date: no per-row time zone arithmetic.
    rows = (
        CheckIn.objects.filter(key_result_id__in=ids)
        .annotate(day=TruncDate("created_at", tzinfo=clock.tz))
        .order_by("created_at", "id")
        .values_list("key_result_id", "day", "value", "confidence")
    )
    for kr_id, day, value, confidence in rows:
        history.setdefault(kr_id, []).append((day, value, confidence))
    return history
