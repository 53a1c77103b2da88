"""Writes to the organisation and its goals: objectives and key results, their grades and
reflections at the end of a cycle, carrying them over into another cycle, and reassigning them."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import scoring
from objectives import permissions
from objectives.cycle_services import CycleStateError, ensure_cycle_open
from objectives.models import Cycle, KeyResult, Objective, ObjectiveReflection, Team, User

MAX_TEXT_LENGTH = 4000
GRADE_PLACES = 2  # grades are judgements, written as 0.7 or 0.65, not 0.6543
# Below this an objective's reflection must name a root cause (the rule, 0.7 being the
# line between real progress and a miss).
ROOT_CAUSE_BELOW = Decimal("0.7")


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
    ensure_cycle_open(cycle)
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
    ensure_cycle_open(objective.cycle)
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


# --- Grading ---------------------------------------------------------------------------------


def _progress(key_result: KeyResult) -> Decimal:
    """Progress of a key result loaded with the threshold-count annotations."""
    return scoring.kr_progress(
        kind=key_result.kind,
        start=key_result.start_value,
        target=key_result.target_value,
        current=key_result.current_value,
        checkins_met=getattr(key_result, "checkins_met", 0),
        checkins_total=getattr(key_result, "checkins_total", 0),
    )


def _scored_key_results(objective_ids: Sequence[int]) -> list[KeyResult]:
    from dashboards.selectors.common import with_threshold_counts

    return list(
        with_threshold_counts(
            KeyResult.objects.filter(objective_id__in=objective_ids, archived=False)
        ).order_by("objective_id", "order", "pk")
    )


def ensure_cycle_grading(cycle: Cycle) -> None:
    """Raise CycleStateError unless `cycle` is grading (closed cycles say so first)."""
    ensure_cycle_open(cycle)
    if not cycle.is_grading:
        raise CycleStateError(
            _(
                "Grades and reflections are written while a cycle is grading; "
                "“%(cycle)s” is %(state)s."
            )
            % {"cycle": cycle.name, "state": cycle.get_state_display()}
        )


def _text_errors(errors: dict[str, list[str]], **texts: str) -> None:
    for field, text in texts.items():
        if len(text) > MAX_TEXT_LENGTH:
            errors.setdefault(field, []).append(
                _("Keep this under %(limit)s characters.") % {"limit": MAX_TEXT_LENGTH}
            )


def grade_errors(*, grade: Decimal | None, note: str) -> dict[str, list[str]]:
    """Field-by-field reasons why this grade and note are not acceptable (empty when fine)."""
    errors: dict[str, list[str]] = {}
    if grade is None:
        errors["grade"] = [_("Enter a grade from 0.0 to 1.0.")]
    elif not grade.is_finite():
        errors["grade"] = [_("Enter a finite number from 0.0 to 1.0.")]
    elif not Decimal(0) <= grade <= Decimal(1):
        errors["grade"] = [_("A grade lies between 0.0 and 1.0.")]
    elif grade.as_tuple().exponent < -GRADE_PLACES:
        errors["grade"] = [_("Use at most two decimals, such as 0.65.")]
    if not note.strip():
        errors["note"] = [_("Say in a sentence or two how it went: the note is the retrospective.")]
    _text_errors(errors, note=note)
    return errors


def grade_key_result(
    *,
    actor: User,
    key_result: KeyResult,
    grade: Decimal,
    note: str,
    now: datetime | None = None,
) -> KeyResult:
    """Set a key result's final grade (0.0-1.0) and retrospective note while its cycle grades.

    Raises ValidationError (bad values), PermissionDenied (not its owner or their manager, or
    archived) or CycleStateError (the cycle is not grading); in every case nothing is written.
    """
    errors = grade_errors(grade=grade, note=note)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            KeyResult.objects.select_for_update(of=("self",))
            .select_related("objective__cycle")
            .get(pk=key_result.pk)
        )
        if not permissions.can_grade_key_result(actor, locked):
            raise PermissionDenied(_("You may not grade this key result."))
        ensure_cycle_grading(locked.objective.cycle)
        if locked.archived or locked.objective.archived:
            raise PermissionDenied(_("This key result is archived."))
        locked.final_grade = grade
        locked.grade_note = note.strip()
        locked.graded_at = now or timezone.now()
        locked.graded_by = actor
        locked.save(update_fields=["final_grade", "grade_note", "graded_at", "graded_by"])
    for field in ("final_grade", "grade_note", "graded_at", "graded_by_id"):
        setattr(key_result, field, getattr(locked, field))
    return key_result


def live_objective_score(objective: Objective) -> Decimal | None:
    """An objective's score as it stands: stored once closed, else from its key results now."""
    if objective.cycle.is_closed:
        return objective.frozen_score
    scores = [
        (kr.weight, scoring.kr_score(progress=_progress(kr), final_grade=kr.final_grade))
        for kr in _scored_key_results([objective.pk])
    ]
    return scoring.objective_score(key_results=scores)


def reflection_errors(
    *,
    score: Decimal | None,
    what_worked: str,
    what_did_not: str,
    root_cause: str,
    decision: str,
) -> dict[str, list[str]]:
    """Field-by-field reasons why this reflection is not acceptable (empty when fine)."""
    errors: dict[str, list[str]] = {}
    if not what_worked.strip():
        errors["what_worked"] = [_("Say what worked (“nothing much” is an answer too).")]
    if not what_did_not.strip():
        errors["what_did_not"] = [_("Say what did not work (“nothing” is an answer too).")]
    if score is not None and score < ROOT_CAUSE_BELOW and not root_cause.strip():
        errors["root_cause"] = [
            _("Scored %(score)s, below 0.7: name the root cause.")
            % {"score": scoring.round2(score)}
        ]
    if decision not in ObjectiveReflection.Decision.values:
        errors["decision"] = [_("Choose keep, change or drop for the next cycle.")]
    _text_errors(errors, what_worked=what_worked, what_did_not=what_did_not, root_cause=root_cause)
    return errors


def save_reflection(
    *,
    actor: User,
    objective: Objective,
    what_worked: str,
    what_did_not: str,
    root_cause: str,
    decision: str,
    now: datetime | None = None,
) -> ObjectiveReflection:
    """Write (or rewrite) an objective's retrospective while its cycle grades.

    A root cause is required when the objective scores below 0.7 with the grades as they stand.
    Raises ValidationError, PermissionDenied or CycleStateError; nothing is written then.
    """
    with transaction.atomic():
        locked = (
            Objective.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=objective.pk)
        )
        if not permissions.can_write_reflection(actor, locked):
            raise PermissionDenied(_("You may not write the reflection on this objective."))
        ensure_cycle_grading(locked.cycle)
        if locked.archived:
            raise PermissionDenied(_("This objective is archived."))
        errors = reflection_errors(
            score=live_objective_score(locked),
            what_worked=what_worked,
            what_did_not=what_did_not,
            root_cause=root_cause,
            decision=decision,
        )
        if errors:
            raise ValidationError(errors)
        values = {
            "what_worked": what_worked.strip(),
            "what_did_not": what_did_not.strip(),
            "root_cause": root_cause.strip(),
            "decision": decision,
            "author": actor,
            "updated_at": now or timezone.now(),
        }
        reflection = ObjectiveReflection.objects.filter(objective=locked).first()
        if reflection is None:
            return ObjectiveReflection.objects.create(objective=locked, **values)
        for field, value in values.items():
            setattr(reflection, field, value)
        reflection.save(update_fields=list(values))
        return reflection


# --- Carrying over ---------------------------------------------------------------------------

CARRY_FROM_STATES = (Cycle.State.GRADING, Cycle.State.CLOSED)
CARRY_INTO_STATES = (Cycle.State.PLANNING, Cycle.State.ACTIVE)


def is_done(key_result: KeyResult, progress: Decimal) -> bool:
    """Done as scoring means it: a metric or milestone at its target. Keeping a level
    (at_least / at_most) is never finished."""
    return key_result.kind in (KeyResult.Kind.METRIC, KeyResult.Kind.MILESTONE) and progress >= 1


def carry_over_objectives(
    *, actor: User, objectives: Sequence[Objective], into: Cycle
) -> list[Objective]:
    """Copy unfinished objectives, with their unfinished key results, into another cycle.

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
        key_results = _scored_key_results([o.pk for o in sources])
        by_objective: dict[int, list[tuple[KeyResult, Decimal]]] = {}
        for kr in key_results:
            by_objective.setdefault(kr.objective_id, []).append((kr, _progress(kr)))
        already = set(
            Objective.objects.filter(cycle=target, carried_over_from__in=sources).values_list(
                "carried_over_from_id", flat=True
            )
        )
        for source in sources:
            _check_carry(actor, source, target, by_objective.get(source.pk, []), already)

        copies: dict[int, Objective] = {}
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
            copies[source.pk] = copy
            unfinished = [
                kr for kr, progress in by_objective[source.pk] if not is_done(kr, progress)
            ]
            for order, kr in enumerate(unfinished):
                last = kr.start_value if kr.current_value is None else kr.current_value
                new = KeyResult(
                    objective=copy,
                    title=kr.title,
                    owner_id=kr.owner_id,
                    kind=kr.kind,
                    unit=kr.unit,
                    start_value=last,
                    target_value=kr.target_value,
                    weight=kr.weight,
                    order=order,
                )
                new.full_clean()
                new.save()
        _align_copies(copies=copies, sources=sources, target=target)
    return list(copies.values())


def _check_carry(
    actor: User,
    source: Objective,
    target: Cycle,
    scored: list[tuple[KeyResult, Decimal]],
    already: set[int],
) -> None:
    if not permissions.can_carry_over(actor, source):
        raise PermissionDenied(_("You may not carry over “%(title)s”.") % {"title": source.title})
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
    if all(is_done(kr, progress) for kr, progress in scored):
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


# --- Reassigning -----------------------------------------------------------------------------


def reassign_key_result(*, actor: User, key_result: KeyResult, new_owner: User) -> KeyResult:
    """Give a key result to another (active) person, e.g. when its owner leaves.

    Raises PermissionDenied, CycleStateError (closed cycle) or ValidationError; nothing changes.
    """
    with transaction.atomic():
        locked = (
            KeyResult.objects.select_for_update(of=("self",))
            .select_related("objective__cycle")
            .get(pk=key_result.pk)
        )
        if not permissions.can_reassign_key_result(actor, locked):
            raise PermissionDenied(_("You may not reassign this key result."))
        ensure_cycle_open(locked.objective.cycle)
        if not new_owner.is_active:
            raise ValidationError(
                {
                    "owner": [
                        _("%(name)s is deactivated; choose someone active.") % {"name": new_owner}
                    ]
                }
            )
        if locked.owner_id == new_owner.pk:
            raise ValidationError(
                {"owner": [_("%(name)s already owns this key result.") % {"name": new_owner}]}
            )
        locked.owner = new_owner
        locked.save(update_fields=["owner"])
    key_result.owner = new_owner
    return key_result
