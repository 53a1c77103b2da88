"""The one place that answers "may this user do X to Y".

Views and services ask these functions; none of them carries its own ad-hoc check. A person who may
not see an object gets a 404 (its existence is not revealed); one who may see but not change it
gets a 403.

Read-only viewers (`User.is_viewer`) read what anyone else with their memberships reads and write
nothing, not even a key result assigned to them. The flag wins over every other right: an admin who
is also a viewer keeps an admin's reading (every objective, private ones included: an auditor's
seat) but may not change anything, cycles, people, templates and reminders included.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User

if TYPE_CHECKING:  # initiatives.models imports objectives.models
    from initiatives.models import Initiative

_CACHE_ATTR = "_okr_managed_team_ids"


def _team_children() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in Team.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(team_id)
    return children


def with_descendants(team_ids: Iterable[int]) -> frozenset[int]:
    """The given teams and every team below them in the tree (two queries at most)."""
    start = set(team_ids)
    if not start:
        return frozenset()
    children = _team_children()
    seen: set[int] = set()
    stack = list(start)
    while stack:
        team_id = stack.pop()
        if team_id in seen:
            continue
        seen.add(team_id)
        stack.extend(children.get(team_id, ()))
    return frozenset(seen)


def managed_team_ids(user: User) -> frozenset[int]:
    """Teams the user manages directly or through a team above them; memoised on the user."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    direct = Membership.objects.filter(user=user, role=Membership.Role.MANAGER).values_list(
        "team_id", flat=True
    )
    result = with_descendants(list(direct)) if user.is_authenticated else frozenset()
    setattr(user, _CACHE_ATTR, result)
    return result


def may_write(user: User) -> bool:
    """Signed in, active and not a read-only viewer: the first question of every write."""
    return bool(user.is_authenticated and user.is_active and not user.is_viewer)


def _manages_person(user: User, person_id: int) -> bool:
    managed = managed_team_ids(user)
    if not managed:
        return False
    return Membership.objects.filter(user_id=person_id, team_id__in=managed).exists()


def _contributes_to(user: User, objective_id: int) -> bool:
    """Whether the user owns one of the objective's key results or one of their initiatives."""
    return (
        KeyResult.objects.filter(objective_id=objective_id)
        .filter(Q(owner_id=user.pk) | Q(initiatives__owner_id=user.pk))
        .exists()
    )


def can_view_objective(user: User, objective: Objective) -> bool:
    """Public objectives: everyone signed in. A private one: its owner (the person, or the
    members of the owning team), the managers of that person or team and of the teams above,
    admins, and its contributors (the owners of its key results and of their initiatives):
    someone given a part of the work sees the objective it serves. Nobody else, anywhere."""
    if not (user.is_authenticated and user.is_active):
        return False
    if objective.visibility == Objective.Visibility.PUBLIC or user.is_admin:
        return True
    if objective.owner_user_id:
        if objective.owner_user_id == user.id or _manages_person(user, objective.owner_user_id):
            return True
    elif (
        objective.owner_team_id in managed_team_ids(user)
        or Membership.objects.filter(user=user, team_id=objective.owner_team_id).exists()
    ):
        return True
    return objective.pk is not None and _contributes_to(user, objective.pk)


def can_edit_objective(user: User, objective: Objective) -> bool:
    if not may_write(user):
        return False
    if user.is_admin:
        return True
    if objective.owner_user_id:
        return objective.owner_user_id == user.id or _manages_person(user, objective.owner_user_id)
    return objective.owner_team_id in managed_team_ids(user)


def can_view_key_result(user: User, key_result: KeyResult) -> bool:
    """Whoever sees its objective; its own owner always does (a contributor, no query)."""
    if user.is_authenticated and user.is_active and key_result.owner_id == user.pk:
        return True
    return can_view_objective(user, key_result.objective)


def can_edit_key_result(user: User, key_result: KeyResult) -> bool:
    if not may_write(user):
        return False
    return key_result.owner_id == user.id or can_edit_objective(user, key_result.objective)


def can_check_in(user: User, key_result: KeyResult) -> bool:
    """The owner, a manager of the owning team (or of a team above it), or an admin."""
    if not may_write(user):
        return False
    if user.is_admin or key_result.owner_id == user.id:
        return True
    objective = key_result.objective
    if objective.owner_team_id and objective.owner_team_id in managed_team_ids(user):
        return True
    return _manages_person(user, key_result.owner_id)


def can_view_initiative(user: User, initiative: "Initiative") -> bool:
    """An initiative is seen by whoever sees its key result (a private objective hides both)."""
    return can_view_key_result(user, initiative.key_result)


def can_add_initiative(user: User, key_result: KeyResult) -> bool:
    """Whoever edits a key result plans the work behind it."""
    return can_edit_key_result(user, key_result)


def can_edit_initiative(user: User, initiative: "Initiative") -> bool:
    """Whoever edits its key result, and the initiative's own owner: the person doing the work
    keeps its status and dates current even on someone else's key result (owning it makes them
    a contributor, who sees the objective even when it is private)."""
    if can_edit_key_result(user, initiative.key_result):
        return True
    return may_write(user) and initiative.owner_id == user.id


def initiative_edit_rule(user: User, key_result: KeyResult) -> "Callable[[Initiative], bool]":
    """`can_edit_initiative` for the initiatives of one key result, asking about the key result
    once (a list of 30 must not ask 30 times whether the viewer manages its owner)."""
    if can_edit_key_result(user, key_result):
        return lambda initiative: True
    if not (may_write(user) and can_view_key_result(user, key_result)):
        return lambda initiative: False
    return lambda initiative: initiative.owner_id == user.id


def contributed_objectives_q(user: User, *, prefix: str = "") -> Q:
    """The objectives the user contributes to (owns a key result of, or an initiative under
    one), as a filter: contributors see a private objective too. Two subqueries, each an index
    lookup; one with an OR across the join made PostgreSQL read every key result and initiative
    (80 ms at 5,000 people) on every page that asks who sees what."""
    return Q(
        **{f"{prefix}pk__in": KeyResult.objects.filter(owner_id=user.pk).values("objective_id")}
    ) | Q(
        **{
            f"{prefix}pk__in": KeyResult.objects.filter(initiatives__owner_id=user.pk).values(
                "objective_id"
            )
        }
    )


def visible_objectives_q(user: User, *, prefix: str = "") -> Q:
    """The objectives `can_view_objective` lets `user` see, as one filter for a queryset.

    Pages that list many objectives (or their key results and check-ins, with `prefix`
    "objective__" or "key_result__objective__") filter in the database instead of asking row by
    row. At most the two queries of `managed_team_ids`; the rest are subqueries.
    """
    if not (user.is_authenticated and user.is_active):
        return Q(**{f"{prefix}pk__in": []})
    if user.is_admin:
        return Q()
    visible = Q(**{f"{prefix}visibility": Objective.Visibility.PUBLIC})
    visible |= contributed_objectives_q(user, prefix=prefix)
    visible |= Q(**{f"{prefix}owner_user_id": user.pk})
    visible |= Q(
        **{f"{prefix}owner_team_id__in": Membership.objects.filter(user=user).values("team_id")}
    )
    managed = managed_team_ids(user)
    if managed:
        visible |= Q(**{f"{prefix}owner_team_id__in": managed})
        visible |= Q(
            **{
                f"{prefix}owner_user_id__in": Membership.objects.filter(team_id__in=managed).values(
                    "user_id"
                )
            }
        )
    return visible


def can_grade_key_result(user: User, key_result: KeyResult) -> bool:
    """Its owner or their manager (the same people who check in on it), or an admin."""
    return can_check_in(user, key_result)


def can_write_reflection(user: User, objective: Objective) -> bool:
    """Whoever edits the objective writes its retrospective."""
    return can_edit_objective(user, objective)


def can_carry_over(user: User, objective: Objective) -> bool:
    """The objective's owner (a person, or a team's managers) or an admin."""
    return can_edit_objective(user, objective)


def can_reassign_key_result(user: User, key_result: KeyResult) -> bool:
    """Moving a key result to another owner edits its objective."""
    return can_edit_objective(user, key_result.objective)


def can_create_objective(
    user: User, *, owner_team: Team | None = None, owner_user: User | None = None
) -> bool:
    """Whether the user may give an objective this owner (creating it, or moving it there):
    the same people who would then edit it (a person for themselves, their managers, a team's
    managers, admins)."""
    return can_edit_objective(user, Objective(owner_team=owner_team, owner_user=owner_user))


def can_create_objectives(user: User) -> bool:
    """Starting an objective at all (for oneself at least), importing a file of them or carrying
    them over: anyone who may write. Which owner each may have is can_create_objective's."""
    return may_write(user)


def can_manage_key_results(user: User, objective: Objective) -> bool:
    """Adding, reordering, archiving and restoring an objective's key results edits the
    objective; a key result's owner edits the key result itself (can_edit_key_result)."""
    return can_edit_objective(user, objective)


def can_manage_templates(user: User) -> bool:
    """Saving objectives into the template library: admins."""
    return may_write(user) and user.is_admin


def can_save_as_template(user: User, objective: Objective) -> bool:
    """Whether this objective may go into the template library, which everyone reads: a
    template manager's, and only a public objective (a private one's titles would be published
    to everyone)."""
    return can_manage_templates(user) and objective.visibility == Objective.Visibility.PUBLIC


def can_view_cycle(user: User, cycle: Cycle) -> bool:
    """Every cycle is everyone's to browse once signed in; what its pages list is filtered by
    the rules above."""
    return bool(user.is_authenticated and user.is_active)


def can_view_team(user: User, team: Team) -> bool:
    """The team tree is everyone's to see once signed in."""
    return bool(user.is_authenticated and user.is_active)


def can_view_person(user: User, person: User) -> bool:
    """Who people are and which teams they are in is everyone's to see once signed in (the
    pages that change them are the admins', can_manage_people)."""
    return bool(user.is_authenticated and user.is_active)


def can_manage_cycles(user: User) -> bool:
    return may_write(user) and user.is_admin


def can_manage_people(user: User) -> bool:
    """People, teams and memberships are the admins' to change."""
    return may_write(user) and user.is_admin


@dataclass(frozen=True)
class PermissionScope:
    """The same answers as the predicates above, for a whole list at once.

    Built with at most three queries, it answers for any number of objects without another one
    (but one, the first time a private objective comes up that the person sees only if they
    contribute to it) and turns into Q filters for querysets (for visibility in a query,
    `visible_objectives_q`).
    tests/objectives/test_permission_scope.py holds it to the single-object predicates.
    """

    user_id: int | None
    active: bool = False
    admin: bool = False
    member_team_ids: frozenset[int] = frozenset()
    managed_team_ids: frozenset[int] = frozenset()
    managed_person_ids: frozenset[int] = frozenset()
    # A read-only viewer: reads like the rest of the scope says, writes nothing.
    read_only: bool = False
    # The private objectives the person contributes to, asked once and only when a private
    # objective they do not otherwise see comes up (most pages never need it).
    _contributed: list[frozenset[int]] = field(
        default_factory=list, compare=False, hash=False, repr=False
    )

    def contributed_private_ids(self) -> frozenset[int]:
        """Private objectives whose key result or initiative the person owns (one query, once)."""
        if not self._contributed:
            self._contributed.append(
                frozenset(
                    Objective.objects.filter(visibility=Objective.Visibility.PRIVATE)
                    .filter(contributed_objectives_q(User(pk=self.user_id)))
                    .values_list("pk", flat=True)
                )
                if self.user_id is not None
                else frozenset()
            )
        return self._contributed[0]

    def can_view_objective(self, objective: Objective) -> bool:
        if not self.active:
            return False
        if self.admin or objective.visibility == Objective.Visibility.PUBLIC:
            return True
        if objective.owner_user_id:
            if (
                objective.owner_user_id == self.user_id
                or objective.owner_user_id in self.managed_person_ids
            ):
                return True
        elif (
            objective.owner_team_id in self.managed_team_ids
            or objective.owner_team_id in self.member_team_ids
        ):
            return True
        return objective.pk in self.contributed_private_ids()

    def can_edit_objective(self, objective: Objective) -> bool:
        if not self.active or self.read_only:
            return False
        if self.admin:
            return True
        if objective.owner_user_id:
            return (
                objective.owner_user_id == self.user_id
                or objective.owner_user_id in self.managed_person_ids
            )
        return objective.owner_team_id in self.managed_team_ids

    def can_edit_key_result(self, key_result: KeyResult) -> bool:
        if not self.active or self.read_only:
            return False
        return key_result.owner_id == self.user_id or self.can_edit_objective(key_result.objective)

    def can_grade_key_result(self, key_result: KeyResult) -> bool:
        if not self.active or self.read_only:
            return False
        if self.admin or key_result.owner_id == self.user_id:
            return True
        objective = key_result.objective
        if objective.owner_team_id and objective.owner_team_id in self.managed_team_ids:
            return True
        return key_result.owner_id in self.managed_person_ids

    def can_add_initiative(self, key_result: KeyResult) -> bool:
        return self.can_edit_key_result(key_result)

    def can_edit_initiative(self, initiative: "Initiative") -> bool:
        if self.can_edit_key_result(initiative.key_result):
            return True
        return self.active and not self.read_only and initiative.owner_id == self.user_id

    def editable_objectives(self) -> Q:
        """Q for the objectives this person may edit (and so reflect on and carry over)."""
        if not self.active or self.read_only:
            return Q(pk__in=[])
        if self.admin:
            return Q()
        return (
            Q(owner_user_id=self.user_id)
            | Q(owner_user_id__in=self.managed_person_ids)
            | Q(owner_team_id__in=self.managed_team_ids)
        )

    def gradable_key_results(self) -> Q:
        """Q for the key results this person may grade."""
        if not self.active or self.read_only:
            return Q(pk__in=[])
        if self.admin:
            return Q()
        return (
            Q(owner_id=self.user_id)
            | Q(objective__owner_team_id__in=self.managed_team_ids)
            | Q(owner_id__in=self.managed_person_ids)
        )


def scope_for(user: User) -> PermissionScope:
    """The person's permission scope: no query for an admin, one for a member, three for a
    manager (their memberships, the team tree, the people in the teams they manage)."""
    if not (user.is_authenticated and user.is_active):
        return PermissionScope(user_id=None)
    if user.is_admin:
        return PermissionScope(
            user_id=user.pk, active=True, admin=True, read_only=bool(user.is_viewer)
        )
    member: set[int] = set()
    direct: set[int] = set()
    for team_id, role in Membership.objects.filter(user=user).values_list("team_id", "role"):
        member.add(team_id)
        if role == Membership.Role.MANAGER:
            direct.add(team_id)
    managed = with_descendants(direct)
    # The same answer managed_team_ids would query for; later predicates reuse it.
    setattr(user, _CACHE_ATTR, managed)
    people = (
        frozenset(Membership.objects.filter(team_id__in=managed).values_list("user_id", flat=True))
        if managed
        else frozenset()
    )
    return PermissionScope(
        user_id=user.pk,
        active=True,
        member_team_ids=frozenset(member),
        managed_team_ids=managed,
        managed_person_ids=people,
        read_only=bool(user.is_viewer),
    )


def can_manage_reminders(user: User) -> bool:
    """The reminder policy, its preview, test e-mails and the deliveries log: admins only."""
    return may_write(user) and user.is_admin


def can_use_django_admin(user: User) -> bool:
    """Django admin (okr_site/admin_site.py) writes: staff who may write."""
    return may_write(user) and user.is_staff


def can_read_audit_trail(user: User) -> bool:
    """The whole trail (/audit/) names private objectives and everyone's changes: admins only.
    Reading it writes nothing, so a read-only admin seat reads it too."""
    return bool(user.is_authenticated and user.is_admin)
