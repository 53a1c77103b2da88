"""Django admin is a back office, not a back door: a closed cycle's objectives, key results and
reflections are read-only there too, and a cycle's state is never edited directly."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.services import record_checkin
from objectives import stored_scores
from objectives.models import KeyResult, Objective
from tests.factories import ObjectiveReflectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(cycle, key_result):
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    return cycle


def test_closed_cycle_objects_cannot_be_changed_in_django_admin(client, admin, closed, key_result):
    reflection = ObjectiveReflectionFactory(objective=key_result.objective, author=admin)
    client.force_login(admin)
    url = reverse("admin:objectives_keyresult_change", args=[key_result.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # shown read-only
    response = client.post(url, {"title": "Rewritten", "target_value": "1"})
    assert response.status_code == 403
    assert KeyResult.objects.get(pk=key_result.pk).title != "Rewritten"
    delete = reverse("admin:objectives_objective_delete", args=[key_result.objective_id])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    for name, pk in (
        ("objectives_objective", key_result.objective_id),
        ("objectives_cycle", closed.pk),
        ("objectives_objectivereflection", reflection.pk),
    ):
        assert client.post(reverse(f"admin:{name}_change", args=[pk]), {}).status_code == 403


def test_open_cycles_stay_editable_but_state_is_read_only(client, admin, cycle, key_result):
    client.force_login(admin)
    page = client.get(reverse("admin:objectives_cycle_change", args=[cycle.pk]))
    html = page.content.decode()
    assert 'name="name"' in html and 'name="state"' not in html
    page = client.get(reverse("admin:objectives_keyresult_change", args=[key_result.pk]))
    assert 'name="title"' in page.content.decode()


def test_a_change_made_here_moves_the_stored_numbers_as_the_services_do(
    client, admin, owner, key_result
):
    record_checkin(actor=owner, key_result=key_result, value=Decimal(40), confidence=4)
    assert KeyResult.objects.get(pk=key_result.pk).progress == Decimal("0.5")  # 20 → 60
    client.force_login(admin)
    url = reverse("admin:objectives_keyresult_change", args=[key_result.pk])
    form = {
        "objective": key_result.objective_id,
        "title": key_result.title,
        "owner": key_result.owner_id,
        "kind": "metric",
        "unit": "",
        "start_value": "0",
        "target_value": "50",
        "weight": "1",
        "order": "0",
        "created_at_0": "2026-01-01",
        "grade_note": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = KeyResult.objects.get(pk=key_result.pk)
    assert stored.target_value == 50 and stored.progress == Decimal("0.8")  # 0 → 50
    assert Objective.objects.get(pk=key_result.objective_id).progress == Decimal("0.8")
    assert not stored_scores.recompute(repair=False)
