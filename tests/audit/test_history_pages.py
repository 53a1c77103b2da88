"""The History sections of the objective and key result pages, their "show older changes"
fragments, and the admins' audit trail list: who sees what, and fixed query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit import selectors
from audit.models import AuditEvent
from audit.services import record_event
from objectives import permissions, services
from objectives.models import Objective
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


def _edit_key_result(actor, key_result, **changes):
    values = {
        "title": key_result.title,
        "owner": key_result.owner,
        "kind": key_result.kind,
        "unit": key_result.unit,
        "start_value": key_result.start_value,
        "target_value": key_result.target_value,
        "weight": key_result.weight,
        **changes,
    }
    return services.edit_key_result(actor=actor, key_result=key_result, **values)


def _edit_objective(actor, objective, **changes):
    values = {
        "title": objective.title,
        "description": objective.description,
        "owner_team": objective.owner_team,
        "owner_user": objective.owner_user,
        "objective_type": objective.objective_type,
        "visibility": objective.visibility,
        "parent": objective.parent,
        **changes,
    }
    return services.edit_objective(actor=actor, objective=objective, **values)


def _events(objective, key_result, count: int, actor) -> None:
    for n in range(count):
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATED,
            subject_kind=AuditEvent.SubjectKind.KEY_RESULT,
            subject_id=key_result.pk,
            subject_label=key_result.title,
            objective_id=objective.pk,
            key_result_id=key_result.pk,
            changes={"target_value": [str(n), str(n + 1)]},
        )


# --- What the pages show ------------------------------------------------------------------------


def test_the_key_result_page_shows_who_changed_what_latest_first(
    client, manager, stranger, key_result
):
    _edit_key_result(manager, key_result, target_value=D("62.5"))
    _edit_key_result(manager, key_result, title="Raise activation to 65%")
    client.force_login(stranger)
    html = client.get(reverse("key_result", args=[key_result.pk])).content.decode()
    section = html[html.index('id="audit-history"') :]
    assert "Manager" in section
    assert "Target value" in section and "60" in section and "62.5" in section
    assert section.index("Raise activation to 65%") < section.index("62.5")  # latest first


def test_the_objective_page_shows_its_own_and_its_key_results_changes(
    client, manager, teammate, team_objective, key_result
):
    _edit_objective(manager, team_objective, objective_type="committed")
    _edit_key_result(manager, key_result, weight=D(3))
    client.force_login(teammate)
    html = client.get(reverse("objective", args=[team_objective.pk])).content.decode()
    section = html[html.index('id="audit-history"') :]
    assert "Aspirational" in section or "aspirational" in section
    assert "committed" in section
    assert "Weight" in section and key_result.title in section
    # Choices read as their labels; nothing shows as a float.
    assert "3.0" not in section


def test_a_stranger_never_sees_a_private_objectives_history(
    client, owner, stranger, manager, cycle
):
    private = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        visibility=Objective.Visibility.PRIVATE,
        title="Secret plan",
    )
    _edit_objective(owner, private, title="Secret plan, renamed")
    client.force_login(stranger)
    assert client.get(reverse("objective", args=[private.pk])).status_code == 404
    assert client.get(reverse("audit_objective_history", args=[private.pk])).status_code == 404
    client.force_login(manager)  # the owner's manager sees it
    html = client.get(reverse("objective", args=[private.pk])).content.decode()
    assert "Secret plan, renamed" in html[html.index('id="audit-history"') :]


def test_a_private_parent_is_not_named_to_those_who_may_not_see_it(
    client, owner, manager, stranger, cycle, team_objective
):
    private = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        visibility=Objective.Visibility.PRIVATE,
        title="Hidden ambition",
    )
    _edit_objective(manager, team_objective, parent=private)
    client.force_login(stranger)
    html = client.get(reverse("objective", args=[team_objective.pk])).content.decode()
    assert "Hidden ambition" not in html
    assert "an objective you cannot see" in html
    client.force_login(owner)
    html = client.get(reverse("objective", args=[team_objective.pk])).content.decode()
    assert "Hidden ambition" in html[html.index('id="audit-history"') :]


def test_the_section_shows_twenty_and_the_rest_on_demand(
    client, manager, stranger, team_objective, key_result
):
    _events(team_objective, key_result, 75, manager)
    client.force_login(stranger)
    response = client.get(reverse("key_result", args=[key_result.pk]))
    assert len(response.context["history"].entries) == 20
    more_url = reverse("audit_key_result_history", args=[key_result.pk])
    assert f"{more_url}?offset=20" in response.content.decode()
    older = client.get(f"{more_url}?offset=20", **HTMX)
    assert older.status_code == 200
    html = older.content.decode()
    assert html.count('data-testid="audit-entry"') == 50
    assert f"{more_url}?offset=70" in html
    last = client.get(f"{more_url}?offset=70", **HTMX).content.decode()
    assert last.count('data-testid="audit-entry"') == 5 and "offset=" not in last
    # Without JavaScript the same link is a page of its own.
    page = client.get(f"{more_url}?offset=70")
    assert "<html" in page.content.decode() and key_result.title in page.content.decode()
    # Nonsense offsets start from the top rather than fail.
    assert client.get(f"{more_url}?offset=-3", **HTMX).status_code == 200


def test_a_page_without_changes_says_so(client, stranger, key_result):
    client.force_login(stranger)
    html = client.get(reverse("key_result", args=[key_result.pk])).content.decode()
    assert "No recorded changes yet." in html


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 60])
def test_the_history_section_costs_one_query_at_any_size(
    manager, stranger, team_objective, key_result, company, cycle, size, django_assert_num_queries
):
    _events(team_objective, key_result, size, manager)
    top = ObjectiveFactory(cycle=cycle, owner_team=company, title="Top")
    _edit_objective(manager, team_objective, parent=top)  # names an objective: one more query
    # The page's permission check has asked for the teams the viewer manages already.
    permissions.managed_team_ids(stranger)
    with django_assert_num_queries(1):
        history = selectors.key_result_history(key_result=key_result, viewer=stranger)
    assert len(history.entries) == min(size, 20)
    with django_assert_num_queries(2):
        history = selectors.objective_history(objective=team_objective, viewer=stranger)
    assert history.entries[0].changes[0].new == "Top"


@pytest.mark.parametrize("size", [3, 60])
def test_the_older_changes_fragment_runs_a_fixed_number_of_queries(
    client, manager, stranger, team_objective, key_result, size, django_assert_num_queries
):
    _events(team_objective, key_result, size, manager)
    client.force_login(stranger)
    url = reverse("audit_objective_history", args=[team_objective.pk])
    # Session, user, the objective, the events.
    with django_assert_num_queries(4):
        response = client.get(f"{url}?offset=1", **HTMX)
    assert response.status_code == 200


# --- The admins' list -----------------------------------------------------------------------


def test_only_admins_read_the_whole_trail(client, admin, manager, owner, key_result):
    _edit_key_result(owner, key_result, unit="pct")
    url = reverse("audit_events")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "pct" in response.content.decode()
    assert f'href="{url}"' in response.content.decode()  # in the admin nav


def test_the_admin_list_filters_by_kind_actor_dates_and_text(
    client, admin, manager, owner, key_result, team_objective
):
    _edit_key_result(owner, key_result, unit="pct")
    _edit_objective(manager, team_objective, title="Onboarding, reimagined")
    client.force_login(admin)
    url = reverse("audit_events")

    def shown(**query):
        response = client.get(url, query, **HTMX)
        return response, [e.event.subject_label for e in response.context["entries"]]

    response, labels = shown(subject_kind="objective")
    assert labels == ["Onboarding, reimagined"]
    assert response.content.decode().lstrip().startswith('<section id="audit-results"')
    assert shown(actor="owner")[1] == [key_result.title]
    assert shown(actor="Manag")[1] == ["Onboarding, reimagined"]
    assert shown(q="reimagined")[1] == ["Onboarding, reimagined"]
    assert shown(since="2000-01-01", until="2000-01-02")[1] == []
    bad, labels = shown(since="not a date")
    assert bad.status_code == 422 and labels == []


@pytest.mark.parametrize("size", [3, 120])
def test_the_admin_list_runs_a_fixed_number_of_queries(
    client, admin, manager, team_objective, key_result, size, django_assert_num_queries
):
    _events(team_objective, key_result, size, manager)
    client.force_login(admin)
    # Session, user, the count, the page of events, the header's cycle switcher and its
    # reminders check (admins: are reminders running?).
    with django_assert_num_queries(6):
        response = client.get(reverse("audit_events"), {"page": "2" if size > 50 else "1"})
    assert response.status_code == 200
    assert len(response.context["entries"]) == min(size, 50)
