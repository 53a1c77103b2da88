"""The errors services raise when they refuse: who may not, what is not there, what the state of
things forbids, what input is wrong. Each carries its reason in words for the person (`message`,
translated where it is raised); the web layer (okr_site/errors.py) turns them into answers, one
status each, so views do not catch them one by one.

Each one also is the Django exception the rest of the site already understands (PermissionDenied,
Http404, ValidationError), so code that catches those, and Django's own handlers, behave as before.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Where a ValidationError-based one keeps the single message Django stores in `message`.
_DJANGO_MESSAGE = "_django_message"


class DomainError(Exception):
    """A service's refusal; nothing was written. `message` is the reason for the person: the
    words it was raised with, else its class's general words."""

    default_message: str | Promise = _("That did not work. Reload the page and try again.")

    @property
    def message(self) -> str:
        words = " ".join(str(arg) for arg in self.args if arg)
        return words or str(self.default_message)


class _DomainValidationError(DomainError, ValidationError):
    """A domain error that is Django's ValidationError too, so code that catches ValidationError
    around a write still catches it.

    Django keeps the one message such an error is raised with in `message` and reads it back
    there (with its params, which ours never need: raise it with finished text); raised with
    several (a list or a dict of them), all of them are its message. `code` and `params` are then
    None, so a ValidationError made from it reads it as that one message."""

    code: str | None = None
    params: dict | None = None

    @property
    def message(self) -> str:
        if _DJANGO_MESSAGE in self.__dict__:
            return str(self.__dict__[_DJANGO_MESSAGE])
        return " ".join(self.messages)

    @message.setter
    def message(self, value: str | Promise) -> None:
        self.__dict__[_DJANGO_MESSAGE] = value


class NotAllowed(DomainError, PermissionDenied):
    """The person may not do this (they may see it, or the page would not have offered it)."""

    default_message = _("You may not do this. Nothing was changed.")


class NotFound(DomainError, Http404):
    """It does not exist, or it is not the person's to see: the two are told apart to nobody."""

    default_message = _(
        "This is no longer there, or it is not yours to see. "
        "Reload the page to see what is current."
    )


class Conflict(DomainError):
    """The thing changed, or is in a state, that makes this change impossible now."""

    default_message = _("This changed after the page was loaded. Reload the page and try again.")


class CycleStateError(_DomainValidationError):
    """The cycle's state does not allow this change (closed, not grading, moved on meanwhile)."""

    @property
    def text(self) -> str:
        return " ".join(self.messages)


class Invalid(_DomainValidationError):
    """The input is wrong; `message_dict` has the messages by field when it was raised with a
    dict of them."""
