"""Sorting people's and teams' names the way readers expect, whatever the database.

Names mix English and Korean. The key ignores case ("bo" sits between "Ann" and "Cy"), treats a
name typed in decomposed Hangul jamo like the same name typed in syllables, and leaves Hangul in
가나다 order (the Unicode order of the syllables). Latin names come before Hangul ones. The lists
are sorted in Python, not by the database, so SQLite and PostgreSQL (whose order depends on the
database's collation) list them alike.
"""

import unicodedata


def name_key(name: str | None) -> tuple[str, str]:
    """Sort key for a name: case-insensitive first, then exact (so the order is total)."""
    text = unicodedata.normalize("NFC", (name or "").strip())
    return (text.casefold(), text)


def person_key(person: object) -> tuple[tuple[str, str], tuple[str, str], int]:
    """Sort key for a user: by the name people see, then username, then id."""
    return (
        name_key(getattr(person, "name", "")),
        name_key(getattr(person, "username", "")),
        getattr(person, "pk", None) or 0,
    )
