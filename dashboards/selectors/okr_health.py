"""The team dashboard's "OKR health": the coaching hints (objectives.planning.coaching) on the
objectives and key results the dashboard shows, so a manager sees at a glance which OKRs need
rewriting.

No query of its own, whatever the team's size: it reads what `team_dashboard` already loaded
(the team's visible objectives and their scored key results).
"""

from collections import Counter
from dataclasses import dataclass

from dashboards.selectors.team import TeamDashboard
from objectives.models import Cycle, KeyResult, Objective
from objectives.planning import coaching as coaching


@dataclass(frozen=True)
class KeyResultHealth:
    key_result: KeyResult
    hints: list[coaching.Hint]


@dataclass(frozen=True)
class ObjectiveHealth:
    objective: Objective
    hints: list[coaching.Hint]
    key_results: list[KeyResultHealth]

    @property
    def hint_count(self) -> int:
        return len(self.hints) + sum(len(kr.hints) for kr in self.key_results)


@dataclass(frozen=True)
class OkrHealth:
    checked: int  # objectives looked at
    objectives: list[ObjectiveHealth]  # those with at least one hint, most hints first

    @property
    def hint_count(self) -> int:
        return sum(item.hint_count for item in self.objectives)

    @property
    def healthy(self) -> int:
        return self.checked - len(self.objectives)


def _owner_key(objective: Objective) -> tuple[str, int]:
    if objective.owner_user_id:
        return ("user", objective.owner_user_id)
    return ("team", objective.owner_team_id)


def okr_health(dashboard: TeamDashboard) -> OkrHealth | None:
    """The hints on a team dashboard's objectives (None when it shows no cycle)."""
    if dashboard.cycle is None or dashboard.clock is None:
        return None
    objectives = [line.objective for line in dashboard.objectives]
    rows_by_objective: dict[int, list] = {}
    for row in dashboard.rows:
        rows_by_objective.setdefault(row.key_result.objective_id, []).append(row)
    per_owner = Counter(_owner_key(objective) for objective in objectives)
    # "Early on" only means something while the cycle runs.
    expected = dashboard.clock.expected if dashboard.cycle.state == Cycle.State.ACTIVE else None
    items = []
    for objective in objectives:
        rows = rows_by_objective.get(objective.pk, [])
        hints = coaching.objective_hints(
            title=objective.title,
            objective_type=objective.objective_type,
            key_result_count=len(rows),
            owner=objective.owner_name,
            owner_objective_count=per_owner[_owner_key(objective)],
            key_result_statuses=[row.view.status.status for row in rows],
            expected=expected,
        )
        key_results = []
        for row in rows:
            kr = row.key_result
            found = coaching.key_result_hints(
                title=kr.title, kind=kr.kind, start=kr.start_value, target=kr.target_value
            )
            if found:
                key_results.append(KeyResultHealth(key_result=kr, hints=found))
        if hints or key_results:
            items.append(ObjectiveHealth(objective=objective, hints=hints, key_results=key_results))
    items.sort(key=lambda item: (-item.hint_count, item.objective.title.casefold()))
    return OkrHealth(checked=len(objectives), objectives=items)
