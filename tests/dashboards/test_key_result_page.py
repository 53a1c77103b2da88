"""The key result page: header, value and confidence charts, the full history, the check-in form
when allowed, checking in from the page (HTMX and without JavaScript) and fixed query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn
from checkins.services import record_checkin
from objectives.models import Cycle, Objective

pytestmark = pytest.mark.django_db

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(key_result) -> str:
    return reverse("key_result", args=[key_result.pk])


def _post(client, key_result, data, **extra):
    return client.post(
        reverse("check_in", args=[key_result.pk]),
        {"context": "key_result", "next": _url(key_result), **data},
        **extra,
    )


@pytest.fixture
def history(owner, manager, key_result):
    now = timezone.now()
    record_checkin(
        actor=owner,
        key_result=key_result,
        value=D(25),
        confidence=4,
        what_changed="Tour drafted",
        now=now - timedelta(days=14),
    )
    record_checkin(
        actor=manager,
        key_result=key_result,
        value=D(32),
        confidence=2,
        what_changed="Signup dipped",
        blockers="Waiting on legal",
        now=now - timedelta(days=7),
    )
    record_checkin(actor=owner, key_result=key_result, value=D(44), confidence=3, now=now)
    return key_result


@pytest.mark.parametrize(
    "who", ["owner", "teammate", "manager", "stranger", "other_manager", "admin"]
)
def test_everyone_reads_a_public_key_result(client, request, history, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url(history))
    assert response.status_code == 200
    assert "Raise activation from 20% to 60%" in response.content.decode()


def test_header_shows_value_target_progress_score_status_and_reason(client, stranger, history):
    client.force_login(stranger)
    response = client.get(_url(history))
    html = response.content.decode()
    page = response.context["page"]
    # (44 - 20) / (60 - 20)
    assert page.view.progress == D("0.6") and page.score == D("0.6")
    assert 'data-testid="kr-current">44%<' in html
    assert "target 60% · from 20%" in html
    assert 'data-testid="kr-progress">0.60<' in html
    assert page.view.status.reason in html
    assert "confidence 3/5" in page.view.status.reason


def test_history_is_complete_and_newest_first(client, stranger, manager, history):
    client.force_login(stranger)
    response = client.get(_url(history))
    checkins = response.context["page"].checkins
    assert [c.value for c in checkins] == [D(44), D(32), D(25)]
    html = response.content.decode()
    assert html.index("44%") < html.index("Signup dipped") < html.index("Tour drafted")
    assert "Waiting on legal" in html
    assert "Manager" in html  # who checked in


def test_value_chart_has_target_and_pace_lines_and_a_text_alternative(client, stranger, history):
    client.force_login(stranger)
    response = client.get(_url(history))
    html = response.content.decode()
    chart = response.context["page"].value_chart
    assert [line.css for line in chart.lines] == ["target", "pace", "today"]
    assert len(chart.points) == 3
    assert 'data-testid="value-chart"' in html and 'data-testid="confidence-chart"' in html
    assert ">Value over time</title>" in html
    assert "3 check-ins from" in html and "latest 44%, start 20%, target 60%." in html
    assert 'class="chart-ref chart-ref-pace"' in html
    assert 'style="' not in html


def test_the_form_shows_only_to_those_who_may_check_in(client, owner, teammate, manager, history):
    for person, shown in ((owner, True), (manager, True), (teammate, False)):
        client.force_login(person)
        html = client.get(_url(history)).content.decode()
        assert ("Save check-in" in html) is shown
        assert "You may not check in" not in html


def test_the_check_in_form_does_not_leak_into_the_initiatives_panel(client, owner, history):
    """The page's `form` is the check-in's: the initiatives panel below it offers its Add link,
    not an empty initiative form posting nowhere."""
    client.force_login(owner)
    body = client.get(_url(history)).content.decode()
    panel = body.split('id="initiatives"')[1]
    assert 'data-testid="initiative-add"' in panel
    assert 'class="initiative-form"' not in panel
    assert 'class="checkin-form"' in body


def test_a_closed_cycle_says_why_there_is_no_form(client, owner, history, cycle):
    cycle.state = Cycle.State.GRADING
    cycle.save(update_fields=["state"])
    client.force_login(owner)
    html = client.get(_url(history)).content.decode()
    assert "Save check-in" not in html
    assert "Check-ins are closed" in html


def test_private_key_results_are_404_for_those_who_may_not_see_them(
    client, stranger, other_manager, teammate, owner, manager, key_result
):
    key_result.objective.visibility = Objective.Visibility.PRIVATE
    key_result.objective.save(update_fields=["visibility"])
    # A private team objective is the team's: its members and managers see it, others do not.
    for person, status in (
        (stranger, 404),
        (other_manager, 404),
        (teammate, 200),
        (owner, 200),
        (manager, 200),
    ):
        client.force_login(person)
        assert client.get(_url(key_result)).status_code == status, person


def test_unknown_key_result_is_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("key_result", args=[999999])).status_code == 404


# --- Checking in from the page ---


def test_checking_in_updates_the_page_in_place(client, owner, history):
    client.force_login(owner)
    response = _post(client, history, {"value": "52", "confidence": "4"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="kr-live"')
    assert "Saved." in html
    # The new value, progress, chart point and history row are all in the answer.
    assert 'data-testid="kr-current">52%<' in html
    assert 'data-testid="kr-progress">0.80<' in html
    assert len(response.context["page"].value_chart.points) == 4
    assert html.count("<tr>") >= 4
    assert CheckIn.objects.filter(key_result=history).count() == 4
    # A fresh form for the next one.
    assert 'value="52"' in html
    # One swap for the page; the only out-of-band piece is the screen-reader announcement.
    assert html.count("hx-swap-oob") == html.count('hx-swap-oob="innerHTML:#live-region"') == 1


def test_bad_input_on_the_page_keeps_the_form_with_messages(client, owner, history):
    client.force_login(owner)
    response = _post(client, history, {"value": "lots", "confidence": "2"}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="kr-live"')
    assert "Enter a number." in html
    assert CheckIn.objects.filter(key_result=history).count() == 3


def test_a_refusal_on_the_page_is_a_fragment_too(client, teammate, history):
    client.force_login(teammate)
    response = _post(client, history, {"value": "50", "confidence": "4"}, **HTMX)
    assert response.status_code == 403
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="kr-live"')
    assert "You may not check in on this key result." in html
    assert CheckIn.objects.filter(key_result=history).count() == 3


def test_without_javascript_the_form_returns_to_the_page(client, owner, history):
    client.force_login(owner)
    response = _post(client, history, {"value": "50", "confidence": "4"})
    assert response.status_code == 302
    assert response["Location"] == _url(history)
    follow = client.get(response["Location"])
    assert "Checked in on" in follow.content.decode()


def test_my_week_check_ins_still_answer_with_the_row(client, owner, key_result):
    """The form on My week posts no context: its answer is unchanged."""
    client.force_login(owner)
    response = client.post(
        reverse("check_in", args=[key_result.pk]), {"value": "30", "confidence": "5"}, **HTMX
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<article id="kr-{key_result.pk}"')


# --- Queries ---

# Session, user, the key result (scored, with its objective, cycle and owner), its check-ins
# with their authors, its initiatives, its History (the audit trail, one query) and the header's
# cycle switcher.
PAGE_QUERIES = 7


@pytest.mark.parametrize("checkins", [5, 50])
def test_the_page_runs_a_fixed_number_of_queries(
    client, owner, key_result, checkins, django_assert_num_queries
):
    start = timezone.now() - timedelta(days=25)
    for n in range(checkins):
        record_checkin(
            actor=owner,
            key_result=key_result,
            value=D(20 + n % 40),
            confidence=3 + n % 3,
            now=start + timedelta(hours=n),
        )
    client.force_login(owner)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(_url(key_result))
    assert len(response.context["page"].checkins) == checkins


@pytest.mark.parametrize("checkins", [5, 50])
def test_checking_in_from_the_page_runs_a_fixed_number_of_queries(
    client, owner, key_result, checkins, django_assert_num_queries
):
    for n in range(checkins):
        record_checkin(actor=owner, key_result=key_result, value=D(20 + n), confidence=4)
    client.force_login(owner)
    # Session, user, the write (savepoint, the key result loaded once and locked, insert,
    # update, its objective's stored numbers read and written to both tables, release), the
    # key result for the page and its check-ins.
    with django_assert_num_queries(12):
        response = _post(client, key_result, {"value": "40", "confidence": "4"}, **HTMX)
    assert response.status_code == 200
