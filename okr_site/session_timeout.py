"""Session idle timeout and absolute lifetime: the stamps kept in the session.

The session carries two Unix times: when the person signed in and when they were last seen. The
"last seen" stamp is refreshed at most every SESSION_ACTIVITY_REFRESH_SECONDS, so an ordinary
request never writes the session (pages assert exact query counts); the price is that an idle
session may end up to that many seconds early.
"""

import time

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

SIGNED_IN_AT = "_okr_signed_in_at"
LAST_SEEN_AT = "_okr_last_seen_at"


def now() -> int:
    return int(time.time())


def stamp_new_session(
    sender: type, request: HttpRequest, user: AbstractBaseUser, **kwargs: object
) -> None:
    """At sign-in, so the first requests afterwards have nothing to write."""
    session = getattr(request, "session", None)
    if session is None:
        return
    moment = now()
    session[SIGNED_IN_AT] = moment
    session[LAST_SEEN_AT] = moment


def connect_signals() -> None:
    user_logged_in.connect(stamp_new_session, dispatch_uid="okr_site.session_timeout.stamp")
