"""Ends idle and over-age sessions, and keeps HTMX requests out of the login page."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from okr_site import session_timeout


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

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        session = request.session
        if SESSION_KEY in session:
            self._enforce_lifetime(request)
        if (
            request.headers.get("HX-Request") == "true"
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
        back_to = request.headers.get("HX-Current-URL", "")
        if back_to and url_has_allowed_host_and_scheme(
            back_to, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(back_to)
            back_to = parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            back_to = "/"
        return redirect_to_login(back_to)["Location"]
