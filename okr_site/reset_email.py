"""The password-reset e-mail, in the account's language, with links to OKR_SITE_URL. Sent by a
task (okr_site/tasks.py), never by the request that asked for it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

EMAIL_TEMPLATE = "registration/password_reset_email.txt"
HTML_EMAIL_TEMPLATE = "registration/password_reset_email.html"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"


class LocalisedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, object],
        *args: object,
        **kwargs: object,
    ) -> None:
        # In the account's own language when its owner chose one, else the page's language.
        user = context.get("user")
        with translation.override(getattr(user, "language", "") or translation.get_language()):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def send_reset_email(*, email: str, language: str) -> None:
    """E-mail a reset link to each active account with a usable password at `email` (none when
    nobody has it). Runs in a task, so the request that asked takes as long for any address."""
    form = LocalisedPasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site_url = settings.SITE_URL.rstrip("/")
    with translation.override(language or settings.LANGUAGE_CODE):
        form.save(
            # Links point at OKR_SITE_URL, as every other e-mail does, not at whatever Host
            # header the request carried.
            domain_override=urlsplit(site_url).netloc or "localhost",
            use_https=site_url.startswith("https:"),
            subject_template_name=SUBJECT_TEMPLATE,
            email_template_name=EMAIL_TEMPLATE,
            html_email_template_name=HTML_EMAIL_TEMPLATE,
            extra_email_context={"site_url": site_url},
        )
