"""Writes to initiatives: adding them to a key result, editing them, moving their status.

Who may write follows the key result's edit rules plus the initiative's own owner
(objectives/permissions.py). The cycle-state rule is the key results' own: any cycle that is not
closed takes a change (planning, active, grading); a closed cycle refuses with CycleStateError
(409 in the views) and nothing is written. An archived key result or objective refuses too.

Initiatives never touch their key result: its progress and score come from check-ins alone.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import AuditEvent
from domain.errors import NotAllowed
from initiatives.models import Initiative
from objectives import permissions
from objectives.cycles.services import ensure_cycle_open
from objectives.models import Cycle, KeyResult, User
from objectives.titles import title_errors

TITLE_MAX = Initiative._meta.get_field("title").max_length
LINK_MAX = Initiative._meta.get_field("link").max_length
# Only links a browser opens as a page: javascript:, data:, file: and the like are refused.
LINK_SCHEMES = ("http", "https")
_link_validator = URLValidator(schemes=list(LINK_SCHEMES))


def status_errors(status: str) -> list[str]:
    if status in Initiative.Status.values:
        return []
    return [
        _("“%(value)s” is not a status; choose one of: %(choices)s.")
        % {"value": status, "choices": ", ".join(str(label) for label in Initiative.Status.labels)}
    ]


def priority_errors(priority: str) -> list[str]:
    if priority in Initiative.Priority.values:
        return []
    return [
        _("“%(value)s” is not a priority; choose one of: %(choices)s.")
        % {
            "value": priority,
            "choices": ", ".join(str(label) for label in Initiative.Priority.labels),
        }
    ]


def link_errors(link: str) -> list[str]:
    """Why `link` cannot be stored as the tracker link (empty when it can; blank is fine)."""
    if not link:
        return []
    if len(link) > LINK_MAX:
        return [_("Keep the link under %(limit)s characters.") % {"limit": LINK_MAX}]
    try:
        _link_validator(link)
    except ValidationError:
        return [_("Enter a full web address starting with http:// or https://.")]
    return []


def initiative_errors(
    *,
    title: str,
    owner: User | None,
    due_date: date | None,
    status: str,
    priority: str,
    link: str,
) -> dict[str, list[str]]:
    """Field-by-field reasons why these values are not acceptable (empty when fine). A due date
    in the past is allowed: recording work that is already late is honest."""
    errors: dict[str, list[str]] = {}
    title = title.strip()
    if not title:
        errors["title"] = [_("Give the initiative a title: what work will be done?")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title under %(limit)s characters.") % {"limit": TITLE_MAX}]
    elif title_errors(title):
        errors["title"] = title_errors(title)
    if owner is None:
        errors["owner"] = [_("Choose who owns this initiative.")]
    elif not owner.is_active:
        errors["owner"] = [_("%(name)s is deactivated; choose someone active.") % {"name": owner}]
    if due_date is None:
        errors["due_date"] = [_("Give the initiative a due date.")]
    for field, problems in (
        ("status", status_errors(status)),
        ("priority", priority_errors(priority)),
        ("link", link_errors(link.strip())),
    ):
        if problems:
            errors[field] = problems
    return errors


def _lock_writable_key_result(key_result_id: int) -> KeyResult:
    """The key result with its objective and cycle, the cycle row locked for the rest of the
    transaction (a cycle closing at the same moment waits, or this write sees it closed)."""
    key_result = KeyResult.objects.select_related("objective__cycle").get(pk=key_result_id)
    cycle = Cycle.objects.select_for_update().get(pk=key_result.objective.cycle_id)
    ensure_cycle_open(cycle)
    key_result.objective.cycle = cycle
    return key_result


def archived_message(key_result: KeyResult) -> str:
    """Why an archived key result (or one in an archived objective) takes no initiative
    changes; empty when neither is archived."""
    archived = key_result.objective if key_result.objective.archived else key_result
    if not archived.archived:
        return ""
    return _("“%(title)s” is archived: restore it before changing its initiatives.") % {
        "title": archived.title
    }


def _ensure_not_archived(key_result: KeyResult) -> None:
    message = archived_message(key_result)
    if message:
        raise NotAllowed(message)


def _owner_sees(owner: User, key_result: KeyResult, errors: dict[str, list[str]]) -> None:
    # An owner who cannot see the key result (a private objective) could not see their own work.
    if (
        "owner" not in errors
        and owner is not None
        and not permissions.can_view_key_result(owner, key_result)
    ):
        errors["owner"] = [
            _("%(name)s cannot see this key result (its objective is private).") % {"name": owner}
        ]


def _completed_at(*, status: str, previous: datetime | None, now: datetime) -> datetime | None:
    """Done keeps the moment it was first completed; leaving done clears it (the database's
    check constraint holds the two together)."""
    if status != Initiative.Status.DONE:
        return None
    return previous or now


def create_initiative(
    *,
    actor: User,
    key_result: KeyResult,
    title: str,
    owner: User | None,
    due_date: date | None,
    status: str = Initiative.Status.TODO,
    priority: str = Initiative.Priority.MEDIUM,
    link: str = "",
    now: datetime | None = None,
) -> Initiative:
    """Add an initiative to a key result. Raises ValidationError (bad values, field by field),
    NotAllowed (not theirs to plan, or archived) or CycleStateError (a closed cycle);
    nothing is written then."""
    errors = initiative_errors(
        title=title, owner=owner, due_date=due_date, status=status, priority=priority, link=link
    )
    with transaction.atomic():
        locked = _lock_writable_key_result(key_result.pk)
        if not permissions.can_add_initiative(actor, locked):
            raise NotAllowed(_("You may not add initiatives to this key result."))
        _ensure_not_archived(locked)
        _owner_sees(owner, locked, errors)
        if errors:
            raise ValidationError(errors)
        initiative = Initiative(
            key_result=locked,
            title=title.strip(),
            owner=owner,
            due_date=due_date,
            status=status,
            priority=priority,
            link=link.strip(),
            completed_at=_completed_at(status=status, previous=None, now=now or timezone.now()),
            created_by=actor,
        )
        initiative.save()
        audit.record_initiative_event(
            actor=actor, action=AuditEvent.Action.CREATED, initiative=initiative
        )
    return initiative


def _lock_initiative(initiative: Initiative) -> Initiative:
    key_result = _lock_writable_key_result(initiative.key_result_id)
    locked = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=initiative.pk)
    )
    locked.key_result = key_result
    return locked


def update_initiative(
    *,
    actor: User,
    initiative: Initiative,
    title: str,
    owner: User | None,
    due_date: date | None,
    status: str,
    priority: str,
    link: str,
    now: datetime | None = None,
) -> Initiative:
    """Change an initiative. Its owner (when they do not edit the key result) may change
    everything but who owns it; handing it to someone else is for those who edit the key result.
    Raises ValidationError, NotAllowed or CycleStateError; nothing changes then."""
    errors = initiative_errors(
        title=title, owner=owner, due_date=due_date, status=status, priority=priority, link=link
    )
    with transaction.atomic():
        locked = _lock_initiative(initiative)
        if not permissions.can_edit_initiative(actor, locked):
            raise NotAllowed(_("You may not edit this initiative."))
        _ensure_not_archived(locked.key_result)
        if owner is not None and owner.pk != locked.owner_id:
            if not permissions.can_add_initiative(actor, locked.key_result):
                errors.setdefault("owner", []).append(
                    _("Only those who edit the key result may give its initiatives to others.")
                )
            _owner_sees(owner, locked.key_result, errors)
        if errors:
            raise ValidationError(errors)
        before = audit.capture(locked, audit.INITIATIVE_FIELDS)
        locked.title = title.strip()
        locked.owner = owner
        locked.due_date = due_date
        locked.status = status
        locked.priority = priority
        locked.link = link.strip()
        locked.completed_at = _completed_at(
            status=status, previous=locked.completed_at, now=now or timezone.now()
        )
        locked.save(
            update_fields=[
                "title",
                "owner",
                "due_date",
                "status",
                "priority",
                "link",
                "completed_at",
                "updated_at",
            ]
        )
        changes = audit.changes_since(before, locked, audit.INITIATIVE_FIELDS)
        if changes:
            audit.record_initiative_event(
                actor=actor, action=AuditEvent.Action.UPDATED, initiative=locked, changes=changes
            )
    return locked


def set_initiative_status(
    *, actor: User, initiative: Initiative, status: str, now: datetime | None = None
) -> Initiative:
    """Move an initiative to another status (done stamps completed_at; leaving done clears it).
    Raises ValidationError (an unknown status), NotAllowed or CycleStateError."""
    problems = status_errors(status)
    with transaction.atomic():
        locked = _lock_initiative(initiative)
        if not permissions.can_edit_initiative(actor, locked):
            raise NotAllowed(_("You may not change this initiative."))
        _ensure_not_archived(locked.key_result)
        if problems:
            raise ValidationError({"status": problems})
        if locked.status != status:
            changes = {"status": [locked.status, status]}
            locked.status = status
            locked.completed_at = _completed_at(
                status=status, previous=locked.completed_at, now=now or timezone.now()
            )
            locked.save(update_fields=["status", "completed_at", "updated_at"])
            audit.record_initiative_event(
                actor=actor, action=AuditEvent.Action.UPDATED, initiative=locked, changes=changes
            )
    return locked


def complete_initiative(
    *, actor: User, initiative: Initiative, now: datetime | None = None
) -> Initiative:
    return set_initiative_status(
        actor=actor, initiative=initiative, status=Initiative.Status.DONE, now=now
    )
