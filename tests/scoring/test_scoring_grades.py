from decimal import Decimal as D

import pytest

from scoring import Band, ObjectiveType, grade_band, kr_score, objective_score


class TestScores:
    def test_progress_without_final_grade(self) -> None:
        assert kr_score(progress=D("0.45"), final_grade=None) == D("0.45")

    def test_final_grade_wins(self) -> None:
        assert kr_score(progress=D("0.45"), final_grade=D("0.7")) == D("0.7")

    def test_final_grade_of_zero_is_a_grade(self) -> None:
        assert kr_score(progress=D("0.45"), final_grade=D(0)) == 0

    @pytest.mark.parametrize("grade", [D("-0.1"), D("1.01"), D("NaN")])
    def test_final_grade_outside_range_rejected(self, grade: D) -> None:
        with pytest.raises(ValueError):
            kr_score(progress=D("0.45"), final_grade=grade)

    def test_objective_score_weighted(self) -> None:
        assert objective_score(key_results=[(D(1), D(1)), (D(1), D("0.4"))]) == D("0.7")
        assert objective_score(key_results=[(D(3), D(1)), (D(1), D(0))]) == D("0.75")

    def test_objective_score_empty(self) -> None:
        assert objective_score(key_results=[]) is None

    def test_objective_score_bad_weights(self) -> None:
        with pytest.raises(ValueError):
            objective_score(key_results=[(D(0), D(1))])
        with pytest.raises(ValueError):
            objective_score(key_results=[(D(-1), D(1)), (D(2), D(1))])


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (D(0), Band.RED),
        (D("0.39"), Band.RED),
        (D("0.3999"), Band.RED),
        (D("0.4"), Band.YELLOW),
        (D("0.69"), Band.YELLOW),
        (D("0.6999"), Band.YELLOW),
        (D("0.7"), Band.GREEN),
        (D("0.70"), Band.GREEN),
        (D(1), Band.GREEN),
    ],
)
def test_aspirational_bands(score: D, band: Band) -> None:
    assert grade_band(score=score, objective_type="aspirational") is band


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (D(0), Band.RED),
        (D("0.4"), Band.RED),
        (D("0.6999"), Band.RED),
        (D("0.7"), Band.YELLOW),
        (D("0.99"), Band.YELLOW),
        (D("0.9999"), Band.YELLOW),
        (D(1), Band.GREEN),
        (D("1.000"), Band.GREEN),
    ],
)
def test_committed_bands(score: D, band: Band) -> None:
    assert grade_band(score=score, objective_type=ObjectiveType.COMMITTED) is band


def test_unknown_objective_type_rejected() -> None:
    with pytest.raises(ValueError):
        grade_band(score=D("0.5"), objective_type="stretch")


@pytest.mark.parametrize("score", [D("-0.01"), D("1.01"), D("Infinity")])
def test_score_outside_range_rejected(score: D) -> None:
    with pytest.raises(ValueError):
        grade_band(score=score, objective_type="committed")
