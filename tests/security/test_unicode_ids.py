"""Regression: digits that str.isdigit() accepts but int() refuses ("²", "①") and absurdly long
digit strings in ids were 500s (found by test_hostile_input.py); now a 404 or a form message."""

import pytest
from django.urls import reverse

from objectives.ids import is_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", True),
        # Arabic-Indic and full-width digits: int() reads them, but no id is written that way.
        ("١٢", False),
        ("１２", False),
        ("²", False),
        ("①", False),
        ("9" * 19, False),
        ("", False),
    ],
)
def test_is_id(text, expected):
    assert is_id(text) is expected


@pytest.mark.parametrize("bad", ["²", "①", "9" * 5000])
def test_odd_ids_are_answered_not_crashed(bad, client, owner, manager, key_result, cycle):
    client.force_login(owner)
    created = client.post(
        reverse("objective_new"), {"cycle": cycle.pk, "title": "Happy users", "kr_rows": bad}
    )
    assert created.status_code < 500
    assert client.post(reverse("carry_over"), {"cycle": bad}).status_code == 404
    assert client.get(reverse("plan") + f"?cycle={bad}").status_code < 500
    assert (
        client.get(reverse("alignment_picker") + f"?cycle={cycle.pk}&parent={bad}").status_code
        == 200
    )
    client.force_login(manager)
    edited = client.post(
        reverse("key_result_edit", args=[key_result.pk]),
        {"title": "Raise activation", "owner": "owner", "kind": "metric", "target_value": "60",
         "version": bad},
    )  # fmt: skip
    assert edited.status_code == 422


def test_an_absurd_id_in_a_multiple_choice_is_a_message(client, manager, cycle, team_objective):
    """SQLite raised OverflowError binding 10**40 in carry-over's objectives (a 500)."""
    client.force_login(manager)
    response = client.post(
        reverse("carry_over"),
        {"cycle": cycle.pk, "objectives": "9" * 40, "into": cycle.pk},
    )
    assert response.status_code == 422


def test_foreign_digits_do_not_name_an_id(client, owner, manager, cycle, product, team_objective):
    """ "١" is int() 1: ?cycle=١ showed cycle 1, and a team picked as "١" was team 1."""
    client.force_login(manager)
    foreign = "".join(chr(ord("٠") + int(d)) for d in str(product.pk))
    response = client.post(
        reverse("objective_new"),
        {"cycle": cycle.pk, "title": "Happy users", "owner_kind": "team",
         "owner_team": foreign, "objective_type": "aspirational", "visibility": "public",
         "kr_rows": "1"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "owner_team" in response.context["form"].errors
    foreign_cycle = "".join(chr(ord("٠") + int(d)) for d in str(cycle.pk))
    assert client.post(reverse("carry_over"), {"cycle": foreign_cycle}).status_code == 404


@pytest.mark.parametrize("number", ["١٢", "１２", "4٢"])
def test_numbers_in_foreign_digits_are_refused_with_a_message(number, client, owner, key_result):
    client.force_login(owner)
    checked_in = client.post(
        reverse("check_in", args=[key_result.pk]),
        {"value": number, "confidence": "4"},
        HTTP_HX_REQUEST="true",
    )
    assert checked_in.status_code == 422
    assert "digits 0 to 9" in checked_in.content.decode()
    hints = client.get(reverse("key_result_hints"), {"title": "x", "target_value": number})
    assert "digits 0 to 9" in hints.content.decode()
    key_result.refresh_from_db()
    assert key_result.last_checkin_at is None
