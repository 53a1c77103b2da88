from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from checkins.services import record_checkin
from objectives.models import Cycle, KeyResult
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory, speaking_korean

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(key_result: KeyResult) -> str:
    return reverse("check_in", args=[key_result.pk])


def _count(key_result: KeyResult) -> int:
    return CheckIn.objects.filter(key_result=key_result).count()


# The form's own words in each language: labels, confidence choices, the target, the blockers'
# help and the buttons; none of the other language's.
FORM_WORDS = {
    "en": {
        "words": (
            ">Value</",
            ">Confidence</",
            ">What changed</",
            ">Blockers</label>",
            "<span>3 — could go either way</span>",
            "<span>5 — certain</span>",
            "Target 60%",
            "Required when confidence is 1 or 2.",
            ">Save check-in</button>",
            ">Cancel</a>",
        ),
        "other_language": ("값<", "신뢰도", "체크인 저장"),
    },
    "ko": {
        "words": (
            ">값</",
            ">신뢰도</",
            ">변경 사항</",
            ">막힌 점</label>",
            "<span>3 — 반반</span>",
            "<span>5 — 확실함</span>",
            "목표치 60%",
            "신뢰도가 1 또는 2이면 필수입니다.",
            ">체크인 저장</button>",
            ">취소</a>",
        ),
        "other_language": (
            "Value<",
            "Blockers<",
            "Save check-in",
            "Target ",
            "could go either way",
        ),
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_htmx_get_opens_the_form_inside_the_row(client, owner, key_result, language):
    if language == "ko":
        speaking_korean(owner)
    client.force_login(owner)
    response = client.get(_url(key_result), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="kr-{key_result.pk}"')
    assert "<html" not in html
    for text in FORM_WORDS[language]["words"]:
        assert text in html, text
    for text in FORM_WORDS[language]["other_language"]:
        assert text not in html, text
    assert f'hx-post="{_url(key_result)}"' in html
    assert f'id="id_kr{key_result.pk}_value"' in html
    assert 'value="20"' in html  # the start value, as people write it (not "20.0000")


@pytest.mark.parametrize(
    ("language", "kind", "hint"),
    [
        ("en", KeyResult.Kind.METRIC, '<p class="hint">Target 60%</p>'),
        ("en", KeyResult.Kind.AT_LEAST, '<p class="hint">Target at least 60%</p>'),
        ("en", KeyResult.Kind.AT_MOST, '<p class="hint">Target at most 60%</p>'),
        ("ko", KeyResult.Kind.AT_LEAST, "목표치: 최소 60% 유지"),
        ("ko", KeyResult.Kind.AT_MOST, "목표치: 최대 60% 유지"),
    ],
)
def test_the_target_hint_says_which_way_the_key_result_counts(
    client, owner, key_result, language, kind, hint
):
    if language == "ko":
        speaking_korean(owner)
    key_result.kind = kind
    key_result.save(update_fields=["kind"])
    client.force_login(owner)
    assert hint in client.get(_url(key_result), **HTMX).content.decode()


def test_htmx_post_saves_and_returns_row_objective_and_summary(client, owner, key_result):
    client.force_login(owner)
    response = client.post(
        _url(key_result),
        {"value": "44", "confidence": "4", "what_changed": "Tour shipped", "blockers": ""},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(44)
    assert f'<article id="kr-{key_result.pk}"' in html
    assert "Saved" in html
    header = f'id="objective-{key_result.objective_id}-header" class="objective-header"'
    assert f'{header} hx-swap-oob="true"' in html
    assert 'id="week-summary" class="summary" aria-label="This week" hx-swap-oob="true"' in html
    # (44 - 20) / (60 - 20) = 0.60, shown as the row score and the objective progress
    assert 'data-testid="objective-progress">0.60<' in html


def test_a_check_in_on_another_cycles_my_week_updates_that_weeks_numbers(
    client, owner, key_result, cycle
):
    """My week can show a cycle beside the current one (?cycle=, a year beside its quarter):
    a row checked in there answers with that cycle's objective progress and summary."""
    year = CycleFactory(
        name="Year", start_date=cycle.start_date, end_date=cycle.end_date + timedelta(days=200)
    )
    objective = ObjectiveFactory(cycle=year, owner_user=owner, owner_team=None)
    yearly = KeyResultFactory(objective=objective, owner=owner)
    client.force_login(owner)
    response = client.post(_url(yearly), {"value": "44", "confidence": "4"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="objective-{objective.pk}-header" class="objective-header" hx-swap-oob' in html
    assert 'id="week-summary" class="summary" aria-label="This week" hx-swap-oob="true"' in html
    # the summary counts the year's one key result, not the quarter's
    assert "1 of 1 key results checked in" in html
    assert f"objective-{key_result.objective_id}-header" not in html


LOW_CONFIDENCE = {"value": "44", "confidence": "2", "what_changed": "", "blockers": "  "}


@pytest.mark.parametrize(
    ("language", "data", "field", "message"),
    [
        ("en", {"value": "", "confidence": "4"}, "value", "This field is required."),
        ("en", {"value": "abc", "confidence": "4"}, "value", "Enter a number."),
        ("en", {"value": "NaN", "confidence": "4"}, "value", "Enter a number."),
        ("en", {"value": "Infinity", "confidence": "4"}, "value", "Enter a number."),
        ("en", {"value": "1e400", "confidence": "4"}, "value", "Ensure"),
        ("en", {"value": "12.123456", "confidence": "4"}, "value", "decimal places"),
        ("en", {"value": "10", "confidence": "0"}, "confidence", "Select a valid choice"),
        ("en", {"value": "10", "confidence": "9"}, "confidence", "Select a valid choice"),
        ("en", {"value": "10"}, "confidence", "This field is required."),
        (
            "en",
            {"value": "10", "confidence": "2", "blockers": ""},
            "blockers",
            "say what blocks you",
        ),
        (
            "en",
            {"value": "10", "confidence": "4", "what_changed": "x" * 4001},
            "what_changed",
            "at most",
        ),
        ("ko", LOW_CONFIDENCE, "blockers", "신뢰도가 2/5이면 무엇이 막고 있는지 적어 주세요."),
        (  # Django's own Korean for a required field
            "ko",
            {**LOW_CONFIDENCE, "value": "", "blockers": "Vendor"},
            "value",
            "필수 항목입니다.",
        ),
        ("ko", {**LOW_CONFIDENCE, "blockers": "x" * 4001}, "blockers", "4000자"),
    ],
)
def test_bad_input_rerenders_the_form_with_a_message_and_changes_nothing(
    client, owner, key_result, language, data, field, message
):
    if language == "ko":
        speaking_korean(owner)
    client.force_login(owner)
    response = client.post(_url(key_result), data, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    if language == "ko":
        for english in ("say what blocks you", "This field is required", "characters"):
            assert english not in html, english
    assert 'class="field' in html and "has-error" in html
    assert response.context["form"].errors[field]
    assert _count(key_result) == 0
    key_result.refresh_from_db()
    assert key_result.current_value is None


PAGE_WORDS = {
    "en": {
        "page": ("<h1>Check in: Raise activation from 20% to 60%</h1>", "Now 20% · score"),
        "saved": "Checked in on “Raise activation from 20% to 60%”.",
    },
    "ko": {
        "page": ("<h1>체크인: Raise activation from 20% to 60%</h1>", "현재 20% · 점수"),
        "saved": "“Raise activation from 20% to 60%”에 체크인했습니다.",
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_without_javascript_the_form_is_a_page_and_saving_redirects(
    client, owner, key_result, language
):
    if language == "ko":
        speaking_korean(owner)
    client.force_login(owner)
    page = client.get(_url(key_result))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html
    for text in PAGE_WORDS[language]["page"]:
        assert text in html, text
    response = client.post(_url(key_result), {"value": "30", "confidence": "5"})
    assert response.status_code == 302
    assert response["Location"] == reverse("my_week")
    assert _count(key_result) == 1
    follow = client.get(response["Location"])
    assert PAGE_WORDS[language]["saved"] in follow.content.decode()


def test_without_javascript_errors_show_on_the_page(client, owner, key_result):
    client.force_login(owner)
    response = client.post(_url(key_result), {"value": "lots", "confidence": "5"})
    assert response.status_code == 422
    assert "Enter a number." in response.content.decode()
    assert "<html" in response.content.decode()


def test_next_must_stay_on_this_site(client, owner, key_result):
    client.force_login(owner)
    response = client.post(
        _url(key_result), {"value": "30", "confidence": "5", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("my_week")


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_manager"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_others_may_see_but_not_check_in(client, request, key_result, who, method):
    client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)(_url(key_result), {"value": "30", "confidence": "5"})
    assert response.status_code == 403
    assert "You may not check in on this key result." in response.content.decode()
    assert _count(key_result) == 0


def test_refusal_inside_a_row_is_an_htmx_fragment(client, teammate, key_result):
    client.force_login(teammate)
    response = client.post(_url(key_result), {"value": "30", "confidence": "5"}, **HTMX)
    assert response.status_code == 403
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="kr-{key_result.pk}"')
    assert 'role="alert">You may not check in on this key result.' in html


def test_manager_checks_in_for_their_team(client, manager, key_result):
    client.force_login(manager)
    response = client.post(_url(key_result), {"value": "30", "confidence": "5"}, **HTMX)
    assert response.status_code == 200
    assert CheckIn.objects.get().author == manager
    # not on the manager's own My week: the row alone comes back, without out-of-band parts
    # (but the screen-reader announcement)
    html = response.content.decode()
    assert html.count("hx-swap-oob") == html.count('hx-swap-oob="innerHTML:#live-region"') == 1


def test_private_objective_is_hidden_from_strangers(client, stranger, key_result):
    objective = key_result.objective
    objective.visibility = "private"
    objective.save(update_fields=["visibility"])
    client.force_login(stranger)
    assert client.get(_url(key_result)).status_code == 404
    assert client.post(_url(key_result), {"value": "1", "confidence": "5"}).status_code == 404
    assert _count(key_result) == 0


def test_a_key_results_owner_checks_in_under_a_private_objective_and_nobody_unseen_does(
    client, stranger, other_manager, team_objective
):
    # The key result is the stranger's, under another team's private objective: owning it makes
    # them a contributor, who sees the objective and checks in. Their own manager is none: the
    # one load of the check-in checks sight before it writes, and answers 404.
    team_objective.visibility = "private"
    team_objective.save(update_fields=["visibility"])
    theirs = KeyResultFactory(objective=team_objective, owner=stranger)
    client.force_login(other_manager)
    response = client.post(_url(theirs), {"value": "30", "confidence": "5"}, **HTMX)
    assert response.status_code == 404
    assert _count(theirs) == 0
    client.force_login(stranger)
    response = client.post(_url(theirs), {"value": "30", "confidence": "5"}, **HTMX)
    assert response.status_code == 200
    assert _count(theirs) == 1


def test_unknown_key_result_is_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("check_in", args=[999999])).status_code == 404


@pytest.mark.parametrize("state", [Cycle.State.PLANNING, Cycle.State.GRADING, Cycle.State.CLOSED])
def test_closed_for_checkins_outside_an_active_cycle(client, owner, key_result, cycle, state):
    cycle.state = state
    cycle.save(update_fields=["state"])
    client.force_login(owner)
    response = client.post(_url(key_result), {"value": "30", "confidence": "5"})
    assert response.status_code == 403
    assert "Check-ins are closed" in response.content.decode()
    assert _count(key_result) == 0


def test_anonymous_post_changes_nothing(client, key_result):
    response = client.post(_url(key_result), {"value": "30", "confidence": "5"})
    assert response.status_code == 302
    assert _count(key_result) == 0


def test_other_methods_are_not_allowed(client, owner, key_result):
    client.force_login(owner)
    assert client.put(_url(key_result)).status_code == 405
    assert client.delete(_url(key_result)).status_code == 405


def test_cancel_swaps_the_closed_row_back(client, owner, key_result):
    client.force_login(owner)
    response = client.get(reverse("my_week_row", args=[key_result.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="kr-{key_result.pk}"')
    assert "<form" not in html


def test_cancel_row_of_a_hidden_key_result_is_404(client, stranger, key_result):
    key_result.objective.visibility = "private"
    key_result.objective.save(update_fields=["visibility"])
    client.force_login(stranger)
    assert client.get(reverse("my_week_row", args=[key_result.pk])).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_checkin_fragments_run_a_fixed_number_of_queries(
    client, owner, team_objective, django_assert_num_queries, count
):
    other = ObjectiveFactory(cycle=team_objective.cycle, owner_user=owner, owner_team=None)
    krs = [
        KeyResultFactory(objective=team_objective if n % 2 else other, owner=owner)
        for n in range(count)
    ]
    for kr in krs[::3]:
        record_checkin(actor=owner, key_result=kr, value=Decimal(10), confidence=4)
    target = krs[0]
    client.force_login(owner)
    # session, user, key result, its row (1)
    with django_assert_num_queries(4):
        assert client.get(_url(target), **HTMX).status_code == 200
    # session, user; savepoint, the key result loaded once and locked, insert, update, its
    # objective's stored numbers (its key results read, the changed ones of both written:
    # objectives/stored_scores.py), release; My week's rows (its cycle is the key result's,
    # loaded with it)
    with django_assert_num_queries(11):
        response = client.post(_url(target), {"value": "55", "confidence": "4"}, **HTMX)
    assert response.status_code == 200
    # an invalid post never reaches the service: session, user, key result, its row
    with django_assert_num_queries(4):
        assert (
            client.post(_url(target), {"value": "x", "confidence": "4"}, **HTMX).status_code == 422
        )


def test_every_problem_of_a_check_in_is_reported_at_once(client, owner, key_result):
    """ "Enter a number" used to hide the required-blocker message until the next save."""
    client.force_login(owner)
    response = client.post(
        reverse("check_in", args=[key_result.pk]),
        {"value": "abc", "confidence": "2", "blockers": ""},
        **HTMX,
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"value", "blockers"}
    assert errors["value"] == ["Enter a number."]  # only its own message, not two
    assert "say what blocks you" in errors["blockers"][0]
    assert not CheckIn.objects.exists()
