"""Writes to the organisation and its goals: objectives and key results (planning them in the
browser: writing, aligning, reordering, archiving), their grades and reflections at the end of a
cycle, carrying them over into another cycle, reassigning them, and the template library."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import scoring
from audit import services as audit
from audit.models import AuditEvent
from domain.errors import CycleStateError, NotAllowed
from objectives import permissions, stored_scores
from objectives.concurrency import conditional_update, ensure_version
from objectives.cycles.services import ensure_cycle_open
from objectives.ids import FOREIGN_DIGITS_MESSAGE
from objectives.models import (
    MAX_ABS_VALUE,
    Cycle,
    KeyResult,
    Objective,
    ObjectiveReflection,
    Team,
    User,
)
from objectives.scoring_inputs import key_result_progress, live_kr_score
from objectives.titles import title_errors

MAX_TEXT_LENGTH = 4000
GRADE_PLACES = 2  # grades are judgements, written as 0.7 or 0.65, not 0.6543
# Below this an objective's reflection must name a root cause (the rule, 0.7 being the
# line between real progress and a miss).
ROOT_CAUSE_BELOW = Decimal("0.7")


# --- Grading ---------------------------------------------------------------------------------


def scored_key_results(objective_ids: Sequence[int]) -> list[KeyResult]:
    return list(
        KeyResult.objects.filter(objective_id__in=objective_ids, archived=False).order_by(
            "objective_id", "order", "pk"
        )
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
            raise NotAllowed(_("You may not grade this key result."))
        ensure_cycle_grading(locked.objective.cycle)
        if locked.archived or locked.objective.archived:
            raise NotAllowed(_("This key result is archived."))
        before = audit.capture(locked, audit.GRADE_FIELDS)
        locked.final_grade = grade
        locked.grade_note = note.strip()
        locked.graded_at = now or timezone.now()
        locked.graded_by = actor
        # A grade is not in the edit form: it leaves the version alone (objectives/concurrency).
        locked.save(update_fields=["final_grade", "grade_note", "graded_at", "graded_by"])
        stored_scores.refresh(objective_ids=[locked.objective_id])
        changes = audit.changes_since(before, locked, audit.GRADE_FIELDS)
        if changes:
            audit.record_key_result_event(
                actor=actor, action=AuditEvent.Action.GRADED, key_result=locked, changes=changes
            )
    for field in ("final_grade", "grade_note", "graded_at", "graded_by_id"):
        setattr(key_result, field, getattr(locked, field))
    return key_result


def live_objective_score(objective: Objective) -> Decimal | None:
    """An objective's score as it stands: stored once closed, else from its key results now."""
    if objective.cycle.is_closed:
        return objective.frozen_score
    scores = [
        (
            kr.weight,
            live_kr_score(key_result=kr, progress=key_result_progress(key_result=kr)),
        )
        for kr in scored_key_results([objective.pk])
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
            raise NotAllowed(_("You may not write the reflection on this objective."))
        ensure_cycle_grading(locked.cycle)
        if locked.archived:
            raise NotAllowed(_("This objective is archived."))
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
            raise NotAllowed(_("You may not reassign this key result."))
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
        before = audit.capture(locked, ["owner"])
        locked.owner = new_owner
        # The owner is in the edit form: a reassignment moves the version, so an edit opened
        # before it conflicts instead of giving the key result back.
        conditional_update(instance=locked, seen_version=None, fields=["owner"])
        audit.record_key_result_event(
            actor=actor,
            action=AuditEvent.Action.UPDATED,
            key_result=locked,
            changes=audit.changes_since(before, locked, ["owner"]),
        )
    key_result.owner = new_owner
    key_result.version = locked.version
    return key_result


# --- Planning: writing objectives and key results --------------------------------------------

VALUE_PLACES = 4  # as stored (VALUE_DIGITS)
WEIGHT_PLACES = 2
MAX_WEIGHT = Decimal(100)
MILESTONE_START, MILESTONE_TARGET = Decimal(0), Decimal(1)


def parse_number(text: str) -> tuple[Decimal | None, list[str]]:
    """A number as people type it ("12.5", "-3", "1e3") and the reasons it cannot be stored.

    Thousands separators are refused rather than guessed ("1,5" is 1.5 in half the world).
    Blank is (None, []): whether a value is required is the caller's rule.
    """
    text = text.strip()
    if not text:
        return None, []
    if not text.isascii():
        return None, [str(FOREIGN_DIGITS_MESSAGE)]
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, [_("Enter a plain number, such as 1250 or 12.5.")]
    return value, number_errors(value)


def number_errors(value: Decimal | None, *, places: int = VALUE_PLACES) -> list[str]:
    """Why a typed number cannot be stored (empty when it can): missing, NaN or infinite,
    absurdly large, or more decimals than we keep."""
    if value is None:
        return [_("Enter a number.")]
    if not value.is_finite():
        return [_("Enter a finite number.")]
    # copy_abs(), not abs(): abs() rounds in the decimal context, which traps Overflow on
    # "1e999999999999999999" (a number Decimal() parses); comparisons never trap.
    if value.copy_abs() > MAX_ABS_VALUE:
        return [_("Keep numbers between −1,000,000,000,000 and 1,000,000,000,000.")]
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        return [_("Use at most %(places)s decimals.") % {"places": places}]
    return []


def length_error(errors: dict[str, list[str]], field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        errors.setdefault(field, []).append(
            _("Keep this under %(limit)s characters.") % {"limit": limit}
        )


def title_error(errors: dict[str, list[str]], field: str, text: str) -> None:
    problems = title_errors(text)
    if problems:
        errors.setdefault(field, []).extend(problems)


def objective_errors(
    *, title: str, description: str, objective_type: str, visibility: str
) -> dict[str, list[str]]:
    """Field-by-field reasons why these objective values are not acceptable (empty when fine)."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the objective a title: what do you want to achieve?")]
    length_error(errors, "title", title.strip(), Objective._meta.get_field("title").max_length)
    title_error(errors, "title", title)
    length_error(errors, "description", description, MAX_TEXT_LENGTH)
    if objective_type not in Objective.Type.values:
        errors["objective_type"] = [_("Choose aspirational or committed.")]
    if visibility not in Objective.Visibility.values:
        errors["visibility"] = [_("Choose public or private.")]
    return errors


def milestone_values(
    kind: str, start_value: Decimal | None, target_value: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """A milestone always runs from 0 (not done) to 1 (done), whatever was typed."""
    if kind == KeyResult.Kind.MILESTONE:
        return MILESTONE_START, MILESTONE_TARGET
    return start_value, target_value


def key_result_errors(
    *,
    title: str,
    kind: str,
    unit: str,
    start_value: Decimal | None,
    target_value: Decimal | None,
    weight: Decimal | None,
) -> dict[str, list[str]]:
    """Field-by-field reasons why these key result values are not acceptable (empty when fine)."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the key result a title: what will you measure?")]
    length_error(errors, "title", title.strip(), KeyResult._meta.get_field("title").max_length)
    title_error(errors, "title", title)
    length_error(errors, "unit", unit.strip(), KeyResult._meta.get_field("unit").max_length)
    if kind not in KeyResult.Kind.values:
        errors["kind"] = [_("Choose how the key result is measured.")]
    start_value, target_value = milestone_values(kind, start_value, target_value)
    for field, value in (("start_value", start_value), ("target_value", target_value)):
        problems = number_errors(value)
        if problems:
            errors[field] = problems
    if (
        "start_value" not in errors
        and "target_value" not in errors
        and kind == KeyResult.Kind.METRIC
        and start_value == target_value
    ):
        errors["target_value"] = [
            _("The target must differ from the start value: a key result measures a change.")
        ]
    weight_problems = number_errors(weight, places=WEIGHT_PLACES)
    if weight_problems:
        errors["weight"] = weight_problems
    elif weight is not None and not Decimal(0) < weight <= MAX_WEIGHT:
        errors["weight"] = [_("A weight is above 0 and at most 100.")]
    return errors


def _lock_open_cycle(cycle_id: int) -> Cycle:
    """Lock the cycle row for the rest of the transaction and refuse a closed one: a cycle
    closing at the same moment waits for this write, or this write sees it closed."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
    ensure_cycle_open(cycle)
    return cycle


def _owner_checks(actor: User, owner_team: Team | None, owner_user: User | None) -> None:
    if (owner_team is None) == (owner_user is None):
        raise ValidationError({"owner": [_("Choose one owner: a team or a person.")]})
    if owner_user is not None and not owner_user.is_active:
        raise ValidationError(
            {
                "owner_user": [
                    _("%(name)s is deactivated; choose someone active.") % {"name": owner_user}
                ]
            }
        )
    if not permissions.can_create_objective(actor, owner_team=owner_team, owner_user=owner_user):
        raise NotAllowed(
            _("You may not write objectives for %(owner)s.") % {"owner": owner_team or owner_user}
        )


def parent_errors(*, actor: User, objective: Objective, parent: Objective | None) -> list[str]:
    """Why `parent` cannot be chosen as `objective`'s parent by `actor` (empty when it can)."""
    if parent is None:
        return []
    if not permissions.can_view_objective(actor, parent):
        return [_("Choose a parent objective from the list.")]
    if parent.archived:
        return [_("“%(title)s” is archived; choose another parent.") % {"title": parent.title}]
    return objective.alignment_errors(parent)


def _ensure_not_archived(objective: Objective) -> None:
    if objective.archived:
        raise NotAllowed(
            _("“%(title)s” is archived: restore it before changing it.")
            % {"title": objective.title}
        )


@dataclass(frozen=True)
class KeyResultDraft:
    """A key result written together with its new objective (the create form's rows)."""

    title: str
    owner: User
    target_value: Decimal | None
    start_value: Decimal | None = Decimal(0)
    kind: str = KeyResult.Kind.METRIC
    unit: str = ""
    weight: Decimal | None = Decimal(1)


def add_objective(
    *,
    actor: User,
    cycle: Cycle,
    title: str,
    owner_team: Team | None = None,
    owner_user: User | None = None,
    parent: Objective | None = None,
    objective_type: str = Objective.Type.ASPIRATIONAL,
    visibility: str = Objective.Visibility.PUBLIC,
    description: str = "",
    key_results: Sequence[KeyResultDraft] = (),
    now: datetime | None = None,
) -> Objective:
    """Write a new objective, with its first key results, for a team or a person. `now` is when
    the key results were written down (the demo plans its quarters before they start).

    All or nothing: raises ValidationError (bad values, an invalid parent), PermissionDenied
    (an owner the actor may not write for) or CycleStateError (a closed cycle).
    """
    errors = objective_errors(
        title=title, description=description, objective_type=objective_type, visibility=visibility
    )
    for index, draft in enumerate(key_results):
        for field, messages in _draft_errors(draft).items():
            errors.setdefault(f"key_results-{index}-{field}", []).extend(messages)
    with transaction.atomic():
        locked_cycle = _lock_open_cycle(cycle.pk)
        _owner_checks(actor, owner_team, owner_user)
        objective = Objective(
            cycle=locked_cycle,
            title=title.strip(),
            description=description.strip(),
            owner_team=owner_team,
            owner_user=owner_user,
            parent=parent,
            objective_type=objective_type,
            visibility=visibility,
        )
        problems = parent_errors(actor=actor, objective=objective, parent=parent)
        if problems:
            errors["parent"] = problems
        if errors:
            raise ValidationError(errors)
        objective.save()
        audit.record_objective_event(
            actor=actor, action=AuditEvent.Action.CREATED, objective=objective
        )
        for order, draft in enumerate(key_results):
            key_result = _save_key_result(objective=objective, draft=draft, order=order, now=now)
            audit.record_key_result_event(
                actor=actor, action=AuditEvent.Action.CREATED, key_result=key_result
            )
        stored_scores.refresh(objective_ids=[objective.pk])
    return objective


def _draft_errors(draft: KeyResultDraft) -> dict[str, list[str]]:
    errors = key_result_errors(
        title=draft.title,
        kind=draft.kind,
        unit=draft.unit,
        start_value=draft.start_value,
        target_value=draft.target_value,
        weight=draft.weight,
    )
    if not draft.owner.is_active:
        errors.setdefault("owner", []).append(
            _("%(name)s is deactivated; choose someone active.") % {"name": draft.owner}
        )
    return errors


def _save_key_result(
    *, objective: Objective, draft: KeyResultDraft, order: int, now: datetime | None
) -> KeyResult:
    start_value, target_value = milestone_values(draft.kind, draft.start_value, draft.target_value)
    key_result = KeyResult(
        objective=objective,
        title=draft.title.strip(),
        owner=draft.owner,
        kind=draft.kind,
        unit=draft.unit.strip(),
        start_value=start_value,
        target_value=target_value,
        weight=draft.weight,
        order=order,
        created_at=now or timezone.now(),
    )
    key_result.save()
    return key_result


def edit_objective(
    *,
    actor: User,
    objective: Objective,
    title: str,
    description: str,
    owner_team: Team | None,
    owner_user: User | None,
    objective_type: str,
    visibility: str,
    parent: Objective | None,
    expected_version: int | None = None,
) -> Objective:
    """Change an objective's words, owner, type, visibility or parent.

    `expected_version` is the version the edit form was rendered with: when the objective has
    moved on since, EditConflict is raised and nothing is written (None: no check, for callers
    without a form). Raises ValidationError, PermissionDenied (not theirs to edit, a new owner
    they may not write for, archived) or CycleStateError (closed); nothing changes then.
    """
    errors = objective_errors(
        title=title, description=description, objective_type=objective_type, visibility=visibility
    )
    with transaction.atomic():
        _lock_open_cycle(objective.cycle_id)
        locked = (
            Objective.objects.select_for_update(of=("self",))
            .select_related("owner_team", "owner_user", "parent")
            .get(pk=objective.pk)
        )
        if not permissions.can_edit_objective(actor, locked):
            raise NotAllowed(_("You may not edit this objective."))
        _ensure_not_archived(locked)
        ensure_version(current=locked, seen_version=expected_version)
        before = audit.capture(locked, audit.OBJECTIVE_FIELDS)
        parent_before = locked.parent_id
        owner_changes = (locked.owner_team_id, locked.owner_user_id) != (
            owner_team.pk if owner_team else None,
            owner_user.pk if owner_user else None,
        )
        if owner_changes:
            _owner_checks(actor, owner_team, owner_user)
        kept_unseen = (
            parent is not None
            and parent.pk == parent_before
            and not permissions.can_view_objective(actor, parent)
        )
        # A parent the editor may not see stays as it is: it was valid when set, and keeping
        # it neither shows nor changes it (its title must not appear in any message either).
        problems = (
            [] if kept_unseen else parent_errors(actor=actor, objective=locked, parent=parent)
        )
        if problems:
            errors["parent"] = problems
        if errors:
            raise ValidationError(errors)
        locked.title = title.strip()
        locked.description = description.strip()
        locked.owner_team = owner_team
        locked.owner_user = owner_user
        locked.objective_type = objective_type
        locked.visibility = visibility
        locked.parent = parent
        changes = audit.changes_since(before, locked, audit.OBJECTIVE_FIELDS)
        if changes:
            conditional_update(instance=locked, seen_version=expected_version, fields=list(changes))
            audit.record_objective_event(
                actor=actor,
                action=AuditEvent.Action.UPDATED,
                objective=locked,
                changes=changes,
                parent_ids=(parent_before, locked.parent_id),
            )
            # Its type moves its bands; its parent, the progress of those above, old and new.
            stored_scores.refresh(objective_ids=[locked.pk, parent_before])
    return locked


def _set_objective_archived(*, actor: User, objective: Objective, archived: bool) -> Objective:
    with transaction.atomic():
        _lock_open_cycle(objective.cycle_id)
        locked = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk)
        if not permissions.can_edit_objective(actor, locked):
            raise NotAllowed(_("You may not edit this objective."))
        if locked.archived != archived:
            locked.archived = archived
            # Archiving moves the version: an edit opened before it must not land unnoticed.
            conditional_update(instance=locked, seen_version=None, fields=["archived"])
            audit.record_objective_event(
                actor=actor,
                action=AuditEvent.Action.ARCHIVED if archived else AuditEvent.Action.RESTORED,
                objective=locked,
            )
            stored_scores.refresh(objective_ids=[locked.pk])
    objective.archived = archived
    objective.version = locked.version
    return locked


def archive_objective(*, actor: User, objective: Objective) -> Objective:
    """Take an objective out of its cycle's pages and scores, keeping it and its history; the
    objectives aligned to it keep their link and show at the top of the tree meanwhile."""
    return _set_objective_archived(actor=actor, objective=objective, archived=True)


def restore_objective(*, actor: User, objective: Objective) -> Objective:
    return _set_objective_archived(actor=actor, objective=objective, archived=False)


def _lock_key_result(key_result: KeyResult) -> KeyResult:
    _lock_open_cycle(key_result.objective.cycle_id)
    return (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__cycle", "owner")
        .get(pk=key_result.pk)
    )


def add_key_result(
    *,
    actor: User,
    objective: Objective,
    title: str,
    owner: User,
    target_value: Decimal | None,
    start_value: Decimal | None = Decimal(0),
    kind: str = KeyResult.Kind.METRIC,
    unit: str = "",
    weight: Decimal | None = Decimal(1),
    now: datetime | None = None,
) -> KeyResult:
    """Add a key result after the objective's others; `now` is when it was written down. Raises
    ValidationError, PermissionDenied (not theirs to edit, or archived) or CycleStateError;
    nothing is written then."""
    draft = KeyResultDraft(
        title=title,
        owner=owner,
        target_value=target_value,
        start_value=start_value,
        kind=kind,
        unit=unit,
        weight=weight,
    )
    errors = _draft_errors(draft)
    with transaction.atomic():
        _lock_open_cycle(objective.cycle_id)
        locked = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk)
        if not permissions.can_manage_key_results(actor, locked):
            raise NotAllowed(_("You may not add key results to this objective."))
        _ensure_not_archived(locked)
        if errors:
            raise ValidationError(errors)
        last = (
            KeyResult.objects.filter(objective=locked)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
        )
        key_result = _save_key_result(
            objective=locked, draft=draft, order=0 if last is None else last + 1, now=now
        )
        audit.record_key_result_event(
            actor=actor, action=AuditEvent.Action.CREATED, key_result=key_result
        )
        stored_scores.refresh(objective_ids=[locked.pk])
        return key_result


def edit_key_result(
    *,
    actor: User,
    key_result: KeyResult,
    title: str,
    owner: User,
    kind: str,
    unit: str,
    start_value: Decimal | None,
    target_value: Decimal | None,
    weight: Decimal | None,
    expected_version: int | None = None,
) -> KeyResult:
    """Change a key result. Its owner may change everything but who owns it; giving it to
    someone else is for those who edit the objective. `expected_version` is the version the
    edit form was rendered with: EditConflict when the key result has moved on since (None: no
    check). Raises ValidationError, PermissionDenied or CycleStateError; nothing changes then."""
    errors = key_result_errors(
        title=title,
        kind=kind,
        unit=unit,
        start_value=start_value,
        target_value=target_value,
        weight=weight,
    )
    with transaction.atomic():
        locked = _lock_key_result(key_result)
        if not permissions.can_edit_key_result(actor, locked):
            raise NotAllowed(_("You may not edit this key result."))
        _ensure_not_archived(locked.objective)
        if locked.archived:
            raise NotAllowed(
                _("“%(title)s” is archived: restore it before changing it.")
                % {"title": locked.title}
            )
        ensure_version(current=locked, seen_version=expected_version)
        if owner.pk != locked.owner_id:
            if not permissions.can_reassign_key_result(actor, locked):
                raise NotAllowed(
                    _("Only those who edit the objective may give its key results to others.")
                )
            if not owner.is_active:
                errors.setdefault("owner", []).append(
                    _("%(name)s is deactivated; choose someone active.") % {"name": owner}
                )
        if errors:
            raise ValidationError(errors)
        start_value, target_value = milestone_values(kind, start_value, target_value)
        before = audit.capture(locked, audit.KEY_RESULT_FIELDS)
        locked.title = title.strip()
        locked.owner = owner
        locked.kind = kind
        locked.unit = unit.strip()
        locked.start_value = start_value
        locked.target_value = target_value
        locked.weight = weight
        changes = audit.changes_since(before, locked, audit.KEY_RESULT_FIELDS)
        if changes:
            conditional_update(instance=locked, seen_version=expected_version, fields=list(changes))
            audit.record_key_result_event(
                actor=actor, action=AuditEvent.Action.UPDATED, key_result=locked, changes=changes
            )
            stored_scores.refresh(objective_ids=[locked.objective_id])
    return locked


def move_key_result(*, actor: User, key_result: KeyResult, offset: int) -> list[KeyResult]:
    """Move a key result up (offset −1) or down (+1) among its objective's live key results and
    number them 0, 1, 2… again. Moving the first up or the last down changes nothing. Returns
    the live key results in their new order."""
    if offset not in (-1, 1):
        raise ValidationError({"direction": [_("Move a key result one place up or down.")]})
    with transaction.atomic():
        locked = _lock_key_result(key_result)
        objective = locked.objective
        if not permissions.can_manage_key_results(actor, objective):
            raise NotAllowed(_("You may not reorder this objective's key results."))
        _ensure_not_archived(objective)
        siblings = list(
            KeyResult.objects.select_for_update()
            .filter(objective=objective, archived=False)
            .order_by("order", "pk")
        )
        index = next((i for i, kr in enumerate(siblings) if kr.pk == locked.pk), None)
        if index is None:
            raise NotAllowed(
                _("“%(title)s” is archived: restore it before moving it.") % {"title": locked.title}
            )
        target = index + offset
        if 0 <= target < len(siblings):
            siblings[index], siblings[target] = siblings[target], siblings[index]
            # One event, on the key result that was moved; the order is not in the edit form,
            # so no version moves (objectives/concurrency.py).
            audit.record_key_result_event(
                actor=actor,
                action=AuditEvent.Action.REORDERED,
                key_result=locked,
                changes={"position": [str(index + 1), str(target + 1)]},
            )
        for order, kr in enumerate(siblings):
            if kr.order != order:
                kr.order = order
                kr.save(update_fields=["order"])
    return siblings


def _set_key_result_archived(*, actor: User, key_result: KeyResult, archived: bool) -> KeyResult:
    with transaction.atomic():
        locked = _lock_key_result(key_result)
        if not permissions.can_manage_key_results(actor, locked.objective):
            raise NotAllowed(
                _("Only those who edit the objective may archive or restore its key results.")
            )
        _ensure_not_archived(locked.objective)
        if locked.archived != archived:
            locked.archived = archived
            fields = ["archived", "updated_at"]
            if not archived:
                # Back at the end of the list, not in a slot someone else has taken since.
                last = (
                    KeyResult.objects.filter(objective_id=locked.objective_id, archived=False)
                    .order_by("-order")
                    .values_list("order", flat=True)
                    .first()
                )
                locked.order = 0 if last is None else last + 1
                fields.append("order")
            # Archiving moves the version: an edit opened before it must not land unnoticed.
            fields.remove("updated_at")
            conditional_update(instance=locked, seen_version=None, fields=fields)
            audit.record_key_result_event(
                actor=actor,
                action=AuditEvent.Action.ARCHIVED if archived else AuditEvent.Action.RESTORED,
                key_result=locked,
            )
            stored_scores.refresh(objective_ids=[locked.objective_id])
    return locked


def archive_key_result(*, actor: User, key_result: KeyResult) -> KeyResult:
    """Take a key result out of its objective's progress and the pages, keeping its history."""
    return _set_key_result_archived(actor=actor, key_result=key_result, archived=True)


def restore_key_result(*, actor: User, key_result: KeyResult) -> KeyResult:
    return _set_key_result_archived(actor=actor, key_result=key_result, archived=False)


# --- The template library --------------------------------------------------------------------
