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
from initiatives import services as initiative_services
from initiatives.models import Initiative
from objectives import services
from objectives.cycles import services as cycle_services
from objectives.models import Cycle, KeyResult, Objective, ObjectiveReflection, User
from objectives.planning import services as planning_services
from objectives.planning import spreadsheets as okr_io
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
            # Confirmed: the cycle's dates are beside the point here, only its state.
            {"from_state": w.cycle.state, "confirm": "True"},
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
    # Planning: every write but the import takes any cycle that is not closed.
    Endpoint(
        "objective_new",
        frozenset(OPEN),
        "manager",
        lambda c, w: c.post(reverse("objective_new"), _objective_form(w, title="Win hearts")),
        lambda w: Objective.objects.filter(cycle=w.cycle).count(),
    ),
    Endpoint(
        "objective_edit",
        frozenset(OPEN),
        "manager",
        lambda c, w: c.post(
            reverse("objective_edit", args=[w.objective.pk]),
            {**_objective_form(w, title="Renamed"), "version": w.objective.version},
        ),
        lambda w: Objective.objects.get(pk=w.objective.pk).title,
    ),
    Endpoint(
        "objective_archive",
        frozenset(OPEN),
        "manager",
        lambda c, w: c.post(reverse("objective_archive", args=[w.objective.pk])),
        lambda w: Objective.objects.get(pk=w.objective.pk).archived,
    ),
    Endpoint(
        "objective_restore",
        frozenset(OPEN),
        "manager",
        lambda c, w: _archived_then_post(
            c, Objective.objects.filter(pk=w.objective.pk), "objective_restore", w.objective.pk
        ),
        # A queryset update (the archiving above) leaves updated_at alone; a restore sets it.
        lambda w: Objective.objects.get(pk=w.objective.pk).updated_at,
    ),
    Endpoint(
        "key_result_new",
        frozenset(OPEN),
        "manager",
        lambda c, w: c.post(
            reverse("key_result_new", args=[w.objective.pk]),
            {"title": "Cut churn", "owner": "owner", "kind": "metric", "target_value": "5"},
        ),
        lambda w: KeyResult.objects.filter(objective=w.objective).count(),
    ),
    Endpoint(
        "key_result_edit",
        frozenset(OPEN),
        "owner",
        lambda c, w: c.post(
            reverse("key_result_edit", args=[w.key_result.pk]),
            {
                "title": "Renamed measure",
                "owner": "owner",
                "kind": "metric",
                "start_value": "20",
                "target_value": "60",
                "weight": "1",
                "version": w.key_result.version,
            },
        ),
        lambda w: KeyResult.objects.get(pk=w.key_result.pk).title,
    ),
    Endpoint(
        "key_result_move",
        frozenset(OPEN),
        "manager",
        lambda c, w: _sibling_then_move_down(c, w),
        # How many key results come before it: 0 until it moves below its new sibling.
        lambda w: KeyResult.objects.filter(
            objective=w.objective, order__lt=KeyResult.objects.get(pk=w.key_result.pk).order
        ).count(),
    ),
    Endpoint(
        "key_result_archive",
        frozenset(OPEN),
        "manager",
        lambda c, w: c.post(reverse("key_result_archive", args=[w.key_result.pk])),
        lambda w: KeyResult.objects.get(pk=w.key_result.pk).archived,
    ),
    Endpoint(
        "key_result_restore",
        frozenset(OPEN),
        "manager",
        lambda c, w: _archived_then_post(
            c, KeyResult.objects.filter(pk=w.key_result.pk), "key_result_restore", w.key_result.pk
        ),
        lambda w: KeyResult.objects.get(pk=w.key_result.pk).updated_at,
    ),
    Endpoint(
        "okr_import",
        frozenset({"planning"}),
        "manager",
        lambda c, w: c.post(
            reverse("okr_import"),
            {"cycle": w.cycle.pk, "action": "confirm", "content": IMPORT_CSV},
        ),
        lambda w: Objective.objects.filter(cycle=w.cycle).count(),
    ),
    # Initiatives follow the key result's edit rule: any cycle that is not closed.
    Endpoint(
        "initiative_new",
        frozenset(OPEN),
        "owner",
        lambda c, w: c.post(
            reverse("initiative_new", args=[w.key_result.pk]),
            {**_initiative_form(), "title": "Run the tour test"},
        ),
        lambda w: Initiative.objects.filter(key_result=w.key_result).count(),
    ),
    Endpoint(
        "initiative_edit",
        frozenset(OPEN),
        "owner",
        lambda c, w: c.post(
            reverse("initiative_edit", args=[_initiative(w).pk]),
            {**_initiative_form(), "title": "Renamed work"},
        ),
        lambda w: Initiative.objects.get(pk=_initiative(w).pk).title,
    ),
    Endpoint(
        "initiative_status",
        frozenset(OPEN),
        "owner",
        lambda c, w: c.post(
            reverse("initiative_status", args=[_initiative(w).pk]), {"status": "done"}
        ),
        lambda w: Initiative.objects.values_list("status", "completed_at").get(
            pk=_initiative(w).pk
        ),
    ),
]


def _initiative(world: World) -> Initiative:
    """The key result's initiative, made straight in the database (whatever the cycle's state)."""
    existing = Initiative.objects.filter(key_result=world.key_result).order_by("pk").first()
    return existing or Initiative.objects.create(
        key_result=world.key_result,
        title="Existing work",
        owner=world.owner,
        due_date=date(2026, 12, 1),
    )


def _initiative_form() -> dict[str, str]:
    return {"owner": "owner", "due_date": "2026-12-01", "status": "todo", "priority": "high"}


IMPORT_CSV = (
    "objective_ref,parent_ref,objective,description,owner_team,owner_user,type,visibility,"
    "key_result,kr_owner,kind,unit,start,target,weight\r\n"
    "N1,,Win more hearts,,product,,aspirational,public,Raise NPS from 30 to 40,owner,metric,,"
    "30,40,1\r\n"
)


def _objective_form(world: World, *, title: str) -> dict[str, object]:
    return {
        "cycle": world.cycle.pk,
        "title": title,
        "owner_kind": "team",
        "owner_team": world.objective.owner_team_id,
        "objective_type": "aspirational",
        "visibility": "public",
        "kr_rows": "1",
    }


def _archived_then_post(client: Client, rows, url_name: str, pk: int) -> object:
    rows.update(archived=True)
    return client.post(reverse(url_name, args=[pk]))


def _sibling_then_move_down(client: Client, world: World) -> object:
    KeyResultFactory(objective=world.objective, owner=world.owner, order=world.key_result.order + 1)
    return client.post(
        reverse("key_result_move", args=[world.key_result.pk]), {"direction": "down"}
    )


# POST endpoints that touch no cycle, and why.
NOT_CYCLE_BOUND = {
    "login": "signing in",
    "logout": "signing out",
    "set_language": "a person's language",
    "password_reset": "sends a password reset e-mail",
    "password_reset_confirm": "a person's password",
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
    "objective_save_template": "copies an objective into the template library; reads its cycle",
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
        "carry_over_into": lambda: planning_services.carry_over_objectives(
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
        "add_objective": lambda: services.add_objective(
            actor=w.manager, cycle=w.cycle, title="New", owner_team=w.objective.owner_team
        ),
        "edit_objective": lambda: services.edit_objective(
            actor=w.manager,
            objective=w.objective,
            title="Renamed",
            description="",
            owner_team=w.objective.owner_team,
            owner_user=None,
            objective_type="aspirational",
            visibility="public",
            parent=None,
        ),
        "archive_objective": lambda: services.archive_objective(
            actor=w.manager, objective=w.objective
        ),
        "restore_objective": lambda: services.restore_objective(
            actor=w.manager, objective=w.objective
        ),
        "add_key_result": lambda: services.add_key_result(
            actor=w.manager,
            objective=w.objective,
            title="New",
            owner=w.owner,
            target_value=Decimal(5),
        ),
        "edit_key_result": lambda: services.edit_key_result(
            actor=w.owner,
            key_result=w.key_result,
            title="Renamed",
            owner=w.owner,
            kind="metric",
            unit="",
            start_value=Decimal(0),
            target_value=Decimal(9),
            weight=Decimal(1),
        ),
        "move_key_result": lambda: services.move_key_result(
            actor=w.manager, key_result=w.key_result, offset=1
        ),
        "archive_key_result": lambda: services.archive_key_result(
            actor=w.manager, key_result=w.key_result
        ),
        "restore_key_result": lambda: services.restore_key_result(
            actor=w.manager, key_result=w.key_result
        ),
        "import_okrs": lambda: okr_io.import_okrs(
            actor=w.manager, cycle=w.cycle, content=IMPORT_CSV.encode()
        ),
        "create_initiative": lambda: initiative_services.create_initiative(
            actor=w.owner,
            key_result=w.key_result,
            title="New work",
            owner=w.owner,
            due_date=date(2026, 12, 1),
        ),
        "update_initiative": lambda: initiative_services.update_initiative(
            actor=w.owner,
            initiative=_initiative(w),
            title="Renamed",
            owner=w.owner,
            due_date=date(2026, 12, 2),
            status="in_progress",
            priority="low",
            link="",
        ),
        "set_initiative_status": lambda: initiative_services.set_initiative_status(
            actor=w.owner, initiative=_initiative(w), status="done"
        ),
    }


SERVICE_NAMES = [
    "record_checkin",
    "grade_key_result",
    "save_reflection",
    "carry_over_into",
    "reassign_key_result",
    "update_cycle",
    "transition_cycle",
    "add_objective",
    "edit_objective",
    "archive_objective",
    "restore_objective",
    "add_key_result",
    "edit_key_result",
    "move_key_result",
    "archive_key_result",
    "restore_key_result",
    "import_okrs",
    "create_initiative",
    "update_initiative",
    "set_initiative_status",
]


def _everything(world: World) -> tuple:
    return (
        list(Objective.objects.order_by("pk").values()),
        list(KeyResult.objects.order_by("pk").values()),
        list(CheckIn.objects.order_by("pk").values()),
        list(ObjectiveReflection.objects.values()),
        list(Cycle.objects.order_by("pk").values()),
        list(Initiative.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_every_write_service_refuses_a_closed_cycle_and_changes_nothing(world, name):
    world.cycle.state = "closed"
    world.cycle.save(update_fields=["state"])
    _initiative(world)  # something for the initiative writes to refuse to change
    before = _everything(world)
    with pytest.raises((ValidationError, PermissionDenied)) as refused:
        _service_writes(world)[name]()
    message = " ".join(getattr(refused.value, "messages", [str(refused.value)]))
    assert "closed" in message
    assert _everything(world) == before
