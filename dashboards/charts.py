"""Geometry of the dashboards' SVG charts, computed on the server; templates only draw it.

Every chart is drawn in a fixed coordinate space (its viewBox) and scales with CSS. Coordinates
are Decimals rounded to a tenth; the values the charts show come from `scoring` and arrive here
ready-made. Each chart carries a title and a one-sentence description for its text alternative,
and the templates add the data as a table.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

import scoring
from scoring import Status

ZERO, ONE = Decimal(0), Decimal(1)
_TENTH = Decimal("0.1")
WIDTH = Decimal(640)


def _c(value: Decimal) -> Decimal:
    """A coordinate, rounded to a tenth of a unit."""
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


def _scale(
    value: Decimal, low: Decimal, high: Decimal, out_low: Decimal, out_high: Decimal
) -> Decimal:
    if high == low:
        return _c((out_low + out_high) / 2)
    return _c(out_low + (value - low) * (out_high - out_low) / (high - low))


def _day(day: date) -> str:
    """A day and month in the active language: "5 Oct" in English, "10월 5일" in Korean."""
    return date_format(day, "MONTH_DAY_FORMAT")


def _join(parts: Sequence[str]) -> str:
    return _(", ").join(parts)


def _percent_text(share: Decimal | None) -> str:
    if share is None:
        return "—"
    return f"{(share * 100).quantize(ONE, rounding=ROUND_HALF_UP)}%"


# --- Horizontal bars against the expected line ---------------------------------------------------


@dataclass(frozen=True)
class BarItem:
    label: str
    value: Decimal | None  # a share in [0, 1]
    note: str = ""  # e.g. "3 key results"
    href: str = ""


@dataclass(frozen=True)
class Bar:
    item: BarItem
    y: Decimal
    text_y: Decimal
    width: Decimal
    value_text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    width: Decimal
    height: Decimal
    label_width: Decimal
    area_width: Decimal
    bar_height: Decimal
    bars: list[Bar]
    expected: Decimal | None
    expected_x: Decimal | None
    value_x: Decimal

    @property
    def area_right(self) -> Decimal:
        return self.label_width + self.area_width

    @property
    def label_x(self) -> Decimal:
        return self.label_width - 8

    @property
    def line_bottom(self) -> Decimal:
        return self.height - 2


def progress_bars(
    *, title: str, items: Sequence[BarItem], expected: Decimal | None, what: str = "progress"
) -> BarChart:
    """One bar per item (progress in [0, 1]) with a vertical line where progress is expected.
    `what` names the values in the description ("progress": "Progress: Ada 50%, …")."""
    row, bar_height, top = Decimal(28), Decimal(16), Decimal(8)
    label_width, value_width = Decimal(180), Decimal(56)
    area = WIDTH - label_width - value_width
    bars = []
    for index, item in enumerate(items):
        y = top + row * index
        bars.append(
            Bar(
                item=item,
                y=_c(y),
                text_y=_c(y + bar_height - Decimal(3)),
                width=ZERO if item.value is None else _c(area * item.value),
                value_text=_percent_text(item.value),
            )
        )
    height = top * 2 + row * max(len(items), 1)
    expected_x = None if expected is None else _c(label_width + area * expected)
    behind = [
        i.label
        for i in items
        if expected is not None and i.value is not None and i.value < expected
    ]
    parts = [
        _("%(label)s %(value)s") % {"label": i.label, "value": _percent_text(i.value)}
        for i in items
    ]
    shown = _join(parts) if parts else _("nothing to show")
    if what == "progress":
        description = _("Progress: %(values)s.") % {"values": shown}
    else:
        description = _("%(what)s: %(values)s.") % {"what": what.capitalize(), "values": shown}
    if expected is not None:
        values = {"expected": _percent_text(expected), "below": _join(behind)}
        if behind:
            description += " " + _("Expected by now: %(expected)s; below it: %(below)s.") % values
        else:
            description += " " + _("Expected by now: %(expected)s.") % values
    return BarChart(
        title=title,
        description=description,
        width=WIDTH,
        height=height,
        label_width=label_width,
        area_width=area,
        bar_height=bar_height,
        bars=bars,
        expected=expected,
        expected_x=expected_x,
        value_x=label_width + area + Decimal(6),
    )


# --- Line charts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: Decimal
    y: Decimal
    label: str


@dataclass(frozen=True)
class Tick:
    position: Decimal
    value: Decimal | None
    label: str


@dataclass(frozen=True)
class RefLine:
    x1: Decimal
    y1: Decimal
    x2: Decimal
    y2: Decimal
    css: str
    label: str
    label_x: Decimal
    label_y: Decimal


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    width: Decimal
    height: Decimal
    left: Decimal
    top: Decimal
    right: Decimal
    bottom: Decimal
    points: list[Point]
    segments: list[str]  # polyline point lists; a gap (no value) starts a new segment
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[RefLine]

    @property
    def plot_width(self) -> Decimal:
        return self.right - self.left

    @property
    def plot_height(self) -> Decimal:
        return self.bottom - self.top

    @property
    def y_label_x(self) -> Decimal:
        return self.left - 6

    @property
    def x_label_y(self) -> Decimal:
        return self.bottom + 18


_LINE_HEIGHT = Decimal(220)
_PAD_LEFT, _PAD_RIGHT, _PAD_TOP, _PAD_BOTTOM = Decimal(64), Decimal(16), Decimal(12), Decimal(28)


def _frame() -> tuple[Decimal, Decimal, Decimal, Decimal]:
    return _PAD_LEFT, _PAD_TOP, WIDTH - _PAD_RIGHT, _LINE_HEIGHT - _PAD_BOTTOM


def _segments(coords: Sequence[tuple[Decimal, Decimal] | None]) -> list[str]:
    segments, current = [], []
    for coord in coords:
        if coord is None:
            if current:
                segments.append(" ".join(current))
            current = []
        else:
            current.append(f"{coord[0]},{coord[1]}")
    if current:
        segments.append(" ".join(current))
    return segments


def _confidence_ticks(bottom: Decimal, top: Decimal) -> list[Tick]:
    return [
        Tick(
            _scale(Decimal(n), ONE, Decimal(5), bottom, top),
            Decimal(n),
            _("%(confidence)s/5") % {"confidence": n},
        )
        for n in range(1, 6)
    ]


def confidence_trend(*, weeks: Sequence[date], values: Sequence[Decimal | None]) -> LineChart:
    """Average confidence (1-5) at the end of each week; weeks without a rating leave a gap."""
    left, top, right, bottom = _frame()
    count = len(weeks)
    xs = [
        _scale(Decimal(i), ZERO, Decimal(max(count - 1, 1)), left + 12, right - 12)
        for i in range(count)
    ]
    if count == 1:
        xs = [_c((left + right) / 2)]
    coords, points = [], []
    for x, week, value in zip(xs, weeks, values, strict=True):
        if value is None:
            coords.append(None)
            continue
        y = _scale(value, ONE, Decimal(5), bottom, top)
        coords.append((x, y))
        label = _("Week of %(day)s: %(confidence)s/5") % {
            "day": _day(week),
            "confidence": scoring.round2(value),
        }
        points.append(Point(x, y, label))
    x_ticks = [Tick(x, None, _day(week)) for x, week in zip(xs, weeks, strict=True)]
    if len(x_ticks) > 8:  # keep the axis legible: every other label
        x_ticks = x_ticks[::2]
    known = [(w, v) for w, v in zip(weeks, values, strict=True) if v is not None]
    if known:
        first, last = known[0], known[-1]
        description = _(
            "Average confidence went from %(first)s/5 in the week of %(first_day)s to "
            "%(last)s/5 in the week of %(last_day)s."
        ) % {
            "first": scoring.round2(first[1]),
            "first_day": _day(first[0]),
            "last": scoring.round2(last[1]),
            "last_day": _day(last[0]),
        }
    else:
        description = _("No confidence has been recorded in this cycle yet.")
    return LineChart(
        title=_("Confidence by week"),
        description=description,
        width=WIDTH,
        height=_LINE_HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        points=points,
        segments=_segments(coords),
        x_ticks=x_ticks,
        y_ticks=_confidence_ticks(bottom, top),
        lines=[],
    )


def nice_ticks(low: Decimal, high: Decimal, *, count: int = 4) -> list[Decimal]:
    """Round values covering [low, high] at a 1-2-5 step, about `count` intervals."""
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) / 10 if high else ONE
        low, high = low - pad, high + pad
    raw = (high - low) / count
    magnitude = Decimal(10) ** int(raw.log10().to_integral_value(rounding=ROUND_FLOOR))
    step = next(
        m * magnitude for m in (ONE, Decimal(2), Decimal(5), Decimal(10)) if m * magnitude >= raw
    )
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    ticks, value = [], first
    while value <= last:
        ticks.append(_tidy(value))
        value += step
    return ticks


def _tidy(value: Decimal) -> Decimal:
    """Without trailing zeros or an exponent: 20.0 -> 20, 1E+2 -> 100."""
    if value == value.to_integral_value():
        return value.quantize(ONE)
    return value.normalize()


def _day_scale(day: date, start: date, end: date, left: Decimal, right: Decimal) -> Decimal:
    return _scale(
        Decimal((day - start).days), ZERO, Decimal(max((end - start).days, 1)), left, right
    )


def _date_ticks(start: date, end: date, left: Decimal, right: Decimal) -> list[Tick]:
    """The first of each month within the cycle, plus its start."""
    days = [start]
    month = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    while month <= end:
        days.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return [Tick(_day_scale(day, start, end, left, right), None, _day(day)) for day in days]


def value_history(
    *,
    cycle_start: date,
    cycle_end: date,
    on: date,
    kind: str,
    start: Decimal,
    target: Decimal,
    checkins: Sequence[tuple[date, Decimal]],
    format_value: Callable[[Decimal], str] = str,
) -> LineChart:
    """A key result's value over the cycle: its check-ins (oldest first) joined from the start
    value, the target as a horizontal line and, for metrics, the expected pace from start to
    target; a vertical line marks the day shown."""
    left, top, right, bottom = _frame()
    values = [start, target] + [value for _day_, value in checkins]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]

    def at(day: date, value: Decimal) -> tuple[Decimal, Decimal]:
        return (
            _day_scale(day, cycle_start, cycle_end, left, right),
            _scale(value, low, high, bottom, top),
        )

    coords = [at(cycle_start, start)]
    points = []
    for day, value in checkins:
        x, y = at(day, value)
        coords.append((x, y))
        label = _("%(day)s: %(value)s") % {"day": _day(day), "value": format_value(value)}
        points.append(Point(x, y, label))
    lines = []
    target_y = _scale(target, low, high, bottom, top)
    lines.append(
        RefLine(
            left,
            target_y,
            right,
            target_y,
            "target",
            pgettext("chart legend", "target"),
            right - 4,
            target_y - 4,
        )
    )
    if kind == scoring.Kind.METRIC:
        sx, sy = at(cycle_start, start)
        ex, ey = at(cycle_end, target)
        lines.append(RefLine(sx, sy, ex, ey, "pace", _("expected pace"), ex - 4, ey + 14))
    today_x = _day_scale(on, cycle_start, cycle_end, left, right)
    lines.append(RefLine(today_x, top, today_x, bottom, "today", "", today_x, top))
    if checkins:
        latest_day, latest = checkins[-1]
        description = ngettext(
            "%(count)s check-in from %(first)s to %(last)s; latest %(latest)s, start %(start)s, "
            "target %(target)s.",
            "%(count)s check-ins from %(first)s to %(last)s; latest %(latest)s, start %(start)s, "
            "target %(target)s.",
            len(checkins),
        ) % {
            "count": len(checkins),
            "first": _day(checkins[0][0]),
            "last": _day(latest_day),
            "latest": format_value(latest),
            "start": format_value(start),
            "target": format_value(target),
        }
    else:
        description = _("No check-in yet; start %(start)s, target %(target)s.") % {
            "start": format_value(start),
            "target": format_value(target),
        }
    return LineChart(
        title=_("Value over time"),
        description=description,
        width=WIDTH,
        height=_LINE_HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        points=points,
        segments=_segments(coords) if checkins else [],
        x_ticks=_date_ticks(cycle_start, cycle_end, left, right),
        y_ticks=[Tick(_scale(t, low, high, bottom, top), t, format_value(t)) for t in ticks],
        lines=lines,
    )


def confidence_history(
    *, cycle_start: date, cycle_end: date, checkins: Sequence[tuple[date, int]]
) -> LineChart:
    """Each check-in's confidence (1-5) across the cycle, oldest first."""
    left, top, right, bottom = _frame()
    coords, points = [], []
    for day, confidence in checkins:
        x = _day_scale(day, cycle_start, cycle_end, left, right)
        y = _scale(Decimal(confidence), ONE, Decimal(5), bottom, top)
        coords.append((x, y))
        label = _("%(day)s: %(confidence)s/5") % {"day": _day(day), "confidence": confidence}
        points.append(Point(x, y, label))
    if checkins:
        description = ngettext(
            "Confidence went from %(first)s/5 on %(first_day)s to %(last)s/5 on %(last_day)s, "
            "over %(count)s check-in.",
            "Confidence went from %(first)s/5 on %(first_day)s to %(last)s/5 on %(last_day)s, "
            "over %(count)s check-ins.",
            len(checkins),
        ) % {
            "first": checkins[0][1],
            "first_day": _day(checkins[0][0]),
            "last": checkins[-1][1],
            "last_day": _day(checkins[-1][0]),
            "count": len(checkins),
        }
    else:
        description = _("No confidence recorded yet.")
    return LineChart(
        title=_("Confidence over time"),
        description=description,
        width=WIDTH,
        height=_LINE_HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        points=points,
        segments=_segments(coords),
        x_ticks=_date_ticks(cycle_start, cycle_end, left, right),
        y_ticks=_confidence_ticks(bottom, top),
        lines=[],
    )


# --- Status distribution -------------------------------------------------------------------------

STATUS_ORDER = (Status.BEHIND, Status.AT_RISK, Status.ON_TRACK, Status.DONE)


@dataclass(frozen=True)
class Segment:
    status: Status
    count: int
    x: Decimal
    width: Decimal
    share_text: str


@dataclass(frozen=True)
class Distribution:
    title: str
    description: str
    width: Decimal
    height: Decimal
    total: int
    segments: list[Segment]  # every status, in order; zero-width ones are not drawn

    @property
    def drawn(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.count]


def status_distribution(*, counts: Mapping[Status | str, int]) -> Distribution:
    """One stacked bar of key results by status: behind, at risk, on track, done."""
    by_status = {Status(status): count for status, count in counts.items()}
    total = sum(by_status.values())
    x, segments = ZERO, []
    for status in STATUS_ORDER:
        count = by_status.get(status, 0)
        share = scoring.share(part=count, total=total)
        width = _c(WIDTH * share) if share is not None else ZERO
        if status is STATUS_ORDER[-1] and total:
            width = WIDTH - x  # rounding never leaves a sliver at the end
        segments.append(Segment(status, count, x, width, _percent_text(share)))
        x += width
    parts = [
        _("%(count)s %(status)s") % {"count": s.count, "status": s.status.label}
        for s in segments
        if s.count
    ]
    description = (
        ngettext("%(total)s key result: %(counts)s.", "%(total)s key results: %(counts)s.", total)
        % {"total": total, "counts": _join(parts)}
        if total
        else _("No key results.")
    )
    return Distribution(
        title=_("Key results by status"),
        description=description,
        width=WIDTH,
        height=Decimal(28),
        total=total,
        segments=segments,
    )


# --- Check-in heatmap ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatRow:
    label: str
    href: str
    rates: Sequence[Decimal | None]  # one per week; None: nothing to check in on


@dataclass(frozen=True)
class HeatCell:
    x: Decimal
    y: Decimal
    text_x: Decimal
    text_y: Decimal
    level: str  # css class: none, 0..4
    text: str
    title: str


@dataclass(frozen=True)
class Heatmap:
    title: str
    description: str
    width: Decimal
    height: Decimal
    cell_width: Decimal
    cell_height: Decimal
    label_width: Decimal
    rows: list[HeatRow]
    row_labels: list[tuple[Decimal, HeatRow]]
    column_labels: list[Tick]
    cells: list[HeatCell]
    weeks: list[date]

    @property
    def label_x(self) -> Decimal:
        return self.label_width - 8


def heat_level(rate: Decimal | None) -> str:
    """Five shades: 0 for none checked in up to 4 for three quarters or more."""
    if rate is None:
        return "none"
    for level, floor in ((4, Decimal("0.75")), (3, Decimal("0.5")), (2, Decimal("0.25"))):
        if rate >= floor:
            return str(level)
    return "1" if rate > 0 else "0"


def checkin_heatmap(*, rows: Sequence[HeatRow], weeks: Sequence[date]) -> Heatmap:
    """Teams down, weeks across; each cell the share of the team's key results checked in."""
    label_width, top = Decimal(170), Decimal(24)
    cell_height = Decimal(26)
    cell_width = (WIDTH - label_width) / max(len(weeks), 1)
    cell_width = min(cell_width, Decimal(60))
    cells, row_labels = [], []
    for r, row in enumerate(rows):
        y = top + cell_height * r
        row_labels.append((_c(y + cell_height / 2 + 4), row))
        for w, (week, rate) in enumerate(zip(weeks, row.rates, strict=True)):
            text = _percent_text(rate)
            x = label_width + cell_width * w
            cells.append(
                HeatCell(
                    x=_c(x),
                    y=_c(y),
                    text_x=_c(x + (cell_width - 2) / 2),
                    text_y=_c(y + cell_height / 2 + 3),
                    level=heat_level(rate),
                    text=text,
                    title=_("%(team)s, week of %(day)s: %(share)s checked in")
                    % {"team": row.label, "day": _day(week), "share": text},
                )
            )
    column_labels = [
        Tick(_c(label_width + cell_width * w + cell_width / 2), None, _day(week))
        for w, week in enumerate(weeks)
    ]
    latest = [(row.label, row.rates[-1]) for row in rows if row.rates]
    if latest and weeks:
        shares = [
            _("%(label)s %(value)s") % {"label": label, "value": _percent_text(rate)}
            for label, rate in latest
        ]
        description = _("Share of key results checked in, week of %(day)s: %(shares)s.") % {
            "day": _day(weeks[-1]),
            "shares": _join(shares),
        }
    else:
        description = _("No weeks to show yet.")
    return Heatmap(
        title=_("Check-ins by team and week"),
        description=description,
        width=WIDTH,
        height=_c(top + cell_height * max(len(rows), 1) + 4),
        cell_width=_c(cell_width - 2),
        cell_height=cell_height - 2,
        label_width=label_width,
        rows=list(rows),
        row_labels=row_labels,
        column_labels=column_labels,
        cells=cells,
        weeks=list(weeks),
    )
