"""The key result page: where it stands, how its value and confidence moved, and every check-in.

Two queries whatever the length of its history: the key result (scored, with its objective,
cycle and owner) and its check-ins with their authors; the page adds its initiatives (one more,
`KeyResultPage.initiatives`). Weeks and days are the company's.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.urls import reverse

import scoring
from checkins.forms import CheckInForm
from checkins.models import CheckIn
from checkins.services import ensure_can_check_in
from dashboards import charts
from dashboards.number_text import with_unit
from dashboards.selectors.common import KeyResultView, build_row, score_key_result
from initiatives.selectors import InitiativeList, key_result_initiatives
from objectives import permissions
from objectives.cycles.clock import Clock, cycle_clock
from objectives.models import KeyResult, User
from objectives.scoring_inputs import value_or_start

CHECKIN_FIELDS = ("key_result", "author", "value", "confidence", "what_changed", "blockers")
CHECKIN_FIELDS += ("created_at",)
NAME_FIELDS = ("display_name", "first_name", "last_name", "username")


@dataclass(frozen=True)
class KeyResultPage:
    view: KeyResultView
    clock: Clock
    checkins: list[CheckIn]  # newest first
    value_chart: charts.LineChart
    confidence_chart: charts.LineChart
    can_check_in: bool
    refusal: str  # why a person who may check in cannot now (a closed cycle, an archive)
    viewer: User | None = None

    @cached_property
    def initiatives(self) -> InitiativeList:
        """The initiatives panel: one query, made when the page shows it (the check-in answer,
        which redraws only the live part, never asks)."""
        return key_result_initiatives(key_result=self.view.key_result, viewer=self.viewer)

    @property
    def key_result(self) -> KeyResult:
        return self.view.key_result

    @property
    def expected_value(self) -> Decimal | None:
        """Where a metric's value should be by now on the pace line; None for other kinds."""
        kr = self.view.key_result
        if kr.kind != KeyResult.Kind.METRIC:
            return None
        return scoring.round2(
            scoring.pace_value(
                start=kr.start_value, target=kr.target_value, expected=self.view.expected
            )
        )

    @property
    def score(self) -> Decimal:
        # The row's score: a closed cycle's is the one frozen when it closed (`shown_kr_score`).
        return self.view.score


def load_key_result(pk: int) -> KeyResult | None:
    """The key result with what its page and permission checks need; one query. (The page
    never names the objective's owner, and the checks read only its owner ids.)"""
    try:
        return KeyResult.objects.select_related("objective__cycle", "owner").get(pk=pk)
    except KeyResult.DoesNotExist:
        return None


def key_result_page(
    *, key_result: KeyResult, viewer: User, now: datetime | None = None
) -> KeyResultPage:
    """The page of a key result the viewer may see (the caller checked); it must come with its
    objective's cycle and its owner (`load_key_result`, `access_key_result`). One query: its
    check-ins."""
    kr = key_result
    cycle = kr.objective.cycle
    clock = cycle_clock(cycle=cycle, now=now)
    view = build_row(
        key_result=kr,
        cycle=cycle,
        scored=score_key_result(key_result=kr, cycle=cycle, on=clock.on, tz=clock.tz),
        week_start=clock.week_start,
        tz=clock.tz,
        can_check_in=False,
    )
    checkins = list(
        CheckIn.objects.filter(key_result=kr)
        .select_related("author")
        # Of the authors, only what `User.name` reads.
        .only(*CHECKIN_FIELDS, *(f"author__{name}" for name in NAME_FIELDS))
        .order_by("-created_at", "-id")
    )
    oldest_first = [(clock.local_date(c.created_at), c) for c in reversed(checkins)]

    def shown(value: Decimal) -> str:
        return with_unit(value, kr.unit)

    value_chart = charts.value_history(
        cycle_start=cycle.start_date,
        cycle_end=cycle.end_date,
        on=clock.on,
        kind=kr.kind,
        start=kr.start_value,
        target=kr.target_value,
        checkins=[(day, c.value) for day, c in oldest_first],
        format_value=shown,
    )
    confidence_chart = charts.confidence_history(
        cycle_start=cycle.start_date,
        cycle_end=cycle.end_date,
        checkins=[(day, c.confidence) for day, c in oldest_first],
    )
    can_check_in, reason = False, ""
    if permissions.can_check_in(viewer, kr):
        # Theirs to check in on: say why not when the cycle or the key result is closed to it.
        try:
            ensure_can_check_in(actor=viewer, key_result=kr)
        except PermissionDenied as refusal:
            reason = str(refusal)
        else:
            can_check_in = True
    return KeyResultPage(
        view=view,
        clock=clock,
        checkins=checkins,
        value_chart=value_chart,
        confidence_chart=confidence_chart,
        can_check_in=can_check_in,
        refusal=reason,
        viewer=viewer,
    )


def live_part_context(*, page: KeyResultPage, **extra: object) -> dict[str, object]:
    """What the key result page's live part draws: the page, and the check-in form (as the page
    first shows it, unless `extra` brings a bound one) for those who may check in. The page and
    the check-in view, which redraws the part with a refusal or a confirmation, both use it."""
    kr = page.key_result
    form = extra.pop("form", None)
    if form is None and page.can_check_in:
        initial = value_or_start(key_result=kr)
        form = CheckInForm(
            initial={"value": format(initial.normalize(), "f"), "confidence": kr.last_confidence},
            auto_id=f"id_kr{kr.pk}_%s",
        )
    return {"page": page, "form": form, "next": reverse("key_result", args=[kr.pk]), **extra}
