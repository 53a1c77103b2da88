import pytest

from scoring import Reason, Status, StatusResult, worst


def test_rank_order() -> None:
    ranks = [s.rank for s in (Status.DONE, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND)]
    assert ranks == [0, 1, 2, 3]


def test_labels() -> None:
    assert [s.label for s in Status] == ["done", "on track", "at risk", "behind"]


def test_worst() -> None:
    assert worst(Status.ON_TRACK, Status.BEHIND, Status.AT_RISK) is Status.BEHIND
    assert worst("done", "on_track") is Status.ON_TRACK
    assert worst(Status.DONE) is Status.DONE


def test_worst_rejects_nothing_and_unknown() -> None:
    with pytest.raises(ValueError):
        worst()
    with pytest.raises(ValueError):
        worst("green")


def test_status_result_reason() -> None:
    result = StatusResult(
        status=Status.AT_RISK,
        reasons=(
            Reason(code="pace", params={}, text="0.50 of an expected 0.60"),
            Reason(code="confidence", params={"confidence": 3}, text="confidence 3/5"),
        ),
        stale=False,
    )
    assert result.reason == "at risk: 0.50 of an expected 0.60; confidence 3/5"


def test_reason_params_are_frozen() -> None:
    params = {"confidence": 3}
    reason = Reason(code="confidence", params=params, text="confidence 3/5")
    params["confidence"] = 1
    assert reason.params == {"confidence": 3}
    with pytest.raises(TypeError):
        reason.params["confidence"] = 2  # type: ignore[index]
