"""Optimistic version checks on the edit forms: a save based on an outdated form is refused
with 409, told who changed what and when (from the audit trail), and may be applied anyway."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from checkins.services import record_checkin
from objectives import services
from objectives.concurrency import EditConflict
from objectives.models import KeyResult, Objective

pytestmark = pytest.mark.django_db

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


def _kr_data(key_result, **overrides):
    data = {
        "title": key_result.title,
        "owner": key_result.owner.username,
        "kind": key_result.kind,
        "unit": key_result.unit,
        "start_value": "20",
        "target_value": "60",
        "weight": "1",
        "version": str(key_result.version),
    }
    data.update(overrides)
    return data


def _edit_values(key_result, **overrides):
    values = {
        "title": key_result.title,
        "owner": key_result.owner,
        "kind": key_result.kind,
        "unit": key_result.unit,
        "start_value": key_result.start_value,
        "target_value": key_result.target_value,
        "weight": key_result.weight,
    }
    values.update(overrides)
    return values


def _objective_data(objective, **overrides):
    data = {
        "cycle": objective.cycle_id,
        "title": objective.title,
        "description": objective.description,
        "owner_kind": "team",
        "owner_team": objective.owner_team_id,
        "objective_type": objective.objective_type,
        "visibility": objective.visibility,
        "parent": "",
        "version": str(objective.version),
    }
    data.update(overrides)
    return data


# --- The services ---------------------------------------------------------------------------


def test_an_outdated_version_is_refused_and_nothing_is_written(manager, owner, key_result):
    services.edit_key_result(
        actor=owner,
        key_result=key_result,
        expected_version=1,
        **_edit_values(key_result, target_value=D(70)),
    )
    with pytest.raises(EditConflict) as raised:
        services.edit_key_result(
            actor=manager,
            key_result=key_result,
            expected_version=1,
            **_edit_values(key_result, target_value=D(80), title="Mine"),
        )
    assert raised.value.current.version == 2 and raised.value.seen_version == 1
    fresh = KeyResult.objects.get(pk=key_result.pk)
    assert (fresh.target_value, fresh.title, fresh.version) == (D(70), key_result.title, 2)
    assert fresh.updated_at is not None


def test_an_outdated_objective_version_is_refused(manager, team_objective):
    values = {
        "title": "First",
        "description": "",
        "owner_team": team_objective.owner_team,
        "owner_user": None,
        "objective_type": "aspirational",
        "visibility": "public",
        "parent": None,
    }
    services.edit_objective(actor=manager, objective=team_objective, expected_version=1, **values)
    with pytest.raises(EditConflict):
        services.edit_objective(
            actor=manager,
            objective=team_objective,
            expected_version=1,
            **{**values, "title": "Second"},
        )
    assert Objective.objects.get(pk=team_objective.pk).title == "First"


def test_check_ins_do_not_make_an_edit_conflict(owner, key_result):
    """A check-in changes nothing the edit form shows, so it leaves the version alone."""
    record_checkin(actor=owner, key_result=key_result, value=D(30), confidence=4)
    services.edit_key_result(
        actor=owner,
        key_result=key_result,
        expected_version=1,
        **_edit_values(key_result, unit="pts"),
    )
    assert KeyResult.objects.get(pk=key_result.pk).unit == "pts"


# --- The views ------------------------------------------------------------------------------


def test_the_edit_forms_carry_their_version(client, manager, key_result, team_objective):
    client.force_login(manager)
    html = client.get(reverse("key_result_edit", args=[key_result.pk]), **HTMX).content.decode()
    assert 'type="hidden" name="version" value="1"' in html
    html = client.get(reverse("objective_edit", args=[team_objective.pk])).content.decode()
    assert 'type="hidden" name="version" value="1"' in html


def test_a_conflicting_key_result_edit_answers_409_with_an_htmx_fragment(
    client, owner, manager, key_result
):
    # The owner saves first, from a form rendered at version 1.
    services.edit_key_result(
        actor=owner,
        key_result=key_result,
        expected_version=1,
        **_edit_values(key_result, target_value=D(70)),
    )
    client.force_login(manager)
    response = client.post(
        reverse("key_result_edit", args=[key_result.pk]),
        _kr_data(key_result, target_value="80", version="1"),
        **HTMX,
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#plan-kr-{key_result.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert 'data-testid="edit-conflict"' in html
    assert "Owner changed" in html  # who, from the audit trail
    assert "<time" in html  # and when
    conflict = response.context["conflict"]
    assert [(line.theirs, line.yours) for line in conflict.lines] == [("70", "80")]
    # The form keeps the refused values and now carries the saved version: "apply mine anyway".
    assert 'name="version" value="2"' in html and 'value="80"' in html
    assert "Reload the latest" in html and "Apply mine anyway" in html
    assert KeyResult.objects.get(pk=key_result.pk).target_value == D(70)

    applied = client.post(
        reverse("key_result_edit", args=[key_result.pk]),
        _kr_data(key_result, target_value="80", version="2", apply_anyway="1"),
        **HTMX,
    )
    assert applied.status_code == 200
    fresh = KeyResult.objects.get(pk=key_result.pk)
    assert (fresh.target_value, fresh.version) == (D(80), 3)


def test_a_conflicting_objective_edit_shows_the_conflict_on_the_page(
    client, manager, admin, team_objective
):
    client.force_login(admin)
    first = client.post(
        reverse("objective_edit", args=[team_objective.pk]),
        _objective_data(team_objective, title="Admin's words"),
    )
    assert first.status_code == 302
    client.force_login(manager)
    response = client.post(
        reverse("objective_edit", args=[team_objective.pk]),
        _objective_data(team_objective, title="Manager's words", version="1"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and 'data-testid="edit-conflict"' in html
    assert f"{escape(admin.name)} changed" in html
    assert "Admin&#x27;s words" in html and "Manager&#x27;s words" in html
    assert Objective.objects.get(pk=team_objective.pk).title == "Admin's words"
    again = client.post(
        reverse("objective_edit", args=[team_objective.pk]),
        _objective_data(team_objective, title="Manager's words", version="2"),
    )
    assert again.status_code == 302
    assert Objective.objects.get(pk=team_objective.pk).title == "Manager's words"


def test_a_damaged_version_is_a_clear_422(client, manager, key_result):
    client.force_login(manager)
    response = client.post(
        reverse("key_result_edit", args=[key_result.pk]),
        _kr_data(key_result, version="1; DROP TABLE", target_value="99"),
        **HTMX,
    )
    assert response.status_code == 422
    assert "out of date or damaged" in response.content.decode()
    assert KeyResult.objects.get(pk=key_result.pk).target_value == D(60)


def test_archiving_in_between_makes_an_open_edit_conflict(client, manager, owner, key_result):
    services.archive_key_result(actor=manager, key_result=key_result)
    services.restore_key_result(actor=manager, key_result=key_result)
    client.force_login(owner)
    response = client.post(
        reverse("key_result_edit", args=[key_result.pk]),
        _kr_data(key_result, unit="pts", version="1"),
        **HTMX,
    )
    assert response.status_code == 409
    assert "Manager changed" in response.content.decode()


def test_a_reassignment_in_between_is_kept_when_the_owner_applies_theirs(
    client, owner, manager, teammate, key_result
):
    """The owner's form shows the owner field disabled: after a manager gave the key result to
    someone else, applying their own values changes what they wrote, not who owns it."""
    services.reassign_key_result(actor=manager, key_result=key_result, new_owner=teammate)
    client.force_login(owner)
    # The owner opened the form before the reassignment: it was theirs, and they could edit it.
    refused = client.post(
        reverse("key_result_edit", args=[key_result.pk]),
        _kr_data(key_result, owner="owner", unit="pts", version="1"),
        **HTMX,
    )
    # Now that it is the teammate's, the owner may no longer edit it at all.
    assert refused.status_code == 403
    key_result.refresh_from_db()
    assert key_result.owner == teammate and key_result.unit == "%"


def test_an_edit_without_a_version_is_refused_as_a_stale_one(client, manager, key_result):
    """A form that lost its version field used to skip the conflict check and overwrite."""
    client.force_login(manager)
    data = _kr_data(key_result, target_value="99")
    del data["version"]
    response = client.post(reverse("key_result_edit", args=[key_result.pk]), data, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="edit-conflict"' in html
    # The form now carries the current version: sending it again applies it knowingly.
    assert 'name="version" value="1"' in html
    assert KeyResult.objects.get(pk=key_result.pk).target_value == D(60)
    assert KeyResult.objects.get(pk=key_result.pk).version == 1


def test_an_objective_edit_without_a_version_is_refused_as_a_stale_one(
    client, manager, team_objective
):
    client.force_login(manager)
    data = _objective_data(team_objective, title="Overwritten blindly")
    del data["version"]
    response = client.post(reverse("objective_edit", args=[team_objective.pk]), data)
    assert response.status_code == 409
    assert 'data-testid="edit-conflict"' in response.content.decode()
    assert Objective.objects.get(pk=team_objective.pk).title == team_objective.title
