from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from objectives.view_helpers import current_page_path, same_site_path


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
    is_htmx = request.headers.get("HX-Request") == "true"
    reload_url = (
        current_page_path(request)
        or same_site_path(request, request.headers.get("Referer", ""))
        or request.path
    )
    template = "csrf_failure.html#message" if is_htmx else "csrf_failure.html"
    return render(request, template, {"reload_url": reload_url}, status=403)


# --- Error answers ---------------------------------------------------------------------------
# Django's default error views are decorated with requires_csrf_token, whose CSRF check reads
# request.POST again; a body Django could not decode (a form declaring charset=utf-16) then
# fails a second time inside the 400 view and once more inside the 500 view, and the server
# answers a bare text 500. These views read neither the body nor the database: the 400 and 500
# pages are rendered without the request (no context processors), in our look, and the CSP
# middleware still adds its header on the way out.

# The page's region for messages about HTMX requests that failed (base.html); static/js/alerts.js
# lets a response retargeted here swap whatever its status.
ALERT_REGION = "#alert-region"


def _status_message(status: int) -> str:
    if status == 400:
        return _(
            "Your request could not be read, so nothing was changed. Reload the page and try again."
        )
    if status == 403:
        return _("You may not do this. Nothing was changed.")
    if status == 404:
        return _(
            "This is no longer there, or it is not yours to see. "
            "Reload the page to see what is current."
        )
    if status == 409:
        return _("This changed after the page was loaded. Reload the page and try again.")
    if status >= 500:
        return _("Something went wrong on our side. Please try again in a minute.")
    return _("That did not work. Reload the page and try again.")


def htmx_alert(request: HttpRequest, *, status: int, message: str = "") -> HttpResponse:
    """A failed HTMX request's answer: a short message for the page's alert region (never an
    error page swapped in where the fragment was meant to go)."""
    context = {
        "message": message or _status_message(status),
        "status": status,
        "reload_url": current_page_path(request) or "",
    }
    response = HttpResponse(loader.render_to_string("alert.html", context), status=status)
    response["HX-Retarget"] = ALERT_REGION
    response["HX-Reswap"] = "innerHTML"
    return response


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_htmx(request):
        return htmx_alert(request, status=400)
    content = loader.render_to_string("400.html", {"message": _status_message(400)})
    return HttpResponseBadRequest(content)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_htmx(request):
        # A PermissionDenied raised with a reason carries it; a bare one gets the general words.
        return htmx_alert(request, status=403, message=str(exception or ""))
    # Django's own view would run a CSRF check first (see above); ours renders directly.
    context = {"exception": str(exception or "")}
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_htmx(request):
        return htmx_alert(request, status=404)
    return HttpResponseNotFound(loader.render_to_string("404.html", {}, request))


def server_error(request: HttpRequest) -> HttpResponse:
    if is_htmx(request):
        return htmx_alert(request, status=500)
    return HttpResponseServerError(loader.render_to_string("500.html"))
