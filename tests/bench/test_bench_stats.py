"""The benchmark's arithmetic and reports (bench/stats.py), the driver's guards (bench/run.py)."""

import pytest

from bench import run
from bench.stats import (
    Measurement,
    Throughput,
    load_actions,
    load_table,
    parse_wrk,
    percentile,
    table,
    throughput_table,
)

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8799/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    13.12ms    2.01ms  40.11ms   90.00%
    Req/Sec   306.70     20.05   350.00     70.00%
  6123 requests in 10.01s, 14.10MB read
Requests/sec:    611.68
Transfer/sec:      1.41MB
"""


def test_percentiles_are_nearest_rank():
    samples = [float(n) for n in range(100, 0, -1)]
    assert percentile(samples, 0.5) == 50
    assert percentile(samples, 0.95) == 95
    assert percentile([7.0], 0.95) == 7
    assert percentile([1.0, 2.0], 0.5) == 1
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_wrk_reports_are_read():
    assert parse_wrk(WRK_OUTPUT) == (611.68, 0)
    bad = WRK_OUTPUT.replace("Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec")
    assert parse_wrk(bad) == (611.68, 12)
    with pytest.raises(ValueError):
        parse_wrk("unable to connect to 127.0.0.1:8799 Connection refused")


def _measured(name: str, ms: list[float], queries: list[int], target: float | None) -> Measurement:
    return Measurement(name, name.title(), ms, queries, 200, 1000, target)


def test_the_table_shows_ratios_to_the_floor_and_the_verdict():
    floor = _measured("floor", [4.0, 5.0, 6.0], [3, 3, 3], None)
    fast = _measured("my week", [10.0, 12.0, 30.0], [6, 6, 6], 3)
    slow = _measured("team", [40.0, 41.0, 42.0], [5, 7, 5], 6)
    text = table([floor, fast, slow], floor)
    assert "| Floor | 5.0 | 6.0 | 1.00× |  | 3 |" in text
    assert "| My Week | 12.0 | 30.0 | 2.40× ✓ | ≤ 3× | 6 |" in text
    assert "| Team | 41.0 | 42.0 | 8.20× ✗ | ≤ 6× | 5–7 |" in text
    assert fast.meets_target(floor) is True
    assert slow.meets_target(floor) is False
    assert floor.meets_target(floor) is None


def test_throughput_is_a_ratio_to_the_floor():
    floor = Throughput("Floor", 600.0, 0, 8, 10)
    page = Throughput("My week", 150.0, 0, 8, 10)
    assert "| My week | 150 | 0.25 |" in throughput_table([floor, page], floor)


def test_the_driver_only_ever_uses_a_database_and_a_redis_of_its_own():
    with pytest.raises(SystemExit, match="bench"):
        run.ensure_database("postgres://postgres@127.0.0.1:5432/okr_dev")
    for shared in ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379"):
        with pytest.raises(SystemExit, match="Redis database of its own"):
            run.empty_cache(shared)


def test_the_driver_measures_at_least_fifty_requests_a_page():
    with pytest.raises(SystemExit):
        run.parse_args(["--requests", "10"])
    assert run.parse_args([]).requests >= 50


def test_every_page_the_issue_names_is_measured_with_its_target():
    subjects = {
        "key_result": 7,
        "checkin_key_result": 8,
        "team_slug": "sales",
    }
    targets = {t.name: t for t in run.targets_for(subjects)}
    assert {name: t.target_ratio for name, t in targets.items()} == {
        "floor": None,
        "my_week": 3,
        "key_result": 3,
        "checkin": 3,
        "team": 4,
        "team_table": 4,
        "company": 6,
        "cycle_report": 6,
    }
    assert targets["checkin"].method == "POST"
    assert targets["team"].path == "/teams/sales/?subteams=1"
    assert dict(targets["team_table"].headers)["HX-Request"] == "true"


def test_load_runs_are_grouped_by_action_and_tabled_against_the_floor():
    rows = [("My week", 10.0, True), ("Check-in POST", 30.0, True), ("My week", 20.0, False)]
    rows += [("My week", 40.0, True)]
    actions = load_actions(rows)
    assert [(a.name, a.samples_ms, a.failures) for a in actions] == [
        ("My week", [10.0, 20.0, 40.0], 1),
        ("Check-in POST", [30.0], 0),
    ]
    assert (actions[0].p50, actions[0].p95) == (20.0, 40.0)
    text = load_table(actions, seconds=2, floor_rate=4.0)
    assert "| My week | 3 | 1 | 20.0 | 40.0 | 1.5 |" in text
    # Four requests in 2 s is 2 a second, half the floor's 4.
    assert text.splitlines()[-1] == "| **the mix** | 4 | 1 | | | 2.0 (0.50× the floor's 4.0) |"
