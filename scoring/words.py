"""The words scoring writes (status names, reasons), kept translatable without Django.

A sentence is a `Words`: an English message with NAMED placeholders ("%(value)s"), optionally a
plural form and the count that chooses it, and the values to put in. `english()` gives the
English text (what `Reason.text` holds); `translated()` gives it in the active language through
the functions a web layer installs with `install_translator` (dashboards/apps.py installs
Django's), or in English when none is installed. The builders below are named like the gettext
functions so that `makemessages` (xgettext) extracts their messages:

    words.gettext("no update for %(days)s days", days=12)
    words.ngettext("%(count)s day", "%(count)s days", 3, count=3)
    words.pgettext("status", "on track")
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def _english_gettext(message: str) -> str:
    return message


def _english_ngettext(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _english_pgettext(context: str, message: str) -> str:
    return message


_translator: dict[str, Callable[..., str]] = {
    "gettext": _english_gettext,
    "ngettext": _english_ngettext,
    "pgettext": _english_pgettext,
}


def install_translator(
    *,
    gettext: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
    pgettext: Callable[[str, str], str],
) -> None:
    """Translate scoring's words with these functions from now on (Django's, usually)."""
    _translator.update(gettext=gettext, ngettext=ngettext, pgettext=pgettext)


@dataclass(frozen=True)
class Words:
    """One translatable message and the values for its placeholders (which may be Words)."""

    message: str
    args: Mapping[str, object] = field(default_factory=dict)
    plural: str = ""
    count: int = 1
    context: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "args", MappingProxyType(dict(self.args)))

    def english(self) -> str:
        template = self.plural if self.plural and self.count != 1 else self.message
        args = {k: v.english() if isinstance(v, Words) else v for k, v in self.args.items()}
        return template % args if args else template

    def translated(self) -> str:
        if self.plural:
            template = _translator["ngettext"](self.message, self.plural, self.count)
        elif self.context:
            template = _translator["pgettext"](self.context, self.message)
        else:
            template = _translator["gettext"](self.message)
        args = {k: v.translated() if isinstance(v, Words) else v for k, v in self.args.items()}
        return template % args if args else template

    def __str__(self) -> str:
        return self.translated()


def gettext(message: str, /, **args: object) -> Words:
    return Words(message, args)


def ngettext(singular: str, plural: str, count: int, /, **args: object) -> Words:
    return Words(singular, args, plural=plural, count=count)


def pgettext(context: str, message: str, /, **args: object) -> Words:
    return Words(message, args, context=context)


def translate(message: str) -> str:
    """A fixed message (no placeholders) in the active language."""
    return _translator["gettext"](message)
