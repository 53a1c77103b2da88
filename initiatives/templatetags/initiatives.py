"""Template helpers of the initiative panels (My week, the key result page)."""

from urllib.parse import urlsplit

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from initiatives.models import Initiative
from initiatives.selectors import NO_INITIATIVES, InitiativeCounts
from initiatives.services import LINK_SCHEMES

register = template.Library()


@register.simple_tag
def initiative_counts_line(counts: InitiativeCounts) -> SafeString:
    """ "2 of 5 initiatives done, 1 overdue, 1 blocked" (or "No initiatives yet"), in the very
    words the panel's `counts` partial used to put together with three blocktranslate tags:
    drawn in Python because My week draws it under every row, where the tags cost more than
    the rest of the panel."""
    if not counts.total:
        return mark_safe(gettext("No initiatives yet"))
    line = ngettext(
        "%(done)s of %(total)s initiative done",
        "%(done)s of %(total)s initiatives done",
        counts.total,
    ) % {"done": counts.done, "total": counts.total}
    if counts.overdue:
        overdue = ngettext("%(overdue)s overdue", "%(overdue)s overdue", counts.overdue) % {
            "overdue": counts.overdue
        }
        line += f', <span class="initiative-overdue-count">{overdue}</span>'
    if counts.blocked:
        line += ", " + ngettext("%(blocked)s blocked", "%(blocked)s blocked", counts.blocked) % {
            "blocked": counts.blocked
        }
    # The translations are ours and the numbers are numbers, as with blocktranslate.
    return mark_safe(line)


@register.filter
def counts_for(counts: dict[int, InitiativeCounts] | None, key_result_id: int) -> InitiativeCounts:
    """One key result's counts from `initiative_counts`' answer (none when it has none)."""
    return (counts or {}).get(key_result_id, NO_INITIATIVES)


@register.simple_tag
def initiative_statuses() -> list[tuple[str, str]]:
    return list(Initiative.Status.choices)


@register.filter
def errors_for(errors: dict[int, list[str]] | None, initiative_id: int) -> list[str]:
    """The status change of one initiative that was refused, and why."""
    return (errors or {}).get(initiative_id, [])


@register.filter
def tracker_url(link: str) -> str:
    """The link when it is a web address (the services refuse anything else; rows written
    another way, such as by the admin or an import, are not trusted with an href)."""
    scheme = urlsplit(link or "").scheme.lower()
    return link if scheme in LINK_SCHEMES else ""
