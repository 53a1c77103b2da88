"""The header's language switcher: a person's own choice of English or Korean.

Signed in, the choice is kept on their account (User.language), so e-mails and every device follow
it; the cookie is set as well, so the login page keeps the language after signing out. Anonymous
visitors (the login and password reset pages) get the cookie only.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from objectives.models import User
from objectives.view_helpers import refusal


def set_own_language(*, user: User, language: str) -> None:
    """Keep ``language`` (a code from settings.LANGUAGES) as ``user``'s choice."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# A preference, not an OKR: read-only viewers choose their language like everyone else.
@login_not_required
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return refusal(request, _("Choose English or 한국어."), status=422)
    if request.user.is_authenticated:
        set_own_language(user=request.user, language=language)
    # Django's own view sets the cookie and goes back to `next` when it is on this site.
    return django_set_language(request)
