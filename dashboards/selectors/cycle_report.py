"""The cycle report: how a cycle's key results and objectives scored, for everyone to read.

A closed cycle shows the scores stored when it closed; any other cycle shows them as they stand
(final grade where set, else progress), marked provisional on the page. Private objectives the
viewer may not see are left out in the database, so no count, average or CSV row reveals them.

The distribution and the averages cover the whole cycle; the page lists its objectives 25 at a
time (a company's thousands of objectives are no readable page, and were megabytes of HTML), the
CSV all of them.
"""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, pgettext, pgettext_lazy

import scoring
from dashboards.cache import ReadKey, cycle_scopes, history_scopes
from objectives import permissions
from objectives.models import Cycle, KeyResult, Objective, ObjectiveReflection, User
from objectives.scoring_inputs import (
    band_of,
    key_result_progress,
    shown_kr_score,
    shown_objective_score,
    value_or_start,
)

BANDS = (scoring.Band.RED, scoring.Band.YELLOW, scoring.Band.GREEN)
TYPES = (scoring.ObjectiveType.COMMITTED, scoring.ObjectiveType.ASPIRATIONAL)
CHART_HEIGHT = 120  # SVG units for the tallest bar
PER_PAGE = 25  # objectives per page of the report; the summary and the CSV cover them all
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The CSV's coded cells as people read them: the codes in English, words in a translation.
CSV_VALUES = {
    "company": pgettext_lazy("OKR file value", "company"),
    "team": pgettext_lazy("OKR file value", "team"),
    "individual": pgettext_lazy("OKR file value", "individual"),
    "aspirational": pgettext_lazy("OKR file value", "aspirational"),
    "committed": pgettext_lazy("OKR file value", "committed"),
    "metric": pgettext_lazy("OKR file value", "metric"),
    "at_least": pgettext_lazy("OKR file value", "at_least"),
    "at_most": pgettext_lazy("OKR file value", "at_most"),
    "milestone": pgettext_lazy("OKR file value", "milestone"),
    "red": pgettext_lazy("OKR file value", "red"),
    "yellow": pgettext_lazy("OKR file value", "yellow"),
    "green": pgettext_lazy("OKR file value", "green"),
}


@dataclass(frozen=True)
class ReportKeyResult:
    key_result: KeyResult
    progress: Decimal
    score: Decimal
    band: str

    @property
    def current(self) -> Decimal:
        return value_or_start(key_result=self.key_result)


@dataclass(frozen=True)
class ReportObjective:
    objective: Objective
    score: Decimal | None
    band: str | None
    key_results: list[ReportKeyResult]
    reflection: ObjectiveReflection | None


@dataclass(frozen=True)
class HistogramBar:
    objective_type: str
    band: str
    count: int
    height: int  # in SVG units, for the chart only
    x: int
    y: int


@dataclass(frozen=True)
class TeamAverage:
    name: str
    score: Decimal | None
    objective_count: int
    is_company: bool


@dataclass(frozen=True)
class CycleReport:
    cycle: Cycle
    objectives: list[ReportObjective]  # every one, or the page's (see `page`)
    histogram: dict[str, dict[str, int]]  # objective type -> band -> count of key results
    bars: list[HistogramBar]
    company: TeamAverage | None
    teams: list[TeamAverage]
    page: Page | None = None  # the page of objectives shown, or None when all are
    objective_count: int = 0  # in the whole report
    total_key_results: int = 0  # in the whole report
    # The cache keys of the summary's drawn sections and of the page of objectives drawn
    # (dashboards/cache.py), or None.
    fragment_key: str | None = None
    objectives_key: str | None = None

    @property
    def frozen(self) -> bool:
        return self.cycle.is_closed

    @property
    def key_result_count(self) -> int:
        return self.total_key_results

    @property
    def page_numbers(self) -> list[int | str]:
        """The page links to show: the ends and the pages around this one, "…" between."""
        if self.page is None:
            return []
        return list(
            self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        )

    def csv_rows(self) -> Iterator[list[str]]:
        """The header, then one row per key result, every cell safe to open in a spreadsheet."""
        yield [
            pgettext("score report column", "cycle"),
            pgettext("score report column", "objective"),
            pgettext("score report column", "level"),
            pgettext("score report column", "objective owner"),
            pgettext("score report column", "type"),
            pgettext("score report column", "objective score"),
            pgettext("score report column", "objective band"),
            pgettext("score report column", "key result"),
            pgettext("score report column", "key result owner"),
            pgettext("score report column", "kind"),
            pgettext("score report column", "unit"),
            pgettext("score report column", "start"),
            pgettext("score report column", "target"),
            pgettext("score report column", "last value"),
            pgettext("score report column", "progress"),
            pgettext("score report column", "final grade"),
            pgettext("score report column", "score"),
            pgettext("score report column", "band"),
            pgettext("score report column", "grade note"),
            pgettext("score report column", "frozen"),
        ]
        frozen = pgettext("score report", "yes") if self.frozen else pgettext("score report", "no")
        for item in self.objectives:
            objective = item.objective
            for row in item.key_results:
                kr = row.key_result
                yield [
                    csv_safe(cell)
                    for cell in (
                        self.cycle.name,
                        objective.title,
                        _csv_value(objective.level),
                        objective.owner_name,
                        _csv_value(objective.objective_type),
                        _score(item.score),
                        _csv_value(item.band or ""),
                        kr.title,
                        kr.owner.name,
                        _csv_value(kr.kind),
                        kr.unit,
                        _number(kr.start_value),
                        _number(kr.target_value),
                        _number(row.current),
                        _score(row.progress),
                        _score(kr.final_grade),
                        _score(row.score),
                        _csv_value(row.band),
                        kr.grade_note,
                        frozen,
                    )
                ]

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(self.csv_rows())
        return buffer.getvalue()


def _number(value: Decimal | None) -> str:
    """A value as people wrote it ("12.5", "740000"): no grouping, which a spreadsheet would
    read as text."""
    return "" if value is None else scoring.plain_number(value=Decimal(value))


def _score(value: Decimal | None) -> str:
    """A 0–1 score or progress as the pages show it, to two decimals ("0.51", "1.00"), whether
    it is worked out today (an open cycle's full-precision quotient) or was stored at closing
    (four decimals): the same score reads the same in the file, the page and either state."""
    return "" if value is None else str(scoring.round2(Decimal(value)))


def _csv_value(code: object) -> str:
    """A coded cell (level, type, kind, band) in the active language; English keeps the code."""
    label = CSV_VALUES.get(str(code or ""))
    return str(code or "") if label is None else str(label)


def csv_safe(value: object) -> str:
    """The cell as text, with a leading quote when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _reflection_of(objective: Objective) -> ObjectiveReflection | None:
    try:
        return objective.reflection
    except ObjectiveReflection.DoesNotExist:
        return None


def _bars(histogram: dict[str, dict[str, int]]) -> list[HistogramBar]:
    tallest = max((n for bands in histogram.values() for n in bands.values()), default=0)
    bars = []
    for group, objective_type in enumerate(TYPES):
        for slot, band in enumerate(BANDS):
            count = histogram[objective_type][band]
            height = round(CHART_HEIGHT * count / tallest) if tallest else 0
            bars.append(
                HistogramBar(
                    objective_type=objective_type,
                    band=band,
                    count=count,
                    height=height,
                    x=40 + group * 220 + slot * 60,
                    y=20 + CHART_HEIGHT - height,
                )
            )
    return bars


@dataclass(frozen=True)
class ReportSummary:
    """The numbers over every visible objective of the cycle, and the order they are listed in."""

    histogram: dict[str, dict[str, int]]
    bars: list[HistogramBar]
    company: TeamAverage | None
    teams: list[TeamAverage]
    order: list[int]  # objective ids, as the report lists them
    key_result_count: int


def _person_name(display_name: str, first: str, last: str, username: str) -> str:
    # User.name, from the columns: the display name, else the full name, else the login.
    return display_name or f"{first} {last}".strip() or username


def report_order(*, cycle: Cycle, viewer: User) -> list[int]:
    """The ids of the objectives the viewer may see, as the report lists them: the company's,
    then the teams', then people's, each by its owner's name; one query (plus the viewer's
    managed teams). Made of the objectives and their owners alone, no number: it changes only
    with them (the read cache keeps it under the cycle's history, which check-ins leave)."""
    rows = (
        Objective.objects.filter(cycle=cycle, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .order_by("pk")
        .values_list(
            "pk",
            "owner_team_id",
            "owner_user_id",
            "owner_team__name",
            "owner_team__is_root",
            "owner_user__display_name",
            "owner_user__first_name",
            "owner_user__last_name",
            "owner_user__username",
        )
    )
    keyed = [
        (
            (not (team_id and is_root), user_id is not None),
            (_person_name(*person) if user_id else team_name).lower(),
            pk,
        )
        for pk, team_id, user_id, team_name, is_root, *person in rows
    ]
    return [pk for *_key, pk in sorted(keyed)]


def report_summary(*, cycle: Cycle, viewer: User, order: list[int] | None = None) -> ReportSummary:
    """Histogram, averages and order over every objective and key result the viewer may see.

    Two queries (plus the viewer's managed teams, and `report_order`'s unless `order` is
    given): the teams' objectives with their stored scores, and the key results counted by
    objective type and stored band from the objectives' stored counts (objectives/
    stored_scores.py keeps both as `scoring` gives them).
    """
    visible = permissions.visible_objectives_q(viewer)
    if order is None:
        order = report_order(cycle=cycle, viewer=viewer)
    histogram = {t.value: {b.value: 0 for b in BANDS} for t in TYPES}
    key_result_count = 0
    # Every visible key result by its objective's type and its stored band, added up from the
    # objectives' stored counts.
    for objective_type, *bands in (
        Objective.objects.filter(cycle=cycle, archived=False)
        .filter(visible)
        .order_by()
        .values_list("objective_type")
        .annotate(Sum("red_count"), Sum("yellow_count"), Sum("green_count"))
    ):
        for band, count in zip(BANDS, bands, strict=True):
            histogram[objective_type][band.value] += count or 0
            key_result_count += count or 0

    team_scores: dict[int, tuple[str, list[Decimal | None]]] = {}
    company_scores: list[Decimal | None] = []
    company_name = ""
    for score, team_id, team_name, is_root in (
        Objective.objects.filter(cycle=cycle, archived=False, owner_team__isnull=False)
        .filter(visible)
        .order_by("pk")
        .values_list("score", "owner_team_id", "owner_team__name", "owner_team__is_root")
    ):
        if is_root:
            company_name = team_name
            company_scores.append(score)
        else:
            team_scores.setdefault(team_id, (team_name, []))[1].append(score)
    teams = sorted(
        (
            TeamAverage(
                name=name,
                score=scoring.mean_progress(values=scores),
                objective_count=len(scores),
                is_company=False,
            )
            for name, scores in team_scores.values()
        ),
        key=lambda t: t.name.lower(),
    )
    company = (
        TeamAverage(
            name=company_name,
            score=scoring.mean_progress(values=company_scores),
            objective_count=len(company_scores),
            is_company=True,
        )
        if company_scores
        else None
    )
    return ReportSummary(
        histogram=histogram,
        bars=_bars(histogram),
        company=company,
        teams=teams,
        order=order,
        key_result_count=key_result_count,
    )


def report_objectives(*, cycle: Cycle, ids: Sequence[int]) -> list[ReportObjective]:
    """The given objectives (ids the viewer may see, from `report_summary`) with their scored key
    results and reflections, in the order given; two queries."""
    objectives = {
        o.pk: o
        for o in Objective.objects.filter(pk__in=list(ids)).select_related(
            "owner_team", "owner_user", "reflection__author"
        )
    }
    key_results = (
        KeyResult.objects.filter(objective__in=list(ids), archived=False)
        .select_related("owner")
        .order_by("objective_id", "order", "pk")
    )
    rows: dict[int, list[ReportKeyResult]] = {}
    for kr in key_results:
        objective = objectives[kr.objective_id]
        kr.objective = objective
        progress = key_result_progress(key_result=kr)
        score = shown_kr_score(key_result=kr, progress=progress, cycle=cycle)
        band = band_of(score=score, objective_type=objective.objective_type)
        rows.setdefault(kr.objective_id, []).append(
            ReportKeyResult(key_result=kr, progress=progress, score=score, band=band)
        )
    items = []
    for pk in ids:
        objective = objectives[pk]
        objective.cycle = cycle
        krs = rows.get(pk, [])
        score = shown_objective_score(
            objective=objective,
            weighted_scores=[(r.key_result.weight, r.score) for r in krs],
            cycle=cycle,
        )
        items.append(
            ReportObjective(
                objective=objective,
                score=score,
                band=band_of(score=score, objective_type=objective.objective_type),
                key_results=krs,
                reflection=_reflection_of(objective),
            )
        )
    return items


def _report(
    summary: ReportSummary, cycle: Cycle, objectives: list[ReportObjective], page: Page | None
) -> CycleReport:
    return CycleReport(
        cycle=cycle,
        objectives=objectives,
        histogram=summary.histogram,
        bars=summary.bars,
        company=summary.company,
        teams=summary.teams,
        page=page,
        objective_count=len(summary.order),
        total_key_results=summary.key_result_count,
    )


def cycle_report(*, cycle: Cycle, viewer: User) -> CycleReport:
    """Everything the report shows for `cycle` as `viewer` may see it, every objective at once
    (the CSV): the viewer's managed teams (0-2 queries), the summary (two), the objectives with
    owners and reflections and their key results with owners (two): fixed at any size."""
    summary = report_summary(cycle=cycle, viewer=viewer)
    return _report(summary, cycle, report_objectives(cycle=cycle, ids=summary.order), None)


def cycle_report_page(
    *,
    cycle: Cycle,
    viewer: User,
    page: str | None,
    read_key: ReadKey | None = None,
    query: str = "",
) -> CycleReport:
    """The report page: the summary over the whole cycle and one page of objectives, `PER_PAGE`
    at a time; the same queries as `cycle_report`, for one page's objectives. With a `read_key`
    both are kept drawn while nothing under the cycle changed: the objectives are loaded only
    when their drawing is not (`query`, the page's query string, is in their key: the page
    links keep it)."""
    if read_key is None:
        summary = report_summary(cycle=cycle, viewer=viewer)
    else:
        # The report reads the organisation and this cycle: writes elsewhere leave it cached.
        read_key.narrow(cycle_scopes(cycle.pk))
        order = read_key.fetch(
            "report-order",
            (cycle.pk,),
            lambda: report_order(cycle=cycle, viewer=viewer),
            scopes=history_scopes(cycle.pk),
        )
        summary = read_key.fetch(
            "report-summary",
            (cycle.pk,),
            lambda: report_summary(cycle=cycle, viewer=viewer, order=order),
        )
    shown = Paginator(summary.order, PER_PAGE).get_page(page)
    ids = list(shown.object_list)
    if read_key is None:
        return _report(summary, cycle, report_objectives(cycle=cycle, ids=ids), shown)
    # A list to the template, loaded the first time it is read.
    objectives = SimpleLazyObject(lambda: report_objectives(cycle=cycle, ids=ids))
    drawn_for = (cycle.pk, timezone.get_current_timezone_name(), get_language())
    return replace(
        _report(summary, cycle, objectives, shown),
        fragment_key=read_key.key("report-summary-html", drawn_for),
        objectives_key=read_key.key("report-objectives-html", (*drawn_for, shown.number, query)),
    )
