"""What the header offers the signed-in person, asked of objectives/permissions.py (no queries:
each answer reads the user's own flags)."""

from django import template

from objectives import permissions
from objectives.models import User

register = template.Library()


@register.simple_tag
def nav_rights(user: User) -> dict[str, bool]:
    return {
        "people": permissions.can_manage_people(user),
        "reminders": permissions.can_manage_reminders(user),
        "audit": permissions.can_read_audit_trail(user),
        "django_admin": permissions.can_use_django_admin(user),
    }
