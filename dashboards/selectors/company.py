"""The company dashboard: the alignment tree, progress by team, the check-in heatmap and the
status distribution of a cycle.

Teams are shown one level at a time: the company's top-level teams, or the sub-teams of the team
drilled into. Each team's numbers roll up everything below it: its progress is the mean progress of
the objectives owned by it or its sub-teams; its heatmap row counts the key results on those
objectives and on its people's individual objectives.

Queries, whatever the company's size: the cycle, the team tree, the memberships, the viewer's
managed teams (none to two), the visible objectives, their key results and the weeks each key
result was checked in.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone

import scoring
from checkins.models import CheckIn
from dashboards import charts
from dashboards.selectors.common import local_today, resolve_cycle
from dashboards.selectors.scope import (
    Clock,
    CycleObjectives,
    TeamTree,
    company_tz,
    cycle_clock,
    members_by_team,
    scope_objective_ids,
    visible_objectives,
)
from objectives.models import Cycle, Objective, Team, User


@dataclass(frozen=True)
class TreeNode:
    objective: Objective
    progress: Decimal | None
    status: scoring.StatusResult | None
    child_count: int
    expected: Decimal


def tree_nodes(index: CycleObjectives, objectives: list[Objective]) -> list[TreeNode]:
    return [
        TreeNode(
            objective=objective,
            progress=index.progress(objective.pk),
            status=index.status(objective.pk),
            child_count=len(index.children.get(objective.pk, ())),
            expected=index.clock.expected,
        )
        for objective in sorted(objectives, key=lambda o: o.title.casefold())
    ]


@dataclass(frozen=True)
class TeamProgress:
    team: Team
    progress: Decimal | None
    objective_count: int
    key_result_count: int
    has_sub_teams: bool


@dataclass(frozen=True)
class CompanyDashboard:
    cycle: Cycle | None
    clock: Clock | None
    company: Team | None
    progress: Decimal | None = None
    roots: list[TreeNode] | None = None
    unaligned: list[TreeNode] | None = None
    focus: Team | None = None
    focus_path: list[Team] | None = None
    teams: list[TeamProgress] | None = None
    team_chart: charts.BarChart | None = None
    heatmap: charts.Heatmap | None = None
    status_chart: charts.Distribution | None = None


def company_dashboard(
    *,
    viewer: User,
    requested_cycle: str | None = None,
    focus_slug: str | None = None,
    now: datetime | None = None,
) -> CompanyDashboard:
    """The company page for `viewer`, with teams shown below `focus_slug` (default: the
    company). An unknown team slug shows the company's top level."""
    tz = company_tz()
    cycle = resolve_cycle(requested=requested_cycle, on=local_today(tz=tz, now=now))
    tree = TeamTree.load()
    company = tree.root
    if cycle is None or company is None:
        return CompanyDashboard(cycle=cycle, clock=None, company=company)
    clock = cycle_clock(cycle=cycle, now=now)
    focus = next((t for t in tree.teams.values() if t.slug == focus_slug), company)
    members = members_by_team(tree.teams.keys())
    index = CycleObjectives.load(cycle=cycle, clock=clock, viewer=viewer)

    company_objectives = [o for o in index.objectives.values() if o.owner_team_id == company.pk]
    unaligned = [o for o in index.children_of(None) if o.owner_team_id != company.pk]
    checked_weeks = _checked_in_weeks(index, clock)

    teams, heat_rows, bar_items = [], [], []
    focus_rates = _team_rates(index, tree, members, focus, clock, checked_weeks)
    heat_rows.append(
        charts.HeatRow(
            label=f"All of {focus.name}",
            href=reverse("team_dashboard", args=[focus.slug]) + "?subteams=1",
            rates=focus_rates,
        )
    )
    for team in tree.child_teams(focus.pk):
        team_ids = tree.subtree(team.pk)
        owned = [pk for pk, o in index.objectives.items() if o.owner_team_id in set(team_ids)]
        progress = scoring.mean_progress(values=[index.progress(pk) for pk in owned])
        rows = index.all_rows(owned)
        teams.append(
            TeamProgress(
                team=team,
                progress=progress,
                objective_count=len(owned),
                key_result_count=len(rows),
                has_sub_teams=bool(tree.children.get(team.pk)),
            )
        )
        bar_items.append(
            charts.BarItem(
                label=team.name,
                value=progress,
                note=f"{len(owned)} objective{'s' if len(owned) != 1 else ''}",
                href=reverse("team_dashboard", args=[team.slug]) + "?subteams=1",
            )
        )
        heat_rows.append(
            charts.HeatRow(
                label=team.name,
                href=reverse("team_dashboard", args=[team.slug]) + "?subteams=1",
                rates=_team_rates(index, tree, members, team, clock, checked_weeks),
            )
        )

    counts = {status: 0 for status in charts.STATUS_ORDER}
    for row in index.all_rows():
        counts[row.status.status] += 1
    return CompanyDashboard(
        cycle=cycle,
        clock=clock,
        company=company,
        progress=scoring.mean_progress(values=[index.progress(o.pk) for o in company_objectives]),
        roots=tree_nodes(index, company_objectives),
        unaligned=tree_nodes(index, unaligned),
        focus=focus,
        focus_path=[*tree.ancestors(focus.pk), focus],
        teams=teams,
        team_chart=charts.progress_bars(
            title=f"Progress by team in {focus.name}", items=bar_items, expected=clock.expected
        ),
        heatmap=charts.checkin_heatmap(rows=heat_rows, weeks=clock.weeks),
        status_chart=charts.status_distribution(counts=counts),
    )


def _checked_in_weeks(index: CycleObjectives, clock: Clock) -> dict[int, set[date]]:
    """key result id -> the Mondays of the weeks it has a check-in in; one query."""
    ids = [row.key_result.pk for row in index.all_rows()]
    weeks: dict[int, set[date]] = {}
    if not ids:
        return weeks
    pairs = (
        CheckIn.objects.filter(key_result_id__in=ids)
        .annotate(week=TruncWeek("created_at", tzinfo=clock.tz))
        .order_by()
        .values_list("key_result_id", "week")
        .distinct()
    )
    for kr_id, week in pairs:
        monday = timezone.localtime(week, clock.tz).date() if isinstance(week, datetime) else week
        weeks.setdefault(kr_id, set()).add(monday)
    return weeks


def _team_rates(
    index: CycleObjectives,
    tree: TeamTree,
    members: dict[int, set[int]],
    team: Team,
    clock: Clock,
    checked_weeks: dict[int, set[date]],
) -> list[Decimal | None]:
    """For each week of the cycle, the share of the team's (rolled-up) key results checked in."""
    team_ids = tree.subtree(team.pk)
    member_ids = set().union(*(members.get(pk, set()) for pk in team_ids))
    scope = scope_objective_ids(
        objectives=index.objectives, team_ids=team_ids, member_ids=member_ids
    )
    kr_ids = [row.key_result.pk for row in index.all_rows(scope)]
    return [
        scoring.checkin_rate(
            checked_in=sum(week in checked_weeks.get(pk, ()) for pk in kr_ids), total=len(kr_ids)
        )
        for week in clock.weeks
    ]


def objective_children(
    *, objective: Objective, viewer: User, now: datetime | None = None
) -> list[TreeNode]:
    """The visible objectives aligned to `objective`, as tree nodes; two queries (plus the
    viewer's managed teams)."""
    cycle = objective.cycle
    clock = cycle_clock(cycle=cycle, now=now)
    index = CycleObjectives.build(
        cycle=cycle, clock=clock, objectives=visible_objectives(cycle=cycle, viewer=viewer)
    )
    children = index.children_of(objective.pk)
    index.score([child.pk for child in children])
    return tree_nodes(index, children)
