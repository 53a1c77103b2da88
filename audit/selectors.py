"""Reading the audit trail: an objective's and a key result's history for their pages, the
last change behind an edit conflict, and the admins' list of every event.

Values are kept as display strings; here they get their field's label and, for choices and
yes/no, their words in the reader's language. A change of parent names another objective: its
title is left out for readers who may not see that objective.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import display
from objectives import permissions
from objectives.models import KeyResult, Objective, User

PAGE_SECTION_SIZE = 20  # on the objective and key result pages
MORE_SIZE = 50  # each "show older changes"

_MODELS = {
    AuditEvent.SubjectKind.OBJECTIVE: "objectives.Objective",
    AuditEvent.SubjectKind.KEY_RESULT: "objectives.KeyResult",
    AuditEvent.SubjectKind.CYCLE: "objectives.Cycle",
    AuditEvent.SubjectKind.MEMBERSHIP: "objectives.Membership",
    AuditEvent.SubjectKind.REMINDER_POLICY: "checkins.ReminderPolicy",
    AuditEvent.SubjectKind.INITIATIVE: "initiatives.Initiative",
    AuditEvent.SubjectKind.PERSON: "objectives.User",
}
_EXTRA_LABELS = {
    "position": lambda: _("position"),
    "carried_over_from": lambda: _("carried over from"),
}
# What an entry says happened: "created objective “Grow revenue”".
_SUMMARIES = {
    AuditEvent.Action.CREATED: lambda: _("created %(kind)s “%(label)s”"),
    AuditEvent.Action.UPDATED: lambda: _("updated %(kind)s “%(label)s”"),
    AuditEvent.Action.ARCHIVED: lambda: _("archived %(kind)s “%(label)s”"),
    AuditEvent.Action.RESTORED: lambda: _("restored %(kind)s “%(label)s”"),
    AuditEvent.Action.DELETED: lambda: _("deleted %(kind)s “%(label)s”"),
    AuditEvent.Action.STATE_CHANGED: lambda: _("state changed %(kind)s “%(label)s”"),
    AuditEvent.Action.REORDERED: lambda: _("reordered %(kind)s “%(label)s”"),
    AuditEvent.Action.GRADED: lambda: _("graded %(kind)s “%(label)s”"),
    AuditEvent.Action.DEACTIVATED: lambda: _("deactivated %(kind)s “%(label)s”"),
    AuditEvent.Action.REACTIVATED: lambda: _("reactivated %(kind)s “%(label)s”"),
}
# Events that move an objective's or key result's version (objectives/concurrency.py): the
# ones an edit conflict is about.
VERSION_ACTIONS = (
    AuditEvent.Action.CREATED,
    AuditEvent.Action.UPDATED,
    AuditEvent.Action.ARCHIVED,
    AuditEvent.Action.RESTORED,
)


def _field(subject_kind: str, name: str) -> models.Field | None:
    label = _MODELS.get(subject_kind)
    if label is None:
        return None
    try:
        return apps.get_model(label)._meta.get_field(name)
    except (FieldDoesNotExist, LookupError):
        return None


def field_label(subject_kind: str, name: str) -> str:
    if name in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[name]())
    field = _field(subject_kind, name)
    verbose = getattr(field, "verbose_name", None)
    return str(verbose if verbose else name.replace("_", " "))


def shown_value(subject_kind: str, name: str, value: str) -> str:
    """A stored display string as the reader reads it: choices by their label, yes/no in their
    language, nothing as a dash."""
    if value == "":
        return "—"
    field = _field(subject_kind, name)
    if isinstance(field, models.BooleanField):
        return _("yes") if value == "yes" else _("no")
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return date_format(date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if choices:
        for key, label in choices:
            if str(key) == value:
                return str(label)
    return value


@dataclass(frozen=True)
class ChangeLine:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    event: AuditEvent
    changes: list[ChangeLine]

    @property
    def summary(self) -> str:
        """One sentence per action, so each language orders its words its own way."""
        sentence = _SUMMARIES.get(self.event.action)
        values = {
            "kind": self.event.get_subject_kind_display(),
            "label": self.event.subject_label,
        }
        if sentence is None:  # an action recorded before this code knew it
            return _("%(action)s %(kind)s “%(label)s”") % {
                "action": self.event.get_action_display(),
                **values,
            }
        return str(sentence()) % values


@dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    # Where the next, older ones are (None: there are none).
    more_offset: int | None


def _entries(
    events: list[AuditEvent], *, hidden_objective_ids: frozenset[int]
) -> list[HistoryEntry]:
    hidden = _("an objective you cannot see")
    entries = []
    for event in events:
        lines = []
        for name, pair in (event.changes or {}).items():
            old, new = (list(pair) + ["", ""])[:2]
            ids = (event.references or {}).get(name) or []
            shown = [shown_value(event.subject_kind, name, str(v)) for v in (old, new)]
            for index, ref in enumerate(ids[:2]):
                if ref is not None and ref in hidden_objective_ids:
                    shown[index] = hidden
            lines.append(
                ChangeLine(
                    field=name,
                    label=field_label(event.subject_kind, name),
                    old=shown[0],
                    new=shown[1],
                )
            )
        entries.append(HistoryEntry(event=event, changes=lines))
    return entries


def _hidden_objectives(events: Iterable[AuditEvent], viewer: User) -> frozenset[int]:
    """Of the objectives the events name (a parent before or after), those the viewer may not
    see, including ones deleted since. One query, and only when an event names one."""
    named = {
        ref
        for event in events
        for ids in (event.references or {}).values()
        for ref in ids
        if isinstance(ref, int)
    }
    if not named or viewer.is_admin:
        return frozenset()
    visible = set(
        Objective.objects.filter(pk__in=named)
        .filter(permissions.visible_objectives_q(viewer))
        .values_list("pk", flat=True)
    )
    return frozenset(named - visible)


def _history(events: models.QuerySet, *, viewer: User, offset: int, limit: int) -> History:
    # One more than shown tells whether there are older ones, without counting them all.
    rows = list(events.order_by("-at", "-id")[offset : offset + limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return History(
        entries=_entries(rows, hidden_objective_ids=_hidden_objectives(rows, viewer)),
        more_offset=offset + limit if more else None,
    )


def objective_history(
    *, objective: Objective, viewer: User, offset: int = 0, limit: int = PAGE_SECTION_SIZE
) -> History:
    """The changes to an objective and its key results, latest first, for a viewer who may see
    it (the caller checked). One query (two when a listed change names a parent objective)."""
    return _history(
        AuditEvent.objects.filter(objective_id=objective.pk),
        viewer=viewer,
        offset=offset,
        limit=limit,
    )


def key_result_history(
    *, key_result: KeyResult, viewer: User, offset: int = 0, limit: int = PAGE_SECTION_SIZE
) -> History:
    """The changes to a key result, latest first, for a viewer who may see it (the caller
    checked). One query."""
    return _history(
        AuditEvent.objects.filter(key_result_id=key_result.pk),
        viewer=viewer,
        offset=offset,
        limit=limit,
    )


def event_entries(events: list[AuditEvent]) -> list[HistoryEntry]:
    """Entries for the admins' list: admins see every objective, so nothing is left out."""
    return _entries(events, hidden_objective_ids=frozenset())


# --- Edit conflicts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictLine:
    label: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class ConflictView:
    """What an edit conflict tells the person whose save was refused."""

    title: str
    changed_by: str
    changed_at: datetime | None
    lines: list[ConflictLine]  # the fields where the saved values differ from theirs


def conflict_view(
    *,
    subject_kind: str,
    current: models.Model,
    yours: Mapping[str, object],
    fields: Iterable[str],
) -> ConflictView:
    """Who changed `current` last and when (from the trail), and their values against the ones
    the refused form carried. One query."""
    last = (
        AuditEvent.objects.filter(
            subject_kind=subject_kind, subject_id=current.pk, action__in=VERSION_ACTIONS
        )
        .order_by("-at", "-id")
        .first()
    )
    lines = []
    for name in fields:
        theirs = display(getattr(current, name))
        mine = display(yours.get(name))
        if theirs != mine:
            lines.append(
                ConflictLine(
                    label=field_label(subject_kind, name),
                    theirs=shown_value(subject_kind, name, theirs),
                    yours=shown_value(subject_kind, name, mine),
                )
            )
    return ConflictView(
        title=str(current),
        changed_by=last.actor_name if last else _("someone"),
        changed_at=last.at if last else None,
        lines=lines,
    )
