"""Read side of planning: the alignment picker's tree, the planning pages and the template
library, each loaded in a fixed number of queries whatever the size of the cycle.

The coaching hints are computed here from what the page already loaded
(objectives.planning.coaching is pure); a hint never blocks anything.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

import scoring
from initiatives.models import Initiative
from objectives import permissions
from objectives.cycles.clock import Clock, cycle_clock
from objectives.models import (
    Cycle,
    KeyResult,
    Membership,
    Objective,
    ObjectiveTemplate,
    ObjectiveTemplateKeyResult,
    Team,
    User,
)
from objectives.planning import coaching as coaching
from objectives.planning.library import localize_template
from objectives.scoring_inputs import (
    is_done,
    key_result_progress,
    score_key_result,
    shown_kr_score,
    shown_objective_score,
)
from objectives.selectors import owner_order

LEVEL_RANK = {Objective.Level.COMPANY: 0, Objective.Level.TEAM: 1, Objective.Level.INDIVIDUAL: 2}
# Past this many candidate parents an unfiltered picker leaves individual objectives out (they
# are rarely anyone's parent); a search still finds every one.
ALIGNMENT_LIST_LIMIT = 400
OWNER_SUGGESTIONS_LIMIT = 200


# --- The alignment picker ----------------------------------------------------------------------


@dataclass(frozen=True)
class ParentOption:
    objective: Objective
    depth: int
    matches: bool  # matched the search; ancestors of matches are shown too, for context

    @property
    def indent(self) -> str:
        return "\u2003" * self.depth  # em spaces: a tree in a plain <select>


@dataclass(frozen=True)
class AlignmentChoices:
    options: list[ParentOption]  # what the picker shows
    candidates: dict[int, Objective]  # every valid parent, shown or not (the form accepts these)
    query: str
    truncated: bool  # individual objectives left out of an unfiltered, very long list


def tree_order(objectives: dict[int, Objective]) -> list[tuple[Objective, int]]:
    """Depth-first through the alignment tree: company objectives, then team, then individual at
    each level, each by title."""
    children: dict[int | None, list[Objective]] = {}
    for objective in objectives.values():
        parent = objective.parent_id if objective.parent_id in objectives else None
        children.setdefault(parent, []).append(objective)
    for members in children.values():
        members.sort(key=lambda o: (LEVEL_RANK[o.level], o.title.casefold(), o.pk))
    ordered: list[tuple[Objective, int]] = []
    seen: set[int] = set()
    stack = [(o, 0) for o in reversed(children.get(None, []))]
    while stack:
        objective, depth = stack.pop()
        if objective.pk in seen:
            continue
        seen.add(objective.pk)
        ordered.append((objective, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(objective.pk, [])))
    return ordered


def _descendants(objectives: dict[int, Objective], root_id: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for objective in objectives.values():
        if objective.parent_id is not None:
            children.setdefault(objective.parent_id, []).append(objective.pk)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, ()))
    return found


def alignment_options(
    *,
    cycle: Cycle,
    viewer: User,
    objective: Objective | None = None,
    query: str = "",
    selected_id: int | None = None,
) -> AlignmentChoices:
    """The objectives `objective` (None: a new one) may align to: the cycle's live objectives the
    viewer can see, without the objective itself and those below it (no loops), as a tree.

    One query (plus the viewer's managed teams). `query` keeps the matching objectives (by title
    or owner) and their ancestors; `selected_id` stays in the list whatever the filter.
    """
    candidates = {
        o.pk: o
        for o in Objective.objects.filter(cycle=cycle, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .select_related("owner_team", "owner_user")
        .order_by("pk")
    }
    excluded: set[int] = set()
    if objective is not None and objective.pk is not None:
        excluded = _descendants(candidates, objective.pk)  # itself included
    tree = [(o, depth) for o, depth in tree_order(candidates) if o.pk not in excluded]
    terms = [term for term in query.casefold().split() if term]
    truncated = False
    if terms:
        matching = {
            o.pk
            for o, _depth in tree
            if all(term in f"{o.title} {o.owner_name}".casefold() for term in terms)
        }
        keep = set(matching)
        for pk in matching:
            parent_id = candidates[pk].parent_id
            while parent_id in candidates and parent_id not in keep:
                keep.add(parent_id)
                parent_id = candidates[parent_id].parent_id
        if selected_id is not None:
            keep.add(selected_id)
        options = [ParentOption(o, depth, o.pk in matching) for o, depth in tree if o.pk in keep]
    else:
        if len(tree) > ALIGNMENT_LIST_LIMIT:
            truncated = True
            tree = [
                (o, depth)
                for o, depth in tree
                if o.level != Objective.Level.INDIVIDUAL or o.pk == selected_id
            ]
        options = [ParentOption(o, depth, False) for o, depth in tree]
    valid = {pk: o for pk, o in candidates.items() if pk not in excluded}
    return AlignmentChoices(options=options, candidates=valid, query=query, truncated=truncated)


# --- Hints for saved objectives ----------------------------------------------------------------


@dataclass(frozen=True)
class KeyResultPlan:
    key_result: KeyResult
    status: scoring.StatusResult | None
    hints: list[coaching.Hint]
    can_edit: bool


@dataclass(frozen=True)
class ObjectivePlan:
    objective: Objective
    clock: Clock
    rows: list[KeyResultPlan]
    archived_rows: list[KeyResultPlan]
    hints: list[coaching.Hint]
    owner_objective_count: int
    can_edit: bool
    can_manage_key_results: bool
    can_save_template: bool
    owner_suggestions: list[User] = field(default_factory=list)
    # The parent objective as this viewer may see it: None when there is none or when it is a
    # private objective they may not see (its title is never printed, not even as a parent).
    shown_parent: Objective | None = None

    @property
    def cycle(self) -> Cycle:
        return self.objective.cycle

    @property
    def writable(self) -> bool:
        return not self.cycle.is_closed and not self.objective.archived


def _owner_count_q(objective: Objective) -> Q:
    if objective.owner_user_id:
        return Q(owner_user_id=objective.owner_user_id)
    return Q(owner_team_id=objective.owner_team_id)


def objective_plan(
    *,
    objective: Objective,
    viewer: User,
    scope: permissions.PermissionScope | None = None,
    now: datetime | None = None,
) -> ObjectivePlan:
    """An objective the viewer may see (the caller checked, and loaded it with its cycle, owner
    and parent), with every key result, archived ones apart, and the hints on each.

    Queries: the viewer's permission scope unless given (none to three), the key results, the
    owner's other objectives in the cycle, and the people suggested as owners.
    """
    cycle = objective.cycle
    clock = cycle_clock(cycle=cycle, now=now)
    scope = scope or permissions.scope_for(viewer)
    key_results = list(
        KeyResult.objects.filter(objective=objective)
        .select_related("owner")
        .order_by("order", "pk")
    )
    # Only the objectives this viewer may see: a private one they may not see is not counted.
    owner_objective_count = (
        Objective.objects.filter(_owner_count_q(objective), cycle=cycle, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .count()
    )
    live, archived = [], []
    for kr in key_results:
        kr.objective = objective
        status = None
        if not kr.archived:
            _progress, _expected, status = score_key_result(
                key_result=kr, cycle=cycle, on=clock.on, tz=clock.tz
            )
        plan = KeyResultPlan(
            key_result=kr,
            status=status,
            hints=coaching.key_result_hints(
                title=kr.title, kind=kr.kind, start=kr.start_value, target=kr.target_value
            ),
            can_edit=scope.can_edit_key_result(kr),
        )
        (archived if kr.archived else live).append(plan)
    can_edit = scope.can_edit_objective(objective)
    hints = coaching.objective_hints(
        title=objective.title,
        objective_type=objective.objective_type,
        key_result_count=len(live),
        owner=objective.owner_name,
        owner_objective_count=owner_objective_count if not objective.archived else None,
        key_result_statuses=[row.status.status for row in live if row.status],
        expected=clock.expected if cycle.state == Cycle.State.ACTIVE else None,
    )
    return ObjectivePlan(
        objective=objective,
        clock=clock,
        rows=live,
        archived_rows=archived,
        hints=hints,
        owner_objective_count=owner_objective_count,
        can_edit=can_edit,
        can_manage_key_results=can_edit,
        can_save_template=permissions.can_save_as_template(viewer, objective),
        owner_suggestions=owner_suggestions(objective=objective, viewer=viewer) if can_edit else [],
        shown_parent=objective.parent
        if objective.parent_id and scope.can_view_objective(objective.parent)
        else None,
    )


def owner_suggestions(*, objective: Objective | None, viewer: User) -> list[User]:
    """People to suggest as a key result's owner: the objective's person, or the members of its
    team (and the viewer). One query; the form accepts any active username."""
    people = Q(pk=viewer.pk)
    if objective is not None and objective.owner_user_id:
        people |= Q(pk=objective.owner_user_id)
    elif objective is not None and objective.owner_team_id:
        people |= Q(
            pk__in=Membership.objects.filter(team_id=objective.owner_team_id).values("user_id")
        )
    return list(
        User.objects.filter(people, is_active=True).order_by("display_name", "username")[
            :OWNER_SUGGESTIONS_LIMIT
        ]
    )


# --- The planning page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveLine:
    objective: Objective
    key_result_count: int
    hints: list[coaching.Hint]
    can_edit: bool


@dataclass(frozen=True)
class PlanPage:
    cycle: Cycle
    lines: list[ObjectiveLine]
    owner_teams: list[Team]  # teams the viewer may write objectives for
    can_write: bool  # the cycle takes planning writes (not closed) and the viewer may write
    can_import: bool  # the cycle is in planning and the viewer may write

    @property
    def hint_count(self) -> int:
        return sum(len(line.hints) for line in self.lines)


def plan_page(
    *, cycle: Cycle, viewer: User, scope: permissions.PermissionScope | None = None
) -> PlanPage:
    """The viewer's part of a cycle's plan: their own objectives and those of their teams, each
    with its hints. Queries: the scope (none to three), the objectives with their key result
    counts, the owners' objective counts, the teams."""
    scope = scope or permissions.scope_for(viewer)
    own = Q(owner_user_id=viewer.pk) | Q(owner_team_id__in=scope.member_team_ids)
    if scope.managed_team_ids:
        own |= Q(owner_team_id__in=scope.managed_team_ids)
    objectives = list(
        Objective.objects.filter(own, cycle=cycle, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .select_related("owner_team", "owner_user")
        .annotate(live_kr_count=Count("key_results", filter=Q(key_results__archived=False)))
        .order_by("owner_user_id", "title", "pk")
    )
    counts = _owner_counts(cycle=cycle, objectives=objectives, viewer=viewer)
    lines = []
    for objective in objectives:
        objective.cycle = cycle
        key = (
            ("user", objective.owner_user_id)
            if objective.owner_user_id
            else (
                "team",
                objective.owner_team_id,
            )
        )
        lines.append(
            ObjectiveLine(
                objective=objective,
                key_result_count=objective.live_kr_count,
                hints=coaching.objective_hints(
                    title=objective.title,
                    objective_type=objective.objective_type,
                    key_result_count=objective.live_kr_count,
                    owner=objective.owner_name,
                    owner_objective_count=counts.get(key, 0),
                ),
                can_edit=scope.can_edit_objective(objective),
            )
        )
    lines.sort(key=lambda line: (LEVEL_RANK[line.objective.level], line.objective.title.casefold()))
    return PlanPage(
        cycle=cycle,
        lines=lines,
        owner_teams=writable_teams(scope=scope),
        can_write=not cycle.is_closed and not scope.read_only,
        can_import=cycle.state == Cycle.State.PLANNING and not scope.read_only,
    )


def _owner_counts(
    *, cycle: Cycle, objectives: Iterable[Objective], viewer: User
) -> dict[tuple[str, int], int]:
    """(owner kind, id) -> how many live objectives that owner has in the cycle, of those the
    viewer may see (a private objective they may not see is not counted); one query."""
    objectives = list(objectives)
    user_ids = {o.owner_user_id for o in objectives if o.owner_user_id}
    team_ids = {o.owner_team_id for o in objectives if o.owner_team_id}
    if not objectives:
        return {}
    rows = (
        Objective.objects.filter(cycle=cycle, archived=False)
        .filter(Q(owner_user_id__in=user_ids) | Q(owner_team_id__in=team_ids))
        .filter(permissions.visible_objectives_q(viewer))
        .values_list("owner_user_id", "owner_team_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[str, int], int] = {}
    for user_id, team_id, n in rows:
        key = ("user", user_id) if user_id else ("team", team_id)
        counts[key] = counts.get(key, 0) + n
    return counts


def writable_teams(*, scope: permissions.PermissionScope) -> list[Team]:
    """Teams the scope's person may write objectives for (all for admins); one query."""
    teams = Team.objects.order_by("-is_root", "name")
    if not scope.admin:
        teams = teams.filter(pk__in=scope.managed_team_ids)
    return list(teams)


# --- The template library ----------------------------------------------------------------------


def _localized(templates: Iterable[ObjectiveTemplate]) -> list[ObjectiveTemplate]:
    """The shipped templates in the active language, in the library's order (department, level,
    title) as the reader sees the titles."""
    shown = []
    retitled = False
    for template in templates:
        title = template.title
        shown.append(localize_template(template))
        retitled = retitled or template.title != title
    if retitled:
        shown.sort(key=lambda t: (t.department, t.level, t.title, t.pk))
    return shown


def template_library(
    *, department: str = "", level: str = "", query: str = ""
) -> list[ObjectiveTemplate]:
    """Templates with their key results, filtered; two queries. The search matches the words
    of a template's title, description and key results' titles, as shown (a Korean reader
    searches the Korean titles) or as stored; every word must appear somewhere in them."""
    templates = ObjectiveTemplate.objects.prefetch_related(
        Prefetch(
            "key_results",
            queryset=ObjectiveTemplateKeyResult.objects.order_by("order", "pk"),
        )
    )
    if department:
        templates = templates.filter(department=department)
    if level:
        templates = templates.filter(level=level)
    loaded = list(templates.order_by("department", "level", "title", "pk"))
    # Read before `_localized` translates the titles in place.
    originals = {t.pk: _searched_text(t) for t in loaded}
    shown = _localized(loaded)
    terms = query.casefold().split()
    return [
        t
        for t in shown
        if all(term in originals[t.pk] or term in _searched_text(t) for term in terms)
    ]


def _searched_text(template: ObjectiveTemplate) -> str:
    """What the library's search looks in: the title, the description and the titles of the
    (prefetched) key results, where a template's subject is often named ("onboarding")."""
    titles = " ".join(kr.title for kr in template.key_results.all())
    return f"{template.title} {template.description} {titles}".casefold()


def key_result_count(*, objective: Objective) -> int:
    """How many live (not archived) key results the objective has; one query."""
    return objective.key_results.filter(archived=False).count()


def template_choices() -> list[ObjectiveTemplate]:
    """Every template, for the form's "start from a template" list; one query."""
    return _localized(
        ObjectiveTemplate.objects.only(
            "pk", "title", "department", "level", "library_key"
        ).order_by("department", "level", "title", "pk")
    )


def objective_template(pk: int) -> ObjectiveTemplate | None:
    """One template with its key results, in the active language; two queries."""
    template = (
        ObjectiveTemplate.objects.prefetch_related(
            Prefetch(
                "key_results",
                queryset=ObjectiveTemplateKeyResult.objects.order_by("order", "pk"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    return localize_template(template) if template is not None else None


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
        key=owner_order,
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
