"""Planning's writes: carrying objectives over into the next cycle, saving an objective as a
template."""

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import AuditEvent
from domain.errors import CycleStateError, NotAllowed
from initiatives.models import Initiative
from objectives import permissions, stored_scores
from objectives.cycles.services import ensure_cycle_open
from objectives.models import (
    Cycle,
    KeyResult,
    Objective,
    ObjectiveTemplate,
    ObjectiveTemplateKeyResult,
    User,
)
from objectives.scoring_inputs import is_done, key_result_progress, value_or_start
from objectives.services import (
    CARRY_FROM_STATES,
    CARRY_INTO_STATES,
    length_error,
    scored_key_results,
    title_error,
)


def carry_over_objectives(
    *,
    actor: User,
    objectives: Sequence[Objective],
    into: Cycle,
    with_initiatives: bool = True,
) -> list[Objective]:
    """Copy unfinished objectives, with their unfinished key results, into another cycle.

    With `with_initiatives`, each copied key result brings its initiatives that are not done
    (title, owner, status, priority, link and due date kept; linked by carried_over_from).

    Each copy keeps a link to its original (carried_over_from); a key result starts again from
    its last value, towards the same target, without history or grade. A copy is aligned under
    the copy of its original's parent when that was carried into the same cycle. Sources must be
    grading or closed, the target planning or active. All or nothing: raises ValidationError,
    PermissionDenied or CycleStateError and writes nothing when any objective cannot go.
    """
    if not objectives:
        raise ValidationError({"objectives": [_("Choose at least one objective to carry over.")]})
    with transaction.atomic():
        target = Cycle.objects.select_for_update().get(pk=into.pk)
        ensure_cycle_open(target)
        if target.state not in CARRY_INTO_STATES:
            raise CycleStateError(
                _(
                    "Objectives carry over into a cycle in planning or active; "
                    "“%(cycle)s” is %(state)s."
                )
                % {"cycle": target.name, "state": target.get_state_display()}
            )
        sources = list(
            Objective.objects.select_related("cycle")
            .filter(pk__in=[o.pk for o in objectives])
            .order_by("pk")
        )
        key_results = scored_key_results([o.pk for o in sources])
        by_objective: dict[int, list[tuple[KeyResult, Decimal]]] = {}
        for kr in key_results:
            by_objective.setdefault(kr.objective_id, []).append(
                (kr, key_result_progress(key_result=kr))
            )
        already = set(
            Objective.objects.filter(cycle=target, carried_over_from__in=sources).values_list(
                "carried_over_from_id", flat=True
            )
        )
        for source in sources:
            _check_carry(actor, source, target, by_objective.get(source.pk, []), already)

        copies: dict[int, Objective] = {}
        carried: dict[int, KeyResult] = {}  # original key result id -> its copy
        for source in sources:
            copy = Objective(
                cycle=target,
                title=source.title,
                description=source.description,
                owner_team_id=source.owner_team_id,
                owner_user_id=source.owner_user_id,
                objective_type=source.objective_type,
                visibility=source.visibility,
                carried_over_from=source,
            )
            copy.full_clean()
            copy.save()
            audit.record_objective_event(
                actor=actor,
                action=AuditEvent.Action.CREATED,
                objective=copy,
                changes={"carried_over_from": ["", f"{source.title} ({source.cycle.name})"]},
            )
            copies[source.pk] = copy
            unfinished = [
                kr
                for kr, progress in by_objective[source.pk]
                if not is_done(key_result=kr, progress=progress)
            ]
            for order, kr in enumerate(unfinished):
                new = KeyResult(
                    objective=copy,
                    title=kr.title,
                    owner_id=kr.owner_id,
                    kind=kr.kind,
                    unit=kr.unit,
                    start_value=value_or_start(key_result=kr),
                    target_value=kr.target_value,
                    weight=kr.weight,
                    order=order,
                )
                new.full_clean()
                new.save()
                carried[kr.pk] = new
                audit.record_key_result_event(
                    actor=actor, action=AuditEvent.Action.CREATED, key_result=new
                )
        _align_copies(copies=copies, sources=sources, target=target)
        stored_scores.refresh(objective_ids=[copy.pk for copy in copies.values()])
        if with_initiatives:
            _carry_initiatives(actor=actor, key_results=carried)
    return list(copies.values())


def _carry_initiatives(*, actor: User, key_results: dict[int, KeyResult]) -> None:
    """Copy the unfinished initiatives of the carried key results onto their copies (one query
    to read, one to write, and their audit events). A done initiative never moves: it is
    history of the old cycle."""
    unfinished = Initiative.objects.filter(key_result_id__in=list(key_results)).exclude(
        status=Initiative.Status.DONE
    )
    copies = Initiative.objects.bulk_create(
        [
            Initiative(
                key_result=key_results[initiative.key_result_id],
                title=initiative.title,
                owner_id=initiative.owner_id,
                due_date=initiative.due_date,
                status=initiative.status,
                priority=initiative.priority,
                link=initiative.link,
                carried_over_from=initiative,
                created_by=actor,
            )
            for initiative in unfinished.order_by("key_result_id", "due_date", "pk")
        ]
    )
    for copy in copies:
        audit.record_initiative_event(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            initiative=copy,
            changes={"carried_over_from": ["", copy.carried_over_from.title]},
        )


def _check_carry(
    actor: User,
    source: Objective,
    target: Cycle,
    scored: list[tuple[KeyResult, Decimal]],
    already: set[int],
) -> None:
    if not permissions.can_carry_over(actor, source):
        raise NotAllowed(_("You may not carry over “%(title)s”.") % {"title": source.title})
    if source.cycle.state not in CARRY_FROM_STATES:
        raise CycleStateError(
            _(
                "“%(title)s” is in %(cycle)s, which is %(state)s: objectives carry over once "
                "their cycle is grading or closed."
            )
            % {
                "title": source.title,
                "cycle": source.cycle.name,
                "state": source.cycle.get_state_display(),
            }
        )
    if source.cycle_id == target.pk:
        raise ValidationError(
            {"into": [_("Choose another cycle than the one the objectives come from.")]}
        )
    if source.archived:
        raise ValidationError(
            {"objectives": [_("“%(title)s” is archived.") % {"title": source.title}]}
        )
    if source.pk in already:
        raise ValidationError(
            {
                "objectives": [
                    _("“%(title)s” is already carried over into %(cycle)s.")
                    % {"title": source.title, "cycle": target.name}
                ]
            }
        )
    if all(is_done(key_result=kr, progress=progress) for kr, progress in scored):
        raise ValidationError(
            {
                "objectives": [
                    _("“%(title)s” is finished: nothing is left to carry over.")
                    % {"title": source.title}
                ]
            }
        )


def _align_copies(*, copies: dict[int, Objective], sources: list[Objective], target: Cycle) -> None:
    parent_ids = {s.parent_id for s in sources if s.parent_id}
    if not parent_ids:
        return
    # Copies of the parents made now or by an earlier carry-over into the same cycle.
    earlier = dict(
        Objective.objects.filter(cycle=target, carried_over_from_id__in=parent_ids).values_list(
            "carried_over_from_id", "pk"
        )
    )
    for source in sources:
        parent_copy_id = earlier.get(source.parent_id) if source.parent_id else None
        if parent_copy_id is None:
            continue
        copy = copies[source.pk]
        copy.parent_id = parent_copy_id
        copy.save(update_fields=["parent"])


def private_template_message() -> str:
    """Why a private objective is not saved as a template (the library is everyone's)."""
    return _(
        "This objective is private, and everyone can read the template library: a template "
        "would show its titles to everyone. Make the objective public first if that is what "
        "you want, or write the template from a public objective."
    )


def save_objective_as_template(
    *, actor: User, objective: Objective, department: str, title: str = ""
) -> ObjectiveTemplate:
    """Copy an objective and its live key results into the template library (admins).

    The template keeps the words, kinds, units, starts, targets and weights, not the owners or
    values: whoever starts from it fills those in. Reading an objective changes nothing in its
    cycle, so this works whatever the cycle's state.
    """
    if not permissions.can_manage_templates(actor):
        raise NotAllowed(_("Only admins add templates to the library."))
    title = (title or objective.title).strip()
    errors: dict[str, list[str]] = {}
    if department not in ObjectiveTemplate.Department.values:
        errors["department"] = [_("Choose the department the template is for.")]
    if not title:
        errors["title"] = [_("Give the template a title.")]
    length_error(errors, "title", title, ObjectiveTemplate._meta.get_field("title").max_length)
    title_error(errors, "title", title)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        source = Objective.objects.select_related("owner_team").filter(pk=objective.pk).first()
        if source is None:
            raise ValidationError({"objective": [_("That objective no longer exists.")]})
        if not permissions.can_save_as_template(actor, source):
            raise ValidationError({"objective": [private_template_message()]})
        template = ObjectiveTemplate.objects.create(
            title=title,
            description=source.description,
            department=department,
            level=source.level,
            objective_type=source.objective_type,
            created_by=actor,
        )
        ObjectiveTemplateKeyResult.objects.bulk_create(
            ObjectiveTemplateKeyResult(
                template=template,
                title=kr.title,
                kind=kr.kind,
                unit=kr.unit,
                start_value=kr.start_value,
                target_value=kr.target_value,
                weight=kr.weight,
                order=order,
            )
            for order, kr in enumerate(
                KeyResult.objects.filter(objective=source, archived=False).order_by("order", "pk")
            )
        )
    return template
