"""Whether reminders are running, for the admins' header warning and the Reminders pages.

One query per request, for admins only (memoised on the request, so the header and the page
body share it); nobody else pays anything.
"""

from django import template
from django.utils import timezone

from objectives import permissions
from reminders.selectors import RemindersHealth, reminders_health

register = template.Library()

_MEMO = "_okr_reminders_health"


@register.simple_tag(takes_context=True)
def reminders_health_for_admins(context: template.Context) -> RemindersHealth | None:
    user = context.get("user")
    if user is None or not user.is_authenticated or not permissions.can_manage_reminders(user):
        return None
    request = context.get("request")
    health = getattr(request, _MEMO, None)
    if health is None:
        health = reminders_health(now=timezone.now())
        if request is not None:
            setattr(request, _MEMO, health)
    return health
