"""The company dashboard: the alignment tree, progress by team, the check-in heatmap and the
status distribution of a cycle.

Teams are shown one level at a time: the company's top-level teams, or the sub-teams of the team
drilled into. Each team's numbers roll up everything below it: its progress is the mean progress of
the objectives owned by it or its sub-teams; its heatmap row counts the key results on those
objectives and on its people's individual objectives.

Every number comes stored (objectives/stored_scores.py) and is added up in the database: no key
result is scored here. Queries, whatever the company's size: the cycle, the team tree, the
memberships, the viewer's managed teams (none to two), the private objectives hidden from them
(and, when some are, the progress above them worked out again), the teams' and the top
objectives, the key results per owner and status, the tree's objectives with their statuses and
children, and per objective owner and week how many were checked in. The view reads it through
the read cache.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Case, Count, Q, QuerySet, Sum, When
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

import scoring
from checkins.models import CheckIn
from dashboards import charts
from dashboards.cache import ReadKey, cycle_scopes
from dashboards.selectors.scope import CycleObjectives, TeamTree, members_by_team, objectives_around
from objectives import permissions, stored_scores
from objectives.cycles.clock import Clock, company_tz, cycle_clock, local_today
from objectives.cycles.selectors import resolve_cycle
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
            viewer=viewer,
            requested_cycle=requested_cycle,
            focus_slug=focus_slug,
            now=now,
            read_key=read_key,
        )

    if read_key is None or not read_key.enabled or now is not None:
        return compute()
    # The page reads the organisation and one cycle: a write elsewhere leaves it cached.
    cycle_id = read_key.fetch(
        "company-cycle",
        (requested_cycle or "",),
        lambda: _cycle_id(requested_cycle),
        scopes=["org"],
    )
    read_key.narrow(["org"] if cycle_id is None else cycle_scopes(cycle_id))
    parts = (requested_cycle or "", focus_slug or "")
    dashboard = read_key.fetch("company", parts, compute)
    return replace(
        dashboard,
        fragment_key=read_key.key(
            "company-sections", (*parts, timezone.get_current_timezone_name(), get_language())
        ),
    )


def _cycle_id(requested_cycle: str | None) -> int | None:
    cycle = resolve_cycle(requested=requested_cycle, on=local_today(tz=company_tz()))
    return None if cycle is None else cycle.pk


def _company_dashboard(
    *,
    viewer: User,
    requested_cycle: str | None,
    focus_slug: str | None,
    now: datetime | None,
    read_key: ReadKey | None = None,
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
    found = StoredCycle.load(cycle=cycle, clock=clock, viewer=viewer)
    heat_teams = [focus, *tree.child_teams(focus.pk)]
    owners = {team.pk: _owners_under(tree, members, team) for team in heat_teams}
    checked = _checked_in_by_team(
        cycle=cycle,
        viewer=viewer,
        clock=clock,
        this_week=found.checked_this_week,
        owners=owners,
        now=now,
        read_key=read_key,
        focus=focus,
    )

    teams, heat_rows, bar_items = [], [], []
    focus_rates = _team_rates(owners[focus.pk], clock, found.key_results, checked[focus.pk])
    heat_rows.append(
        charts.HeatRow(
            label=_("All of %(team)s") % {"team": focus.name},
            href=reverse("team_dashboard", args=[focus.slug]) + "?subteams=1",
            rates=focus_rates,
        )
    )
    for team in tree.child_teams(focus.pk):
        team_ids = set(tree.subtree(team.pk))
        owned = [o for o in found.team_objectives if o.owner_team_id in team_ids]
        progress = scoring.mean_progress(values=[o.progress for o in owned])
        teams.append(
            TeamProgress(
                team=team,
                progress=progress,
                objective_count=len(owned),
                key_result_count=sum(o.key_result_count for o in owned),
                has_sub_teams=bool(tree.children.get(team.pk)),
            )
        )
        bar_items.append(
            charts.BarItem(
                label=team.name,
                value=progress,
                note=ngettext("%(count)s objective", "%(count)s objectives", len(owned))
                % {"count": len(owned)},
                href=reverse("team_dashboard", args=[team.slug]) + "?subteams=1",
            )
        )
        heat_rows.append(
            charts.HeatRow(
                label=team.name,
                href=reverse("team_dashboard", args=[team.slug]) + "?subteams=1",
                rates=_team_rates(owners[team.pk], clock, found.key_results, checked[team.pk]),
            )
        )

    company_goals = [o for o in found.team_objectives if o.owner_team_id == company.pk]
    unaligned = [o for o in found.top if o.owner_team_id != company.pk]
    nodes = found.tree_nodes([o.pk for o in (*company_goals, *unaligned)], clock=clock)
    return CompanyDashboard(
        cycle=cycle,
        clock=clock,
        company=company,
        progress=scoring.mean_progress(values=[o.progress for o in company_goals]),
        roots=[nodes[o.pk] for o in _by_title(company_goals, nodes)],
        unaligned=[nodes[o.pk] for o in _by_title(unaligned, nodes)],
        focus=focus,
        focus_path=[*tree.ancestors(focus.pk), focus],
        teams=teams,
        team_chart=charts.progress_bars(
            title=_("Progress by team in %(team)s") % {"team": focus.name},
            items=bar_items,
            expected=clock.expected,
        ),
        heatmap=charts.checkin_heatmap(rows=heat_rows, weeks=clock.weeks),
        status_chart=charts.status_distribution(
            counts={s: found.statuses.get(s, 0) for s in charts.STATUS_ORDER}
        ),
    )


Owner = tuple[str, int]  # ("team", team id) or ("person", user id): whose objective
# The objectives' stored counts of their key results by status, in the order summed.
STATUS_COLUMNS = (
    scoring.Status.DONE,
    scoring.Status.ON_TRACK,
    scoring.Status.AT_RISK,
    scoring.Status.BEHIND,
)


def _owner_of(team_id: int | None, user_id: int | None) -> Owner:
    return ("person", user_id) if user_id else ("team", team_id)


@dataclass(frozen=True)
class StoredObjective:
    """What the company page reads of an objective: its stored numbers (objectives/
    stored_scores.py), its progress worked out again where the viewer may not see all that
    it is made of."""

    pk: int
    owner_team_id: int | None
    parent_id: int | None
    progress: Decimal | None
    key_result_count: int


def _stored_statuses(objective: Objective) -> list[str]:
    """Its key results' statuses, from the counts stored with it (order does not matter to
    `scoring.objective_status`)."""
    counts = (
        objective.done_count,
        objective.on_track_count,
        objective.at_risk_count,
        objective.behind_count,
    )
    return [status for status, n in zip(STATUS_COLUMNS, counts, strict=True) for _ in range(n)]


def _by_title(
    objectives: list[StoredObjective], nodes: dict[int, TreeNode]
) -> list[StoredObjective]:
    return sorted(objectives, key=lambda o: nodes[o.pk].objective.title.casefold())


@dataclass(frozen=True)
class StoredCycle:
    """A cycle's stored numbers as one viewer may see them, added up in the database.

    `team_objectives`: the visible objectives teams (and the company) own; `top`: those aligned
    to nothing the viewer sees; `key_results` and `checked_this_week`: visible key results per
    objective owner, all and with a check-in this week; `statuses`: visible key results by
    status. Private objectives the viewer may not see count nowhere: an objective without key
    results above one takes the mean of the children the viewer sees instead of the stored one.
    """

    cycle: Cycle
    visible: QuerySet[Objective]  # the visible objectives, for the tree's queries
    team_objectives: list[StoredObjective]
    top: list[StoredObjective]
    key_results: dict[Owner, int]
    checked_this_week: dict[Owner, int]
    statuses: dict[str, int]

    @classmethod
    def load(cls, *, cycle: Cycle, clock: Clock, viewer: User) -> "StoredCycle":
        """Five queries (plus the viewer's managed teams): the hidden private objectives, the
        progress above them where it changes, the teams' and the top objectives, the key results
        added up per owner and status."""
        visible = Objective.objects.filter(cycle=cycle, archived=False).filter(
            permissions.visible_objectives_q(viewer)
        )
        hidden_rows = Objective.objects.filter(
            cycle=cycle, archived=False, visibility=Objective.Visibility.PRIVATE
        ).exclude(pk__in=visible.filter(visibility=Objective.Visibility.PRIVATE).values("pk"))
        found_hidden = list(hidden_rows.values_list("pk", "parent__key_result_count"))
        hidden = {pk for pk, _count in found_hidden}
        # Only those under an objective made of its children's progress change any number.
        seen_progress = stored_scores.progress_without(
            hidden=hidden, under=[pk for pk, count in found_hidden if count == 0]
        )
        rows = visible.filter(
            Q(owner_team__isnull=False)
            | Q(parent__isnull=True)
            | Q(parent__archived=True)
            | Q(parent_id__in=hidden_rows.values("pk"))
        ).values_list(
            "pk", "owner_team_id", "parent_id", "parent__archived", "progress", "key_result_count"
        )
        team_objectives, top = [], []
        for pk, team_id, parent_id, parent_archived, progress, count in rows.order_by("pk"):
            found = StoredObjective(pk, team_id, parent_id, seen_progress.get(pk, progress), count)
            if team_id is not None:
                team_objectives.append(found)
            # Aligned to nothing the viewer sees: it shows at the top, not under something unseen.
            if parent_id is None or parent_archived or parent_id in hidden:
                top.append(found)
        # Every visible key result, by its objective's owner and stored status, and how many
        # were checked in this week: added up from the objectives' stored counts.
        totals = (
            visible.order_by()
            .values_list("owner_team_id", "owner_user_id")
            .annotate(
                done=Sum("done_count"),
                on_track=Sum("on_track_count"),
                at_risk=Sum("at_risk_count"),
                behind=Sum("behind_count"),
                checked=Sum(
                    Case(
                        When(checked_week=clock.week_start, then="checked_week_count"),
                        default=0,
                    )
                ),
            )
        )
        key_results: dict[Owner, int] = {}
        checked: dict[Owner, int] = {}
        statuses: dict[str, int] = dict.fromkeys(scoring.Status, 0)
        for team_id, user_id, *counts, checked_count in totals:
            owner = _owner_of(team_id, user_id)
            key_results[owner] = key_results.get(owner, 0) + sum(counts)
            if checked_count:
                checked[owner] = checked.get(owner, 0) + checked_count
            for status, count in zip(STATUS_COLUMNS, counts, strict=True):
                statuses[status] += count
        return cls(
            cycle=cycle,
            visible=visible,
            team_objectives=team_objectives,
            top=top,
            key_results=key_results,
            checked_this_week=checked,
            statuses=statuses,
        )

    def tree_nodes(self, pks: list[int], *, clock: Clock) -> dict[int, TreeNode]:
        """The tree's nodes for these objectives; two queries: the objectives with their owners
        (and their key results' stored counts by status), how many visible objectives each
        has aligned."""
        if not pks:
            return {}
        children = dict(
            self.visible.filter(parent_id__in=pks)
            .order_by()
            .values_list("parent_id")
            .annotate(count=Count("pk"))
        )
        progress = {o.pk: o.progress for o in (*self.team_objectives, *self.top)}
        nodes = {}
        for objective in Objective.objects.filter(pk__in=pks).select_related(
            "owner_team", "owner_user"
        ):
            objective.cycle = self.cycle
            nodes[objective.pk] = TreeNode(
                objective=objective,
                progress=progress[objective.pk],
                status=scoring.objective_status(statuses=_stored_statuses(objective)),
                child_count=children.get(objective.pk, 0),
                expected=clock.expected,
            )
        return nodes


# Check-ins are added, not rewritten: a week over keeps its counts until something else changes
# (the "history" scope, dashboards/db_triggers.py). So past weeks are counted once and kept;
# only the current week is counted afresh, from each key result's latest check-in. Not in the
# first minutes of a week: a check-in the application stamped before midnight and committed
# within five minutes raises no history (the trigger takes it for today's), so the week just
# over is kept only once no such check-in can still arrive.
SETTLED_AFTER = timedelta(minutes=10)


def _owners_under(tree: TeamTree, members: dict[int, set[int]], team: Team) -> list[Owner]:
    """Whose objectives a team's row rolls up: its teams' and its people's."""
    team_ids = tree.subtree(team.pk)
    member_ids = set().union(*(members.get(pk, set()) for pk in team_ids))
    return [("team", pk) for pk in team_ids] + [("person", pk) for pk in sorted(member_ids)]


def _checked_in_by_team(
    *,
    cycle: Cycle,
    viewer: User,
    clock: Clock,
    this_week: dict[Owner, int],
    owners: dict[int, list[Owner]],
    now: datetime | None,
    read_key: ReadKey | None,
    focus: Team,
) -> dict[int, dict[date, int]]:
    """Heatmap row (team id) -> Monday -> how many of the row's key results have a check-in
    that week.

    The weeks before the current one from one aggregate query (kept in the read cache under the
    cycle's check-in history); the current week from the key results' latest check-ins (no
    check-in is dated in the future, and `last_checkin_at` is the newest one's time:
    checkins/services.record_checkin). A key result belongs to one objective with one owner, so
    a row's count is the plain sum over the owners in its scope: its teams and its people.
    """
    moment = now or timezone.now()
    week_from = datetime.combine(clock.week_start, time(), tzinfo=clock.tz)
    live = clock.on == clock.today and moment - week_from >= SETTLED_AFTER

    def by_team(before: datetime | None) -> dict[int, dict[date, int]]:
        weekly = _weekly_checkins(cycle=cycle, viewer=viewer, clock=clock, before=before)
        result = {}
        for team_id, team_owners in owners.items():
            counts: dict[date, int] = {}
            for owner in team_owners:
                for week, count in weekly.get(owner, {}).items():
                    counts[week] = counts.get(week, 0) + count
            result[team_id] = counts
        return result

    if not live:
        return by_team(None)
    if read_key is None or now is not None:
        past = by_team(week_from)
    else:
        past = read_key.fetch(
            "company-checkin-history",
            (cycle.pk, str(clock.week_start), focus.pk),
            lambda: by_team(week_from),
            scopes=read_key.history_scopes(cycle.pk),
        )
    return {
        team_id: {
            **past.get(team_id, {}),
            clock.week_start: sum(this_week.get(owner, 0) for owner in team_owners),
        }
        for team_id, team_owners in owners.items()
    }


def _weekly_checkins(
    *, cycle: Cycle, viewer: User, clock: Clock, before: datetime | None
) -> dict[Owner, dict[date, int]]:
    """Objective owner -> Monday -> how many of their key results have a check-in that week:
    one aggregate query over the key results the page scores (visible, non-archived, of
    non-archived objectives of the cycle), with check-ins before `before` when given."""
    checkins = CheckIn.objects.filter(
        key_result__archived=False,
        key_result__objective__cycle=cycle,
        key_result__objective__archived=False,
    )
    if before is not None:
        checkins = checkins.filter(created_at__lt=before)
    rows = (
        checkins.filter(permissions.visible_objectives_q(viewer, prefix="key_result__objective__"))
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
    owners: list[Owner],
    clock: Clock,
    owned: dict[Owner, int],
    checked: dict[date, int],
) -> list[Decimal | None]:
    """For each week of the cycle, the share of the row's (rolled-up) key results checked in:
    those on objectives of the team and its sub-teams, and on their people's own objectives."""
    total = sum(owned.get(owner, 0) for owner in owners)
    return [
        scoring.checkin_rate(checked_in=checked.get(week, 0), total=total) for week in clock.weeks
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
