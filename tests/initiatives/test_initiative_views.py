"""The initiative endpoints, with HTMX (fragments, 422 next to the fields, refusals in the panel's
alert region) and without JavaScript (pages and redirects to a safe `next`), and the initiatives
on My week and the key result page."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative
from objectives.models import Cycle, KeyResult, Objective
from tests.factories import InitiativeFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NEXT_WEEK = timezone.localdate() + timedelta(days=7)
LAST_WEEK = timezone.localdate() - timedelta(days=7)


def _form(**overrides) -> dict[str, str]:
    data = {
        "title": "Record the onboarding tour",
        "owner": "owner",
        "due_date": NEXT_WEEK.isoformat(),
        "status": "todo",
        "priority": "high",
        "link": "https://tracker.test/OKR-1",
    }
    data.update(overrides)
    return data


def _events(response) -> dict:
    return json.loads(response.get("HX-Trigger", "{}"))


@pytest.fixture
def private_kr(cycle, owner):
    objective = ObjectiveFactory(
        cycle=cycle, owner_user=owner, owner_team=None, visibility=Objective.Visibility.PRIVATE
    )
    return KeyResultFactory(objective=objective, owner=owner, title="Secret measure")


# --- The list --------------------------------------------------------------------------------


def test_the_panel_lists_initiatives_with_counts_and_the_outcome_note(client, owner, key_result):
    InitiativeFactory(key_result=key_result, title="Late work", due_date=LAST_WEEK)
    InitiativeFactory(key_result=key_result, title="Finished work", status="done")
    client.force_login(owner)
    response = client.get(reverse("initiative_list", args=[key_result.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="kr-{key_result.pk}-initiatives"')
    assert "1 of 2 initiatives done, " in html
    assert "1 overdue" in html
    assert "never change this key result’s progress or score" in html
    # Open work first, done last.
    assert html.index("Late work") < html.index("Finished work")


def test_a_closed_panel_shows_only_the_counts(client, owner, key_result):
    InitiativeFactory(key_result=key_result, title="Some work")
    client.force_login(owner)
    url = reverse("initiative_list", args=[key_result.pk])
    html = client.get(url, {"expanded": "0", "collapsible": "1"}, **HTMX).content.decode()
    assert "0 of 1 initiative done" in html
    assert "Some work" not in html
    assert "Show initiatives" in html


def test_without_javascript_the_list_is_the_key_result_page(client, owner, key_result):
    client.force_login(owner)
    response = client.get(reverse("initiative_list", args=[key_result.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("key_result", args=[key_result.pk]) + "#initiatives"


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_manager"])
def test_private_key_results_hide_their_initiatives(client, request, private_kr, who):
    initiative = InitiativeFactory(key_result=private_kr)
    client.force_login(request.getfixturevalue(who))
    urls = [
        ("get", reverse("initiative_list", args=[private_kr.pk])),
        ("get", reverse("initiative_new", args=[private_kr.pk])),
        ("post", reverse("initiative_new", args=[private_kr.pk])),
        ("get", reverse("initiative_edit", args=[initiative.pk])),
        ("post", reverse("initiative_edit", args=[initiative.pk])),
        ("post", reverse("initiative_status", args=[initiative.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, _form(status="done"), **HTMX)
        assert response.status_code == 404, (method, url)
    initiative.refresh_from_db()
    assert initiative.status == "todo"
    assert Initiative.objects.count() == 1


def test_the_private_objectives_manager_sees_them(client, manager, private_kr):
    InitiativeFactory(key_result=private_kr, title="Hidden work")
    client.force_login(manager)
    response = client.get(reverse("initiative_list", args=[private_kr.pk]), **HTMX)
    assert "Hidden work" in response.content.decode()


def test_unknown_things_are_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("initiative_list", args=[999999]), **HTMX).status_code == 404
    assert client.post(reverse("initiative_status", args=[999999]), **HTMX).status_code == 404


# --- Adding ----------------------------------------------------------------------------------


def test_adding_with_htmx_answers_with_the_panel_and_tells_the_page(client, owner, key_result):
    client.force_login(owner)
    response = client.post(reverse("initiative_new", args=[key_result.pk]), _form(), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Record the onboarding tour" in html
    assert "0 of 1 initiative done" in html
    assert 'href="https://tracker.test/OKR-1"' in html
    assert 'rel="noopener noreferrer"' in html
    assert _events(response) == {"initiatives-changed": {"key_result": key_result.pk}}
    initiative = Initiative.objects.get()
    assert (initiative.owner, initiative.priority, initiative.created_by) == (owner, "high", owner)


def test_the_add_form_opens_in_the_panel(client, owner, key_result):
    client.force_login(owner)
    response = client.get(reverse("initiative_new", args=[key_result.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="kr-{key_result.pk}-initiatives"')
    assert f'hx-post="{reverse("initiative_new", args=[key_result.pk])}"' in html
    assert 'value="owner"' in html  # the viewer owns it unless they say otherwise


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("link", "javascript:alert(1)", "http:// or https://"),
        ("link", "data:text/html,hi", "http:// or https://"),
        ("link", "tracker/OKR-1", "http:// or https://"),
        ("status", "finished", "is not a status"),
        ("priority", "urgent", "is not a priority"),
        ("title", "  ", "Give the initiative a title"),
        ("due_date", "", "Give the initiative a due date"),
        ("due_date", "31/12/2026", "Enter a date"),
        ("owner", "nobody", "No active person"),
    ],
)
def test_bad_input_comes_back_next_to_the_field_and_adds_nothing(
    client, owner, key_result, field, value, message
):
    client.force_login(owner)
    response = client.post(
        reverse("initiative_new", args=[key_result.pk]), _form(**{field: value}), **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="kr-{key_result.pk}-initiatives"')
    assert message in html
    assert response.context["form"].errors[field]
    assert "HX-Trigger" not in response
    assert not Initiative.objects.exists()


def test_a_past_due_date_is_accepted(client, owner, key_result):
    client.force_login(owner)
    response = client.post(
        reverse("initiative_new", args=[key_result.pk]),
        _form(due_date="2020-02-29"),
        **HTMX,
    )
    assert response.status_code == 200
    assert "1 overdue" in response.content.decode()


def test_without_javascript_adding_returns_to_a_safe_next(client, owner, key_result):
    client.force_login(owner)
    url = reverse("initiative_new", args=[key_result.pk])
    page = client.get(url, {"next": "/"})
    assert page.status_code == 200
    assert "hx-post" not in page.content.decode().split('class="initiative-form"')[1][:200]
    response = client.post(url, _form(next="/"))
    assert response.status_code == 302
    assert response["Location"] == "/"
    evil = client.post(url, _form(title="Second", next="https://evil.test/"))
    assert evil["Location"] == reverse("key_result", args=[key_result.pk]) + "#initiatives"
    assert Initiative.objects.count() == 2


def test_without_javascript_bad_input_is_the_form_page_with_messages(client, owner, key_result):
    client.force_login(owner)
    response = client.post(
        reverse("initiative_new", args=[key_result.pk]), _form(link="javascript:alert(1)")
    )
    assert response.status_code == 422
    assert "<h1>New initiative</h1>" in response.content.decode()
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_manager"])
def test_those_who_may_not_edit_the_key_result_may_not_add(client, request, key_result, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("initiative_new", args=[key_result.pk])
    response = client.post(url, _form(), **HTMX)
    assert response.status_code == 403
    assert response["HX-Retarget"] == f"#kr-{key_result.pk}-initiatives-alert"
    assert "You may not add initiatives" in response.content.decode()
    assert client.post(url, _form()).status_code == 403
    assert not Initiative.objects.exists()


def test_a_closed_cycle_refuses_with_409_and_changes_nothing(client, owner, key_result, cycle):
    initiative = InitiativeFactory(key_result=key_result, title="Frozen")
    Cycle.objects.filter(pk=cycle.pk).update(state=Cycle.State.CLOSED)
    client.force_login(owner)
    for url, data in [
        (reverse("initiative_new", args=[key_result.pk]), _form()),
        (reverse("initiative_edit", args=[initiative.pk]), _form(title="Thawed")),
        (reverse("initiative_status", args=[initiative.pk]), {"status": "done"}),
    ]:
        response = client.post(url, data, **HTMX)
        assert response.status_code == 409
        assert "is closed" in response.content.decode()
        assert response["HX-Reswap"] == "innerHTML"
    assert list(Initiative.objects.values_list("title", "status")) == [("Frozen", "todo")]
    # The panel says why there is nothing to press.
    html = client.get(reverse("initiative_list", args=[key_result.pk]), **HTMX).content.decode()
    assert "is closed" in html
    assert "Mark done" not in html
    assert "Add initiative" not in html


# --- Editing and status ----------------------------------------------------------------------


def test_editing_opens_in_place_and_saves(client, owner, key_result):
    initiative = InitiativeFactory(key_result=key_result, title="First draft")
    client.force_login(owner)
    url = reverse("initiative_edit", args=[initiative.pk])
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'value="First draft"' in form.content.decode()
    response = client.post(url, _form(title="Second draft", status="blocked"), **HTMX)
    assert response.status_code == 200
    assert "Second draft" in response.content.decode()
    assert "1 blocked" in response.content.decode()
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Second draft", "blocked")


def test_editing_bad_input_is_422_and_changes_nothing(client, owner, key_result):
    initiative = InitiativeFactory(key_result=key_result, title="Kept")
    client.force_login(owner)
    response = client.post(
        reverse("initiative_edit", args=[initiative.pk]),
        _form(title="Changed", link="javascript:alert(1)"),
        **HTMX,
    )
    assert response.status_code == 422
    assert "http:// or https://" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.title == "Kept"


def test_marking_done_updates_the_counts_in_the_answer(client, owner, key_result):
    initiative = InitiativeFactory(key_result=key_result)
    client.force_login(owner)
    response = client.post(
        reverse("initiative_status", args=[initiative.pk]), {"status": "done"}, **HTMX
    )
    assert response.status_code == 200
    assert "1 of 1 initiative done" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == "done" and initiative.completed_at is not None


def test_an_unknown_status_is_422_next_to_the_item(client, owner, key_result):
    initiative = InitiativeFactory(key_result=key_result)
    client.force_login(owner)
    response = client.post(
        reverse("initiative_status", args=[initiative.pk]), {"status": "cancelled"}, **HTMX
    )
    assert response.status_code == 422
    assert "“cancelled” is not a status" in response.content.decode()
    plain = client.post(reverse("initiative_status", args=[initiative.pk]), {"status": "nope"})
    assert plain.status_code == 422
    initiative.refresh_from_db()
    assert initiative.status == "todo"


def test_the_initiatives_own_owner_moves_it_but_others_may_not(
    client, owner, teammate, stranger, key_result
):
    theirs = InitiativeFactory(key_result=key_result, owner=teammate)
    client.force_login(teammate)
    url = reverse("initiative_status", args=[theirs.pk])
    assert client.post(url, {"status": "in_progress"}, **HTMX).status_code == 200
    # Not the one owned by the key result's owner.
    others = InitiativeFactory(key_result=key_result, owner=owner)
    refused = client.post(
        reverse("initiative_status", args=[others.pk]), {"status": "done"}, **HTMX
    )
    assert refused.status_code == 403
    client.force_login(stranger)
    assert client.post(url, {"status": "done"}, **HTMX).status_code == 403
    assert client.get(reverse("initiative_edit", args=[theirs.pk]), **HTMX).status_code == 403
    theirs.refresh_from_db()
    others.refresh_from_db()
    assert (theirs.status, others.status) == ("in_progress", "todo")


def test_the_teammates_panel_offers_only_their_own_initiative(client, owner, teammate, key_result):
    InitiativeFactory(key_result=key_result, owner=teammate, title="Theirs")
    InitiativeFactory(key_result=key_result, owner=owner, title="Not theirs")
    client.force_login(teammate)
    html = client.get(reverse("initiative_list", args=[key_result.pk]), **HTMX).content.decode()
    assert html.count("Mark done") == 1
    assert "Add initiative" not in html


def test_from_my_weeks_section_the_answer_is_the_section(client, owner, key_result, cycle):
    late = InitiativeFactory(key_result=key_result, owner=owner, due_date=LAST_WEEK)
    still_late = InitiativeFactory(key_result=key_result, owner=owner, due_date=LAST_WEEK)
    client.force_login(owner)
    response = client.post(
        reverse("initiative_status", args=[late.pk]),
        {"status": "done", "source": "mine", "cycle": cycle.pk},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="my-initiatives"')
    assert f'id="my-initiative-{still_late.pk}"' in html
    assert f'id="my-initiative-{late.pk}"' not in html
    assert _events(response) == {f"initiatives-changed-kr-{key_result.pk}": {}}


def test_the_section_fragment_refreshes_and_plain_requests_go_to_my_week(client, owner):
    client.force_login(owner)
    assert client.get(reverse("my_initiatives"))["Location"] == reverse("my_week")
    html = client.get(reverse("my_initiatives"), **HTMX).content.decode()
    assert 'id="my-initiatives"' in html and "hidden" in html


# --- On the pages ----------------------------------------------------------------------------


def test_my_week_shows_counts_under_each_row_and_my_late_work(client, owner, key_result):
    InitiativeFactory(key_result=key_result, owner=owner, title="Late one", due_date=LAST_WEEK)
    InitiativeFactory(key_result=key_result, status="done")
    client.force_login(owner)
    html = client.get(reverse("my_week")).content.decode()
    assert "1 of 2 initiatives done, " in html
    assert "My overdue and blocked initiatives" in html
    assert "Late one" in html
    assert "css/initiatives.css" in html


def test_my_week_has_no_section_without_late_or_blocked_work(client, owner, key_result):
    InitiativeFactory(key_result=key_result, owner=owner)
    client.force_login(owner)
    html = client.get(reverse("my_week")).content.decode()
    assert "My overdue and blocked initiatives" not in html
    assert "0 of 1 initiative done" in html


def test_my_week_lists_late_work_of_mine_under_a_private_objective(
    client, owner, stranger, private_kr
):
    """Owning an initiative makes one a contributor to its private objective, who sees it."""
    InitiativeFactory(key_result=private_kr, owner=stranger, due_date=LAST_WEEK, title="Mine")
    client.force_login(stranger)
    assert "Mine" in client.get(reverse("my_week")).content.decode()


def test_the_key_result_page_lists_them_and_says_they_do_not_score(client, owner, key_result):
    InitiativeFactory(key_result=key_result, title="Tour copy")
    client.force_login(owner)
    html = client.get(reverse("key_result", args=[key_result.pk])).content.decode()
    assert 'id="initiatives"' in html
    assert "Tour copy" in html
    assert "they never change this key result’s progress or score" in html
    assert "Add initiative" in html


def test_archived_key_results_show_why_nothing_can_change(client, owner, key_result):
    InitiativeFactory(key_result=key_result)
    KeyResult.objects.filter(pk=key_result.pk).update(archived=True)
    client.force_login(owner)
    html = client.get(reverse("initiative_list", args=[key_result.pk]), **HTMX).content.decode()
    assert "is archived" in html
    assert "Mark done" not in html


def test_a_link_that_is_not_a_web_address_is_never_an_href(client, owner, key_result):
    """Written around the services (the admin, an import): shown without its link."""
    InitiativeFactory(key_result=key_result, title="Sneaky", link="javascript:alert(1)")
    client.force_login(owner)
    html = client.get(reverse("initiative_list", args=[key_result.pk]), **HTMX).content.decode()
    assert "Sneaky" in html
    assert "javascript:" not in html


def test_my_late_work_shows_even_when_i_own_no_key_result(client, owner, teammate, key_result):
    InitiativeFactory(key_result=key_result, owner=teammate, title="Late", due_date=LAST_WEEK)
    client.force_login(teammate)
    html = client.get(reverse("my_week")).content.decode()
    assert "You own no key results" in html
    assert "My overdue and blocked initiatives" in html
    assert "Late" in html


def test_a_read_only_viewer_reads_but_is_offered_nothing_to_press(client, viewer, key_result):
    InitiativeFactory(key_result=key_result, owner=viewer, title="Viewer work")
    client.force_login(viewer)
    html = client.get(reverse("key_result", args=[key_result.pk])).content.decode()
    assert "Viewer work" in html
    assert "Mark done" not in html
    assert "Add initiative" not in html
