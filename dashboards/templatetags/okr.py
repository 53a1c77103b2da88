"""Formatting of the numbers `scoring` produces; no number is computed here."""

from decimal import Decimal

from django import template

import scoring

register = template.Library()

PREFIX_UNITS = {"$", "€", "£", "¥", "₩"}


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent, with thousands separators."""
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value.normalize():,f}"


@register.filter
def with_unit(value: Decimal | None, unit: str = "") -> str:
    """740000 with "$" → "$740,000"; 12.5 with "%" → "12.5%"; 30 with "days" → "30 days"."""
    if value is None:
        return "—"
    number = _plain(Decimal(value))
    if not unit:
        return number
    if unit in PREFIX_UNITS:
        return f"−{unit}{number[1:]}" if number.startswith("-") else f"{unit}{number}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"


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
    return str((Decimal(value) * 100).quantize(Decimal(1)))


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
        return f"+{points} pts"
    if points < 0:
        return f"−{abs(points)} pts"
    return "±0 pts"
