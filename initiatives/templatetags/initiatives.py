"""Template helpers of the initiative panels (My week, the key result page)."""

from urllib.parse import urlsplit

from django import template

from initiatives.models import Initiative
from initiatives.selectors import NO_INITIATIVES, InitiativeCounts
from initiatives.services import LINK_SCHEMES

register = template.Library()


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
