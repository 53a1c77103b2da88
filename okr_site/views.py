from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from objectives.view_helpers import current_page_path, same_site_path
from okr_site import errors


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


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A rejected form or HTMX request, almost always a page left open across a sign-in.

    Nothing was changed. HTMX gets a fragment with status 403, which the htmx-config in
    base.html swaps in place, so the message appears where the person acted; a plain form post
    gets a whole page. Both link to the page to reload, which brings a fresh token.
    """
    reload_url = (
        current_page_path(request)
        or same_site_path(request, request.headers.get("Referer", ""))
        or request.path
    )
    template = "csrf_failure.html#message" if errors.is_htmx(request) else "csrf_failure.html"
    return render(request, template, {"reload_url": reload_url}, status=403)


# --- Error answers ---------------------------------------------------------------------------
# Django's default error views are decorated with requires_csrf_token, whose CSRF check reads
# request.POST again; a body Django could not decode (a form declaring charset=utf-16) then
# fails a second time inside the 400 view and once more inside the 500 view, and the server
# answers a bare text 500. These views read neither the body nor the database: the 400 and 500
# pages are rendered without the request (no context processors), in our look, and the CSP
# middleware still adds its header on the way out. A refusal or a "not there" is answered as
# okr_site/errors.py answers those a view lets through, the same wherever it was raised.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if errors.is_htmx(request):
        return errors.htmx_alert(request, status=400)
    content = loader.render_to_string("400.html", {"message": errors.status_message(400)})
    return HttpResponseBadRequest(content)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django's own view would run a CSRF check first (see above); ours renders directly.
    denied = exception if isinstance(exception, PermissionDenied) else PermissionDenied()
    return errors.error_response(request, denied)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    missing = exception if isinstance(exception, Http404) else Http404()
    return errors.error_response(request, missing)


def server_error(request: HttpRequest) -> HttpResponse:
    if errors.is_htmx(request):
        return errors.htmx_alert(request, status=500)
    return HttpResponseServerError(loader.render_to_string("500.html"))
