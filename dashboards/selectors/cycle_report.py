"""The cycle report: how a cycle's key results and objectives scored, for everyone to read.

A closed cycle shows the scores stored when it closed; any other cycle shows them as they stand
(final grade where set, else progress), marked provisional on the page. Private objectives the
viewer may not see are left out in the database, so no count, average or CSV row reveals them.
"""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import scoring
from dashboards.selectors.common import with_threshold_counts
from objectives import permissions
from objectives.models import Cycle, KeyResult, Objective, ObjectiveReflection, User

BANDS = (scoring.Band.RED, scoring.Band.YELLOW, scoring.Band.GREEN)
TYPES = (scoring.ObjectiveType.COMMITTED, scoring.ObjectiveType.ASPIRATIONAL)
CHART_HEIGHT = 120  # SVG units for the tallest bar
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def kr_progress_of(key_result: KeyResult) -> Decimal:
    """Progress of a key result loaded with the threshold-count annotations."""
    return scoring.kr_progress(
        kind=key_result.kind,
        start=key_result.start_value,
        target=key_result.target_value,
        current=key_result.current_value,
        checkins_met=getattr(key_result, "checkins_met", 0),
        checkins_total=getattr(key_result, "checkins_total", 0),
    )


def shown_kr_score(*, key_result: KeyResult, progress: Decimal, cycle: Cycle) -> Decimal:
    """The stored score once the cycle is closed; before, the final grade or else the progress."""
    if cycle.is_closed and key_result.frozen_score is not None:
        return key_result.frozen_score
    return scoring.kr_score(progress=progress, final_grade=key_result.final_grade)


def shown_objective_score(
    *, objective: Objective, weighted_scores: Sequence[tuple[Decimal, Decimal]], cycle: Cycle
) -> Decimal | None:
    if cycle.is_closed and objective.frozen_score is not None:
        return objective.frozen_score
    return scoring.objective_score(key_results=weighted_scores)


def band_of(*, score: Decimal | None, objective_type: str) -> str | None:
    if score is None:
        return None
    return scoring.grade_band(score=score, objective_type=objective_type).value


@dataclass(frozen=True)
class ReportKeyResult:
    key_result: KeyResult
    progress: Decimal
    score: Decimal
    band: str

    @property
    def current(self) -> Decimal:
        kr = self.key_result
        return kr.start_value if kr.current_value is None else kr.current_value


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
    objectives: list[ReportObjective]
    histogram: dict[str, dict[str, int]]  # objective type -> band -> count of key results
    bars: list[HistogramBar]
    company: TeamAverage | None
    teams: list[TeamAverage]

    @property
    def frozen(self) -> bool:
        return self.cycle.is_closed

    @property
    def key_result_count(self) -> int:
        return sum(len(o.key_results) for o in self.objectives)

    def csv_rows(self) -> Iterator[list[str]]:
        """The header, then one row per key result, every cell safe to open in a spreadsheet."""
        yield [
            "cycle",
            "objective",
            "level",
            "objective owner",
            "type",
            "objective score",
            "objective band",
            "key result",
            "key result owner",
            "kind",
            "unit",
            "start",
            "target",
            "last value",
            "progress",
            "final grade",
            "score",
            "band",
            "grade note",
            "frozen",
        ]
        for item in self.objectives:
            objective = item.objective
            for row in item.key_results:
                kr = row.key_result
                yield [
                    csv_safe(cell)
                    for cell in (
                        self.cycle.name,
                        objective.title,
                        objective.level,
                        objective.owner_name,
                        objective.objective_type,
                        _number(item.score),
                        item.band or "",
                        kr.title,
                        kr.owner.name,
                        kr.kind,
                        kr.unit,
                        _number(kr.start_value),
                        _number(kr.target_value),
                        _number(row.current),
                        _number(scoring.round2(row.progress)),
                        _number(kr.final_grade),
                        _number(row.score),
                        row.band,
                        kr.grade_note,
                        "yes" if self.frozen else "no",
                    )
                ]

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(self.csv_rows())
        return buffer.getvalue()


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return (
        scoring.plain_number(value=Decimal(value))
        if hasattr(scoring, "plain_number")
        else (format(Decimal(value).normalize(), "f"))
    )


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


def cycle_report(*, cycle: Cycle, viewer: User) -> CycleReport:
    """Everything the report shows for `cycle` as `viewer` may see it.

    The viewer's managed teams (0-2 queries), the objectives with owners and reflections, their
    key results with owners: a fixed number of queries at any size.
    """
    objectives = list(
        Objective.objects.filter(cycle=cycle, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .select_related("owner_team", "owner_user", "reflection__author")
        .order_by("pk")
    )
    objectives.sort(
        key=lambda o: (
            (o.level != Objective.Level.COMPANY, o.owner_user_id is not None),
            o.owner_name.lower(),
            o.pk,
        )
    )
    by_id = {o.pk: o for o in objectives}
    key_results = with_threshold_counts(
        KeyResult.objects.filter(objective__in=list(by_id), archived=False)
        .select_related("owner")
        .order_by("objective_id", "order", "pk")
    )
    histogram = {t.value: {b.value: 0 for b in BANDS} for t in TYPES}
    rows: dict[int, list[ReportKeyResult]] = {}
    for kr in key_results:
        objective = by_id[kr.objective_id]
        kr.objective = objective
        progress = kr_progress_of(kr)
        score = shown_kr_score(key_result=kr, progress=progress, cycle=cycle)
        band = band_of(score=score, objective_type=objective.objective_type)
        histogram[objective.objective_type][band] += 1
        rows.setdefault(kr.objective_id, []).append(
            ReportKeyResult(key_result=kr, progress=progress, score=score, band=band)
        )

    items = []
    team_scores: dict[int, tuple[str, list[Decimal | None]]] = {}
    company_scores: list[Decimal | None] = []
    company_name = ""
    for objective in objectives:
        objective.cycle = cycle
        krs = rows.get(objective.pk, [])
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
        if objective.owner_team_id is None:
            continue
        if objective.owner_team.is_root:
            company_name = objective.owner_team.name
            company_scores.append(score)
        else:
            name, scores = team_scores.setdefault(
                objective.owner_team_id, (objective.owner_team.name, [])
            )
            scores.append(score)

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
    return CycleReport(
        cycle=cycle,
        objectives=items,
        histogram=histogram,
        bars=_bars(histogram),
        company=company,
        teams=teams,
    )
