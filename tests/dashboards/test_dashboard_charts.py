"""Geometry of the server-side SVG charts, and their text alternatives."""

from datetime import date
from decimal import Decimal

import pytest

from dashboards import charts

D = Decimal


def test_progress_bars_are_proportional_and_the_expected_line_sits_at_the_pace():
    chart = charts.progress_bars(
        title="Progress by person",
        items=[
            charts.BarItem("Ada", D("0.5"), note="2 key results"),
            charts.BarItem("Bo", D(1)),
            charts.BarItem("Cy", None),
        ],
        expected=D("0.25"),
    )
    ada, bo, cy = chart.bars
    assert bo.width == chart.area_width
    assert ada.width == chart.area_width / 2
    assert cy.width == 0 and cy.value_text == "—"
    assert chart.expected_x == chart.label_width + chart.area_width / 4
    assert ada.y < bo.y < cy.y
    assert chart.description == ("Progress: Ada 50%, Bo 100%, Cy —. Expected by now: 25%.")


def test_progress_bars_name_who_is_below_the_expected_line():
    chart = charts.progress_bars(
        title="t",
        items=[charts.BarItem("Ada", D("0.1")), charts.BarItem("Bo", D("0.9"))],
        expected=D("0.5"),
    )
    assert chart.description.endswith("Expected by now: 50%; below it: Ada.")


def test_status_distribution_fills_the_width_in_order_worst_first():
    chart = charts.status_distribution(counts={"on_track": 2, "behind": 1, "done": 1})
    assert [s.status for s in chart.segments] == list(charts.STATUS_ORDER)
    assert sum(s.width for s in chart.segments) == chart.width
    behind, at_risk, on_track, done = chart.segments
    assert behind.x == 0 and behind.width == chart.width / 4
    assert at_risk.count == 0 and at_risk not in chart.drawn
    assert on_track.share_text == "50%"
    assert chart.description == "4 key results: 1 behind, 2 on track, 1 done."


def test_status_distribution_of_nothing():
    chart = charts.status_distribution(counts={})
    assert chart.total == 0 and chart.drawn == []
    assert chart.description == "No key results."


def test_confidence_trend_leaves_gaps_for_weeks_without_ratings():
    weeks = [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26)]
    chart = charts.confidence_trend(weeks=weeks, values=[D(4), None, D(3), D("2.5")])
    assert len(chart.segments) == 2
    assert len(chart.points) == 3
    top_tick = chart.y_ticks[-1]
    assert top_tick.label == "5/5" and top_tick.position == chart.top
    assert chart.y_ticks[0].position == chart.bottom
    # 4/5 is three quarters of the way up.
    assert chart.points[0].y == chart.bottom - (chart.bottom - chart.top) * 3 / 4
    assert chart.description == (
        "Average confidence went from 4.00/5 in the week of 5 Oct to 2.50/5 in the week of 26 Oct."
    )


def test_confidence_trend_without_ratings_says_so():
    chart = charts.confidence_trend(weeks=[date(2026, 10, 5)], values=[None])
    assert chart.points == [] and chart.segments == []
    assert chart.description == "No confidence has been recorded in this cycle yet."


def test_value_history_draws_target_pace_and_today_for_a_metric():
    chart = charts.value_history(
        cycle_start=date(2026, 10, 1),
        cycle_end=date(2026, 12, 31),
        on=date(2026, 11, 15),
        kind="metric",
        start=D(20),
        target=D(60),
        checkins=[(date(2026, 10, 8), D(25)), (date(2026, 11, 1), D(32))],
    )
    assert [line.css for line in chart.lines] == ["target", "pace", "today"]
    target, pace, today = chart.lines
    assert target.y1 == target.y2
    # The pace line runs from the start value on day one to the target on the last day.
    assert (pace.x1, pace.x2) == (chart.left, chart.right)
    assert pace.y2 == target.y1
    assert chart.left < today.x1 < chart.right
    assert len(chart.points) == 2 and len(chart.segments) == 1
    # The line starts at the start value on the first day, then joins the check-ins.
    first_x, first_y = (D(n) for n in chart.segments[0].split()[0].split(","))
    assert (first_x, first_y) == (chart.left, pace.y1)
    assert chart.description == ("2 check-ins from 8 Oct to 1 Nov; latest 32, start 20, target 60.")


def test_value_history_of_a_threshold_key_result_has_no_pace_line():
    chart = charts.value_history(
        cycle_start=date(2026, 10, 1),
        cycle_end=date(2026, 12, 31),
        on=date(2026, 10, 2),
        kind="at_most",
        start=D(8),
        target=D(5),
        checkins=[],
    )
    assert [line.css for line in chart.lines] == ["target", "today"]
    assert chart.segments == [] and chart.points == []
    assert chart.description == "No check-in yet; start 8, target 5."


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (D(0), D(100), [D(0), D(50), D(100)]),
        (D(0), D(60), [D(0), D(20), D(40), D(60)]),
        (D(14), D(20), [D(14), D(16), D(18), D(20)]),
        (D("99.9"), D("99.99"), [D("99.9"), D("99.95"), D(100)]),
        (D(45), D(30), [D(30), D(35), D(40), D(45)]),
        (D(5), D(5), [D("4.5"), D(5), D("5.5")]),
    ],
)
def test_nice_ticks(low, high, expected):
    ticks = charts.nice_ticks(low, high)
    assert ticks == expected
    assert all("E" not in str(tick) for tick in ticks)  # 100, never 1E+2


@pytest.mark.parametrize(
    ("rate", "level"),
    [(None, "none"), (D(0), "0"), (D("0.1"), "1"), (D("0.25"), "2"), (D("0.5"), "3"), (D(1), "4")],
)
def test_heat_levels(rate, level):
    assert charts.heat_level(rate) == level


def test_heatmap_lays_out_teams_down_and_weeks_across():
    weeks = [date(2026, 10, 5), date(2026, 10, 12)]
    chart = charts.checkin_heatmap(
        rows=[
            charts.HeatRow("Sales", "/teams/sales/", [D("0.5"), D(1)]),
            charts.HeatRow("Empty", "/teams/empty/", [None, None]),
        ],
        weeks=weeks,
    )
    assert len(chart.cells) == 4
    first, second, third, _ = chart.cells
    assert first.y == second.y < third.y
    assert first.x < second.x
    assert first.text == "50%" and second.level == "4" and third.level == "none"
    assert first.title == "Sales, week of 5 Oct: 50% checked in"
    assert (
        chart.description == "Share of key results checked in, week of 12 Oct: Sales 100%, Empty —."
    )
