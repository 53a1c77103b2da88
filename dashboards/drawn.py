"""Pieces of pages kept drawn, as HTML, in the read cache (dashboards/cache.py).

A piece drawn for one person is kept for that person: its key holds who they are and what of
them the drawing reads (their seat, time zone and language), the address it was drawn at (its
forms send people back there), the UTC quarter-hour (every local date on Earth, which statuses
and "overdue" follow, changes only on one) and the scopes of the data it shows.

Forms inside a piece need the CSRF token of the request serving it, not of the one that drew
it: the piece is drawn with a marker in its place, and each request puts its own token in. The
token goes only where our own forms carry it, the exact `name="csrfmiddlewaretoken" value="…"`
attribute pair the `{% csrf_token %}` tag writes, and only in place of that drawing's marker
(random, made when it is drawn, so no text written before can hold it). What people wrote (an
initiative's link, a check-in's note) is escaped and so can never take that form: the token is
never written into a link or a text someone else controls, whatever they typed.
"""

import re
import secrets
from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from dashboards.cache import ReadKey
from dashboards.selectors.team_initiatives import overdue_clock

# The start of every drawing's marker. Letters and digits only, so that escaping leaves the
# marker as it is where a template puts the token.
CSRF_PLACEHOLDER = "okrCsrfTokenPlaceholderQ7vX2k"


def _csrf_field(marker: str) -> re.Pattern[str]:
    """Our forms' hidden token field holding `marker`, and nothing else."""
    return re.compile(r'(name="csrfmiddlewaretoken" value=")' + re.escape(marker) + r'(")')


def with_token(html: str, *, marker: str, token: str) -> str:
    """`html` with this request's token in our own forms' token fields (those holding
    `marker`); the marker anywhere else is left as it is."""
    return _csrf_field(marker).sub(lambda found: found.group(1) + token + found.group(2), html)


def drawn(
    request: HttpRequest,
    *,
    read_key: ReadKey,
    name: str,
    parts: Iterable[object],
    scopes: Iterable[str],
    template: str,
    context: Callable[[], dict[str, object]],
) -> SafeString:
    """`template` (a page's partial) drawn with `context()` for this request's viewer, from the
    read cache while nothing under `scopes` changed."""
    viewer = request.user
    key_parts = (
        *parts,
        viewer.pk,
        getattr(viewer, "is_viewer", False),
        timezone.get_current_timezone_name(),
        get_language(),
        request.get_full_path(),
        overdue_clock(),
    )

    def draw() -> tuple[str, str]:
        marker = CSRF_PLACEHOLDER + secrets.token_hex(16)
        html = render_to_string(template, {**context(), "csrf_token": marker}, request=request)
        return marker, html

    marker, html = read_key.fetch(name, key_parts, draw, scopes=list(scopes))
    return mark_safe(with_token(html, marker=marker, token=get_token(request)))  # noqa: S308
