"""Decimal plumbing shared by the other modules: input checks, means, rounding and display."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

ZERO = Decimal(0)
ONE = Decimal(1)
_CENT = Decimal("0.01")
# Shares (progress, scores) are kept in the database to this many decimal places: SQLite holds a
# decimal column as a binary float, which returns 15 significant digits exactly and no more.
STORED_PLACES = 12
_STORED_QUANTUM = Decimal(1).scaleb(-STORED_PLACES)
# Means are summed wider than the default 28 digits so that rounding cannot leak into the result,
# e.g. the mean of equal values is exactly that value.
_WIDE_PRECISION = 80


def as_decimal(*, value: object, name: str) -> Decimal:
    """Return `value` (a Decimal or an int) as a finite Decimal.

    Raises TypeError for any other type (float, str, bool) and ValueError for NaN or infinity.
    """
    # bool is an int subclass, but a True among numbers is always a caller's bug.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{name} must be a finite number, got {number}")
    return number


def as_share(*, value: object, name: str) -> Decimal:
    """Return `value` as a finite Decimal in [0, 1]; raise ValueError when it lies outside."""
    number = as_decimal(value=value, name=name)
    if not ZERO <= number <= ONE:
        raise ValueError(f"{name} must lie between 0 and 1, got {number}")
    return number


def as_date(*, value: object, name: str) -> date:
    """Return `value` when it is a date; raise TypeError for a datetime or anything else."""
    # A datetime would be cut to its own time zone's date, not the company's: the caller decides.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")
    return value


def clamp(*, value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Return `value` limited to the closed interval [low, high]."""
    return max(low, min(high, value))


def weighted_mean(*, pairs: Sequence[tuple[Decimal, Decimal]], name: str) -> Decimal:
    """Return the weighted mean of validated (weight, value) pairs.

    Raises ValueError when `pairs` is empty, a weight is negative or all weights are zero.
    """
    if not pairs:
        raise ValueError(f"{name}: nothing to average")
    if any(weight < ZERO for weight, _ in pairs):
        raise ValueError(f"{name}: weights must not be negative")
    counted = [value for weight, value in pairs if weight > ZERO]
    if not counted:
        raise ValueError(f"{name}: at least one weight must be positive")
    with localcontext(prec=_WIDE_PRECISION):
        total_weight = sum((weight for weight, _ in pairs), ZERO)
        total = sum((weight * value for weight, value in pairs), ZERO)
        mean = total / total_weight
    # Unary plus rounds back to the caller's precision; the clamp keeps the mean provably between
    # its inputs whatever that precision is.
    return clamp(value=+mean, low=min(counted), high=max(counted))


def plain_mean(*, values: Sequence[Decimal]) -> Decimal:
    """Return the plain mean of a non-empty sequence of validated Decimals."""
    return weighted_mean(pairs=[(ONE, value) for value in values], name="mean")


def round2(value: Decimal) -> Decimal:
    """Return `value` (a Decimal or an int) quantized to 0.01, halves rounded up, for display.

    Raises TypeError for other types and ValueError for NaN or infinity.
    """
    return as_decimal(value=value, name="value").quantize(_CENT, rounding=ROUND_HALF_UP)


def stored_share(value: Decimal) -> Decimal:
    """Return a share in [0, 1] (progress, a score) as the database keeps it: to STORED_PLACES
    decimal places, halves to even. Pages that add stored shares up get the same numbers on
    every database.

    Raises TypeError for other types and ValueError for a value outside [0, 1] or not finite.
    """
    return as_share(value=value, name="share").quantize(_STORED_QUANTUM, rounding=ROUND_HALF_EVEN)


def plain_number(*, value: Decimal) -> str:
    """Return `value` written without trailing zeros or exponent: 5.00 -> "5", 1E+2 -> "100"."""
    if value.is_zero():
        return "0"
    return format(value.normalize(), "f")
