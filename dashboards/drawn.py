"""Pieces of pages kept drawn, as HTML, in the read cache (dashboards/cache.py).

A piece drawn for one person is kept for that person: its key holds who they are and what of
them the drawing reads (their seat, time zone and language), the address it was drawn at (its
forms send people back there), the UTC quarter-hour (every local date on Earth, which statuses
and "overdue" follow, changes only on one) and the scopes of the data it shows.

Forms inside a piece need the CSRF token of the request serving it, not of the one that drew
it: the piece is drawn with a placeholder in its place, and each request puts its own token in.
"""

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from dashboards.cache import ReadKey
from dashboards.selectors.team_initiatives import overdue_clock

# Letters only, so that escaping leaves it as it is wherever a template puts the token.
CSRF_PLACEHOLDER = "okrCsrfTokenPlaceholderQ7vX2k"


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

    def draw() -> str:
        return render_to_string(
            template, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request=request
        )

    html = read_key.fetch(name, key_parts, draw, scopes=list(scopes))
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))
