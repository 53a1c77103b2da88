"""Ids and numbers typed into URLs and forms: what may be handed to int(), Decimal() and the
database."""

from django.utils.translation import gettext_lazy as _

# More digits than any id we make; int() itself gives up past 4,300 digits.
MAX_ID_DIGITS = 18

# int() and Decimal() read every script's digits ("١٢" and "１２" are 12); people reading the
# page, the audit trail or an export would not recognise such a number, so it is refused.
FOREIGN_DIGITS_MESSAGE = _("Type the number with the digits 0 to 9.")


def is_id(text: str) -> bool:
    """ASCII digits only and not absurdly many. str.isdigit() is not enough: it accepts "²"
    and "①", which int() refuses (a 500), and isdecimal() accepts "١", which int() reads as 1:
    an id nobody wrote."""
    return text.isascii() and text.isdecimal() and len(text) <= MAX_ID_DIGITS
