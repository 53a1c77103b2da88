"""The planning writes: who may do what (DESIGN.md section 6), the rules on values and alignment,
and that a refused write changes nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from objectives import services
from objectives.models import KeyResult, Objective, ObjectiveTemplate
from objectives.planning import services as planning_services
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "teammate", "manager", "stranger", "other_manager", "admin"]
D = Decimal


def _everything() -> tuple:
    return (
        list(Objective.objects.order_by("pk").values()),
        list(KeyResult.objects.order_by("pk").values()),
        list(ObjectiveTemplate.objects.order_by("pk").values()),
    )


def _kr_values(**overrides: object) -> dict:
    values = {
        "title": "Raise activation from 20% to 60%",
        "kind": "metric",
        "unit": "%",
        "start_value": D(20),
        "target_value": D(60),
        "weight": D(1),
    }
    values.update(overrides)
    return values


# --- Who may write what ------------------------------------------------------------------------

# role -> may they create an objective owned by product / by `owner` / by the company?
CREATE = {
    "owner": (False, True, False),
    "teammate": (False, False, False),
    "manager": (True, True, False),
    "stranger": (False, False, False),
    "other_manager": (False, False, False),
    "admin": (True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_create_objectives_for_which_owner(request, role, cycle, product, company, owner):
    actor = request.getfixturevalue(role)
    owners = [{"owner_team": product}, {"owner_user": owner}, {"owner_team": company}]
    for allowed, owner_kwargs in zip(CREATE[role], owners, strict=True):
        before = Objective.objects.count()
        if allowed:
            made = services.add_objective(actor=actor, cycle=cycle, title="Delight", **owner_kwargs)
            assert made.pk and Objective.objects.count() == before + 1
        else:
            with pytest.raises(PermissionDenied):
                services.add_objective(actor=actor, cycle=cycle, title="Delight", **owner_kwargs)
            assert Objective.objects.count() == before


# role -> (edit the team objective, add a key result to it, edit `owner`'s key result on it,
#          reorder / archive / restore its key results)
TEAM_OBJECTIVE_WRITES = {
    "owner": (False, False, True, False),
    "teammate": (False, False, False, False),
    "manager": (True, True, True, True),
    "stranger": (False, False, False, False),
    "other_manager": (False, False, False, False),
    "admin": (True, True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_a_team_objective_and_its_key_results(request, role, key_result, owner):
    actor = request.getfixturevalue(role)
    objective = key_result.objective
    expected = TEAM_OBJECTIVE_WRITES[role]
    attempts = [
        lambda: services.edit_objective(
            actor=actor,
            objective=objective,
            title="Renamed",
            description="",
            owner_team=objective.owner_team,
            owner_user=None,
            objective_type="committed",
            visibility="public",
            parent=None,
        ),
        lambda: services.add_key_result(
            actor=actor, objective=objective, owner=owner, **_kr_values(title="Another measure")
        ),
        lambda: services.edit_key_result(
            actor=actor, key_result=key_result, owner=owner, **_kr_values(title="Renamed KR")
        ),
        lambda: services.archive_key_result(actor=actor, key_result=key_result),
    ]
    for allowed, attempt in zip(expected, attempts, strict=True):
        before = _everything()
        if allowed:
            attempt()
            assert _everything() != before
        else:
            with pytest.raises(PermissionDenied):
                attempt()
            assert _everything() == before


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("owner", True), ("manager", True), ("admin", True), ("teammate", False),
     ("stranger", False), ("other_manager", False)],
)  # fmt: skip
def test_an_individual_objective_is_its_owners_and_their_managers(
    request, role, allowed, cycle, owner
):
    objective = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner)
    actor = request.getfixturevalue(role)

    def edit() -> None:
        services.edit_objective(
            actor=actor,
            objective=objective,
            title="Sharper",
            description="",
            owner_team=None,
            owner_user=owner,
            objective_type="aspirational",
            visibility="public",
            parent=None,
        )

    if allowed:
        edit()
        objective.refresh_from_db()
        assert objective.title == "Sharper"
    else:
        with pytest.raises(PermissionDenied):
            edit()


def test_a_key_results_owner_may_not_give_it_away_but_the_manager_may(
    key_result, owner, teammate, manager
):
    before = _everything()
    with pytest.raises(PermissionDenied, match="give its key results to others"):
        services.edit_key_result(actor=owner, key_result=key_result, owner=teammate, **_kr_values())
    assert _everything() == before
    services.edit_key_result(actor=manager, key_result=key_result, owner=teammate, **_kr_values())
    key_result.refresh_from_db()
    assert key_result.owner == teammate


def test_moving_an_objective_to_an_owner_you_may_not_write_for_is_refused(
    cycle, owner, manager, sales
):
    mine = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner)
    with pytest.raises(PermissionDenied, match="Sales"):
        services.edit_objective(
            actor=manager,
            objective=mine,
            title=mine.title,
            description="",
            owner_team=sales,
            owner_user=None,
            objective_type="aspirational",
            visibility="public",
            parent=None,
        )
    mine.refresh_from_db()
    assert mine.owner_user == owner


# --- Values ------------------------------------------------------------------------------------


def test_an_objective_with_its_first_key_results_all_at_once(cycle, manager, product, owner):
    objective = services.add_objective(
        actor=manager,
        cycle=cycle,
        title="  Make onboarding a joy  ",
        owner_team=product,
        objective_type="committed",
        visibility="private",
        description="Why it matters",
        key_results=[
            services.KeyResultDraft(
                title="Raise activation from 20% to 60%",
                owner=owner,
                start_value=D(20),
                target_value=D(60),
                unit="%",
            ),
            services.KeyResultDraft(
                title="Onboarding checklist live for every new team",
                owner=manager,
                kind="milestone",
                start_value=D(7),  # a milestone runs from 0 to 1, whatever is typed
                target_value=D(9),
            ),
        ],
    )
    assert objective.title == "Make onboarding a joy"
    assert (objective.objective_type, objective.visibility) == ("committed", "private")
    first, second = objective.key_results.order_by("order")
    assert (first.order, first.owner, first.unit) == (0, owner, "%")
    assert (second.order, second.start_value, second.target_value) == (1, D(0), D(1))


def test_key_results_are_added_after_the_others_and_dated_when_written(
    cycle, team_objective, manager, owner
):
    first = services.add_key_result(
        actor=manager, objective=team_objective, owner=owner, **_kr_values(title="First")
    )
    planned = datetime(2026, 9, 17, 10, tzinfo=UTC)  # written down before the quarter began
    second = services.add_key_result(
        actor=manager, objective=team_objective, owner=owner, now=planned, **_kr_values()
    )
    assert (first.order, second.order) == (0, 1)
    assert second.created_at == planned
    with_drafts = services.add_objective(
        actor=manager,
        cycle=cycle,
        title="Planned ahead",
        owner_team=team_objective.owner_team,
        key_results=[services.KeyResultDraft(title="One", owner=owner, target_value=D(3))],
        now=planned,
    )
    assert [kr.created_at for kr in with_drafts.key_results.all()] == [planned]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "what will you measure"),
        ({"title": "x" * 201}, "title", "under 200"),
        ({"target_value": D("NaN")}, "target_value", "finite"),
        ({"target_value": D("Infinity")}, "target_value", "finite"),
        ({"start_value": D("-Infinity")}, "start_value", "finite"),
        ({"target_value": D("1e13")}, "target_value", "between"),
        ({"target_value": D("0.00001")}, "target_value", "4 decimals"),
        ({"target_value": None}, "target_value", "Enter a number"),
        ({"target_value": D(20)}, "target_value", "must differ"),
        ({"weight": D(0)}, "weight", "above 0"),
        ({"weight": D(-1)}, "weight", "above 0"),
        ({"weight": D(101)}, "weight", "at most 100"),
        ({"weight": D("0.555")}, "weight", "2 decimals"),
        ({"kind": "guess"}, "kind", "how the key result is measured"),
        ({"unit": "u" * 25}, "unit", "under 24"),
    ],
)
def test_bad_key_result_values_are_refused_and_nothing_is_written(
    team_objective, manager, owner, overrides, field, message
):
    before = _everything()
    with pytest.raises(ValidationError) as refused:
        services.add_key_result(
            actor=manager, objective=team_objective, owner=owner, **_kr_values(**overrides)
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert _everything() == before


def test_a_deactivated_person_cannot_own_a_new_key_result(team_objective, manager):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError) as refused:
        services.add_key_result(actor=manager, objective=team_objective, owner=gone, **_kr_values())
    assert "deactivated" in refused.value.message_dict["owner"][0]


def test_bad_draft_rows_are_reported_by_row_and_nothing_is_written(cycle, manager, product):
    before = _everything()
    with pytest.raises(ValidationError) as refused:
        services.add_objective(
            actor=manager,
            cycle=cycle,
            title="Grow",
            owner_team=product,
            key_results=[
                services.KeyResultDraft(title="Fine", owner=manager, target_value=D(5)),
                services.KeyResultDraft(title="Flat", owner=manager, target_value=D(0)),
            ],
        )
    assert "key_results-1-target_value" in refused.value.message_dict
    assert "key_results-0-target_value" not in refused.value.message_dict
    assert _everything() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"objective_type": "maybe"}, "objective_type"),
        ({"visibility": "secret"}, "visibility"),
        ({"description": "d" * 4001}, "description"),
    ],
)
def test_bad_objective_values_are_refused(cycle, manager, product, values, field):
    kwargs = {"title": "Grow", **values}
    with pytest.raises(ValidationError) as refused:
        services.add_objective(actor=manager, cycle=cycle, owner_team=product, **kwargs)
    assert field in refused.value.message_dict
    assert not Objective.objects.exists()


def test_an_objective_has_exactly_one_owner(cycle, admin, product, owner):
    for kwargs in ({}, {"owner_team": product, "owner_user": owner}):
        with pytest.raises(ValidationError, match="one owner"):
            services.add_objective(actor=admin, cycle=cycle, title="Grow", **kwargs)
    assert not Objective.objects.exists()


# --- Alignment ---------------------------------------------------------------------------------


def test_a_parent_must_be_in_the_same_cycle(cycle, manager, product, company):
    elsewhere = ObjectiveFactory(
        cycle=CycleFactory(start_date=date(2020, 1, 1)), owner_team=company
    )
    with pytest.raises(ValidationError) as refused:
        services.add_objective(
            actor=manager, cycle=cycle, title="Grow", owner_team=product, parent=elsewhere
        )
    assert "same cycle" in refused.value.message_dict["parent"][0]
    assert not Objective.objects.filter(cycle=cycle).exists()


def test_a_parent_may_not_make_a_loop(cycle, manager, product):
    top = ObjectiveFactory(cycle=cycle, owner_team=product, title="Top")
    middle = ObjectiveFactory(cycle=cycle, owner_team=product, parent=top, title="Middle")
    bottom = ObjectiveFactory(cycle=cycle, owner_team=product, parent=middle, title="Bottom")

    def align_top_under(parent: Objective) -> None:
        services.edit_objective(
            actor=manager,
            objective=top,
            title="Top",
            description="",
            owner_team=product,
            owner_user=None,
            objective_type="aspirational",
            visibility="public",
            parent=parent,
        )

    for parent, message in ((bottom, "loop"), (middle, "loop"), (top, "own parent")):
        with pytest.raises(ValidationError) as refused:
            align_top_under(parent)
        assert message in refused.value.message_dict["parent"][0]
        top.refresh_from_db()
        assert top.parent_id is None
    align_top_under(None)  # and no parent is always fine


def test_a_parent_must_be_visible_and_live(cycle, owner, stranger, product, sales):
    hidden = ObjectiveFactory(cycle=cycle, owner_team=product, visibility="private")
    archived = ObjectiveFactory(cycle=cycle, owner_team=sales, archived=True)
    mine = {"actor": stranger, "cycle": cycle, "title": "Grow", "owner_user": stranger}
    with pytest.raises(ValidationError) as refused:
        services.add_objective(parent=hidden, **mine)
    assert "from the list" in refused.value.message_dict["parent"][0]
    with pytest.raises(ValidationError) as refused:
        services.add_objective(parent=archived, **mine)
    assert "archived" in refused.value.message_dict["parent"][0]
    assert not Objective.objects.filter(owner_user=stranger).exists()
    # The owner sees their team's private objective and may align to it.
    made = services.add_objective(
        actor=owner, cycle=cycle, title="Grow", owner_user=owner, parent=hidden
    )
    assert made.parent == hidden


# --- Reordering, archiving, restoring ----------------------------------------------------------


def _titles(objective: Objective) -> list[str]:
    return list(
        objective.key_results.filter(archived=False)
        .order_by("order", "pk")
        .values_list("title", flat=True)
    )


def test_moving_key_results_up_and_down(team_objective, manager, owner):
    a, b, c = (
        KeyResultFactory(objective=team_objective, owner=owner, title=t, order=o)
        for t, o in (("A", 5), ("B", 5), ("C", 9))  # uneven orders get renumbered
    )
    services.move_key_result(actor=manager, key_result=c, offset=-1)
    assert _titles(team_objective) == ["A", "C", "B"]
    services.move_key_result(actor=manager, key_result=a, offset=1)
    assert _titles(team_objective) == ["C", "A", "B"]
    assert list(team_objective.key_results.order_by("order").values_list("order", flat=True)) == [
        0,
        1,
        2,
    ]
    services.move_key_result(actor=manager, key_result=c, offset=-1)  # already first
    assert _titles(team_objective) == ["C", "A", "B"]
    with pytest.raises(ValidationError):
        services.move_key_result(actor=manager, key_result=b, offset=2)


def test_archiving_and_restoring_a_key_result(team_objective, manager, owner):
    a, b, c = (
        KeyResultFactory(objective=team_objective, owner=owner, title=t, order=o)
        for o, t in enumerate("ABC")
    )
    services.archive_key_result(actor=manager, key_result=a)
    assert _titles(team_objective) == ["B", "C"]
    with pytest.raises(PermissionDenied, match="archived"):
        services.move_key_result(actor=manager, key_result=a, offset=1)
    with pytest.raises(PermissionDenied, match="archived"):
        services.edit_key_result(actor=manager, key_result=a, owner=owner, **_kr_values())
    services.restore_key_result(actor=manager, key_result=a)
    assert _titles(team_objective) == ["B", "C", "A"]  # back at the end


def test_archiving_and_restoring_an_objective(team_objective, manager, owner):
    services.archive_objective(actor=manager, objective=team_objective)
    team_objective.refresh_from_db()
    assert team_objective.archived
    with pytest.raises(PermissionDenied, match="restore it"):
        services.add_key_result(
            actor=manager, objective=team_objective, owner=owner, **_kr_values()
        )
    services.restore_objective(actor=manager, objective=team_objective)
    team_objective.refresh_from_db()
    assert not team_objective.archived


def test_a_closed_cycle_refuses_planning_and_changes_nothing(key_result, manager, owner):
    cycle = key_result.objective.cycle
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    before = _everything()
    with pytest.raises(ValidationError, match="closed"):
        services.add_key_result(
            actor=manager, objective=key_result.objective, owner=owner, **_kr_values()
        )
    with pytest.raises(ValidationError, match="closed"):
        services.move_key_result(actor=manager, key_result=key_result, offset=1)
    assert _everything() == before


# --- Saving an objective as a template ---------------------------------------------------------


def test_admins_save_an_objective_as_a_template(team_objective, admin, owner):
    KeyResultFactory(objective=team_objective, owner=owner, title="Kept", order=0, unit="%")
    KeyResultFactory(objective=team_objective, owner=owner, title="Gone", order=1, archived=True)
    template = planning_services.save_objective_as_template(
        actor=admin, objective=team_objective, department="product"
    )
    assert (template.title, template.level, template.library_key) == (
        team_objective.title,
        "team",
        None,
    )
    assert template.created_by == admin
    assert [kr.title for kr in template.key_results.all()] == ["Kept"]
    assert template.key_results.get().unit == "%"


@pytest.mark.parametrize("role", ["owner", "manager", "stranger"])
def test_only_admins_save_templates(request, role, team_objective):
    with pytest.raises(PermissionDenied):
        planning_services.save_objective_as_template(
            actor=request.getfixturevalue(role), objective=team_objective, department="product"
        )
    assert not ObjectiveTemplate.objects.filter(library_key__isnull=True).exists()


def test_a_template_needs_a_known_department(team_objective, admin):
    with pytest.raises(ValidationError) as refused:
        planning_services.save_objective_as_template(
            actor=admin, objective=team_objective, department="astrology"
        )
    assert "department" in refused.value.message_dict


@pytest.mark.parametrize(
    ("text", "value", "problem"),
    [
        ("12.5", D("12.5"), None),
        ("-3", D(-3), None),
        ("", None, None),
        ("NaN", None, "finite"),
        ("Infinity", None, "finite"),
        ("-inf", None, "finite"),
        ("lots", None, "plain number"),
        ("1,000", None, "plain number"),
        ("1e400", None, "between"),
        ("0.00001", None, "decimals"),
    ],
)
def test_parse_number(text, value, problem):
    parsed, problems = services.parse_number(text)
    if problem is None:
        assert (parsed, problems) == (value, [])
    else:
        assert problem in " ".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_the_bulk_scope_agrees_with_the_new_predicates(request, role, cycle, product, owner):
    from objectives import permissions

    user = request.getfixturevalue(role)
    scope = permissions.scope_for(user)
    team_objective = ObjectiveFactory(cycle=cycle, owner_team=product)
    own_objective = ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner)
    for objective in (team_objective, own_objective):
        for kr_owner in (owner, UserFactory()):
            kr = KeyResultFactory(objective=objective, owner=kr_owner)
            assert scope.can_edit_key_result(kr) == permissions.can_edit_key_result(user, kr)
        assert permissions.can_manage_key_results(user, objective) == scope.can_edit_objective(
            objective
        )
    assert permissions.can_manage_templates(user) == (role == "admin")
