"""Writes to cycles: creating and editing them, moving them through their states, the fiscal year.

A cycle moves planning → active → grading → closed, one step at a time, never back. Every move is
recorded with who made it (or that the daily automatic run did) and when. Closing freezes every
key result's and objective's score in the same transaction, so the numbers of a closed cycle never
change again, whatever later happens to the formulas.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import scoring
from audit import services as audit
from audit.models import AuditEvent
from domain.errors import CycleStateError, NotAllowed
from objectives import permissions, stored_scores
from objectives.models import (
    CYCLE_NEXT_STATE,
    Cycle,
    CycleTransition,
    KeyResult,
    Objective,
    ProgrammeSettings,
    User,
)
from objectives.scoring_inputs import KeyResultRow, key_result_progress, live_kr_score
from objectives.titles import title_errors

MAX_CYCLE_DAYS = 731  # two years: anything longer is a typo in the year
# A move by hand this many days away from what the cycle's dates say goes through without a
# second question: opening on the Friday before a Monday start, or moving to grading in the
# last week while the final check-ins come in, is ordinary. Further out it is more likely the
# wrong cycle (next year's quarter activated, a running one closed) and the admin is asked
# again, with the dates in front of them.
OFF_SCHEDULE_DAYS = 7


def closed_cycle_message(cycle: Cycle) -> str:
    return _("The cycle “%(cycle)s” is closed: everything in it is read-only.") % {
        "cycle": cycle.name
    }


def ensure_cycle_open(cycle: Cycle) -> None:
    """Raise CycleStateError when `cycle` is closed: no write may touch a closed cycle."""
    if cycle.is_closed:
        raise CycleStateError(closed_cycle_message(cycle))


def _ensure_admin(actor: User) -> None:
    if not permissions.can_manage_cycles(actor):
        raise NotAllowed(_("Only admins manage cycles."))


def cycle_errors(
    *, name: str, start_date: date | None, end_date: date | None, exclude_pk: int | None = None
) -> dict[str, list[str]]:
    """Field-by-field reasons why these cycle values are not acceptable (empty when fine)."""
    errors: dict[str, list[str]] = {}
    others = Cycle.objects.exclude(pk=exclude_pk) if exclude_pk else Cycle.objects.all()
    name = name.strip()
    if not name:
        errors["name"] = [_("Give the cycle a name, such as “2027 Q1”.")]
    elif len(name) > Cycle._meta.get_field("name").max_length:
        errors["name"] = [_("Keep the name under 80 characters.")]
    elif title_errors(name):
        errors["name"] = title_errors(name)
    elif others.filter(name__iexact=name).exists():
        errors["name"] = [_("There is already a cycle called “%(name)s”.") % {"name": name}]
    if start_date is None:
        errors["start_date"] = [_("Enter the first day of the cycle.")]
    if end_date is None:
        errors["end_date"] = [_("Enter the last day of the cycle.")]
    if start_date is None or end_date is None:
        return errors
    if end_date <= start_date:
        errors["end_date"] = [_("The end date must be after the start date.")]
    elif (end_date - start_date).days > MAX_CYCLE_DAYS:
        errors["end_date"] = [_("A cycle lasts at most two years; check the dates.")]
    else:
        twin = others.filter(start_date=start_date, end_date=end_date).first()
        if twin is not None:
            errors["start_date"] = [
                _("“%(name)s” already runs on exactly these dates.") % {"name": twin.name}
            ]
    return errors


@transaction.atomic
def create_cycle(
    *,
    actor: User,
    name: str,
    start_date: date,
    end_date: date,
    auto_transition: bool = False,
    now: datetime | None = None,
) -> Cycle:
    """Create a cycle in planning. Raises NotAllowed (not an admin) or ValidationError."""
    _ensure_admin(actor)
    errors = cycle_errors(name=name, start_date=start_date, end_date=end_date)
    if errors:
        raise ValidationError(errors)
    cycle = Cycle.objects.create(
        name=name.strip(),
        start_date=start_date,
        end_date=end_date,
        auto_transition=auto_transition,
        created_by=actor,
        created_at=now or timezone.now(),
    )
    _record(actor=actor, action=AuditEvent.Action.CREATED, cycle=cycle)
    return cycle


def _record(*, actor: User | None, action: str, cycle: Cycle, changes: dict | None = None) -> None:
    audit.record_event(
        actor=actor,
        action=action,
        subject_kind=AuditEvent.SubjectKind.CYCLE,
        subject_id=cycle.pk,
        subject_label=cycle.name,
        changes=changes,
    )


@transaction.atomic
def update_cycle(
    *,
    actor: User,
    cycle: Cycle,
    name: str,
    start_date: date,
    end_date: date,
    auto_transition: bool,
) -> Cycle:
    """Rename a cycle, move its dates or switch automatic transitions; never once it is closed."""
    _ensure_admin(actor)
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    ensure_cycle_open(locked)
    errors = cycle_errors(name=name, start_date=start_date, end_date=end_date, exclude_pk=locked.pk)
    if errors:
        raise ValidationError(errors)
    before = audit.capture(locked, audit.CYCLE_FIELDS)
    locked.name = name.strip()
    locked.start_date = start_date
    locked.end_date = end_date
    locked.auto_transition = auto_transition
    locked.save(update_fields=["name", "start_date", "end_date", "auto_transition"])
    changes = audit.changes_since(before, locked, audit.CYCLE_FIELDS)
    if changes:
        _record(actor=actor, action=AuditEvent.Action.UPDATED, cycle=locked, changes=changes)
    if "start_date" in changes or "end_date" in changes:
        stored_scores.refresh_cycles(cycle_ids=[locked.pk])  # the pace and silence move
    for field in ("name", "start_date", "end_date", "auto_transition", "state"):
        setattr(cycle, field, getattr(locked, field))
    return cycle


def transition_cycle(
    *, actor: User, cycle: Cycle, to_state: str, now: datetime | None = None
) -> CycleTransition:
    """Move `cycle` one step on (an admin's deliberate action), recorded with actor and time.

    Raises NotAllowed (not an admin) or CycleStateError (closed, a skip, a step back, or
    someone else moved it first); either way nothing changes.
    """
    _ensure_admin(actor)
    return _move(cycle=cycle, to_state=to_state, actor=actor, at=now or timezone.now())


@dataclass(frozen=True)
class OffSchedule:
    """Why moving a cycle to a state today is far from its dates, and by how many days.

    `reason`: "before_start" (activating it more than a week before it starts), "after_end"
    (activating a cycle whose dates are over) or "before_end" (moving it to grading or closing
    it more than a week before it ends).
    """

    reason: str
    days: int


def off_schedule(*, cycle: Cycle, to_state: str, today: date) -> OffSchedule | None:
    """Whether moving `cycle` to `to_state` on `today` is far from its dates (None: it is not).
    The automatic moves follow the dates and never are; an admin's move that is gets confirmed
    (objectives/cycles/views.py) before `transition_cycle` runs."""
    if to_state == Cycle.State.ACTIVE:
        if (cycle.start_date - today).days > OFF_SCHEDULE_DAYS:
            return OffSchedule(reason="before_start", days=(cycle.start_date - today).days)
        if today > cycle.end_date:
            return OffSchedule(reason="after_end", days=(today - cycle.end_date).days)
        return None
    left = (cycle.end_date - today).days
    if to_state in (Cycle.State.GRADING, Cycle.State.CLOSED) and left > OFF_SCHEDULE_DAYS:
        return OffSchedule(reason="before_end", days=left)
    return None


def _move(*, cycle: Cycle, to_state: str, actor: User | None, at: datetime) -> CycleTransition:
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.is_closed:
            raise CycleStateError(
                _("The cycle “%(cycle)s” is closed: closing is final and its scores are frozen.")
                % {"cycle": locked.name}
            )
        allowed = CYCLE_NEXT_STATE[locked.state]
        if to_state != allowed:
            raise CycleStateError(
                _("The cycle “%(cycle)s” is %(state)s: it can move to %(allowed)s, not to %(to)s.")
                % {
                    "cycle": locked.name,
                    "state": locked.get_state_display(),
                    "allowed": Cycle.State(allowed).label,
                    "to": Cycle.State(to_state).label
                    if to_state in Cycle.State.values
                    else to_state,
                }
            )
        if to_state == Cycle.State.CLOSED:
            freeze_scores(cycle=locked)
        record = CycleTransition.objects.create(
            cycle=locked,
            from_state=locked.state,
            to_state=to_state,
            actor=actor,
            automatic=actor is None,
            at=at,
        )
        _record(
            actor=actor,
            action=AuditEvent.Action.STATE_CHANGED,
            cycle=locked,
            changes={"state": [locked.state, to_state]},
        )
        locked.state = to_state
        locked.save(update_fields=["state"])
        if to_state == Cycle.State.CLOSED:
            stored_scores.refresh_cycles(cycle_ids=[locked.pk])  # the frozen scores show now
    cycle.state = to_state
    return record


def freeze_scores(*, cycle: Cycle) -> None:
    """Store every key result's score (its final grade, else its progress) and every objective's
    score (the weighted mean of its key results'), exactly as the pages show them today.

    Called inside the closing transaction, with the cycle row locked.
    """
    rows = (
        KeyResult.objects.filter(objective__cycle=cycle, archived=False)
        .order_by("pk")
        .values_list("pk", "objective_id", "weight", *KeyResultRow._fields)
    )
    key_result_scores: dict[int, Decimal] = {}
    weighted: dict[int, list[tuple[Decimal, Decimal]]] = {}
    for pk, objective_id, weight, *columns in rows:
        key_result = KeyResultRow(*columns)
        score = live_kr_score(
            key_result=key_result, progress=key_result_progress(key_result=key_result)
        )
        key_result_scores[pk] = score
        weighted.setdefault(objective_id, []).append((weight, score))
    _store_frozen_scores(KeyResult, key_result_scores)
    objective_ids = (
        Objective.objects.filter(cycle=cycle).order_by("pk").values_list("pk", flat=True)
    )
    _store_frozen_scores(
        Objective,
        {pk: scoring.objective_score(key_results=weighted.get(pk, [])) for pk in objective_ids},
    )


def _store_frozen_scores(
    model: type[KeyResult] | type[Objective], scores: dict[int, Decimal | None]
) -> None:
    """Write `frozen_score` for each id in one statement (stored_scores.write_columns): Django's
    bulk_update took 20 s to close a quarter of 41,000 key results, too long for the request
    that closes it."""
    stored_scores.write_columns(model, ("frozen_score",), {pk: (s,) for pk, s in scores.items()})


def automatic_moves_due(*, cycle: Cycle, today: date) -> list[str]:
    """The states an automatic cycle should pass through today, in order (often none).

    Its start date activates it; the day after its end date moves it to grading. Closing is never
    automatic: it freezes the grades, which people must have had the chance to set.
    """
    if not cycle.auto_transition:
        return []
    moves: list[str] = []
    state = cycle.state
    if state == Cycle.State.PLANNING and cycle.start_date <= today:
        moves.append(Cycle.State.ACTIVE)
        state = Cycle.State.ACTIVE
    if state == Cycle.State.ACTIVE and cycle.end_date < today:
        moves.append(Cycle.State.GRADING)
    return moves


def run_automatic_transitions(
    *, now: datetime | None = None, cycle_ids: Iterable[int] | None = None
) -> list[CycleTransition]:
    """Move every cycle with automatic transitions as its dates say (or only `cycle_ids`); safe
    to run any number of times a day (a second run finds nothing due). Dates are the company's
    (settings.TIME_ZONE)."""
    now = now or timezone.now()
    today = timezone.localdate(now, timezone.get_default_timezone())
    done: list[CycleTransition] = []
    candidates = Cycle.objects.filter(
        auto_transition=True, state__in=[Cycle.State.PLANNING, Cycle.State.ACTIVE]
    ).order_by("start_date", "pk")
    if cycle_ids is not None:
        candidates = candidates.filter(pk__in=list(cycle_ids))
    for cycle in candidates:
        for to_state in automatic_moves_due(cycle=cycle, today=today):
            try:
                done.append(_move(cycle=cycle, to_state=to_state, actor=None, at=now))
            except CycleStateError:
                # An admin moved it by hand since we read it; their move stands.
                break
    return done


@transaction.atomic
def set_fiscal_year_start(*, actor: User, month: int) -> ProgrammeSettings:
    """Set the month the fiscal year starts in (1-12); the quarter picker counts from it."""
    _ensure_admin(actor)
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise ValidationError({"fiscal_year_start_month": [_("Choose a month from the list.")]})
    settings, created = ProgrammeSettings.objects.select_for_update().get_or_create(
        pk=ProgrammeSettings.SINGLETON_PK, defaults={"fiscal_year_start_month": month}
    )
    if not created and settings.fiscal_year_start_month != month:
        settings.fiscal_year_start_month = month
        settings.save(update_fields=["fiscal_year_start_month"])
    return settings
