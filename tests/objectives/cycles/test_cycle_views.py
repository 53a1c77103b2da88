"""The Cycles pages: browsing (everyone), creating with the quarter picker, editing and the
confirmed transitions (admins), the fiscal-year setting."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from objectives.cycles import services as cycle_services
from objectives.models import Cycle, CycleTransition, ProgrammeSettings
from tests.factories import CycleFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MID_NOVEMBER = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
NON_ADMINS = ["owner", "manager", "stranger"]


@pytest.fixture
def mid_november():
    with time_machine.travel(MID_NOVEMBER, tick=False):
        yield


def _login(client, request, who: str):
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


# --- The list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*NON_ADMINS, "admin"])
def test_everyone_browses_cycles_admins_get_the_tools(client, request, who, cycle):
    _login(client, request, who)
    response = client.get(reverse("cycle_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert cycle.name in html and f'href="{reverse("cycle_detail", args=[cycle.pk])}"' in html
    assert ("New cycle" in html) == (who == "admin")
    assert ("Fiscal year starts in" in html) == (who == "admin")


@pytest.mark.parametrize("count", [2, 12])
def test_cycles_page_runs_a_fixed_number_of_queries(
    client, admin, django_assert_num_queries, count
):
    for n in range(count):
        cycle = CycleFactory(
            name=f"C{n}", start_date=date(2020, 1, 1) + timedelta(days=100 * n), state="planning"
        )
        ObjectiveFactory(cycle=cycle)
        cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="active")
    client.force_login(admin)
    # session, user, cycles (with objective counts and creators), their transitions,
    # programme settings, the header's switcher and its reminders check (admins)
    with django_assert_num_queries(7):
        response = client.get(reverse("cycle_list"))
    assert len(response.context["rows"]) == count


# --- Creating ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", NON_ADMINS)
def test_only_admins_create(client, request, who):
    _login(client, request, who)
    assert client.get(reverse("cycle_new")).status_code == 403
    response = client.post(reverse("cycle_new"), {"year": "2027", "period": "1"})
    assert response.status_code == 403
    assert "Only admins manage cycles." in response.content.decode()
    assert not Cycle.objects.exists()


@pytest.mark.usefixtures("mid_november")
def test_the_picker_proposes_the_next_quarter(client, admin):
    client.force_login(admin)
    form = client.get(reverse("cycle_new")).context["form"]
    assert form.initial == {"year": 2027, "period": "1"}
    CycleFactory(name="2027 Q1", start_date=date(2027, 1, 1), end_date=date(2027, 3, 31))
    CycleFactory(name="2027", start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    form = client.get(reverse("cycle_new")).context["form"]
    assert form.initial == {"year": 2027, "period": "2"}  # the yearly cycle does not count


def test_a_picked_quarter_is_created_without_typing_dates(client, admin):
    client.force_login(admin)
    response = client.post(reverse("cycle_new"), {"year": "2027", "period": "1"})
    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_detail", args=[cycle.pk])
    assert (cycle.name, cycle.start_date, cycle.end_date, cycle.state) == (
        "2027 Q1",
        date(2027, 1, 1),
        date(2027, 3, 31),
        "planning",
    )
    assert cycle.created_by == admin


def test_fill_in_shows_the_name_and_dates_first(client, admin):
    client.force_login(admin)
    ProgrammeSettings.objects.create(pk=1, fiscal_year_start_month=4)
    response = client.get(
        reverse("cycle_new"), {"year": "2027", "period": "1", "start_date": "2020-01-01"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="FY2027 Q1"' in html
    assert 'value="2026-04-01"' in html and 'value="2026-06-30"' in html
    assert "<html" in html
    fragment = client.get(reverse("cycle_new"), {"year": "2027", "period": "year"}, **HTMX)
    html = fragment.content.decode()
    assert html.lstrip().startswith('<form id="cycle-form"')
    assert 'value="FY2027"' in html and 'value="2027-03-31"' in html
    assert not Cycle.objects.exists()


def test_fill_in_is_posted_so_no_csrf_token_reaches_an_address(client, admin):
    client.force_login(admin)
    html = client.get(reverse("cycle_new")).content.decode()
    form = re.search(r'<form id="cycle-form"[^>]*>', html).group(0)
    assert 'method="post"' in form
    fill = re.search(r"<button[^>]*>\s*Fill in name and dates", html).group(0)
    # Nothing in the form is sent as a GET: not the button, not its HTMX request.
    assert "formmethod" not in fill and "hx-get" not in fill
    assert 'name="fill"' in fill and "hx-post" in fill
    assert not re.search(
        r'<form[^>]*method="get"[^>]*>(?:(?!</form>).)*csrfmiddlewaretoken', html, re.S
    )
    # Posted, it fills in the picked quarter and creates nothing.
    response = client.post(reverse("cycle_new"), {"year": "2027", "period": "2", "fill": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2027 Q2"' in page
    assert 'value="2027-04-01"' in page and 'value="2027-06-30"' in page
    fragment = client.post(
        reverse("cycle_new"), {"year": "2027", "period": "3", "fill": "1"}, **HTMX
    ).content.decode()
    assert fragment.lstrip().startswith('<form id="cycle-form"') and 'value="2027 Q3"' in fragment
    bad = client.post(reverse("cycle_new"), {"year": "soon", "period": "1", "fill": "1"})
    assert bad.status_code == 422 and "Enter a whole number." in bad.content.decode()
    assert not Cycle.objects.exists()


def test_custom_dates_and_a_yearly_cycle(client, admin):
    client.force_login(admin)
    client.post(
        reverse("cycle_new"),
        {
            "year": "2027",
            "period": "custom",
            "name": "Launch sprint",
            "start_date": "2027-02-01",
            "end_date": "2027-05-15",
            "auto_transition": "on",
        },
    )
    client.post(reverse("cycle_new"), {"year": "2027", "period": "year"})
    cycles = dict(Cycle.objects.values_list("name", "end_date"))
    assert cycles == {"Launch sprint": date(2027, 5, 15), "2027": date(2027, 12, 31)}
    assert Cycle.objects.get(name="Launch sprint").auto_transition


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"year": "2027", "period": "custom", "name": "X", "start_date": "2027-02-01"},
            "end_date",
            "Enter the last day",
        ),
        (
            {
                "year": "2027",
                "period": "custom",
                "name": "X",
                "start_date": "2027-02-01",
                "end_date": "2027-01-01",
            },
            "end_date",
            "The end date must be after the start date.",
        ),
        ({"year": "2027", "period": "custom"}, "name", "Give the cycle a name"),
        ({"year": "1850", "period": "1"}, "year", "greater than or equal to 2000"),
        ({"year": "soon", "period": "1"}, "year", "Enter a whole number."),
        ({"year": "2027", "period": "Q9"}, "period", "Select a valid choice"),
        (
            {"year": "2027", "period": "custom", "name": "Y", "start_date": "2027-13-45"},
            "start_date",
            "Enter a valid date.",
        ),
    ],
)
def test_bad_input_says_what_is_wrong_and_creates_nothing(client, admin, data, field, message):
    client.force_login(admin)
    response = client.post(reverse("cycle_new"), data)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Cycle.objects.exists()


def test_a_duplicate_quarter_is_refused(client, admin):
    client.force_login(admin)
    client.post(reverse("cycle_new"), {"year": "2027", "period": "1"})
    response = client.post(reverse("cycle_new"), {"year": "2027", "period": "1"})
    assert response.status_code == 422
    assert "There is already a cycle called “2027 Q1”." in response.content.decode()
    assert Cycle.objects.count() == 1


# --- Detail and edit ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*NON_ADMINS, "admin"])
def test_detail_shows_history_to_everyone_and_actions_to_admins(client, request, who, admin):
    cycle = CycleFactory(name="2027 Q1", state="planning")
    cycle_services.transition_cycle(actor=admin, cycle=cycle, to_state="active")
    _login(client, request, who)
    html = client.get(reverse("cycle_detail", args=[cycle.pk])).content.decode()
    assert "Planning → <strong>active</strong> by" in html
    move = reverse("cycle_transition", args=[cycle.pk, "grading"])
    assert (move in html) == (who == "admin")
    assert ("Save changes" in html) == (who == "admin")


def test_the_switcher_on_a_detail_page_shows_the_chosen_cycle(client, owner, cycle):
    other = CycleFactory(name="Other")
    client.force_login(owner)
    response = client.get(reverse("cycle_detail", args=[cycle.pk]), {"cycle": other.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_detail", args=[other.pk])
    assert client.get(reverse("cycle_detail", args=[99999])).status_code == 404


def test_admin_edits_a_cycle(client, admin, cycle):
    client.force_login(admin)
    response = client.post(
        reverse("cycle_edit", args=[cycle.pk]),
        {
            "name": "Renamed",
            "start_date": cycle.start_date.isoformat(),
            "end_date": (cycle.end_date + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "Renamed" and not cycle.auto_transition


def test_editing_errors_and_refusals(client, admin, owner, cycle):
    client.force_login(owner)
    data = {"name": "X", "start_date": "2027-01-01", "end_date": "2027-03-01"}
    assert client.post(reverse("cycle_edit", args=[cycle.pk]), data).status_code == 403
    client.force_login(admin)
    bad = {**data, "end_date": "2026-01-01"}
    response = client.post(reverse("cycle_edit", args=[cycle.pk]), bad)
    assert response.status_code == 422
    assert "The end date must be after the start date." in response.content.decode()
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    response = client.post(reverse("cycle_edit", args=[cycle.pk]), data)
    assert response.status_code == 409
    assert "is closed: everything in it is read-only" in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).name == "2026 Q4"


# --- Transitions -------------------------------------------------------------------------------


def test_each_transition_asks_for_confirmation_then_is_recorded(client, admin):
    cycle = CycleFactory(name="2027 Q1", state="planning")
    client.force_login(admin)
    for to_state in ("active", "grading", "closed"):
        url = reverse("cycle_transition", args=[cycle.pk, to_state])
        page = client.get(url)
        assert page.status_code == 200
        assert f"Move 2027 Q1 to {to_state}?" in page.content.decode()
        assert Cycle.objects.get(pk=cycle.pk).state != to_state  # a GET changes nothing
        # The page's form as drawn: a move far from the dates carries the admin's confirmation.
        sent = {"from_state": page.context["cycle"].state}
        if page.context["off_schedule"] is not None:
            sent["confirm"] = "True"
        response = client.post(url, sent)
        assert response.status_code == 302
        assert Cycle.objects.get(pk=cycle.pk).state == to_state
    steps = list(CycleTransition.objects.values_list("to_state", "actor"))
    assert steps == [("active", admin.pk), ("grading", admin.pk), ("closed", admin.pk)]
    follow = client.get(reverse("cycle_detail", args=[cycle.pk]))
    assert "Closed: everything is read-only" in follow.content.decode()


@pytest.mark.parametrize(
    ("state", "to_state", "start", "end", "named"),
    [
        # Next year's quarter, activated four months early.
        ("planning", "active", 120, 210, "2027 Q2 starts on 18 Mar 2027, in 120 days."),
        # A quarter whose dates are long over, activated now.
        ("planning", "active", -120, -30, "2027 Q2 ended on 19 Oct 2026, 30 days ago."),
        # A running quarter moved to grading, or closed, two months before its end.
        ("active", "grading", -30, 60, "2027 Q2 runs until 17 Jan 2027: 60 days are left."),
        ("grading", "closed", -30, 60, "2027 Q2 runs until 17 Jan 2027: 60 days are left."),
        # Closing a quarter that starts in four months.
        ("grading", "closed", 120, 210, "2027 Q2 runs until 16 Jun 2027: 210 days are left."),
    ],
)
def test_a_move_far_from_the_dates_needs_a_confirmation_naming_them(
    client, admin, mid_november, state, to_state, start, end, named
):
    today = date(2026, 11, 18)
    cycle = CycleFactory(
        name="2027 Q2",
        state=state,
        start_date=today + timedelta(days=start),
        end_date=today + timedelta(days=end),
    )
    client.force_login(admin)
    url = reverse("cycle_transition", args=[cycle.pk, to_state])
    # Without the confirmation (an old form, a script): nothing moves, the dates are named.
    response = client.post(url, {"from_state": state})
    assert response.status_code == 200
    html = response.content.decode()
    assert named in html
    dates = f"Its dates are {cycle.start_date:%-d %b %Y} – {cycle.end_date:%-d %b %Y}"
    assert f"{dates}; today is 18 Nov 2026." in html
    assert 'name="confirm" value="True"' in html
    assert Cycle.objects.get(pk=cycle.pk).state == state
    assert not CycleTransition.objects.exists()
    # The HTMX panel asks the same, as a fragment.
    fragment = client.post(url, {"from_state": state}, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div class="confirm"') and named in fragment
    # The confirmation page's own form carries it: the move goes ahead.
    assert named in client.get(url).content.decode()
    response = client.post(url, {"from_state": state, "confirm": "True"})
    assert response.status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).state == to_state


@pytest.mark.parametrize(
    ("state", "to_state", "start", "end"),
    [
        ("planning", "active", 7, 97),  # the Friday before a Monday start
        ("planning", "active", -3, 87),  # a few days late
        ("active", "grading", -83, 7),  # the last week
        ("active", "grading", -90, -1),  # the day after the end
        ("grading", "closed", -100, -10),
    ],
)
def test_a_move_near_the_dates_needs_no_second_question(
    client, admin, mid_november, state, to_state, start, end
):
    today = date(2026, 11, 18)
    cycle = CycleFactory(
        state=state, start_date=today + timedelta(days=start), end_date=today + timedelta(days=end)
    )
    client.force_login(admin)
    url = reverse("cycle_transition", args=[cycle.pk, to_state])
    page = client.get(url).content.decode()
    assert 'data-testid="off-schedule"' not in page and 'name="confirm"' not in page
    assert client.post(url, {"from_state": state}).status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).state == to_state


def test_closing_confirmation_says_what_will_be_frozen(client, admin, key_result, cycle):
    cycle.state = "grading"
    cycle.save(update_fields=["state"])
    client.force_login(admin)
    html = client.get(
        reverse("cycle_transition", args=[cycle.pk, "closed"]), **HTMX
    ).content.decode()
    assert html.lstrip().startswith('<div class="confirm"')
    assert "The scores of 1 key result and 1 objective are stored for good." in html
    assert "1 key result has no final grade: its progress becomes the score." in html
    assert "1 objective has no reflection yet." in html


@pytest.mark.parametrize("who", NON_ADMINS)
def test_only_admins_move_cycles(client, request, who, cycle):
    _login(client, request, who)
    url = reverse("cycle_transition", args=[cycle.pk, "grading"])
    assert client.get(url).status_code == 403
    response = client.post(url, {"from_state": "active"})
    assert response.status_code == 403
    assert "Only admins move cycles" in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).state == "active"


@pytest.mark.parametrize(
    ("state", "to_state", "posted_from", "message"),
    [
        ("active", "closed", "active", "can move to grading, not to closed"),
        ("active", "planning", "active", "can move to grading, not to planning"),
        ("active", "grading", "planning", "changed meanwhile: it is now active"),
        ("closed", "closed", "closed", "closing is final"),
    ],
)
def test_skips_going_back_and_stale_confirmations_are_conflicts(
    client, admin, cycle, state, to_state, posted_from, message
):
    cycle.state = state
    cycle.save(update_fields=["state"])
    client.force_login(admin)
    url = reverse("cycle_transition", args=[cycle.pk, to_state])
    response = client.post(url, {"from_state": posted_from})
    assert response.status_code == 409
    assert message in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).state == state
    assert not CycleTransition.objects.exists()
    if posted_from == state:
        assert client.get(url).status_code == 409


def test_unknown_states_and_methods(client, admin, cycle):
    client.force_login(admin)
    assert client.get(reverse("cycle_transition", args=[cycle.pk, "archived"])).status_code == 404
    assert client.put(reverse("cycle_transition", args=[cycle.pk, "grading"])).status_code == 405
    assert client.get(reverse("cycle_edit", args=[cycle.pk])).status_code == 405


# --- Fiscal year -------------------------------------------------------------------------------


def test_admin_sets_the_fiscal_year_start(client, admin, owner):
    client.force_login(owner)
    assert client.post(reverse("fiscal_year"), {"fiscal_year_start_month": "4"}).status_code == 403
    client.force_login(admin)
    response = client.post(reverse("fiscal_year"), {"fiscal_year_start_month": "13"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not ProgrammeSettings.objects.exists()
    response = client.post(reverse("fiscal_year"), {"fiscal_year_start_month": "4"})
    assert response.status_code == 302
    assert ProgrammeSettings.current().fiscal_year_start_month == 4
