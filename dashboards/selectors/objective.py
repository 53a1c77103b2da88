"""The objective page: its key results, the chain of objectives it supports, and those aligned to
it, each with progress and status.

Three queries whatever the size of the cycle: the chain of objectives above it (ids only), the
visible objectives around it (that chain, its children and grandchildren, and what their progress
needs) and the key results their progress needs.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q

import scoring
from dashboards.selectors.common import KeyResultView
from dashboards.selectors.company import TreeNode, tree_nodes
from dashboards.selectors.scope import CycleObjectives, alignment_chain, objectives_around
from objectives.cycles.clock import Clock, cycle_clock
from objectives.models import Objective, User


@dataclass(frozen=True)
class ObjectivePage:
    objective: Objective
    clock: Clock
    progress: Decimal | None
    status: scoring.StatusResult | None
    rows: list[KeyResultView]
    # From the top of the chain down to the parent. The chain stops below an objective the
    # viewer may not see: even its existence stays private.
    ancestors: list[Objective]
    children: list[TreeNode]

    @property
    def score(self) -> Decimal | None:
        frozen = self.objective.frozen_score
        if self.objective.cycle.is_closed and frozen is not None:
            return frozen
        if not self.rows:
            return None
        return scoring.objective_score(
            key_results=[(r.key_result.weight, r.score) for r in self.rows]
        )


def objective_page(
    *, objective: Objective, viewer: User, now: datetime | None = None
) -> ObjectivePage:
    """The page of an objective the viewer may see (the caller checked)."""
    cycle = objective.cycle
    clock = cycle_clock(cycle=cycle, now=now)
    # The chain above it, the objective, its children and grandchildren (how many each child
    # has), and what their progress needs: not the whole cycle.
    around = (
        Q(pk__in=[objective.pk, *alignment_chain(objective=objective)])
        | Q(parent_id=objective.pk)
        | Q(parent_id__in=Objective.objects.filter(parent_id=objective.pk).values("pk"))
    )
    index = CycleObjectives.build(
        cycle=cycle,
        clock=clock,
        objectives=objectives_around(cycle=cycle, viewer=viewer, wanted=around),
    )
    if objective.pk not in index.objectives:
        # Archived objectives are left out of the cycle's lists but still have a page.
        index.objectives[objective.pk] = objective
    children = index.children_of(objective.pk)
    index.score([objective.pk, *(child.pk for child in children)])

    ancestors: list[Objective] = []
    seen = {objective.pk}
    parent_id = objective.parent_id
    while parent_id is not None and parent_id in index.objectives and parent_id not in seen:
        seen.add(parent_id)
        parent = index.objectives[parent_id]
        ancestors.append(parent)
        parent_id = parent.parent_id
    return ObjectivePage(
        objective=index.objectives[objective.pk],
        clock=clock,
        progress=index.progress(objective.pk),
        status=index.status(objective.pk),
        rows=index.rows.get(objective.pk, []),
        ancestors=list(reversed(ancestors)),
        children=tree_nodes(index, children),
    )
