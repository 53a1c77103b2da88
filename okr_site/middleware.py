"""Ends idle and over-age sessions, keeps HTMX requests out of the login page, answers the
refusals views let through, and keeps error pages out of HTMX swaps."""

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from domain.errors import DomainError
from objectives.view_helpers import current_page_path
from okr_site import errors, session_timeout


class SessionTimeoutMiddleware:
    """Signs out a session idle for too long or older than the absolute cap.

    Reads only the session (already loaded for the login check), and writes it only when the
    "last seen" stamp is older than SESSION_ACTIVITY_REFRESH_SECONDS, so ordinary requests run
    no extra query. Placed before LoginRequiredMiddleware, which then sends a signed-out person
    to the login page; for an HTMX request that page would land inside a fragment, so this
    answers with HX-Redirect instead and the browser loads the login page whole.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponse | None:
        session = request.session
        if SESSION_KEY in session:
            self._enforce_lifetime(request)
        if (
            errors.is_htmx(request)
            and getattr(view_func, "login_required", True)
            and not request.user.is_authenticated
        ):
            return HttpResponseClientRedirect(self._login_url_for_htmx(request))
        return None

    def _enforce_lifetime(self, request: HttpRequest) -> None:
        session = request.session
        moment = session_timeout.now()
        last_seen = session.get(session_timeout.LAST_SEEN_AT)
        signed_in = session.get(session_timeout.SIGNED_IN_AT)
        if last_seen is None or signed_in is None:
            # A session from before these stamps existed: its clock starts now (one write).
            session[session_timeout.SIGNED_IN_AT] = signed_in or moment
            session[session_timeout.LAST_SEEN_AT] = moment
            return
        if moment - signed_in > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
            self._sign_out(
                request,
                _("You were signed out because your session is more than %(hours)d hours old.")
                % {"hours": settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS // 3600},
            )
        elif moment - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
            self._sign_out(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60},
            )
        elif moment - last_seen >= settings.SESSION_ACTIVITY_REFRESH_SECONDS:
            session[session_timeout.LAST_SEEN_AT] = moment

    @staticmethod
    def _sign_out(request: HttpRequest, message: str) -> None:
        logout(request)
        messages.info(request, message)

    @staticmethod
    def _login_url_for_htmx(request: HttpRequest) -> str:
        """The login page, coming back to the page the fragment was part of."""
        return redirect_to_login(current_page_path(request) or "/")["Location"]


# The start of a whole HTML page, as opposed to a fragment.
_WHOLE_PAGE = re.compile(rb"\s*(<!doctype html|<html)", re.IGNORECASE)


class HtmxErrorMiddleware:
    """A failed HTMX request never gets a whole error page swapped into the page it came from.

    Our error answers (okr_site/errors.py) already answer HTMX with a message for the page's
    alert region; this catches any other whole page sent with an error status to an HTMX
    request — Django's debug pages, a view that renders its page on a refusal — and answers
    the same message instead. Fragments (a refusal in place) and forms with their errors (422,
    page or fragment) pass.
    Placed after the CSP middleware, so the answer it makes still gets the policy header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            # 422 is a form with its messages next to its fields: the page asked for it.
            and response.status_code != 422
            and errors.is_htmx(request)
            and not response.streaming
            and not response.has_header("HX-Retarget")
            and response.get("Content-Type", "").startswith("text/html")
            and _WHOLE_PAGE.match(response.content[:512])
        ):
            return errors.htmx_alert(request, status=response.status_code)
        return response


class ErrorAnswerMiddleware:
    """A refusal a view lets through is answered here, so views do not catch them one by one: a
    service's DomainError, or Django's PermissionDenied or ValidationError, gets its status and
    its reason (okr_site/errors.py). A plain Http404 is left to Django, whose 404 handler gives
    the same answer (and, with DEBUG on, its technical page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError | PermissionDenied | ValidationError):
            return errors.error_response(request, exception)
        return None
