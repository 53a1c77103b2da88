"""Writes to people, teams and memberships: what admins do on the People & teams pages.

Nobody is ever deleted: deactivating a person stops their sign-in and keeps their history, and
moves nothing by itself; their open key results are listed for an admin to reassign.
The team tree keeps exactly one root (the company), which never moves; no move makes a loop.
"""

from datetime import datetime
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import AuditEvent
from domain.errors import Conflict, NotAllowed
from objectives import permissions
from objectives.models import Membership, Team, User
from objectives.titles import title_errors

LANGUAGE_CODES = {"", *(code for code, _name in settings.LANGUAGES)}


def _ensure_admin(actor: User) -> None:
    if not permissions.can_manage_people(actor):
        raise NotAllowed(_("Only admins manage people and teams."))


# --- People ----------------------------------------------------------------------------------


def profile_errors(
    *, display_name: str, email: str, time_zone: str, language: str
) -> dict[str, list[str]]:
    """Field-by-field reasons why these profile values are not acceptable (empty when fine)."""
    errors: dict[str, list[str]] = {}
    if len(display_name) > 150:
        errors["display_name"] = [_("Keep the name under 150 characters.")]
    if not email.strip():
        errors["email"] = [_("Enter an e-mail address: reminders go there.")]
    else:
        try:
            validate_email(email.strip())
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if time_zone not in available_timezones():
        errors["time_zone"] = [_("Choose a time zone from the list.")]
    if language not in LANGUAGE_CODES:
        errors["language"] = [_("Choose a language from the list.")]
    return errors


@transaction.atomic
def create_person(
    *,
    actor: User,
    username: str,
    password: str,
    email: str,
    display_name: str = "",
    time_zone: str = "UTC",
    language: str = "",
    team: Team | None = None,
    role: str = Membership.Role.MEMBER,
    is_viewer: bool = False,
) -> User:
    """Create a person who can sign in with `password`, optionally placed in a team."""
    _ensure_admin(actor)
    username = username.strip()
    errors = profile_errors(
        display_name=display_name, email=email, time_zone=time_zone, language=language
    )
    if not username:
        errors["username"] = [_("Choose a username for signing in.")]
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = [_("Use letters, digits and @ . + - _ only.")]
        else:
            if len(username) > 150:
                errors["username"] = [_("Keep the username under 150 characters.")]
            elif User.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("That username is taken.")]
    if role not in Membership.Role.values:
        errors["role"] = [_("Choose member or manager.")]
    person = User(
        username=username,
        display_name=display_name.strip(),
        email=email.strip(),
        time_zone=time_zone,
        language=language,
        is_viewer=is_viewer,
    )
    try:
        validate_password(password, user=person)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    person.set_password(password)
    person.save()
    if team is not None:
        membership = Membership.objects.create(user=person, team=team, role=role)
        _record_membership(actor=actor, action=AuditEvent.Action.CREATED, membership=membership)
    return person


def _record_person(*, actor: User, action: str, person: User) -> None:
    audit.record_event(
        actor=actor,
        action=action,
        subject_kind=AuditEvent.SubjectKind.PERSON,
        subject_id=person.pk,
        subject_label=f"{person.name} ({person.username})",
    )


def _record_membership(
    *, actor: User, action: str, membership: Membership, changes: dict | None = None
) -> None:
    audit.record_event(
        actor=actor,
        action=action,
        subject_kind=AuditEvent.SubjectKind.MEMBERSHIP,
        subject_id=membership.pk,
        # Who and where, as they were: the membership row itself may be gone.
        subject_label=f"{membership.user.name} in {membership.team.name}",
        changes=changes or {},
    )


@transaction.atomic
def update_person(
    *,
    actor: User,
    person: User,
    display_name: str,
    email: str,
    time_zone: str,
    language: str,
    is_viewer: bool | None = None,
) -> User:
    """Change a person's name, e-mail, time zone and language, and (unless None) whether their
    seat is read-only."""
    _ensure_admin(actor)
    errors = profile_errors(
        display_name=display_name, email=email, time_zone=time_zone, language=language
    )
    if errors:
        raise ValidationError(errors)
    person.display_name = display_name.strip()
    person.email = email.strip()
    person.time_zone = time_zone
    person.language = language
    fields = ["display_name", "email", "time_zone", "language"]
    if is_viewer is not None:
        person.is_viewer = is_viewer
        fields.append("is_viewer")
    person.save(update_fields=fields)
    # The cached ZoneInfo must follow the new zone.
    person.__dict__.pop("tzinfo", None)
    return person


@transaction.atomic
def deactivate_person(*, actor: User, person: User, now: datetime | None = None) -> User:
    """Stop a person signing in, keeping everything they did; their memberships, objectives and
    key results stay as they were, so the People page can list what needs a new owner. Raises
    Conflict for themselves or someone already deactivated."""
    _ensure_admin(actor)
    if person.pk == actor.pk:
        raise Conflict(_("You cannot deactivate yourself; ask another admin."))
    locked = User.objects.select_for_update().get(pk=person.pk)
    if not locked.is_active:
        raise Conflict(_("%(name)s is already deactivated.") % {"name": locked})
    locked.is_active = False
    locked.deactivated_at = now or timezone.now()
    locked.deactivated_by = actor
    locked.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
    _record_person(actor=actor, action=AuditEvent.Action.DEACTIVATED, person=locked)
    person.is_active = False
    person.deactivated_at = locked.deactivated_at
    person.deactivated_by = actor
    return person


@transaction.atomic
def reactivate_person(*, actor: User, person: User) -> User:
    """Let a deactivated person sign in again (Conflict when they are active)."""
    _ensure_admin(actor)
    locked = User.objects.select_for_update().get(pk=person.pk)
    if locked.is_active:
        raise Conflict(_("%(name)s is active.") % {"name": locked})
    locked.is_active = True
    locked.deactivated_at = None
    locked.deactivated_by = None
    locked.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
    _record_person(actor=actor, action=AuditEvent.Action.REACTIVATED, person=locked)
    person.is_active = True
    person.deactivated_at = None
    person.deactivated_by = None
    return person


# --- Memberships -----------------------------------------------------------------------------


@transaction.atomic
def add_membership(*, actor: User, person: User, team: Team, role: str) -> Membership:
    """Place a person in a team as a member or a manager."""
    _ensure_admin(actor)
    errors: dict[str, list[str]] = {}
    if role not in Membership.Role.values:
        errors["role"] = [_("Choose member or manager.")]
    if not person.is_active:
        errors["team"] = [_("%(name)s is deactivated.") % {"name": person}]
    elif Membership.objects.filter(user=person, team=team).exists():
        errors["team"] = [
            _("%(name)s is already in %(team)s.") % {"name": person, "team": team.name}
        ]
    if errors:
        raise ValidationError(errors)
    membership = Membership.objects.create(user=person, team=team, role=role)
    _record_membership(
        actor=actor,
        action=AuditEvent.Action.CREATED,
        membership=membership,
        changes={"role": ["", role]},
    )
    return membership


@transaction.atomic
def change_membership_role(*, actor: User, membership: Membership, role: str) -> Membership:
    _ensure_admin(actor)
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose member or manager.")]})
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    if before != role:
        _record_membership(
            actor=actor,
            action=AuditEvent.Action.UPDATED,
            membership=membership,
            changes={"role": [before, role]},
        )
    return membership


@transaction.atomic
def remove_membership(*, actor: User, membership: Membership) -> None:
    """Take a person out of a team (their objectives and key results stay where they are)."""
    _ensure_admin(actor)
    deleted, _counts = Membership.objects.filter(pk=membership.pk).delete()
    if deleted:
        _record_membership(
            actor=actor,
            action=AuditEvent.Action.DELETED,
            membership=membership,
            changes={"role": [membership.role, ""]},
        )


# --- Teams -----------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "team"
    taken = set(Team.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def descendant_ids(team: Team) -> frozenset[int]:
    """The team and every team below it."""
    return permissions.with_descendants([team.pk])


def _name_errors(name: str, parent: Team | None, exclude_pk: int | None) -> list[str]:
    name = name.strip()
    if not name:
        return [_("Give the team a name.")]
    if len(name) > Team._meta.get_field("name").max_length:
        return [_("Keep the name under 120 characters.")]
    if title_errors(name):
        return title_errors(name)
    siblings = Team.objects.filter(parent=parent, name__iexact=name)
    if exclude_pk:
        siblings = siblings.exclude(pk=exclude_pk)
    if parent is not None and siblings.exists():
        return [
            _("%(parent)s already has a team called “%(name)s”.")
            % {"parent": parent.name, "name": name}
        ]
    return []


@transaction.atomic
def create_team(*, actor: User, name: str, parent: Team | None) -> Team:
    """Add a team under `parent`. Only the very first team, the company, has no parent."""
    _ensure_admin(actor)
    errors: dict[str, list[str]] = {}
    root_exists = Team.objects.filter(is_root=True).exists()
    if parent is None and root_exists:
        errors["parent"] = [_("Choose the team this one belongs to.")]
    name_errors = _name_errors(name, parent, None)
    if name_errors:
        errors["name"] = name_errors
    if errors:
        raise ValidationError(errors)
    return Team.objects.create(
        name=name.strip(), slug=_unique_slug(name), parent=parent, is_root=parent is None
    )


@transaction.atomic
def update_team(*, actor: User, team: Team, name: str, parent: Team | None) -> Team:
    """Rename a team and/or move it under another parent.

    The company (root) stays the root; a team never moves under itself or one of its own
    sub-teams. Its slug stays, so links and imports keep working after a rename.
    """
    _ensure_admin(actor)
    locked = Team.objects.select_for_update().get(pk=team.pk)
    errors: dict[str, list[str]] = {}
    if locked.is_root:
        if parent is not None:
            errors["parent"] = [_("The company is the root of the tree; it cannot move.")]
    elif parent is None:
        errors["parent"] = [_("Choose the team this one belongs to.")]
    elif parent.pk in descendant_ids(locked):
        errors["parent"] = [
            _("%(team)s cannot move under itself or one of its own sub-teams.")
            % {"team": locked.name}
        ]
    name_errors = _name_errors(name, parent, locked.pk)
    if name_errors:
        errors["name"] = name_errors
    if errors:
        raise ValidationError(errors)
    locked.name = name.strip()
    locked.parent = parent
    locked.save(update_fields=["name", "parent"])
    team.name = locked.name
    team.parent = parent
    return team
