"""Password reset by e-mail: Django's views, with our links, templates and rate limits.

The answer never says whether an address belongs to anyone, neither in what it says nor in how
long it takes: the request only counts the limits and queues a task (`okr_site.tasks`), the same
work for every address; the task looks the address up and renders and sends the e-mail. Limits
(settings PASSWORD_RESET_REQUESTS_PER_*): per client address, further requests are refused with
429 (which says nothing about any account); per e-mail address, further mails are silently not
sent, so nobody can flood a colleague's inbox.
"""

import hashlib
import logging

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from okr_site.reset_email import LocalisedPasswordResetForm
from okr_site.security import client_ip
from okr_site.tasks import send_password_reset_email

logger = logging.getLogger(__name__)

HOUR = 3600


def _within_hourly_limit(scope: str, identity: str, limit: int) -> bool:
    """Count one more use of ``identity`` in this hour's window; False once over ``limit``."""
    digest = hashlib.sha256(identity.encode()).hexdigest()
    key = f"okr:password-reset:{scope}:{digest}"
    cache.add(key, 0, timeout=HOUR)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(key, 1, timeout=HOUR)
        count = 1
    return count <= limit


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalisedPasswordResetForm
    too_many = _("Too many password reset requests from your network. Please try again in an hour.")

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        # Only well-formed requests count: those are the ones that may send mail.
        if not _within_hourly_limit(
            "client",
            client_ip(request) or "unknown",
            settings.PASSWORD_RESET_REQUESTS_PER_CLIENT_PER_HOUR,
        ):
            form.add_error(None, self.too_many)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return self.form_valid(form)

    def form_invalid(self, form: PasswordResetForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # The same steps whether or not the address has an account: count it, queue the task.
        email = form.cleaned_data["email"]
        if _within_hourly_limit(
            "address", email.casefold(), settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR
        ):
            try:
                send_password_reset_email.delay(email, translation.get_language())
            except Exception:
                # The broker is down: the answer stays the same (it must not tell addresses
                # apart, nor fail), and the log says why no e-mail came.
                logger.exception("password reset: could not queue the e-mail")
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_invalid(self, form: SetPasswordForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever set the password proved they read the account's mail: a lockout from earlier
        # wrong guesses should not keep them from signing in with it.
        reset_login_failures(username=form.user.get_username())
        return response
