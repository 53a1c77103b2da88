"""A cycle's key results added up per objective, for the pages that show a whole company.

The company dashboard and the cycle report need, for every one of a cycle's ~12,000 objectives,
the totals of its ~40,000 key results: their count, their statuses (or score bands), and the
Σ weight × progress (or score), Σ weight and least / greatest value that an objective's progress
(or score) is made of. Loading and scoring every key result in Python took seconds; here the
database adds them up in one query, and `scoring` turns the totals into progress
(`scoring.progress_from_totals`, the same division and rounding as `objective_progress`).

PostgreSQL works each key result's progress, status and score out in SQL, exactly as `scoring`
does: a quotient to 60 decimal places rounded to `scoring`'s 28 significant digits, and the pace
compared with the very Decimals `scoring` compares it with (`ON_TRACK_RATIO * expected`, worked
out in Python). SQLite keeps decimals as binary floating point, so no SQL arithmetic there can
match `scoring`: on SQLite (development and tests, small data) the same totals are added up in
Python from `scoring`'s own per-key-result numbers. tests/dashboards/test_fast_paths.py holds
both to `scoring` applied to the raw rows.

The only ties the two could break differently are quotients whose exact decimal expansion ends
with a 5 in the 29th significant digit (PostgreSQL rounds half away from zero, `decimal` half to
even): a start of 0, a target of 2**41 and a value of 1, say — nothing a key result holds.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal, localcontext

from django.db import connection
from django.db.models import FilteredRelation, Q, QuerySet

import scoring
from objectives import permissions
from objectives.cycles.clock import Clock
from objectives.models import Cycle, Objective, User
from objectives.scoring_inputs import (
    KeyResultRow,
    key_result_progress,
    key_result_status,
    shown_kr_score,
)

STATUS_ORDER = (
    scoring.Status.DONE,
    scoring.Status.ON_TRACK,
    scoring.Status.AT_RISK,
    scoring.Status.BEHIND,
)
BAND_ORDER = (scoring.Band.RED, scoring.Band.YELLOW, scoring.Band.GREEN)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Totals:
    """What an objective's key results add up to; `count` 0 when it has none."""

    count: int = 0
    weighted_sum: Decimal = ZERO
    weight_sum: Decimal = ZERO
    low: Decimal | None = None
    high: Decimal | None = None

    def mean(self) -> Decimal | None:
        """The weighted mean (progress, or score), as `scoring.objective_progress` gives it."""
        if not self.count:
            return None
        return scoring.progress_from_totals(
            weighted_sum=self.weighted_sum,
            weight_sum=self.weight_sum,
            low=self.low if self.low is not None else ZERO,
            high=self.high if self.high is not None else ZERO,
        )


@dataclass(frozen=True)
class ObjectiveRollup:
    """One visible objective of a cycle and its key results' totals on the clock's day."""

    pk: int
    owner_team_id: int | None
    owner_user_id: int | None
    parent_id: int | None
    totals: Totals
    statuses: tuple[int, int, int, int]  # done, on track, at risk, behind
    checked_this_week: int  # key results whose latest check-in falls in the clock's week
    top: bool = False  # aligned to nothing the viewer sees (company_rollups only)
    child_count: int = 0  # visible objectives aligned to it (company_rollups only)

    @property
    def key_result_count(self) -> int:
        return self.totals.count

    def status(self) -> scoring.StatusResult | None:
        return scoring.objective_status(
            statuses=[s for s, n in zip(STATUS_ORDER, self.statuses, strict=True) for _ in range(n)]
        )


@dataclass(frozen=True)
class PersonTotals:
    """The key results of a person's objectives that need no progress of their own (see
    `company_rollups`), added up."""

    key_results: int
    statuses: tuple[int, int, int, int]
    checked_this_week: int


@dataclass(frozen=True)
class CompanyRollups:
    """What the company dashboard needs of a cycle: every objective whose progress it may show
    or roll up (those a team owns, those aligned to nothing visible, those aligned to an
    objective without key results), and the rest — people's objectives under one with key
    results — added up per person."""

    objectives: dict[int, ObjectiveRollup]
    people: dict[int, PersonTotals]


@dataclass(frozen=True)
class ScoreRollup:
    """One visible objective of a cycle and its key results' scores (the cycle report)."""

    pk: int
    totals: Totals
    bands: tuple[int, int, int]  # key results by band: red, yellow, green
    objective_type: str = ""
    team_owned: bool = False


@dataclass(frozen=True)
class ReportRollups:
    """What the cycle report's summary needs: the scores' totals of every team's (and the
    company's) objectives, and for people's objectives only their key results by band, added up
    per objective type."""

    objectives: dict[int, ScoreRollup]
    people: dict[str, tuple[int, tuple[int, int, int]]]  # type -> (key results, bands)


# --- SQL (PostgreSQL) ----------------------------------------------------------------------------

# The unclamped quotient a key result's progress comes from; NULL when its progress is plainly 0.
_QUOTIENT = """CASE
    WHEN k.kind = 'metric' AND k.current_value IS NOT NULL
      THEN (k.current_value - k.start_value)::numeric(1000, 60)
           / NULLIF(k.target_value - k.start_value, 0)
    WHEN k.kind IN ('at_least', 'at_most') AND k.checkins_total > 0
      THEN k.checkins_met::numeric(1000, 60) / k.checkins_total
  END"""
# Rounded to 28 significant digits (decimal's default context) inside (0, 1): the number of
# places is 27 less the quotient's decimal exponent, found by comparison (a numeric log per row
# would cost more than the rest of the query).
_PLACES = (
    "CASE "
    + " ".join(f"WHEN r.q >= 1e-{n} THEN {27 + n}" for n in range(1, 16))
    + " ELSE (27 - floor(log(r.q)))::int END"
)
_PROGRESS = f"""CASE
    WHEN k.kind = 'milestone' THEN CASE WHEN k.current_value >= 1 THEN 1 ELSE 0 END
    WHEN r.q IS NULL OR r.q <= 0 THEN 0
    WHEN r.q >= 1 THEN 1
    ELSE round(r.q, {_PLACES})
  END"""
_SCORED = f"""
  SELECT k.objective_id, k.weight, k.kind, k.current_value, k.start_value, k.target_value,
         k.last_confidence, k.last_checkin_at, k.final_grade, k.frozen_score, k.created_at,
         o.objective_type, {_PROGRESS} AS p
  FROM objectives_keyresult k
  JOIN objectives_objective o ON o.id = k.objective_id
  CROSS JOIN LATERAL (SELECT {_QUOTIENT} AS q) r
  WHERE o.cycle_id = %s AND NOT o.archived AND NOT k.archived
  OFFSET 0
"""
# (OFFSET 0 keeps PostgreSQL from copying an expression into every place that names its
# column: each key result's progress and status are worked out once, not once per use.)
# `scoring.kr_status` as ranks (done 0, on track 1, at risk 2, behind 3): done for a metric or
# milestone at progress 1, else the worst of pace, confidence and staleness.
_STATUS = """CASE
    WHEN s.kind IN ('metric', 'milestone') AND s.p >= 1 THEN 0
    ELSE GREATEST(
      CASE
        WHEN s.kind IN ('metric', 'milestone') THEN
          CASE WHEN %(early)s OR s.p >= %(on_track)s THEN 1 WHEN s.p >= %(at_risk)s THEN 2
          ELSE 3 END
        WHEN s.current_value IS NULL AND %(early)s THEN 1
        WHEN s.kind = 'at_least' AND COALESCE(s.current_value, s.start_value) >= s.target_value
          THEN 1
        WHEN s.kind = 'at_most' AND COALESCE(s.current_value, s.start_value) <= s.target_value
          THEN 1
        ELSE 3
      END,
      CASE WHEN s.last_confidence IS NULL OR s.last_confidence >= 4 THEN 1
           WHEN s.last_confidence = 3 THEN 2 ELSE 3 END,
      CASE WHEN %(stale_possible)s
                AND COALESCE(
                      (s.last_checkin_at AT TIME ZONE %(tz)s)::date,
                      GREATEST((s.created_at AT TIME ZONE %(tz)s)::date, %(cycle_start)s)
                    ) < %(stale_before)s
           THEN 2 ELSE 1 END
    )
  END"""
_PROGRESS_TOTALS = f"""
  SELECT s.objective_id, count(*) AS n, sum(s.weight * s.p) AS ws, sum(s.weight) AS w,
         min(s.p) FILTER (WHERE s.weight > 0) AS lo, max(s.p) FILTER (WHERE s.weight > 0) AS hi,
         count(*) FILTER (WHERE s.status = 0) AS done,
         count(*) FILTER (WHERE s.status = 1) AS on_track,
         count(*) FILTER (WHERE s.status = 2) AS at_risk,
         count(*) FILTER (WHERE s.status = 3) AS behind,
         count(*) FILTER (
           WHERE s.last_checkin_at >= %(week_from)s AND s.last_checkin_at < %(week_until)s
         ) AS checked
  FROM (
    SELECT s.*, {_STATUS} AS status FROM ({_SCORED.replace("%s", "%(cycle)s")}) s OFFSET 0
  ) s
  GROUP BY s.objective_id
"""
# `shown_kr_score` (objectives/scoring_inputs.py: the stored score once the cycle is closed, else
# the final grade or else the progress) and its band (`scoring.grade_band`) for the objective's
# type.
_SCORE = """CASE
    WHEN %(closed)s AND s.frozen_score IS NOT NULL THEN s.frozen_score
    ELSE COALESCE(s.final_grade, s.p)
  END"""
_BAND = """CASE
    WHEN s.objective_type = 'aspirational' THEN
      CASE WHEN s.score >= 0.7 THEN 2 WHEN s.score >= 0.4 THEN 1 ELSE 0 END
    ELSE CASE WHEN s.score >= 1 THEN 2 WHEN s.score >= 0.7 THEN 1 ELSE 0 END
  END"""
_SCORE_TOTALS = f"""
  SELECT s.objective_id, count(*) AS n, sum(s.weight * s.score) AS ws, sum(s.weight) AS w,
         min(s.score) FILTER (WHERE s.weight > 0) AS lo,
         max(s.score) FILTER (WHERE s.weight > 0) AS hi,
         count(*) FILTER (WHERE s.band = 0) AS red,
         count(*) FILTER (WHERE s.band = 1) AS yellow,
         count(*) FILTER (WHERE s.band = 2) AS green
  FROM (
    SELECT s.objective_id, s.weight, s.score, {_BAND} AS band
    FROM (
      SELECT s.*, {_SCORE} AS score FROM ({_SCORED.replace("%s", "%(cycle)s")}) s OFFSET 0
    ) s
    OFFSET 0
  ) s
  GROUP BY s.objective_id
"""


def _named(sql: str, params: Iterable[object], prefix: str) -> tuple[str, dict[str, object]]:
    """A compiled queryset's SQL with its positional parameters turned into named ones."""
    named: dict[str, object] = {}
    parts = sql.replace("%%", "\0").split("%s")
    text = parts[0]
    for n, (part, value) in enumerate(zip(parts[1:], params, strict=True)):
        key = f"{prefix}{n}"
        named[key] = value
        text += f"%({key})s{part}"
    return text.replace("\0", "%%"), named


def _fetch(query: str, params: dict[str, object]) -> list[tuple]:
    """The query's rows, planned without JIT compilation: its CASE expressions over 40,000 rows
    cost enough on paper to pass `jit_above_cost`, and compiling them took over a second
    against 50 ms of work. One round trip: the setting, the query and the reset go together
    (parameters are bound on the client)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = off; {query}; RESET jit", params)
        cursor.nextset()
        rows = cursor.fetchall()
        cursor.nextset()
    return rows


def _visible(*, cycle: Cycle, viewer: User) -> QuerySet[Objective]:
    return Objective.objects.filter(cycle=cycle, archived=False).filter(
        permissions.visible_objectives_q(viewer)
    )


def _week_bounds(clock: Clock) -> tuple[datetime, datetime]:
    start = datetime.combine(clock.week_start, time(), tzinfo=clock.tz)
    return start, datetime.combine(clock.week_start + timedelta(days=7), time(), tzinfo=clock.tz)


def _status_params(*, cycle: Cycle, clock: Clock) -> dict[str, object]:
    expected = clock.expected
    return {
        "early": expected < scoring.EARLY_EXPECTED,
        # The very products `scoring.kr_status` compares the progress with.
        "on_track": scoring.ON_TRACK_RATIO * expected,
        "at_risk": scoring.AT_RISK_RATIO * expected,
        "stale_possible": (clock.on - cycle.start_date).days > scoring.STALE_AFTER_DAYS,
        "stale_before": clock.on - timedelta(days=scoring.STALE_AFTER_DAYS),
        "cycle_start": cycle.start_date,
        "tz": str(clock.tz),
    }


def _totals(count: int, ws, w, lo, hi) -> Totals:  # noqa: ANN001 - database values
    if not count:
        return Totals()
    return Totals(count=count, weighted_sum=ws, weight_sum=w, low=lo, high=hi)


def objective_rollups(*, cycle: Cycle, clock: Clock, viewer: User) -> dict[int, ObjectiveRollup]:
    """Every objective of the cycle the viewer may see (not archived), by id, with its key
    results' totals on the clock's day; one query (plus the viewer's managed teams)."""
    objectives = _visible(cycle=cycle, viewer=viewer)
    week_from, week_until = _week_bounds(clock)
    if connection.vendor != "postgresql":
        return _objective_rollups_in_python(
            objectives=objectives, cycle=cycle, clock=clock, week=(week_from, week_until)
        )
    visible = objectives.values_list("pk", "owner_team_id", "owner_user_id", "parent_id")
    sql, params = _named(*visible.order_by().query.sql_with_params(), "v")
    params |= _status_params(cycle=cycle, clock=clock) | {
        "cycle": cycle.pk,
        "week_from": week_from,
        "week_until": week_until,
    }
    query = f"""
      SELECT v.id, v.owner_team_id, v.owner_user_id, v.parent_id, a.n, a.ws, a.w, a.lo, a.hi,
             a.done, a.on_track, a.at_risk, a.behind, a.checked
      FROM ({sql}) v (id, owner_team_id, owner_user_id, parent_id)
      LEFT JOIN ({_PROGRESS_TOTALS}) a ON a.objective_id = v.id
    """
    rows = _fetch(query, params)
    return {
        pk: ObjectiveRollup(
            pk=pk,
            owner_team_id=team_id,
            owner_user_id=user_id,
            parent_id=parent_id,
            totals=_totals(n, ws, w, lo, hi),
            statuses=(done or 0, on_track or 0, at_risk or 0, behind or 0),
            checked_this_week=checked or 0,
        )
        for (
            pk,
            team_id,
            user_id,
            parent_id,
            n,
            ws,
            w,
            lo,
            hi,
            done,
            on_track,
            at_risk,
            behind,
            checked,
        ) in rows
    }


_COMPANY = """
  WITH v AS MATERIALIZED (
    SELECT * FROM ({visible}) v0 (id, owner_team_id, owner_user_id, parent_id)
  ),
  a AS MATERIALIZED ({totals}),
  j AS MATERIALIZED (
    SELECT v.*, a.n, a.ws, a.w, a.lo, a.hi, a.done, a.on_track, a.at_risk, a.behind, a.checked,
           (v.parent_id IS NULL OR p.id IS NULL) AS top,
           (v.owner_team_id IS NOT NULL OR v.parent_id IS NULL OR p.id IS NULL
            OR pa.objective_id IS NULL) AS wanted
    FROM v
    LEFT JOIN a ON a.objective_id = v.id
    LEFT JOIN v p ON p.id = v.parent_id
    LEFT JOIN a pa ON pa.objective_id = v.parent_id
  ),
  c AS (SELECT parent_id, count(*) AS children FROM v GROUP BY parent_id)
  SELECT j.id, j.owner_team_id, j.owner_user_id, j.parent_id, j.n, j.ws, j.w, j.lo, j.hi,
         j.done, j.on_track, j.at_risk, j.behind, j.checked, j.top, coalesce(c.children, 0)
  FROM j LEFT JOIN c ON c.parent_id = j.id
  WHERE j.wanted
  UNION ALL
  SELECT NULL, NULL, j.owner_user_id, NULL, sum(j.n)::bigint, NULL, NULL, NULL, NULL,
         sum(j.done)::bigint, sum(j.on_track)::bigint, sum(j.at_risk)::bigint,
         sum(j.behind)::bigint, sum(j.checked)::bigint, false, 0
  FROM j WHERE NOT j.wanted
  GROUP BY j.owner_user_id
"""


def company_rollups(*, cycle: Cycle, clock: Clock, viewer: User) -> CompanyRollups:
    """`objective_rollups` as the company dashboard needs it (`CompanyRollups`): a few thousand
    rows instead of every objective; one query (plus the viewer's managed teams)."""
    objectives = _visible(cycle=cycle, viewer=viewer)
    if connection.vendor != "postgresql":
        return _company_shape(objective_rollups(cycle=cycle, clock=clock, viewer=viewer))
    visible = objectives.values_list("pk", "owner_team_id", "owner_user_id", "parent_id")
    sql, params = _named(*visible.order_by().query.sql_with_params(), "v")
    week_from, week_until = _week_bounds(clock)
    params |= _status_params(cycle=cycle, clock=clock) | {
        "cycle": cycle.pk,
        "week_from": week_from,
        "week_until": week_until,
    }
    wanted: dict[int, ObjectiveRollup] = {}
    people: dict[int, PersonTotals] = {}
    query = _COMPANY.format(visible=sql, totals=_PROGRESS_TOTALS)
    for row in _fetch(query, params):
        pk, team_id, user_id, parent_id, n, ws, w, lo, hi, *counts, checked, top, children = row
        statuses = tuple(int(count or 0) for count in counts)
        if pk is None:
            people[user_id] = PersonTotals(int(n or 0), statuses, int(checked or 0))
            continue
        wanted[pk] = ObjectiveRollup(
            pk=pk,
            owner_team_id=team_id,
            owner_user_id=user_id,
            parent_id=parent_id,
            totals=_totals(n, ws, w, lo, hi),
            statuses=statuses,
            checked_this_week=checked or 0,
            top=top,
            child_count=children,
        )
    return CompanyRollups(objectives=wanted, people=people)


def _company_shape(rollups: dict[int, ObjectiveRollup]) -> CompanyRollups:
    """`company_rollups` from every objective's rollup, by the same rules as its SQL."""
    children: dict[int, int] = {}
    for rollup in rollups.values():
        if rollup.parent_id is not None:
            children[rollup.parent_id] = children.get(rollup.parent_id, 0) + 1
    wanted: dict[int, ObjectiveRollup] = {}
    people: dict[int, list] = {}
    for pk, rollup in rollups.items():
        parent = rollups.get(rollup.parent_id)
        top = parent is None
        if rollup.owner_team_id is not None or top or not parent.key_result_count:
            wanted[pk] = replace(rollup, top=top, child_count=children.get(pk, 0))
            continue
        totals = people.setdefault(rollup.owner_user_id, [0, [0, 0, 0, 0], 0])
        totals[0] += rollup.key_result_count
        totals[1] = [a + b for a, b in zip(totals[1], rollup.statuses, strict=True)]
        totals[2] += rollup.checked_this_week
    return CompanyRollups(
        objectives=wanted,
        people={
            pk: PersonTotals(count, tuple(statuses), checked)
            for pk, (count, statuses, checked) in people.items()
        },
    )


def score_rollups(*, cycle: Cycle, viewer: User) -> dict[int, ScoreRollup]:
    """The scores' totals of the key results of every objective of the cycle the viewer may see
    that has any; one query (plus the viewer's managed teams)."""
    objectives = _visible(cycle=cycle, viewer=viewer)
    if connection.vendor != "postgresql":
        return _score_rollups_in_python(objectives=objectives, cycle=cycle)
    return _report_query(objectives, cycle, everything=True).objectives


def report_rollups(*, cycle: Cycle, viewer: User) -> ReportRollups:
    """`score_rollups` as the report's summary needs it (`ReportRollups`): the teams'
    objectives one by one, people's added up; one query (plus the viewer's managed teams)."""
    objectives = _visible(cycle=cycle, viewer=viewer)
    if connection.vendor != "postgresql":
        return _report_shape(_score_rollups_in_python(objectives=objectives, cycle=cycle))
    return _report_query(objectives, cycle, everything=False)


_REPORT = """
  WITH v AS MATERIALIZED (SELECT * FROM ({visible}) v0 (id, owner_team_id, objective_type)),
  a AS MATERIALIZED ({totals})
  SELECT a.objective_id, a.n, a.ws, a.w, a.lo, a.hi, a.red, a.yellow, a.green,
         v.objective_type, v.owner_team_id IS NOT NULL
  FROM a JOIN v ON v.id = a.objective_id
  WHERE %(everything)s OR v.owner_team_id IS NOT NULL
  UNION ALL
  SELECT NULL, sum(a.n)::bigint, NULL, NULL, NULL, NULL, sum(a.red)::bigint,
         sum(a.yellow)::bigint, sum(a.green)::bigint, v.objective_type, false
  FROM a JOIN v ON v.id = a.objective_id
  WHERE NOT %(everything)s AND v.owner_team_id IS NULL
  GROUP BY v.objective_type
"""


def _report_query(
    objectives: QuerySet[Objective], cycle: Cycle, *, everything: bool
) -> ReportRollups:
    visible = objectives.values_list("pk", "owner_team_id", "objective_type")
    sql, params = _named(*visible.order_by().query.sql_with_params(), "v")
    params |= {"cycle": cycle.pk, "closed": cycle.is_closed, "everything": everything}
    found: dict[int, ScoreRollup] = {}
    people: dict[str, tuple[int, tuple[int, int, int]]] = {}
    for row in _fetch(_REPORT.format(visible=sql, totals=_SCORE_TOTALS), params):
        pk, n, ws, w, lo, hi, red, yellow, green, objective_type, team_owned = row
        bands = (int(red), int(yellow), int(green))
        if pk is None:
            people[objective_type] = (int(n), bands)
            continue
        found[pk] = ScoreRollup(
            pk=pk,
            totals=_totals(n, ws, w, lo, hi),
            bands=bands,
            objective_type=objective_type,
            team_owned=team_owned,
        )
    return ReportRollups(objectives=found, people=people)


def _report_shape(rollups: dict[int, ScoreRollup]) -> ReportRollups:
    """`report_rollups` from every objective's, by the same rules as its SQL."""
    people: dict[str, tuple[int, tuple[int, int, int]]] = {}
    for rollup in rollups.values():
        if not rollup.team_owned:
            count, bands = people.get(rollup.objective_type, (0, (0, 0, 0)))
            people[rollup.objective_type] = (
                count + rollup.totals.count,
                tuple(a + b for a, b in zip(bands, rollup.bands, strict=True)),
            )
    return ReportRollups(
        objectives={pk: r for pk, r in rollups.items() if r.team_owned}, people=people
    )


# --- The same totals in Python (SQLite) ----------------------------------------------------------

_SCORED_FIELDS = ("weight", *KeyResultRow._fields)


def _with_key_results(visible: QuerySet[Objective], *fields: str) -> Iterable[tuple]:
    """The objectives' `fields`, then their non-archived key results' values, one row per key
    result (one with None values for an objective without any); one query, as on PostgreSQL."""
    return (
        visible.annotate(
            kr=FilteredRelation("key_results", condition=Q(key_results__archived=False))
        )
        .order_by("pk", "kr__id")
        .values_list(*fields, "kr__id", *(f"kr__{name}" for name in _SCORED_FIELDS))
    )


class _Adder:
    def __init__(self) -> None:
        self.pairs: list[tuple[Decimal, Decimal]] = []

    def totals(self) -> Totals:
        positive = [value for weight, value in self.pairs if weight > 0]
        with localcontext(prec=80):  # exact, as the database adds them up
            weighted_sum = sum((w * v for w, v in self.pairs), ZERO)
            weight_sum = sum((w for w, _ in self.pairs), ZERO)
        return Totals(
            count=len(self.pairs),
            weighted_sum=weighted_sum,
            weight_sum=weight_sum,
            low=min(positive, default=None),
            high=max(positive, default=None),
        )


def _objective_rollups_in_python(
    *, objectives: QuerySet[Objective], cycle: Cycle, clock: Clock, week: tuple[datetime, datetime]
) -> dict[int, ObjectiveRollup]:
    found: dict[int, tuple] = {}
    adders: dict[int, _Adder] = {}
    statuses: dict[int, list[int]] = {}
    checked: dict[int, int] = {}
    rows = _with_key_results(objectives, "pk", "owner_team_id", "owner_user_id", "parent_id")
    for pk, team_id, user_id, parent_id, kr_id, *values in rows:
        found[pk] = (team_id, user_id, parent_id)
        if kr_id is None:
            continue
        weight, row = values[0], KeyResultRow(*values[1:])
        progress = key_result_progress(key_result=row)
        status = key_result_status(
            key_result=row,
            progress=progress,
            expected=clock.expected,
            cycle_start=cycle.start_date,
            on=clock.on,
            tz=clock.tz,
        )
        adders.setdefault(pk, _Adder()).pairs.append((weight, progress))
        statuses.setdefault(pk, [0, 0, 0, 0])[status.status.rank] += 1
        last = row.last_checkin_at
        if last is not None and week[0] <= last < week[1]:
            checked[pk] = checked.get(pk, 0) + 1
    return {
        pk: ObjectiveRollup(
            pk=pk,
            owner_team_id=team_id,
            owner_user_id=user_id,
            parent_id=parent_id,
            totals=adders[pk].totals() if pk in adders else Totals(),
            statuses=tuple(statuses.get(pk, (0, 0, 0, 0))),
            checked_this_week=checked.get(pk, 0),
        )
        for pk, (team_id, user_id, parent_id) in found.items()
    }


def _score_rollups_in_python(
    *, objectives: QuerySet[Objective], cycle: Cycle
) -> dict[int, ScoreRollup]:
    adders: dict[int, _Adder] = {}
    bands: dict[int, list[int]] = {}
    kinds: dict[int, tuple[str, bool]] = {}
    for pk, objective_type, team_id, kr_id, *values in _with_key_results(
        objectives, "pk", "objective_type", "owner_team_id"
    ):
        kinds[pk] = (objective_type, team_id is not None)
        if kr_id is None:
            continue
        weight, row = values[0], KeyResultRow(*values[1:])
        score = shown_kr_score(
            key_result=row, progress=key_result_progress(key_result=row), cycle=cycle
        )
        band = scoring.grade_band(score=score, objective_type=objective_type)
        adders.setdefault(pk, _Adder()).pairs.append((weight, score))
        bands.setdefault(pk, [0, 0, 0])[BAND_ORDER.index(band)] += 1
    return {
        pk: ScoreRollup(
            pk=pk,
            totals=adder.totals(),
            bands=tuple(bands[pk]),
            objective_type=kinds[pk][0],
            team_owned=kinds[pk][1],
        )
        for pk, adder in adders.items()
    }
