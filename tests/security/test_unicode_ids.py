"""Regression: digits that str.isdigit() accepts but int() refuses ("²", "①") and absurdly long
digit strings in ids were 500s (found by test_hostile_input.py); now a 404 or a form message."""

import pytest
from django.urls import reverse

from objectives.ids import is_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", True), ("١٢", True), ("²", False), ("①", False), ("9" * 19, False), ("", False)],
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
