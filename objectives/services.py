"""Writes to the organisation and its goals: objectives and key results."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from objectives.models import Cycle, KeyResult, Objective, Team, User


def alignment_errors(*, objective: Objective, parent: Objective | None) -> list[str]:
    """Why `parent` cannot be the parent of `objective` (empty when it can).

    A parent lives in the same cycle and never makes a loop: walking up from the parent must not
    reach the objective itself.
    """
    if parent is None:
        return []
    if parent.cycle_id != objective.cycle_id:
        return [_("The parent objective must be in the same cycle.")]
    if objective.pk is None:
        return []
    if parent.pk == objective.pk:
        return [_("An objective cannot be its own parent.")]
    seen: set[int] = {parent.pk}
    ancestor_id = parent.parent_id
    while ancestor_id is not None:
        if ancestor_id == objective.pk:
            return [_("That parent would make a loop: it is already aligned under this objective.")]
        if ancestor_id in seen:  # a loop that predates this check; refuse to add to it
            return [_("That parent is part of a broken alignment chain.")]
        seen.add(ancestor_id)
        ancestor_id = (
            Objective.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()
        )
    return []


@transaction.atomic
def create_objective(
    *,
    cycle: Cycle,
    title: str,
    owner_team: Team | None = None,
    owner_user: User | None = None,
    parent: Objective | None = None,
    objective_type: str = Objective.Type.ASPIRATIONAL,
    visibility: str = Objective.Visibility.PUBLIC,
    description: str = "",
) -> Objective:
    """Create an objective owned by a team (the root team: a company objective) or a person."""
    if cycle.is_closed:
        raise ValidationError(_("This cycle is closed: its OKRs can no longer change."))
    objective = Objective(
        cycle=cycle,
        title=title,
        description=description,
        owner_team=owner_team,
        owner_user=owner_user,
        parent=parent,
        objective_type=objective_type,
        visibility=visibility,
    )
    objective.full_clean()
    objective.save()
    return objective


@transaction.atomic
def create_key_result(
    *,
    objective: Objective,
    title: str,
    owner: User,
    target_value: Decimal,
    start_value: Decimal = Decimal(0),
    kind: str = KeyResult.Kind.METRIC,
    unit: str = "",
    weight: Decimal = Decimal(1),
    order: int | None = None,
) -> KeyResult:
    """Add a key result to an objective, after the objective's other key results by default."""
    if objective.cycle.is_closed:
        raise ValidationError(_("This cycle is closed: its OKRs can no longer change."))
    if order is None:
        order = objective.key_results.count()
    key_result = KeyResult(
        objective=objective,
        title=title,
        owner=owner,
        kind=kind,
        unit=unit,
        start_value=start_value,
        target_value=target_value,
        weight=weight,
        order=order,
    )
    key_result.full_clean()
    key_result.save()
    return key_result
