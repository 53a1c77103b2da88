"""Template filters for the numbers `scoring` produces: scores, percentages, signed changes, and
values with their units (dashboards/number_text.py). No number is computed here."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

import scoring
from dashboards.number_text import with_unit

register = template.Library()
register.filter("with_unit", with_unit)


@register.filter
def score(value: Decimal | None) -> str:
    """A 0–1 score to two decimals ("0.45"), or "—" when there is none."""
    if value is None:
        return "—"
    return str(scoring.round2(value))


@register.filter
def percent(value: Decimal | None) -> str:
    """A 0–1 share as a whole percentage for bar widths and labels ("45")."""
    if value is None:
        return "0"
    # Rounded as `scoring.round2` rounds (halves up), so a change worked out from the shown
    # values (`scoring.shown_change`) is the difference of the percentages printed.
    return str((scoring.round2(Decimal(value)) * 100).quantize(Decimal(1)))


@register.filter
def share(value: Decimal | None) -> str:
    """A 0–1 share as a whole percentage ("45%"), or "—" when there is none."""
    if value is None:
        return "—"
    return f"{percent(value)}%"


@register.filter
def signed(value: Decimal | None) -> str:
    """A change to two decimals with its sign: "+0.12", "−0.30", "±0.00"; "—" when unknown."""
    if value is None:
        return "—"
    rounded = scoring.round2(value)
    if rounded > 0:
        return f"+{rounded}"
    if rounded < 0:
        return f"−{abs(rounded)}"
    return "±0.00"


@register.filter
def signed_points(value: Decimal | None) -> str:
    """A change of a share in percentage points: "+12 pts", "−5 pts", "±0 pts"; "—" unknown."""
    if value is None:
        return "—"
    points = (Decimal(value) * 100).quantize(Decimal(1))
    if points > 0:
        shown = f"+{points}"
    elif points < 0:
        shown = f"−{abs(points)}"
    else:
        shown = "±0"
    # Translators: a change in percentage points, e.g. "+12 pts".
    return _("%(points)s pts") % {"points": shown}
