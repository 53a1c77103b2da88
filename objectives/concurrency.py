"""Optimistic concurrency for the edit forms of objectives and key results.

An edit form carries the `version` of the row it was rendered from. The save is a conditional
UPDATE … WHERE version = <seen> that also moves the version on; when no row matches, someone
saved in between and the save is refused with EditConflict instead of overwriting their change.

What moves the version: a change to a field the edit form shows (an objective's words, owner,
type, visibility and parent; a key result's title, owner, kind, unit, start, target and weight,
including a reassignment from the People page) and archiving or restoring. What does not:
check-ins, reordering, grades and reflections. They change nothing the form shows, so an owner
checking in, or a manager reordering, never makes someone else's edit conflict.
"""

from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from domain.errors import Conflict


class EditConflict(Conflict):
    """Someone else saved this objective or key result after the form was rendered; nothing was
    written. `current` is the row as it now is (locked, freshly read). The edit forms catch it to
    show both versions; anywhere else it answers 409 like any Conflict."""

    def __init__(self, *, current: Model, seen_version: int) -> None:
        self.current = current
        self.seen_version = seen_version
        super().__init__(
            _("“%(title)s” was changed by someone else after you opened it.") % {"title": current}
        )


def conditional_update(*, instance: Model, seen_version: int | None, fields: list[str]) -> None:
    """Write `fields` of `instance` only while its row still has `seen_version` (None: whatever
    it has, for callers without a form), moving the version on; EditConflict when the row moved.

    Call it inside the transaction, with the row locked, after the checks."""
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if seen_version is not None:
        rows = rows.filter(version=seen_version)
    values = {}
    for name in fields:
        field = model._meta.get_field(name)
        values[field.attname] = getattr(instance, field.attname)
    instance.updated_at = values["updated_at"] = timezone.now()
    if rows.update(**values, version=F("version") + 1) == 0:
        raise EditConflict(current=instance, seen_version=seen_version or 0)
    instance.version = (seen_version if seen_version is not None else instance.version) + 1


def ensure_version(*, current: Model, seen_version: int | None) -> None:
    """Refuse early, before validating anything, when the locked row has moved on."""
    if seen_version is not None and current.version != seen_version:
        raise EditConflict(current=current, seen_version=seen_version)
