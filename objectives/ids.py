"""Ids typed into URLs and forms: what may be handed to int() and the database."""

# More digits than any id we make; int() itself gives up past 4,300 digits.
MAX_ID_DIGITS = 18


def is_id(text: str) -> bool:
    """Digits only and not absurdly many. str.isdigit() is not enough: it accepts "²" and "①",
    which int() refuses (a 500), where isdecimal() accepts only what int() reads."""
    return text.isdecimal() and len(text) <= MAX_ID_DIGITS
