"""Recording check-ins: the one way a key result's value and confidence change."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins.models import CheckIn
from domain.errors import NotAllowed
from objectives import permissions, stored_scores
from objectives.models import MAX_ABS_VALUE, KeyResult, User

CONFIDENCE_CHOICES = range(1, 6)
# At this confidence or below the author must say what blocks them: a low rating with no reason
# gives a manager nothing to act on.
BLOCKERS_REQUIRED_AT_OR_BELOW = 2
MAX_TEXT_LENGTH = 4000


def checkin_errors(
    *, value: Decimal | None, confidence: int | None, what_changed: str, blockers: str
) -> dict[str, list[str]]:
    """Field-by-field reasons why these check-in values are not acceptable (empty when fine)."""
    errors: dict[str, list[str]] = {}
    if value is None:
        errors["value"] = [_("Enter the new value.")]
    elif not value.is_finite():
        errors["value"] = [_("Enter a finite number.")]
    elif value.copy_abs() > MAX_ABS_VALUE:  # abs() would trap decimal.Overflow on 1e999…
        errors["value"] = [_("Enter a number between −1,000,000,000,000 and 1,000,000,000,000.")]
    if confidence not in CONFIDENCE_CHOICES:
        errors["confidence"] = [_("Choose a confidence from 1 to 5.")]
    elif confidence <= BLOCKERS_REQUIRED_AT_OR_BELOW and not blockers.strip():
        errors["blockers"] = [
            _("With confidence %(confidence)s/5, say what blocks you.") % {"confidence": confidence}
        ]
    for field, text in (("what_changed", what_changed), ("blockers", blockers)):
        if len(text) > MAX_TEXT_LENGTH:
            errors.setdefault(field, []).append(
                _("Keep this under %(limit)s characters.") % {"limit": MAX_TEXT_LENGTH}
            )
    return errors


def ensure_can_check_in(*, actor: User, key_result: KeyResult) -> None:
    """Raise NotAllowed, with the reason, unless `actor` may check in on it now."""
    if not permissions.can_check_in(actor, key_result):
        raise NotAllowed(_("You may not check in on this key result."))
    cycle = key_result.objective.cycle
    if not cycle.accepts_checkins:
        raise NotAllowed(
            _("Check-ins are closed: the cycle “%(cycle)s” is %(state)s.")
            % {"cycle": cycle.name, "state": cycle.get_state_display()}
        )
    if key_result.archived or key_result.objective.archived:
        raise NotAllowed(_("This key result is archived."))


def record_checkin(
    *,
    actor: User,
    key_result: KeyResult,
    value: Decimal,
    confidence: int,
    what_changed: str = "",
    blockers: str = "",
    now: datetime | None = None,
    locked: bool = False,
) -> CheckIn:
    """Append a check-in and move the key result's latest value, confidence and time with it.

    The key result row is locked first, so concurrent check-ins queue: every one lands, and the
    key result ends up showing the last of them. `locked`: the caller already loaded
    `key_result` (with its objective and cycle) with `select_for_update` in the transaction it
    has open, and it is not loaded again (the check-in view, which loads it once). Raises
    NotAllowed (not allowed, or the cycle is not active) or ValidationError (bad values);
    either way nothing is written.
    """
    errors = checkin_errors(
        value=value, confidence=confidence, what_changed=what_changed, blockers=blockers
    )
    if errors:
        raise ValidationError(errors)
    if locked and not transaction.get_connection().in_atomic_block:
        raise ValueError("a key result locked by the caller needs the caller's transaction")
    # In the caller's transaction as it is (no savepoint: nothing here is retried).
    with transaction.atomic(savepoint=not locked):
        if locked:
            current = key_result
        else:
            current = (
                KeyResult.objects.select_for_update(of=("self",))
                .select_related("objective__cycle")
                .get(pk=key_result.pk)
            )
        ensure_can_check_in(actor=actor, key_result=current)
        created_at = now or timezone.now()
        checkin = CheckIn.objects.create(
            key_result=current,
            author=actor,
            value=value,
            confidence=confidence,
            what_changed=what_changed.strip(),
            blockers=blockers.strip(),
            created_at=created_at,
        )
        # A back-dated check-in (imported history) joins the history without becoming "latest".
        if current.last_checkin_at is None or created_at >= current.last_checkin_at:
            current.current_value = value
            current.last_confidence = confidence
            current.last_checkin_at = created_at
            current.save(update_fields=["current_value", "last_confidence", "last_checkin_at"])
        # Even a back-dated one counts for a level kept (at_least / at_most).
        stored_scores.refresh(objective_ids=[current.objective_id])
    key_result.current_value = current.current_value
    key_result.last_confidence = current.last_confidence
    key_result.last_checkin_at = current.last_checkin_at
    return checkin
