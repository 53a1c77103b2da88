"""Recording the audit trail. The write services call `record_event` inside their own
transaction, after the change, with `diff` of the values before and after."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models, transaction

from audit.models import AuditEvent

Snapshot = dict[str, str]

# What an objective, a key result, a cycle, a membership and the reminder policy record when they
# change: the fields people set (not the numbers the system keeps, such as current values).
OBJECTIVE_FIELDS = (
    "title",
    "description",
    "owner_team",
    "owner_user",
    "objective_type",
    "visibility",
    "parent",
)
KEY_RESULT_FIELDS = ("title", "owner", "kind", "unit", "start_value", "target_value", "weight")
GRADE_FIELDS = ("final_grade", "grade_note")
CYCLE_FIELDS = ("name", "start_date", "end_date", "auto_transition")
REMINDER_POLICY_FIELDS = (
    "enabled",
    "weekday",
    "local_time",
    "nudge_after_days",
    "digest_enabled",
    "digest_weekday",
    "digest_time",
)
INITIATIVE_FIELDS = ("title", "owner", "due_date", "status", "priority", "link")
# Fields naming another objective: their ids are kept too, so a page can leave out the title of
# one its viewer may not see.
OBJECTIVE_REFERENCES = frozenset({"parent"})


def display(value: object) -> str:
    """A value as the trail keeps it: text people can read, never a float."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        # 12.5000 (as stored) and 12.5 (as typed) are the same value: write it once, plainly.
        text = format(value.normalize(), "f") if value.is_finite() else str(value)
        return "0" if text in ("-0", "") else text
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, models.Model):
        name = getattr(value, "name", None)
        return str(name if isinstance(name, str) and name else value)
    if isinstance(value, float):  # never stored; a bug upstream should not become a float here
        raise TypeError("audit values are never floats")
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> Snapshot:
    """The display values of `fields` on `instance` (foreign keys as their labels).

    Select the related rows with the instance, or each foreign key costs a query."""
    return {field: display(getattr(instance, field)) for field in fields}


def diff(
    before: Mapping[str, str] | models.Model,
    after: Mapping[str, str] | models.Model,
    fields: Iterable[str],
) -> dict[str, list[str]]:
    """{field: [old, new]} for the fields whose display value changed (empty: nothing did)."""
    fields = tuple(fields)
    old = before if isinstance(before, Mapping) else snapshot(before, fields)
    new = after if isinstance(after, Mapping) else snapshot(after, fields)
    return {
        field: [old.get(field, ""), new.get(field, "")]
        for field in fields
        if old.get(field, "") != new.get(field, "")
    }


@dataclass(frozen=True)
class Before:
    """A row's fields before a change: what people read, and the stored values to compare."""

    shown: Snapshot
    stored: dict[str, object]


def capture(instance: models.Model, fields: Iterable[str]) -> Before:
    fields = tuple(fields)
    return Before(shown=snapshot(instance, fields), stored=_stored(instance, fields))


def changes_since(
    before: Before, instance: models.Model, fields: Iterable[str]
) -> dict[str, list[str]]:
    """{field: [old, new]} for the fields whose stored value changed: compared as stored, so two
    people of the same name, or 12.5 typed over 12.5000, are told apart correctly."""
    fields = tuple(fields)
    after = _stored(instance, fields)
    return {
        field: [before.shown[field], display(getattr(instance, field))]
        for field in fields
        if before.stored[field] != after[field]
    }


def _stored(instance: models.Model, fields: tuple[str, ...]) -> dict[str, object]:
    meta = instance._meta
    return {field: getattr(instance, meta.get_field(field).attname) for field in fields}


def record_event(
    *,
    actor: models.Model | None,
    action: str,
    subject_kind: str,
    subject_id: int,
    subject_label: str,
    changes: Mapping[str, list[str]] | None = None,
    objective_id: int | None = None,
    key_result_id: int | None = None,
    references: Mapping[str, list[int | None]] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the trail. Call it inside the transaction of the change it
    describes: it refuses to run outside one, so an event never outlives a rolled-back write."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event belongs inside the transaction of the change.")
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if subject_kind not in AuditEvent.SubjectKind.values:
        raise ValueError(f"unknown audit subject {subject_kind!r}")
    changes = {field: [str(old), str(new)] for field, (old, new) in (changes or {}).items()}
    kept_references = {field: ids for field, ids in (references or {}).items() if field in changes}
    event = AuditEvent(
        actor=actor,
        actor_label=display(actor) if actor is not None else "",
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        subject_label=subject_label[: AuditEvent._meta.get_field("subject_label").max_length],
        objective_id=objective_id,
        key_result_id=key_result_id,
        changes=changes,
        references=kept_references,
    )
    if at is not None:
        event.at = at
    event.save(force_insert=True)
    return event


def record_objective_event(
    *,
    actor: models.Model | None,
    action: str,
    objective: models.Model,
    changes: Mapping[str, list[str]] | None = None,
    parent_ids: tuple[int | None, int | None] | None = None,
) -> AuditEvent:
    """An event about an objective, shown on its page. `parent_ids` (old, new) when its parent
    changed."""
    return record_event(
        actor=actor,
        action=action,
        subject_kind=AuditEvent.SubjectKind.OBJECTIVE,
        subject_id=objective.pk,
        subject_label=objective.title,
        objective_id=objective.pk,
        changes=changes,
        references={"parent": list(parent_ids)} if parent_ids else None,
    )


def record_key_result_event(
    *,
    actor: models.Model | None,
    action: str,
    key_result: models.Model,
    changes: Mapping[str, list[str]] | None = None,
) -> AuditEvent:
    """An event about a key result, shown on its page and on its objective's."""
    return record_event(
        actor=actor,
        action=action,
        subject_kind=AuditEvent.SubjectKind.KEY_RESULT,
        subject_id=key_result.pk,
        subject_label=key_result.title,
        objective_id=key_result.objective_id,
        key_result_id=key_result.pk,
        changes=changes,
    )


def record_initiative_event(
    *,
    actor: models.Model | None,
    action: str,
    initiative: models.Model,
    changes: Mapping[str, list[str]] | None = None,
) -> AuditEvent:
    """An event about an initiative, shown on its key result's page and its objective's."""
    key_result = initiative.key_result
    return record_event(
        actor=actor,
        action=action,
        subject_kind=AuditEvent.SubjectKind.INITIATIVE,
        subject_id=initiative.pk,
        subject_label=initiative.title,
        objective_id=key_result.objective_id,
        key_result_id=key_result.pk,
        changes=changes,
    )
