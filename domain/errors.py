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

# Where a ValidationError-based one keeps the message Django's ValidationError stores in
# `message` (see DomainError.message).
_DJANGO_MESSAGE = "_django_message"


class DomainError(Exception):
    """A service's refusal; nothing was written. `message` is the reason for the person: the
    words it was raised with, else its class's general words."""

    default_message: str | Promise = _("That did not work. Reload the page and try again.")

    @property
    def message(self) -> str:
        # Django's ValidationError keeps the one message it was raised with in `message` and
        # reads it back (with its params, which ours never need: they are raised with finished
        # text); with several messages (a dict or list) it keeps none, and all of them are the
        # reason.
        if _DJANGO_MESSAGE in self.__dict__:
            return str(self.__dict__[_DJANGO_MESSAGE])
        if isinstance(self, ValidationError):
            return " ".join(self.messages)
        words = " ".join(str(arg) for arg in self.args if arg)
        return words or str(self.default_message)

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


class CycleStateError(DomainError, ValidationError):
    """The cycle's state does not allow this change (closed, not grading, moved on meanwhile).

    A ValidationError as well, so code that catches ValidationError around a write still catches
    it; raise it with finished text."""

    @property
    def text(self) -> str:
        return " ".join(self.messages)


class Invalid(DomainError, ValidationError):
    """The input is wrong; `message_dict` has the messages by field when it was raised with a
    dict of them."""
