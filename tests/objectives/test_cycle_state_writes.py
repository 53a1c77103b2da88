"""Every write endpoint × every cycle state: a write lands only in the states that allow it, and
anywhere else (above all in a closed cycle) it is refused with a clear message and changes
nothing. A second test finds every POST endpoint of the site, so a new one cannot slip past this
table unclassified."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from checkins.models import CheckIn
from checkins.services import record_checkin
from objectives import cycle_services, services
from objectives.models import Cycle, KeyResult, Objective, ObjectiveReflection, User
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

STATES = ["planning", "active", "grading", "closed"]
OPEN = {"planning", "active", "grading"}


@dataclass
class World:
    """One cycle in the state under test, with a half-done key result in a team objective."""

    cycle: Cycle
    key_result: KeyResult
    objective: Objective
    owner: User
    manager: User
    teammate: User
    admin: User
    elsewhere: Cycle  # another cycle, in planning, to carry objectives into
    finished_source: Objective  # an unfinished objective in a grading cycle, to carry from


@pytest.fixture
def world(cycle, key_result, owner, manager, teammate, admin, product) -> World:
    record_checkin(actor=owner, key_result=key_result, value=Decimal(40), confidence=4)
    source_cycle = CycleFactory(name="Source", state="active", start_date=date(2020, 1, 1))
    source = ObjectiveFactory(cycle=source_cycle, owner_team=product, title="Carried")
    kr = KeyResultFactory(objective=source, owner=owner, start_value=0, target_value=10)
    record_checkin(actor=owner, key_result=kr, value=Decimal(3), confidence=3)
    source_cycle.state = "grading"
    source_cycle.save(update_fields=["state"])
    return World(
        cycle=cycle,
        key_result=key_result,
        objective=key_result.objective,
        owner=owner,
        manager=manager,
        teammate=teammate,
        admin=admin,
        elsewhere=CycleFactory(name="Elsewhere", state="planning", start_date=date(2030, 1, 1)),
        finished_source=source,
    )


@dataclass(frozen=True)
class Endpoint:
    url_name: str
    allowed: frozenset[str]
    actor: str
    post: Callable[[Client, World], object]
    snapshot: Callable[[World], object]  # what must stay the same when the write is refused


def _transition_target(world: World) -> str:
    return world.cycle.next_state or "closed"


ENDPOINTS = [
    Endpoint(
        "check_in",
        frozenset({"active"}),
        "owner",
        lambda c, w: c.post(
            reverse("check_in", args=[w.key_result.pk]), {"value": "55", "confidence": "4"}
        ),
        lambda w: (
            CheckIn.objects.count(),
            KeyResult.objects.get(pk=w.key_result.pk).current_value,
        ),
    ),
    Endpoint(
        "grade_key_result",
        frozenset({"grading"}),
        "owner",
        lambda c, w: c.post(
            reverse("grade_key_result", args=[w.key_result.pk]), {"grade": "0.6", "note": "ok"}
        ),
        lambda w: KeyResult.objects.values_list("final_grade", "grade_note").get(
            pk=w.key_result.pk
        ),
    ),
    Endpoint(
        "objective_reflection",
        frozenset({"grading"}),
        "manager",
        lambda c, w: c.post(
            reverse("objective_reflection", args=[w.objective.pk]),
            {
                "what_worked": "a",
                "what_did_not": "b",
                "root_cause": "c",
                "decision": "keep",
            },
        ),
        lambda w: ObjectiveReflection.objects.count(),
    ),
    Endpoint(
        "cycle_transition",
        frozenset(OPEN),
        "admin",
        lambda c, w: c.post(
            reverse("cycle_transition", args=[w.cycle.pk, _transition_target(w)]),
            {"from_state": w.cycle.state},
        ),
        lambda w: (Cycle.objects.get(pk=w.cycle.pk).state, w.cycle.transitions.count()),
    ),
    Endpoint(
        "cycle_edit",
        frozenset(OPEN),
        "admin",
        lambda c, w: c.post(
            reverse("cycle_edit", args=[w.cycle.pk]),
            {
                "name": "Renamed",
                "start_date": w.cycle.start_date.isoformat(),
                "end_date": w.cycle.end_date.isoformat(),
            },
        ),
        lambda w: Cycle.objects.values_list("name", "end_date").get(pk=w.cycle.pk),
    ),
    Endpoint(
        "carry_over",  # from this cycle into another
        frozenset({"grading", "closed"}),
        "manager",
        lambda c, w: c.post(
            reverse("carry_over"),
            {"cycle": w.cycle.pk, "objectives": [w.objective.pk], "into": w.elsewhere.pk},
        ),
        lambda w: Objective.objects.filter(cycle=w.elsewhere).count(),
    ),
    Endpoint(
        "carry_over into",  # from another cycle into this one
        frozenset({"planning", "active"}),
        "manager",
        lambda c, w: c.post(
            reverse("carry_over"),
            {
                "cycle": w.finished_source.cycle_id,
                "objectives": [w.finished_source.pk],
                "into": w.cycle.pk,
            },
        ),
        lambda w: Objective.objects.filter(cycle=w.cycle).count(),
    ),
    Endpoint(
        "key_result_reassign",
        frozenset(OPEN),
        "admin",
        lambda c, w: c.post(
            reverse("key_result_reassign", args=[w.key_result.pk]), {"owner": w.teammate.pk}
        ),
        lambda w: KeyResult.objects.get(pk=w.key_result.pk).owner_id,
    ),
]

# POST endpoints that touch no cycle, and why.
NOT_CYCLE_BOUND = {
    "login": "signing in",
    "logout": "signing out",
    "cycle_new": "creates a new cycle (always in planning)",
    "fiscal_year": "the programme's fiscal-year setting",
    "person_new": "people are not part of a cycle",
    "person_edit": "a person's profile",
    "person_deactivate": "deactivation moves nothing in any cycle",
    "person_reactivate": "a person's sign-in",
    "membership_add": "team membership",
    "membership_role": "team membership",
    "membership_remove": "team membership",
    "team_new": "the team tree",
    "team_detail": "the team tree",
    "reminder_settings": "the reminder policy",
    "reminder_test": "sends the admin a test e-mail; writes no OKR",
    "reminder_unsubscribe": "a person's reminder opt-out",
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.url_name for e in ENDPOINTS])
def test_every_write_endpoint_in_every_cycle_state(client, world, endpoint, state):
    world.cycle.state = state
    world.cycle.save(update_fields=["state"])
    before = endpoint.snapshot(world)
    client.force_login(getattr(world, endpoint.actor))
    response = endpoint.post(client, world)
    if state in endpoint.allowed:
        assert response.status_code in (200, 302), response.content.decode()[:500]
        assert endpoint.snapshot(world) != before
        return
    assert response.status_code in (403, 409), (response.status_code, endpoint.url_name)
    html = response.content.decode()
    assert f"is {state}" in html, html[:2000]
    if state == "closed":
        assert "closed" in html
    assert endpoint.snapshot(world) == before


def test_the_table_covers_every_post_endpoint_of_the_site(admin):
    """Ask every URL which methods it allows (a 405 names them); each one that takes a POST is
    either in the table above or listed as touching no cycle."""
    client = Client()
    client.force_login(admin)
    posting: set[str] = set()
    for name, url in _every_named_url():
        response = client.options(url)
        allowed = response.get("Allow")
        if allowed is None or "POST" in allowed:
            posting.add(name)
    table = {e.url_name.split()[0] for e in ENDPOINTS}
    unclassified = posting - table - set(NOT_CYCLE_BOUND)
    assert not unclassified, (
        f"POST endpoints missing from the cycle-state table: {sorted(unclassified)}. Add each to "
        "ENDPOINTS (with the states it writes in) or to NOT_CYCLE_BOUND (saying why)."
    )
    assert table <= posting


def _every_named_url() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":  # Django admin: see test_objectives_admin.py
                    continue
                walk(pattern.url_patterns, prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                kwargs = {
                    key: (1 if converter.regex == "[0-9]+" else "x")
                    for key, converter in pattern.pattern.converters.items()
                }
                if "to_state" in kwargs:
                    kwargs["to_state"] = "active"
                found.append((pattern.name, reverse(pattern.name, kwargs=kwargs)))

    walk(get_resolver().url_patterns)
    return found


# --- The same table one level down: the services themselves -----------------------------------


def _service_writes(world: World) -> dict[str, Callable[[], object]]:
    w = world
    return {
        "create_objective": lambda: services.create_objective(
            cycle=w.cycle, title="New", owner_team=w.objective.owner_team
        ),
        "create_key_result": lambda: services.create_key_result(
            objective=w.objective, title="New", owner=w.owner, target_value=Decimal(5)
        ),
        "record_checkin": lambda: record_checkin(
            actor=w.owner, key_result=w.key_result, value=Decimal(1), confidence=4
        ),
        "grade_key_result": lambda: services.grade_key_result(
            actor=w.owner, key_result=w.key_result, grade=Decimal("0.5"), note="n"
        ),
        "save_reflection": lambda: services.save_reflection(
            actor=w.manager,
            objective=w.objective,
            what_worked="a",
            what_did_not="b",
            root_cause="c",
            decision="keep",
        ),
        "carry_over_into": lambda: services.carry_over_objectives(
            actor=w.manager, objectives=[w.finished_source], into=w.cycle
        ),
        "reassign_key_result": lambda: services.reassign_key_result(
            actor=w.admin, key_result=w.key_result, new_owner=w.teammate
        ),
        "update_cycle": lambda: cycle_services.update_cycle(
            actor=w.admin,
            cycle=w.cycle,
            name="Renamed",
            start_date=w.cycle.start_date,
            end_date=w.cycle.end_date,
            auto_transition=True,
        ),
        "transition_cycle": lambda: cycle_services.transition_cycle(
            actor=w.admin, cycle=w.cycle, to_state="closed"
        ),
    }


SERVICE_NAMES = [
    "create_objective",
    "create_key_result",
    "record_checkin",
    "grade_key_result",
    "save_reflection",
    "carry_over_into",
    "reassign_key_result",
    "update_cycle",
    "transition_cycle",
]


def _everything(world: World) -> tuple:
    return (
        list(Objective.objects.order_by("pk").values()),
        list(KeyResult.objects.order_by("pk").values()),
        list(CheckIn.objects.order_by("pk").values()),
        list(ObjectiveReflection.objects.values()),
        list(Cycle.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_every_write_service_refuses_a_closed_cycle_and_changes_nothing(world, name):
    world.cycle.state = "closed"
    world.cycle.save(update_fields=["state"])
    before = _everything(world)
    with pytest.raises((ValidationError, PermissionDenied)) as refused:
        _service_writes(world)[name]()
    message = " ".join(getattr(refused.value, "messages", [str(refused.value)]))
    assert "closed" in message
    assert _everything(world) == before
