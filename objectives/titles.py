"""What may be in a title or a name that others read in lists, trees, e-mails and exports."""

from django.utils.translation import gettext as _

# Characters that reorder the text around them: embeddings and overrides (U+202A–U+202E) and
# isolates (U+2066–U+2069). A right-to-left override makes a title read differently from what
# it says, and a missing terminator reorders whatever is printed after it. The marks
# (U+200E, U+200F) only nudge the direction of neutral characters in mixed text and stay allowed.
DIRECTION_CONTROLS = frozenset(
    chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def title_errors(text: str) -> list[str]:
    """Why `text` cannot be a title or a name (empty when it can), beyond being blank or long."""
    if any(char in DIRECTION_CONTROLS for char in text):
        return [
            _(
                "Remove the invisible characters that change the direction of the text "
                "(such as a right-to-left override)."
            )
        ]
    return []
