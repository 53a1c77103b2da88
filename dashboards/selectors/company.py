"""The company dashboard: the alignment tree, progress by team, the check-in heatmap and the
status distribution of a cycle.

Teams are shown one level at a time: the company's top-level teams, or the sub-teams of the team
drilled into. Each team's numbers roll up everything below it: its progress is the mean progress of
the objectives owned by it or its sub-teams; its heatmap row counts the key results on those
objectives and on its people's individual objectives.

Queries, whatever the company's size: the cycle, the team tree, the memberships, the viewer's
managed teams (none to two), the visible objectives, their key results and, per objective owner
and week, how many were checked in. The view reads it through the read cache.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

import scoring
from checkins.models import CheckIn
from dashboards import charts
from dashboards.cache import ReadKey
from dashboards.selectors.common import local_today, resolve_cycle
from dashboards.selectors.scope import (
    Clock,
    CycleObjectives,
    TeamTree,
    company_tz,
    cycle_clock,
    members_by_team,
    objectives_around,
)
from objectives import permissions
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
    # The cache key of the page's data-only sections for this viewer's time zone and language,
    # or None when they are drawn afresh (see dashboards/cache.py).
    fragment_key: str | None = None


def company_dashboard(
    *,
    viewer: User,
    requested_cycle: str | None = None,
    focus_slug: str | None = None,
    now: datetime | None = None,
    read_key: ReadKey | None = None,
) -> CompanyDashboard:
    """The company page for `viewer`, with teams shown below `focus_slug` (default: the
    company). An unknown team slug shows the company's top level.

    With a `read_key` (the view passes one) the result comes from the read cache while nothing it
    was built from has changed (dashboards/cache.py)."""

    def compute() -> CompanyDashboard:
        return _company_dashboard(
            viewer=viewer, requested_cycle=requested_cycle, focus_slug=focus_slug, now=now
        )

    if read_key is None or now is not None:
        return compute()
    parts = (requested_cycle or "", focus_slug or "")
    dashboard = read_key.fetch("company", parts, compute)
    return replace(
        dashboard,
        fragment_key=read_key.key(
            "company-sections", (*parts, timezone.get_current_timezone_name(), get_language())
        ),
    )


def _company_dashboard(
    *,
    viewer: User,
    requested_cycle: str | None,
    focus_slug: str | None,
    now: datetime | None,
) -> CompanyDashboard:
    tz = company_tz()
    cycle = resolve_cycle(requested=requested_cycle, on=local_today(tz=tz, now=now))
    tree = TeamTree.load()
    company = tree.root
    if cycle is None or company is None:
        return CompanyDashboard(cycle=cycle, clock=None, company=company)
    clock = cycle_clock(cycle=cycle, now=now)
    focus = next((t for t in tree.teams.values() if t.slug == focus_slug), company)
    members = members_by_team(tree.teams.keys())
    # Key results without owners or blockers: this page shows neither.
    index = CycleObjectives.load(cycle=cycle, clock=clock, viewer=viewer, details=False)

    company_objectives = [o for o in index.objectives.values() if o.owner_team_id == company.pk]
    unaligned = [o for o in index.children_of(None) if o.owner_team_id != company.pk]
    checked = _checked_in_by_owner(cycle=cycle, viewer=viewer, clock=clock)
    kr_counts = _key_results_by_owner(index)

    teams, heat_rows, bar_items = [], [], []
    focus_rates = _team_rates(tree, members, focus, clock, kr_counts, checked)
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
                rates=_team_rates(tree, members, team, clock, kr_counts, checked),
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


Owner = tuple[str, int]  # ("team", team id) or ("person", user id): whose objective


def _owner_of(team_id: int | None, user_id: int | None) -> Owner:
    return ("person", user_id) if user_id else ("team", team_id)


def _key_results_by_owner(index: CycleObjectives) -> dict[Owner, int]:
    """How many scored key results each objective owner has; no query."""
    counts: dict[Owner, int] = {}
    for row in index.all_rows():
        objective = row.key_result.objective
        owner = _owner_of(objective.owner_team_id, objective.owner_user_id)
        counts[owner] = counts.get(owner, 0) + 1
    return counts


def _checked_in_by_owner(
    *, cycle: Cycle, viewer: User, clock: Clock
) -> dict[Owner, dict[date, int]]:
    """Objective owner -> Monday -> how many of their key results have a check-in that week.

    One aggregate query over the same key results the page scores (visible, non-archived, of
    non-archived objectives of the cycle). A key result belongs to one objective with one owner,
    so a team's count is the plain sum over the owners in its scope: its teams and its people.
    """
    rows = (
        CheckIn.objects.filter(
            key_result__archived=False,
            key_result__objective__cycle=cycle,
            key_result__objective__archived=False,
        )
        .filter(permissions.visible_objectives_q(viewer, prefix="key_result__objective__"))
        .annotate(week=TruncWeek("created_at", tzinfo=clock.tz))
        .order_by()
        .values_list(
            "key_result__objective__owner_team_id", "key_result__objective__owner_user_id", "week"
        )
        .annotate(checked=Count("key_result_id", distinct=True))
    )
    result: dict[Owner, dict[date, int]] = {}
    for team_id, user_id, week, count in rows:
        monday = timezone.localtime(week, clock.tz).date() if isinstance(week, datetime) else week
        result.setdefault(_owner_of(team_id, user_id), {})[monday] = count
    return result


def _team_rates(
    tree: TeamTree,
    members: dict[int, set[int]],
    team: Team,
    clock: Clock,
    owned: dict[Owner, int],
    checked: dict[Owner, dict[date, int]],
) -> list[Decimal | None]:
    """For each week of the cycle, the share of the team's (rolled-up) key results checked in:
    those on objectives of the team and its sub-teams, and on their people's own objectives."""
    team_ids = tree.subtree(team.pk)
    member_ids = set().union(*(members.get(pk, set()) for pk in team_ids))
    owners = [("team", pk) for pk in team_ids] + [("person", pk) for pk in sorted(member_ids)]
    total = sum(owned.get(owner, 0) for owner in owners)
    weekly = [checked[owner] for owner in owners if owner in checked]
    return [
        scoring.checkin_rate(checked_in=sum(w.get(week, 0) for w in weekly), total=total)
        for week in clock.weeks
    ]


def objective_children(
    *, objective: Objective, viewer: User, now: datetime | None = None
) -> list[TreeNode]:
    """The visible objectives aligned to `objective`, as tree nodes; two queries (plus the
    viewer's managed teams): the objective with its children and grandchildren (how many each
    child has) and what their progress needs, then the key results."""
    cycle = objective.cycle
    clock = cycle_clock(cycle=cycle, now=now)
    children = Objective.objects.filter(parent_id=objective.pk).values("pk")
    around = Q(pk=objective.pk) | Q(parent_id=objective.pk) | Q(parent_id__in=children)
    index = CycleObjectives.build(
        cycle=cycle,
        clock=clock,
        objectives=objectives_around(cycle=cycle, viewer=viewer, wanted=around),
    )
    children = index.children_of(objective.pk)
    index.score([child.pk for child in children])
    return tree_nodes(index, children)
