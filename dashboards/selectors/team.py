"""The team dashboard: a team's key results in a cycle, scored, counted, charted and summarised.

A team's key results are those on objectives the team owns and on individual objectives of its
members; with sub-teams rolled up, the same for every team below it. The team's progress is the
mean of its own (team-owned) objectives' progress, as DESIGN.md defines it.

Definitions the issue left open:
- Weekly check-in rate: the share of those key results with a check-in this week (Monday to
  Sunday in the company's time zone); last week's rate is over the same key results.
- Average confidence of a week: the mean, over the key results, of each one's latest confidence
  as of that week's Sunday (key results never checked in by then are left out). The card shows
  this week's value and its change since last week; the trend chart shows every week.
- Moved this week: progress now minus progress as of the end of last week (from the history).

Queries, whatever the team's size: the team tree, its members, the viewer's managed teams (none
to two), the team's visible objectives (with those their progress needs), their key results, and
(for the full page) the check-in history. The view reads it through the read cache.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

import scoring
from dashboards import charts
from dashboards import summary as weekly_summary
from dashboards.cache import ReadKey, owner_scopes
from dashboards.selectors.common import KeyResultView
from dashboards.selectors.scope import (
    CycleObjectives,
    TeamTree,
    aligned_objectives,
    checkin_history,
    members_by_team,
    scope_objective_ids,
)
from dashboards.selectors.team_initiatives import TeamInitiatives, overdue_clock, team_initiatives
from objectives.cycles.clock import Clock, company_tz, cycle_clock, local_today
from objectives.cycles.selectors import resolve_cycle
from objectives.models import Cycle, KeyResult, Objective, Team, User
from objectives.scoring_inputs import progress_from_checkins
from scoring import Status

ATTENTION = (Status.BEHIND, Status.AT_RISK)


@dataclass(frozen=True)
class TeamRow:
    """One key result of the team's table, with the values it sorts and filters on."""

    view: KeyResultView
    progress_change: Decimal | None = None

    @property
    def key_result(self) -> KeyResult:
        return self.view.key_result

    @property
    def pk(self) -> int:
        return self.view.key_result.pk

    @property
    def title(self) -> str:
        return self.view.key_result.title

    @property
    def sort_title(self) -> str:
        return self.title.casefold()

    @property
    def objective(self) -> Objective:
        return self.view.key_result.objective

    @property
    def owner_name(self) -> str:
        return self.view.key_result.owner.name

    @property
    def sort_owner(self) -> str:
        return self.owner_name.casefold()

    @property
    def owner_id(self) -> int:
        return self.view.key_result.owner_id

    @property
    def level(self) -> str:
        return str(self.objective.level)

    @property
    def progress(self) -> Decimal:
        return self.view.progress

    @property
    def status(self) -> Status:
        return self.view.status.status

    @property
    def status_rank(self) -> int:
        return self.status.rank

    @property
    def stale(self) -> bool:
        return self.view.status.stale

    @property
    def stale_days(self) -> int | None:
        for reason in self.view.status.reasons:
            if reason.code == "stale":
                return int(reason.params["days"])
        return None

    @property
    def confidence(self) -> int | None:
        return self.view.key_result.last_confidence

    @property
    def sort_confidence(self) -> int:
        return self.confidence or 0

    @property
    def last_checkin_at(self) -> datetime | None:
        return self.view.key_result.last_checkin_at

    @property
    def sort_last_checkin(self) -> float:
        moment = self.last_checkin_at
        return moment.timestamp() if moment else 0.0

    @property
    def blocker(self) -> str:
        return getattr(self.view.key_result, "latest_blockers", "") or ""

    @property
    def needs_attention(self) -> bool:
        return self.status in ATTENTION or self.stale


@dataclass(frozen=True)
class SilentPerson:
    user_id: int
    name: str
    due: list[TeamRow]


@dataclass(frozen=True)
class ObjectiveLine:
    objective: Objective
    progress: Decimal | None
    status: scoring.StatusResult | None


@dataclass(frozen=True)
class Cards:
    progress: Decimal | None
    expected: Decimal
    objective_count: int
    checked_in: int
    total: int
    rate: Decimal | None
    rate_last_week: Decimal | None
    rate_change: Decimal | None
    status_counts: list[tuple[Status, int]]
    stale_count: int
    confidence: Decimal | None
    confidence_last_week: Decimal | None
    confidence_change: Decimal | None


@dataclass(frozen=True)
class TeamDashboard:
    team: Team
    ancestors: list[Team]
    sub_teams: list[Team]
    include_sub_teams: bool
    cycle: Cycle | None
    clock: Clock | None
    rows: list[TeamRow]
    objectives: list[ObjectiveLine]
    cards: Cards | None = None
    attention: list[TeamRow] | None = None
    silent: list[SilentPerson] | None = None
    progress_chart: charts.BarChart | None = None
    confidence_chart: charts.LineChart | None = None
    status_chart: charts.Distribution | None = None
    summary: list[weekly_summary.Sentence] | None = None
    initiatives: TeamInitiatives | None = None  # the initiatives on the rows' key results


def team_dashboard(
    *,
    team: Team,
    viewer: User,
    requested_cycle: str | None = None,
    include_sub_teams: bool = False,
    table_only: bool = False,
    now: datetime | None = None,
) -> TeamDashboard:
    """Everything the team dashboard shows; `table_only` skips what the table fragment does not
    need (the check-in history, the cards, the charts and the summary)."""
    tree = TeamTree.load()
    head = _head(
        team=team,
        tree=tree,
        requested_cycle=requested_cycle,
        include_sub_teams=include_sub_teams,
        now=now,
    )
    return _fill(
        head,
        tree=tree,
        viewer=viewer,
        include_sub_teams=include_sub_teams,
        table_only=table_only,
        now=now,
    )


def _head(
    *,
    team: Team,
    tree: TeamTree,
    requested_cycle: str | None,
    include_sub_teams: bool,
    now: datetime | None,
) -> TeamDashboard:
    """The dashboard with what its header shows and nothing scored: one query (the cycle)."""
    cycle = resolve_cycle(requested=requested_cycle, on=local_today(tz=company_tz(), now=now))
    return TeamDashboard(
        team=team,
        ancestors=tree.ancestors(team.pk),
        sub_teams=tree.child_teams(team.pk),
        include_sub_teams=include_sub_teams,
        cycle=cycle,
        clock=cycle_clock(cycle=cycle, now=now) if cycle else None,
        rows=[],
        objectives=[],
    )


# What `TeamPage` answers from the head, without loading the rest.
HEAD_FIELDS = ("team", "ancestors", "sub_teams", "include_sub_teams", "cycle", "clock")


class TeamPage:
    """The team dashboard as the view draws it from the read cache: the head at once, the rest
    (rows, cards, charts, summary...) loaded the first time the page asks for any of it.

    The page keeps its data-only sections and its table in the read cache, so a request that
    finds them there draws the header and never loads the rows; one that does not gets the
    dashboard from the cache, or computed. Either way every attribute reads as `TeamDashboard`'s.
    """

    def __init__(
        self,
        head: TeamDashboard,
        load: Callable[[], TeamDashboard],
        fragment_key: str | None,
    ) -> None:
        for name in HEAD_FIELDS:
            setattr(self, name, getattr(head, name))
        self.fragment_key = fragment_key
        self._load = load
        self._full: TeamDashboard | None = None

    @property
    def loaded(self) -> bool:
        return self._full is not None

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._full is not None:
            return getattr(self._full, name)
        # Asked for before anything loaded (the page's `{% with %}` names `cards` up front): a
        # stand-in that loads on its first real use, which a cached section never makes.
        return SimpleLazyObject(lambda: getattr(self._dashboard(), name))

    def _dashboard(self) -> TeamDashboard:
        if self._full is None:
            self._full = self._load()
        return self._full


def team_page(
    *,
    team: Team,
    viewer: User,
    read_key: ReadKey,
    requested_cycle: str | None = None,
    include_sub_teams: bool = False,
    table_only: bool = False,
) -> TeamPage:
    """The team dashboard for the view, through the read cache (dashboards/cache.py).

    While nothing it was built from has changed, the head costs no query and the rest one cache
    read when asked for; otherwise they are computed (`team_dashboard`) and kept.
    """
    # Initiatives turn overdue at their owners' midnights, not the company's (team_initiatives).
    parts = (team.pk, requested_cycle or "", include_sub_teams, overdue_clock())
    trees: list[TeamTree] = []  # the tree, once loaded in this request

    def tree() -> TeamTree:
        if not trees:
            trees.append(TeamTree.load())
        return trees[0]

    def head() -> TeamDashboard:
        return _head(
            team=team,
            tree=tree(),
            requested_cycle=requested_cycle,
            include_sub_teams=include_sub_teams,
            now=None,
        )

    def scopes() -> list[str]:
        team_ids = tree().subtree(team.pk) if include_sub_teams else [team.pk]
        members = members_by_team(team_ids)
        return owner_scopes(team_ids=team_ids, person_ids=set().union(*members.values()))

    # The page reads the objectives of the team (and sub-teams) and of their people, whatever
    # they align to (dashboards/cache.py): a check-in elsewhere in the company leaves it cached.
    if read_key.enabled:
        read_key.narrow(
            read_key.fetch("team-scopes", (team.pk, include_sub_teams), scopes, scopes=["org"])
        )
    shown = read_key.fetch("team-head", parts, head, scopes=["org"])

    def full() -> TeamDashboard:
        return read_key.fetch(
            "team",
            (*parts, table_only),
            lambda: _fill(
                shown,
                tree=tree(),
                viewer=viewer,
                include_sub_teams=include_sub_teams,
                table_only=table_only,
                read_key=read_key,
            ),
        )

    return TeamPage(
        shown,
        full,
        read_key.key(
            "team-sections", (*parts, timezone.get_current_timezone_name(), get_language())
        ),
    )


def _fill(
    dashboard: TeamDashboard,
    *,
    tree: TeamTree,
    viewer: User,
    include_sub_teams: bool,
    table_only: bool,
    now: datetime | None = None,
    read_key: ReadKey | None = None,
) -> TeamDashboard:
    """The head given everything else the page shows."""
    team, cycle, clock = dashboard.team, dashboard.cycle, dashboard.clock
    if cycle is None or clock is None:
        return dashboard
    team_ids = set(tree.subtree(team.pk) if include_sub_teams else [team.pk])
    member_ids = set().union(*members_by_team(team_ids).values())
    # Only the team's own objectives (and what their progress needs), not the company's.
    visible = aligned_objectives(
        cycle=cycle,
        viewer=viewer,
        team_ids=team_ids,
        member_ids=member_ids,
    )
    scope_ids = scope_objective_ids(objectives=visible, team_ids=team_ids, member_ids=member_ids)
    index = CycleObjectives.load(
        cycle=cycle, clock=clock, viewer=viewer, focus=scope_ids, objectives=visible
    )
    views = sorted(
        index.all_rows(scope_ids),
        key=lambda v: (-v.status.status.rank, v.key_result.title.casefold(), v.key_result.pk),
    )
    # Team-owned first, then people's own, each by title.
    by_kind_and_title = sorted(
        scope_ids,
        key=lambda pk: (visible[pk].owner_user_id is not None, visible[pk].title.casefold()),
    )
    dashboard = replace(
        dashboard,
        rows=[TeamRow(view) for view in views],
        objectives=[
            ObjectiveLine(visible[pk], index.progress(pk), index.status(pk))
            for pk in by_kind_and_title
        ],
    )
    if table_only:
        return dashboard

    history = checkin_history([v.key_result.pk for v in views], clock=clock)
    rows = [
        TeamRow(view, _progress_change(view, history.get(view.key_result.pk, []), clock))
        for view in views
    ]
    trend = scoring.weekly_mean_confidence(
        histories=[
            [(day, confidence) for day, _value, confidence in history.get(row.pk, [])]
            for row in rows
        ],
        weeks=clock.weeks,
    )
    team_objective_ids = [pk for pk in scope_ids if visible[pk].owner_team_id in team_ids]
    initiatives = team_initiatives(key_results=[row.key_result for row in rows], now=now)
    cards = _cards(
        rows=rows,
        history=history,
        clock=clock,
        trend=trend,
        progress=scoring.mean_progress(values=[index.progress(pk) for pk in team_objective_ids]),
        objective_count=len(team_objective_ids),
    )
    return replace(
        dashboard,
        rows=rows,
        cards=cards,
        attention=[row for row in rows if row.needs_attention],
        silent=_silent(rows),
        progress_chart=_person_chart(rows, clock),
        confidence_chart=charts.confidence_trend(weeks=clock.weeks, values=trend),
        status_chart=charts.status_distribution(counts=dict(cards.status_counts)),
        summary=weekly_summary.compose(
            weekly_summary.WeekFacts(
                team=team.name,
                key_results=[_facts(row) for row in rows],
                rate_this_week=cards.rate,
                rate_last_week=cards.rate_last_week,
                overdue_initiatives=[
                    weekly_summary.OverdueFacts(title=o.key_result.title, count=o.count)
                    for o in initiatives.overdue_by_key_result()
                ],
            )
        ),
        initiatives=initiatives,
    )


def progress_as_of(
    *, key_result: KeyResult, history: Sequence[tuple[date, Decimal, int]], day: date
) -> Decimal:
    """A key result's progress from its check-ins made on or before `day`."""
    return progress_from_checkins(
        kind=key_result.kind,
        start=key_result.start_value,
        target=key_result.target_value,
        values=[value for checked_on, value, _confidence in history if checked_on <= day],
    )


def _progress_change(
    view: KeyResultView, history: Sequence[tuple[date, Decimal, int]], clock: Clock
) -> Decimal | None:
    if not clock.last_week_in_cycle:
        return None
    before = progress_as_of(key_result=view.key_result, history=history, day=clock.last_week_end)
    return scoring.change(now=view.progress, before=before)


def _checked_in_during_week(
    history: dict[int, list[tuple[date, Decimal, int]]], rows: Sequence[TeamRow], monday: date
) -> int:
    """How many of the rows have at least one check-in in the week starting on `monday`."""
    sunday = monday + timedelta(days=6)
    return sum(
        any(monday <= day <= sunday for day, _value, _conf in history.get(row.pk, []))
        for row in rows
    )


def _cards(
    *,
    rows: Sequence[TeamRow],
    history: dict[int, list[tuple[date, Decimal, int]]],
    clock: Clock,
    trend: Sequence[Decimal | None],
    progress: Decimal | None,
    objective_count: int,
) -> Cards:
    total = len(rows)
    checked_in = _checked_in_during_week(history, rows, clock.week_start)
    rate = scoring.checkin_rate(checked_in=checked_in, total=total)
    rate_last_week = (
        scoring.checkin_rate(
            checked_in=_checked_in_during_week(history, rows, clock.last_week_start), total=total
        )
        if clock.last_week_in_cycle
        else None
    )
    # The trend's last week is this one (the week of clock.on).
    confidence = trend[-1] if trend else None
    confidence_last_week = trend[-2] if clock.last_week_in_cycle and len(trend) > 1 else None
    counts = {status: 0 for status in charts.STATUS_ORDER}
    for row in rows:
        counts[row.status] += 1
    return Cards(
        progress=progress,
        expected=clock.expected,
        objective_count=objective_count,
        checked_in=checked_in,
        total=total,
        rate=rate,
        rate_last_week=rate_last_week,
        # The changes printed beside both ends must be their difference: of the shown values.
        rate_change=scoring.shown_change(now=rate, before=rate_last_week),
        status_counts=list(counts.items()),
        stale_count=sum(row.stale for row in rows),
        confidence=confidence,
        confidence_last_week=confidence_last_week,
        confidence_change=scoring.shown_change(now=confidence, before=confidence_last_week),
    )


def _silent(rows: Sequence[TeamRow]) -> list[SilentPerson]:
    people: dict[int, SilentPerson] = {}
    for row in rows:
        # A deactivated person cannot check in; their key results wait for reassignment on the
        # People pages, so naming them as "silent" would only be noise.
        if row.view.due_this_week and row.key_result.owner.is_active:
            person = people.setdefault(row.owner_id, SilentPerson(row.owner_id, row.owner_name, []))
            person.due.append(row)
    return sorted(people.values(), key=lambda p: (-len(p.due), p.name.casefold()))


def _person_chart(rows: Sequence[TeamRow], clock: Clock) -> charts.BarChart:
    by_person: dict[int, list[TeamRow]] = {}
    for row in rows:
        by_person.setdefault(row.owner_id, []).append(row)
    items = []
    for person_rows in sorted(by_person.values(), key=lambda rs: rs[0].sort_owner):
        progress = scoring.mean_progress(values=[row.progress for row in person_rows])
        count = len(person_rows)
        items.append(
            charts.BarItem(
                label=person_rows[0].owner_name,
                value=progress,
                note=ngettext("%(count)s key result", "%(count)s key results", count)
                % {"count": count},
            )
        )
    return charts.progress_bars(
        title=_("Progress by person"), items=items, expected=clock.expected, what="progress"
    )


def _facts(row: TeamRow) -> weekly_summary.KeyResultFacts:
    return weekly_summary.KeyResultFacts(
        title=row.title,
        owner=row.owner_name,
        status=row.status,
        progress=row.progress,
        progress_change=row.progress_change,
        confidence=row.confidence,
        blocker=row.blocker,
        stale_days=row.stale_days,
        due=row.view.due_this_week,
    )
