"""Reads about cycles: the list, their history, what a move would do, the default cycle."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q

from objectives import permissions
from objectives.ids import is_id
from objectives.models import (
    CYCLE_NEXT_STATE,
    Cycle,
    CycleTransition,
    KeyResult,
    Objective,
    User,
)


@dataclass(frozen=True)
class CycleRow:
    cycle: Cycle
    objective_count: int
    transitions: list[CycleTransition]

    @property
    def next_state(self) -> str | None:
        return CYCLE_NEXT_STATE.get(self.cycle.state)

    @property
    def last_transition(self) -> CycleTransition | None:
        return self.transitions[-1] if self.transitions else None


def cycles_overview(*, viewer: User) -> list[CycleRow]:
    """Every cycle, newest first, with the number of its objectives the viewer may see (a
    private objective they may not see is not counted) and its transitions (two queries, plus
    the viewer's managed teams)."""
    counted = Q(objectives__archived=False) & permissions.visible_objectives_q(
        viewer, prefix="objectives__"
    )
    cycles = Cycle.objects.annotate(
        objective_count=Count("objectives", filter=counted, distinct=True)
    ).prefetch_related(
        Prefetch(
            "transitions",
            queryset=CycleTransition.objects.select_related("actor").order_by("at", "pk"),
        )
    )
    return [
        CycleRow(cycle=c, objective_count=c.objective_count, transitions=list(c.transitions.all()))
        for c in cycles.select_related("created_by").order_by("-start_date", "name")
    ]


QUARTER_DAYS = 92


def latest_quarter_end() -> date | None:
    """The last day of the latest quarter-long (or shorter) cycle: the picker proposes the quarter
    after it. Yearly cycles do not count, or the proposal would jump a year ahead (one query)."""
    return max(
        (
            end
            for start, end in Cycle.objects.values_list("start_date", "end_date")
            if (end - start).days <= QUARTER_DAYS
        ),
        default=None,
    )


def latest_started_cycle(*, today: date) -> Cycle | None:
    """When no cycle is current: the one that started last, else the first one planned."""
    return (
        Cycle.objects.filter(start_date__lte=today).order_by("-start_date").first()
        or Cycle.objects.order_by("start_date").first()
    )


def cycle_history(*, cycle: Cycle) -> list[CycleTransition]:
    return list(cycle.transitions.select_related("actor").order_by("at", "pk"))


@dataclass(frozen=True)
class TransitionPreview:
    """What a transition will do, in numbers, for its confirmation step."""

    key_results: int
    objectives: int
    ungraded: int
    without_reflection: int


def transition_preview(*, cycle: Cycle) -> TransitionPreview:
    """Two queries: key results (and how many lack a grade), objectives (and their reflections)."""
    krs = KeyResult.objects.filter(
        objective__cycle=cycle, archived=False, objective__archived=False
    ).aggregate(total=Count("pk"), ungraded=Count("pk", filter=Q(final_grade__isnull=True)))
    objectives = Objective.objects.filter(cycle=cycle, archived=False).aggregate(
        total=Count("pk"), without=Count("pk", filter=Q(reflection__isnull=True))
    )
    return TransitionPreview(
        key_results=krs["total"],
        objectives=objectives["total"],
        ungraded=krs["ungraded"],
        without_reflection=objectives["without"],
    )


def default_cycle_for_grading(*, requested: str | None, today: date) -> Cycle | None:
    """The cycle asked for; else the latest one in grading; else the current one."""
    pass

    if requested and is_id(requested):
        cycle = Cycle.objects.filter(pk=int(requested)).first()
        if cycle is not None:
            return cycle
    grading = Cycle.objects.filter(state=Cycle.State.GRADING).order_by("-end_date").first()
    return grading or resolve_cycle(requested=None, on=today)


def resolve_cycle(
    *, requested: str | None, on: date, cycles: list[Cycle] | None = None
) -> Cycle | None:
    """The cycle a page shows: the one asked for (`?cycle=<id>`) when it exists, else the
    current one. A malformed or unknown id falls back to the current cycle rather than failing.
    With `cycles` (every cycle, from `request_cycles`) it asks the database nothing."""
    if cycles is not None:
        by_id = {c.pk: c for c in cycles}
        if requested and is_id(requested) and int(requested) in by_id:
            return by_id[int(requested)]
        return pick_current_cycle(cycles=cycles, on=on)
    if requested and is_id(requested):
        cycle = Cycle.objects.filter(pk=int(requested)).first()
        if cycle is not None:
            return cycle
    return current_cycle(on=on)


def current_cycle(*, on: date) -> Cycle | None:
    """The active cycle containing `on`; of overlapping ones (a year beside its quarters) the
    shortest, because that is the one people check in against week to week."""
    candidates = Cycle.objects.filter(
        state=Cycle.State.ACTIVE, start_date__lte=on, end_date__gte=on
    )
    return pick_current_cycle(cycles=candidates, on=on)


def pick_current_cycle(*, cycles: Iterable[Cycle], on: date) -> Cycle | None:
    """current_cycle's rule over cycles already loaded (the header's switcher has them all)."""
    return min(
        (c for c in cycles if c.state == Cycle.State.ACTIVE and c.start_date <= on <= c.end_date),
        key=lambda c: (c.end_date - c.start_date, -c.start_date.toordinal(), c.pk),
        default=None,
    )
