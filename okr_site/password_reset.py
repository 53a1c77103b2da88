"""Password reset by e-mail: Django's views, with our links, templates and rate limits.

The answer never says whether an address belongs to anyone. Limits (settings
PASSWORD_RESET_REQUESTS_PER_*): per client address, further requests are refused with 429
(which says nothing about any account); per e-mail address, further mails are silently not
sent, so nobody can flood a colleague's inbox.
"""

import hashlib

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from okr_site.security import client_ip

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


class RateLimitedPasswordResetForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        address = str(context["email"]).casefold()
        if not _within_hourly_limit(
            "address", address, settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR
        ):
            return
        # In the account's own language when its owner chose one, else the page's language.
        user = context.get("user")
        with translation.override(getattr(user, "language", "") or translation.get_language()):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RateLimitedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    too_many = _("Too many password reset requests from your network. Please try again in an hour.")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
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

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        # Links point at OKR_SITE_URL, as every other e-mail does, not at whatever Host header
        # the request carried.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever set the password proved they read the account's mail: a lockout from earlier
        # wrong guesses should not keep them from signing in with it.
        reset_login_failures(username=form.user.get_username())
        return response
