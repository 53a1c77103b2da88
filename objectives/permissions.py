"""The one place that answers "may this user do X to Y".

Views and services ask these functions; none of them carries its own ad-hoc check. A person who may
not see an object gets a 404 (its existence is not revealed); one who may see but not change it
gets a 403.
"""

from collections.abc import Iterable

from objectives.models import KeyResult, Membership, Objective, Team, User

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


def _manages_person(user: User, person_id: int) -> bool:
    managed = managed_team_ids(user)
    if not managed:
        return False
    return Membership.objects.filter(user_id=person_id, team_id__in=managed).exists()


def can_view_objective(user: User, objective: Objective) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if objective.visibility == Objective.Visibility.PUBLIC or user.is_admin:
        return True
    if objective.owner_user_id:
        return objective.owner_user_id == user.id or _manages_person(user, objective.owner_user_id)
    return (
        objective.owner_team_id in managed_team_ids(user)
        or Membership.objects.filter(user=user, team_id=objective.owner_team_id).exists()
    )


def can_edit_objective(user: User, objective: Objective) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_admin:
        return True
    if objective.owner_user_id:
        return objective.owner_user_id == user.id or _manages_person(user, objective.owner_user_id)
    return objective.owner_team_id in managed_team_ids(user)


def can_view_key_result(user: User, key_result: KeyResult) -> bool:
    return can_view_objective(user, key_result.objective)


def can_edit_key_result(user: User, key_result: KeyResult) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return key_result.owner_id == user.id or can_edit_objective(user, key_result.objective)


def can_check_in(user: User, key_result: KeyResult) -> bool:
    """The owner, a manager of the owning team (or of a team above it), or an admin."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_admin or key_result.owner_id == user.id:
        return True
    objective = key_result.objective
    if objective.owner_team_id and objective.owner_team_id in managed_team_ids(user):
        return True
    return _manages_person(user, key_result.owner_id)
