"""The grading page, grading a key result inline (HTMX) or on its own page, and reflections."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.services import record_checkin
from objectives.models import Cycle, KeyResult, ObjectiveReflection
from tests.factories import KeyResultFactory, ObjectiveFactory, ObjectiveReflectionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _state(cycle: Cycle, state: str) -> None:
    cycle.state = state
    cycle.save(update_fields=["state"])


@pytest.fixture
def checked_in(key_result, owner, cycle):
    """The key result at 40 of 20→60 (progress 0.5), then the cycle moves to grading."""
    record_checkin(actor=owner, key_result=key_result, value=Decimal(40), confidence=4)
    _state(cycle, Cycle.State.GRADING)
    return key_result


def _grade_url(kr: KeyResult) -> str:
    return reverse("grade_key_result", args=[kr.pk])


def _page(cycle: Cycle) -> str:
    return f"{reverse('grading')}?cycle={cycle.pk}"


def test_owner_sees_their_key_results_with_progress_as_the_suggested_grade(
    client, owner, checked_in, cycle
):
    client.force_login(owner)
    response = client.get(_page(cycle))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Raise activation from 20% to 60%" in html
    assert 'data-testid="to-grade">1<' in html
    row = response.context["page"].row(checked_in.pk)
    assert (row.progress, row.suggested_grade, row.can_grade) == (
        Decimal("0.5"),
        Decimal("0.50"),
        True,
    )
    form = client.get(_grade_url(checked_in), **HTMX).content.decode()
    assert 'value="0.50"' in form and "the computed progress is 0.50" in form


def test_without_a_cycle_in_grading_the_page_says_so(client, owner, key_result):
    client.force_login(owner)
    response = client.get(reverse("grading"))
    assert response.status_code == 200
    assert "Grading opens when the cycle moves to grading" in response.content.decode()


def test_the_page_defaults_to_the_cycle_in_grading(client, owner, checked_in, cycle):
    client.force_login(owner)
    assert client.get(reverse("grading")).context["page"].cycle == cycle


def test_htmx_grade_saves_and_updates_row_and_objective(client, owner, checked_in):
    client.force_login(owner)
    response = client.post(
        _grade_url(checked_in), {"grade": "0.7", "note": "Tour shipped late."}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="grade-kr-{checked_in.pk}"')
    assert "Saved" in html and "Tour shipped late." in html
    header = f'id="grading-objective-{checked_in.objective_id}-header"'
    assert f'{header} class="objective-header" hx-swap-oob="true"' in html
    assert 'data-testid="objective-score"><span class="band band-green"' in html
    checked_in.refresh_from_db()
    assert (checked_in.final_grade, checked_in.graded_by) == (Decimal("0.7"), owner)


def test_without_javascript_grading_is_a_page_and_redirects(client, manager, checked_in, cycle):
    client.force_login(manager)
    page = client.get(_grade_url(checked_in))
    assert page.status_code == 200 and "<html" in page.content.decode()
    response = client.post(_grade_url(checked_in), {"grade": "1", "note": "Done."})
    assert response.status_code == 302 and response["Location"] == _page(cycle)
    assert KeyResult.objects.get(pk=checked_in.pk).final_grade == Decimal(1)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"grade": "", "note": "x"}, "grade", "This field is required."),
        ({"grade": "abc", "note": "x"}, "grade", "Enter a number."),
        ({"grade": "NaN", "note": "x"}, "grade", "Enter a number."),
        ({"grade": "1.5", "note": "x"}, "grade", "less than or equal to 1"),
        ({"grade": "-0.1", "note": "x"}, "grade", "greater than or equal to 0"),
        ({"grade": "0.655", "note": "x"}, "grade", "decimal places"),
        ({"grade": "0.5", "note": ""}, "note", "This field is required."),
        ({"grade": "0.5", "note": "   "}, "note", "This field is required."),
    ],
)
def test_bad_grades_rerender_with_a_message(client, owner, checked_in, data, field, message):
    client.force_login(owner)
    response = client.post(_grade_url(checked_in), data, **HTMX)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert "has-error" in response.content.decode()
    assert KeyResult.objects.get(pk=checked_in.pk).final_grade is None


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_manager"])
def test_others_may_see_but_not_grade(client, request, who, checked_in):
    client.force_login(request.getfixturevalue(who))
    for method in ("get", "post"):
        response = getattr(client, method)(_grade_url(checked_in), {"grade": "1", "note": "x"})
        assert response.status_code == 403
        assert "You may not grade this key result." in response.content.decode()
    assert KeyResult.objects.get(pk=checked_in.pk).final_grade is None


def test_private_key_results_are_hidden(client, stranger, checked_in):
    checked_in.objective.visibility = "private"
    checked_in.objective.save(update_fields=["visibility"])
    client.force_login(stranger)
    assert client.post(_grade_url(checked_in), {"grade": "1", "note": "x"}).status_code == 404
    assert client.get(reverse("grade_key_result", args=[99999])).status_code == 404


@pytest.mark.parametrize("state", ["planning", "active", "closed"])
def test_grading_outside_the_grading_state_is_a_conflict(client, owner, key_result, cycle, state):
    _state(cycle, state)
    client.force_login(owner)
    response = client.post(_grade_url(key_result), {"grade": "0.5", "note": "x"}, **HTMX)
    assert response.status_code == 409
    assert f"is {state}" in response.content.decode()
    assert KeyResult.objects.get(pk=key_result.pk).final_grade is None


def test_cancel_swaps_the_row_back(client, owner, checked_in):
    client.force_login(owner)
    html = client.get(f"{_grade_url(checked_in)}?cancel=1", **HTMX).content.decode()
    assert html.lstrip().startswith(f'<article id="grade-kr-{checked_in.pk}"')
    assert "<form" not in html


def test_a_closed_cycle_shows_the_stored_scores(client, owner, checked_in, cycle):
    checked_in.frozen_score = Decimal("0.3")
    checked_in.save(update_fields=["frozen_score"])
    _state(cycle, "closed")
    client.force_login(owner)
    response = client.get(_page(cycle))
    row = response.context["page"].row(checked_in.pk)
    assert row.score == Decimal("0.3") and not row.can_grade
    assert "Closed: the scores below are the ones stored" in response.content.decode()
    assert ">Grade<" not in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize(("who", "queries"), [("owner", 7), ("manager", 9), ("admin", 7)])
def test_grading_page_runs_a_fixed_number_of_queries(
    client, request, cycle, product, owner, django_assert_num_queries, count, who, queries
):
    for n in range(count):
        objective = ObjectiveFactory(cycle=cycle, owner_team=product)
        for _ in range(3):
            kr = KeyResultFactory(objective=objective, owner=owner, kind="at_least")
            record_checkin(actor=owner, key_result=kr, value=Decimal(n), confidence=4)
        if n % 2:
            ObjectiveReflectionFactory(objective=objective, author=owner)
    _state(cycle, "grading")
    client.force_login(request.getfixturevalue(who))
    # session, user, cycle, the person's scope (admin 0, member 1, manager 3: memberships, team
    # tree, people managed), objectives, key results, the header's switcher, and for admins its
    # reminders check
    with django_assert_num_queries(queries):
        response = client.get(_page(cycle))
    assert len(response.context["page"].objectives) == count


# --- Reflections -------------------------------------------------------------------------------


def _reflection_url(objective) -> str:
    return reverse("objective_reflection", args=[objective.pk])


REFLECTION = {
    "what_worked": "Weekly demos.",
    "what_did_not": "Hiring.",
    "root_cause": "",
    "decision": "change",
}


def test_manager_writes_a_reflection_inline(client, manager, checked_in):
    objective = checked_in.objective
    client.force_login(manager)
    page = client.get(_page(objective.cycle)).content.decode()
    assert _reflection_url(objective) in page
    form = client.get(_reflection_url(objective), **HTMX).content.decode()
    assert form.lstrip().startswith(f'<div id="reflection-{objective.pk}"')
    assert "(required: scored below 0.7)" in form
    response = client.post(_reflection_url(objective), REFLECTION, **HTMX)
    assert response.status_code == 422
    assert "Scored 0.50, below 0.7: name the root cause." in response.content.decode()
    assert not ObjectiveReflection.objects.exists()
    response = client.post(
        _reflection_url(objective), {**REFLECTION, "root_cause": "Too few people."}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reflection saved" in html and "Too few people." in html
    assert ObjectiveReflection.objects.get().author == manager


def test_reflection_without_javascript(client, manager, checked_in, cycle):
    client.force_login(manager)
    page = client.get(_reflection_url(checked_in.objective))
    assert page.status_code == 200 and "<html" in page.content.decode()
    response = client.post(
        _reflection_url(checked_in.objective), {**REFLECTION, "root_cause": "Scope."}
    )
    assert response.status_code == 302 and response["Location"] == _page(cycle)


@pytest.mark.parametrize("who", ["owner", "teammate", "stranger"])
def test_only_editors_of_the_objective_reflect(client, request, who, checked_in):
    client.force_login(request.getfixturevalue(who))
    response = client.post(_reflection_url(checked_in.objective), REFLECTION)
    assert response.status_code == 403
    assert "You may not write the reflection on this objective." in response.content.decode()
    assert not ObjectiveReflection.objects.exists()


@pytest.mark.parametrize("state", ["planning", "active", "closed"])
def test_reflections_outside_grading_are_conflicts(client, manager, key_result, cycle, state):
    _state(cycle, state)
    client.force_login(manager)
    response = client.post(_reflection_url(key_result.objective), REFLECTION)
    assert response.status_code == 409
    assert not ObjectiveReflection.objects.exists()
