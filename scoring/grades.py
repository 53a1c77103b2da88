"""End-of-cycle scores and their colour bands (DESIGN.md section 3, "Grades")."""

from collections.abc import Sequence
from decimal import Decimal

from scoring.numbers import as_decimal, as_share, weighted_mean
from scoring.types import Band, Number, ObjectiveType

_GREEN_ASPIRATIONAL = Decimal("0.7")
_YELLOW_ASPIRATIONAL = Decimal("0.4")
_GREEN_COMMITTED = Decimal(1)
_YELLOW_COMMITTED = Decimal("0.7")


def kr_score(*, progress: Number, final_grade: Number | None) -> Decimal:
    """Return a key result's score in [0, 1]: its final grade when set, else its progress.

    Raises ValueError when either value lies outside [0, 1] or is not finite.
    """
    progress = as_share(value=progress, name="progress")
    if final_grade is None:
        return progress
    return as_share(value=final_grade, name="final_grade")


def objective_score(*, key_results: Sequence[tuple[Number, Number]]) -> Decimal | None:
    """Return the weighted mean of (weight, score) pairs in [0, 1], or None with no key results.

    Raises ValueError for a negative weight, all-zero weights or a score outside [0, 1].
    """
    if not key_results:
        return None
    pairs = [
        (as_decimal(value=weight, name="weight"), as_share(value=score, name="score"))
        for weight, score in key_results
    ]
    return weighted_mean(pairs=pairs, name="objective score")


def grade_band(*, score: Number, objective_type: ObjectiveType | str) -> Band:
    """Return the colour band of a score in [0, 1] for an objective type.

    aspirational: below 0.4 red, 0.4 up to 0.7 yellow, 0.7 and above green.
    committed: below 0.7 red, 0.7 up to 1 yellow, 1 green.
    Raises ValueError for an unknown type or a score outside [0, 1].
    """
    objective_type = ObjectiveType(objective_type)
    score = as_share(value=score, name="score")
    if objective_type is ObjectiveType.ASPIRATIONAL:
        green, yellow = _GREEN_ASPIRATIONAL, _YELLOW_ASPIRATIONAL
    else:
        green, yellow = _GREEN_COMMITTED, _YELLOW_COMMITTED
    if score >= green:
        return Band.GREEN
    if score >= yellow:
        return Band.YELLOW
    return Band.RED
