from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" once the database answers a round trip; 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def _same_site_path(request: HttpRequest, url: str) -> str | None:
    """The path (and query) of ``url`` when it points at this site, else None."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A rejected form or HTMX request, almost always a page left open across a sign-in.

    Nothing was changed. HTMX gets a fragment with status 403, which the htmx-config in
    base.html swaps in place, so the message appears where the person acted; a plain form post
    gets a whole page. Both link to the page to reload, which brings a fresh token.
    """
    is_htmx = request.headers.get("HX-Request") == "true"
    reload_url = (
        _same_site_path(request, request.headers.get("HX-Current-URL", "") if is_htmx else "")
        or _same_site_path(request, request.headers.get("Referer", ""))
        or request.path
    )
    template = "csrf_failure.html#message" if is_htmx else "csrf_failure.html"
    return render(request, template, {"reload_url": reload_url}, status=403)
