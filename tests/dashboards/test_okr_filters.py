"""The dashboards' template filters: shares, signed changes and percentage points."""

from decimal import Decimal

import pytest

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
