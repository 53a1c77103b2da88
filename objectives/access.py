"""Finding one thing by its id for a person: each kind's one way to load it, with what its pages
and the permission checks read, and NotFound (404) when it does not exist or the person may not
see it (the two are never told apart: a private objective's existence is not revealed).

`for_update=True` also locks the row (only its own table's) until the transaction ends: call it
inside `transaction.atomic()`; outside one it is refused with TransactionManagementError (asked
here, as SQLite, which locks nothing, would not refuse it).
"""

from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.transaction import TransactionManagementError

from domain.errors import NotFound
from objectives import permissions
from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User

# What each kind is loaded with: the permission checks read an objective's owners and its cycle's
# state; the pages show them. One set per kind, whichever page asks.
OBJECTIVE_RELATED = ("cycle", "owner_team", "owner_user", "parent")
KEY_RESULT_RELATED = (
    "objective__cycle",
    "objective__owner_team",
    "objective__owner_user",
    "owner",
)
TEAM_RELATED = ("parent",)
MEMBERSHIP_RELATED = ("user", "team")


def find[M: Model](queryset: QuerySet[M], *, pk: int, for_update: bool) -> M:
    """The row with this id, locked when asked; NotFound when there is none."""
    if for_update:
        if not transaction.get_connection(queryset.db).in_atomic_block:
            raise TransactionManagementError(
                "a row locked for update needs the caller's transaction"
            )
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise NotFound from None


def access_objective(*, user: User, pk: int, for_update: bool = False) -> Objective:
    objective = find(
        Objective.objects.select_related(*OBJECTIVE_RELATED), pk=pk, for_update=for_update
    )
    if not permissions.can_view_objective(user, objective):
        raise NotFound
    return objective


def access_key_result(*, user: User, pk: int, for_update: bool = False) -> KeyResult:
    key_result = find(
        KeyResult.objects.select_related(*KEY_RESULT_RELATED), pk=pk, for_update=for_update
    )
    if not permissions.can_view_key_result(user, key_result):
        raise NotFound
    return key_result


def access_cycle(*, user: User, pk: int, for_update: bool = False) -> Cycle:
    cycle = find(Cycle.objects.all(), pk=pk, for_update=for_update)
    if not permissions.can_view_cycle(user, cycle):
        raise NotFound
    return cycle


def access_team(*, user: User, pk: int, for_update: bool = False) -> Team:
    team = find(Team.objects.select_related(*TEAM_RELATED), pk=pk, for_update=for_update)
    if not permissions.can_view_team(user, team):
        raise NotFound
    return team


def access_person(*, user: User, pk: int, for_update: bool = False) -> User:
    person = find(User.objects.all(), pk=pk, for_update=for_update)
    if not permissions.can_view_person(user, person):
        raise NotFound
    return person


def access_membership(*, user: User, pk: int, for_update: bool = False) -> Membership:
    membership = find(
        Membership.objects.select_related(*MEMBERSHIP_RELATED), pk=pk, for_update=for_update
    )
    if not permissions.can_view_person(user, membership.user):
        raise NotFound
    return membership
