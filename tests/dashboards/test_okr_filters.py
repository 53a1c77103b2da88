"""The dashboards' template filters: shares, signed changes and percentage points."""

from decimal import Decimal

import pytest

import scoring
from dashboards.templatetags import okr

D = Decimal


@pytest.mark.parametrize(
    ("value", "text"), [(None, "—"), (D("0.5"), "50%"), (D(1), "100%"), (D("0.004"), "0%")]
)
def test_share(value, text):
    assert okr.share(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), (D("0.125"), "+0.13"), (D("-1"), "−1.00"), (D("0.001"), "±0.00")],
)
def test_signed(value, text):
    assert okr.signed(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), (D("0.12"), "+12 pts"), (D("-0.5"), "−50 pts"), (D("0.001"), "±0 pts")],
)
def test_signed_points(value, text):
    assert okr.signed_points(value) == text


def test_shares_round_halves_up_like_scoring():
    # As the weekly summary's sentences and scoring.round2 do, so the same share reads the same
    # everywhere and a change from the shown values matches them.
    assert okr.share(D("0.325")) == "33%"
    assert okr.share(D("0.335")) == "34%"
    assert okr.percent(D("0.005")) == "1"


def test_a_change_shown_is_the_difference_of_the_shares_shown():
    now, before = D("0.324"), D("0.636")
    change = scoring.shown_change(now=now, before=before)
    assert (okr.share(now), okr.share(before), okr.signed_points(change)) == (
        "32%",
        "64%",
        "−32 pts",
    )
