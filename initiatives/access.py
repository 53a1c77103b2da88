"""Finding one initiative by its id for a person (see objectives/access.py)."""

from domain.errors import NotFound
from initiatives.models import Initiative
from objectives import permissions
from objectives.access import KEY_RESULT_RELATED, find
from objectives.models import User

# Its key result as access_key_result loads one, and its own owner.
INITIATIVE_RELATED = (*(f"key_result__{name}" for name in KEY_RESULT_RELATED), "owner")


def access_initiative(*, user: User, pk: int, for_update: bool = False) -> Initiative:
    initiative = find(
        Initiative.objects.select_related(*INITIATIVE_RELATED), pk=pk, for_update=for_update
    )
    if not permissions.can_view_initiative(user, initiative):
        raise NotFound
    return initiative
