"""Reads about people and teams: the People pages, the team tree, a person's open work."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from objectives import permissions
from objectives.models import (
    Cycle,
    KeyResult,
    Membership,
    Objective,
    Team,
    User,
)
from objectives.organisation.sorting import name_key, person_key


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
