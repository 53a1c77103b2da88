"""The team dashboard's "OKR health": the coaching hints on the team's OKRs, computed from what
the dashboard already loaded (no query of its own)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.services import record_checkin
from dashboards import selectors
from dashboards.selectors.okr_health import okr_health
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def _health(team, viewer):
    return okr_health(selectors.team_dashboard(team=team, viewer=viewer))


def test_the_hints_on_a_teams_objectives(product, manager, owner, cycle):
    bad = ObjectiveFactory(cycle=cycle, owner_team=product, title="Grow revenue by 20%")
    KeyResultFactory(objective=bad, owner=owner, title="Launch the pricing page", kind="milestone",
                     start_value=0, target_value=1)  # fmt: skip
    good = ObjectiveFactory(cycle=cycle, owner_team=product, title="Delight new teams")
    for n in range(3):
        KeyResultFactory(objective=good, owner=owner, title=f"Raise activation, measure {n}")
    health = _health(product, manager)
    assert (health.checked, health.healthy) == (2, 1)
    (item,) = health.objectives
    assert item.objective == bad
    assert [h.code for h in item.hints] == ["number_in_title", "too_few_key_results"]
    assert [h.code for kr in item.key_results for h in kr.hints] == ["task_not_outcome"]
    assert health.hint_count == 3


def test_too_many_objectives_for_one_person(product, manager, owner, cycle):
    for n in "ABCDE":  # no digits: a number in the title is a hint of its own
        objective = ObjectiveFactory(
            cycle=cycle, owner_team=None, owner_user=owner, title=f"Sharpen focus, part {n}"
        )
        for m in range(2):
            KeyResultFactory(objective=objective, owner=owner, title=f"Raise quality {n}.{m}")
    health = _health(product, manager)
    assert all(
        [h.code for h in item.hints] == ["too_many_objectives"] for item in health.objectives
    )
    assert len(health.objectives) == 5


def test_a_committed_objective_at_risk_early_in_the_cycle(product, manager, owner):
    early = CycleFactory(start_date=timezone.localdate() - timedelta(days=12))
    objective = ObjectiveFactory(
        cycle=early, owner_team=product, objective_type="committed", title="Keep every customer"
    )
    krs = [
        KeyResultFactory(objective=objective, owner=owner, title=f"Raise retention, part {n}")
        for n in "AB"
    ]
    record_checkin(actor=owner, key_result=krs[0], value=Decimal(10), confidence=2, blockers="x")
    health = okr_health(
        selectors.team_dashboard(team=product, viewer=manager, requested_cycle=str(early.pk))
    )
    (item,) = health.objectives
    assert [h.code for h in item.hints] == ["committed_at_risk_early"]


def test_the_team_page_shows_the_section(client, product, manager, owner, cycle):
    ObjectiveFactory(cycle=cycle, owner_team=product, title="Sign 30 customers")
    client.force_login(manager)
    html = client.get(reverse("team_dashboard", args=[product.slug])).content.decode()
    assert 'data-testid="okr-health"' in html
    assert 'data-hint="number_in_title"' in html
    assert reverse("objective_plan", args=[product.objectives.get().pk]) in html
    # The table fragment (HTMX) leaves the section out.
    fragment = client.get(
        reverse("team_dashboard", args=[product.slug]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "okr-health" not in fragment


def test_no_cycle_no_section(product, manager):
    assert _health(product, manager) is None
