"""The benchmark's arithmetic and reporting: percentiles, ratios to the floor, the table, wrk.

Pure functions (no Django, no network), so tests/bench/test_bench_stats.py can check them.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least `fraction` of the samples
    at or below it (p50 of 1..100 is 50, p95 is 95). Raises ValueError with no samples."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < fraction <= 1:
        raise ValueError("fraction must lie in (0, 1]")
    ordered = sorted(samples)
    rank = math.ceil(fraction * len(ordered))
    return ordered[max(rank, 1) - 1]


class Timed:
    """The median and 95th percentile of `samples_ms`, nearest-rank."""

    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 0.5)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 0.95)


@dataclass
class Measurement(Timed):
    """One page measured: its latencies (milliseconds) and SQL queries per request."""

    name: str
    label: str
    samples_ms: list[float]
    queries: list[int]
    status: int
    bytes: int
    target_ratio: float | None = None  # the ceiling for p50 / floor p50
    cold_ms: list[float] = field(default_factory=list)  # first requests after a write

    @property
    def query_count(self) -> str:
        """The count when every request made the same number of queries, else "min–max"."""
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"

    def ratio(self, floor: "Measurement") -> float:
        return self.p50 / floor.p50

    def meets_target(self, floor: "Measurement") -> bool | None:
        if self.target_ratio is None:
            return None
        return self.ratio(floor) <= self.target_ratio


@dataclass
class Throughput:
    name: str
    requests_per_second: float
    non_2xx: int
    connections: int
    seconds: int


WRK_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_ERRORS = re.compile(r"Socket errors:.*")


def parse_wrk(output: str) -> tuple[float, int]:
    """(requests per second, non-2xx/3xx responses) from wrk's report; ValueError when wrk did
    not report a rate."""
    rate = WRK_RATE.search(output)
    if rate is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{output}")
    bad = WRK_NON_2XX.search(output)
    return float(rate.group(1)), int(bad.group(1)) if bad else 0


def table(measurements: Sequence[Measurement], floor: Measurement) -> str:
    """The results as a Markdown table (the README shows the same)."""
    lines = [
        "| page | p50 ms | p95 ms | p50 / floor | target | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        target = "" if m.target_ratio is None else f"≤ {m.target_ratio:g}×"
        verdict = {True: " ✓", False: " ✗", None: ""}[m.meets_target(floor)]
        lines.append(
            f"| {m.label} | {m.p50:.1f} | {m.p95:.1f} | {m.ratio(floor):.2f}×{verdict} | "
            f"{target} | {m.query_count} |"
        )
    return "\n".join(lines)


def throughput_table(results: Sequence[Throughput], floor: Throughput) -> str:
    lines = ["| page | requests/s | ratio to the floor |", "|---|---:|---:|"]
    for r in results:
        ratio = r.requests_per_second / floor.requests_per_second
        lines.append(f"| {r.name} | {r.requests_per_second:.0f} | {ratio:.2f} |")
    return "\n".join(lines)


def as_json(measurements: Sequence[Measurement], floor: Measurement) -> list[dict]:
    rows = []
    for m in measurements:
        row = asdict(m)
        row.update(
            p50_ms=round(m.p50, 2),
            p95_ms=round(m.p95, 2),
            ratio_to_floor=round(m.ratio(floor), 3),
            meets_target=m.meets_target(floor),
            cold_p50_ms=round(percentile(m.cold_ms, 0.5), 2) if m.cold_ms else None,
        )
        rows.append(row)
    return rows


@dataclass
class LoadAction(Timed):
    """One action of a load run (bench/monday.py): every request's time and how many failed."""

    name: str
    samples_ms: list[float]
    failures: int


def load_actions(requests: Sequence[Sequence]) -> list[LoadAction]:
    """(action, milliseconds, ok) rows grouped by action, in the order the actions first came."""
    actions: dict[str, LoadAction] = {}
    for name, milliseconds, ok in requests:
        action = actions.setdefault(name, LoadAction(name, [], 0))
        action.samples_ms.append(float(milliseconds))
        action.failures += 0 if ok else 1
    return list(actions.values())


def load_table(actions: Sequence[LoadAction], *, seconds: float, floor_rate: float) -> str:
    """The Monday-morning table: per action, then the mix's rate against the floor's."""
    lines = [
        "| action | requests | failed | p50 ms | p95 ms | requests/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for a in actions:
        lines.append(
            f"| {a.name} | {len(a.samples_ms)} | {a.failures} | {a.p50:.1f} | {a.p95:.1f} | "
            f"{len(a.samples_ms) / seconds:.1f} |"
        )
    requests = sum(len(a.samples_ms) for a in actions)
    rate = mix_rate(actions, seconds=seconds)
    lines.append(
        f"| **the mix** | {requests} | {sum(a.failures for a in actions)} | | | {rate:.1f} "
        f"({rate / floor_rate:.2f}× the floor's {floor_rate:.1f}) |"
    )
    return "\n".join(lines)


def mix_rate(actions: Sequence[LoadAction], *, seconds: float) -> float:
    """Requests a second over every action of a load run."""
    return sum(len(a.samples_ms) for a in actions) / seconds
