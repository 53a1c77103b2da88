"""The errors services raise (domain/errors.py) and the one answer each gets
(okr_site/errors.py): its status and words, as a whole page, as an HTMX message for the page's
alert region or for a region of the view's own, and from a view that lets it through."""

import json
from dataclasses import asdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import translation

from domain.errors import Conflict, CycleStateError, DomainError, Invalid, NotAllowed, NotFound
from objectives.concurrency import EditConflict
from objectives.models import Objective
from okr_site import errors
from okr_site.urls import handler400, handler403, handler404, handler500  # noqa: F401
from okr_site.urls import urlpatterns as site_urlpatterns
from tests.factories import InitiativeFactory

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/plan/?cycle=1"}


# --- Views that let errors through, for the middleware (pytest.mark.urls(__name__)) ------------


def _raising(error: Exception):
    def view(request: HttpRequest) -> HttpResponse:
        raise error

    return view


def _in_own_region(request: HttpRequest) -> HttpResponse:
    errors.refusals_into(request, "#form-alert")
    if request.GET.get("missing"):
        raise NotFound
    raise NotAllowed("Only the owner edits this.")


@errors.refusals_answered_in("#panel-alert")
def _decorated(request: HttpRequest) -> HttpResponse:
    raise CycleStateError("The cycle “2026 Q4” is closed: everything in it is read-only.")


urlpatterns = [
    path("raise/not-allowed/", _raising(NotAllowed("Only admins read this."))),
    path("raise/not-found/", _raising(NotFound())),
    path("raise/cycle-state/", _raising(CycleStateError("“2026 Q4” is grading."))),
    path("raise/conflict/", _raising(Conflict("Someone saved it first."))),
    path("raise/invalid/", _raising(Invalid({"title": ["Give it a title."]}))),
    path("raise/validation/", _raising(ValidationError("That date does not exist."))),
    path("raise/denied/", _raising(PermissionDenied("Not for you."))),
    path("raise/crash/", _raising(RuntimeError("boom"))),
    path("own-region/", _in_own_region),
    path("decorated/", _decorated),
    *site_urlpatterns,
]
pytestmark = pytest.mark.urls(__name__)


# --- The errors themselves ------------------------------------------------------------------------


def test_each_error_is_the_django_exception_the_site_already_understands():
    assert isinstance(NotAllowed(), PermissionDenied)
    assert isinstance(NotFound(), Http404)
    assert isinstance(CycleStateError("closed"), ValidationError)
    assert isinstance(Invalid("wrong"), ValidationError)
    for error in (NotAllowed(), NotFound(), CycleStateError("x"), Conflict(), Invalid("x")):
        assert isinstance(error, DomainError)
    edit_conflict = EditConflict(current=Objective(title="Grow"), seen_version=3)
    assert isinstance(edit_conflict, Conflict)
    assert edit_conflict.seen_version == 3 and edit_conflict.current.title == "Grow"
    assert edit_conflict.message == "“Grow” was changed by someone else after you opened it."


def test_a_cycle_state_error_is_still_caught_as_a_validation_error():
    with pytest.raises(ValidationError) as caught:
        raise CycleStateError("The cycle “2026 Q4” is closed.")
    assert caught.value.messages == ["The cycle “2026 Q4” is closed."]
    assert caught.value.text == caught.value.message == "The cycle “2026 Q4” is closed."


def test_the_validation_errors_still_behave_as_djangos_own():
    """Django reads `message`, `code` and `params` of a ValidationError it is given."""
    several = Invalid(["Too long.", "Too late."])
    assert several.messages == ["Too long.", "Too late."]
    assert ValidationError(several).messages == ["Too long. Too late."]
    assert ValidationError([CycleStateError("Closed."), several]).messages == [
        "Closed.",
        "Too long.",
        "Too late.",
    ]
    assert Invalid({"title": ["Give it a title."]}).update_error_dict({}) == {
        "title": [ValidationError("Give it a title.")]
    }
    assert {CycleStateError("Closed."), CycleStateError("Closed.")} == {CycleStateError("Closed.")}
    assert hash(several) == hash(Invalid(["Too long.", "Too late."]))


def test_the_message_is_the_reason_raised_or_the_general_words():
    assert NotAllowed("Only admins manage cycles.").message == "Only admins manage cycles."
    assert NotAllowed().message == "You may not do this. Nothing was changed."
    assert NotFound().message.startswith("This is no longer there, or it is not yours to see.")
    assert Conflict().message.startswith("This changed after the page was loaded.")
    assert DomainError().message == "That did not work. Reload the page and try again."
    wrong = Invalid({"title": ["Give it a title."], "weight": ["Enter a number."]})
    assert wrong.message == "Give it a title. Enter a number."
    assert wrong.message_dict == {"title": ["Give it a title."], "weight": ["Enter a number."]}


def test_the_general_words_are_in_the_language_of_the_moment():
    refused = NotAllowed()
    with translation.override("ko"):
        assert refused.message == "이 작업을 할 권한이 없습니다. 아무것도 변경되지 않았습니다."
    assert refused.message == "You may not do this. Nothing was changed."


# --- Status and words, for any caller (an API as well as the pages) -----------------------------


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (NotAllowed("Only admins manage cycles."), 403, "Only admins manage cycles."),
        (PermissionDenied("Not for you."), 403, "Not for you."),
        (PermissionDenied(), 403, "You may not do this. Nothing was changed."),
        (NotFound(), 404, "This is no longer there, or it is not yours to see."),
        # Django's own words are for developers, not for the person.
        (Http404("No KeyResult matches the given query."), 404, "This is no longer there"),
        (CycleStateError("“2026 Q4” is grading."), 409, "“2026 Q4” is grading."),
        (Conflict("Someone saved it first."), 409, "Someone saved it first."),
        (DomainError("Not now."), 409, "Not now."),
        (Invalid("Move a key result up or down."), 422, "Move a key result up or down."),
        (ValidationError(["Too long.", "Too late."]), 422, "Too long. Too late."),
    ],
)
def test_describe_error_gives_the_status_and_the_words(error, status, message):
    answer = errors.describe_error(error)
    assert answer.status == status
    assert answer.message.startswith(message)
    assert answer.field_messages == {}


def test_wrong_input_is_described_field_by_field():
    for error in (
        Invalid({"title": ["Give it a title."], "__all__": ["Pick an owner."]}),
        ValidationError({"title": ["Give it a title."], "__all__": ["Pick an owner."]}),
    ):
        answer = errors.describe_error(error)
        assert answer.status == 422
        assert answer.field_messages == {
            "title": ["Give it a title."],
            "__all__": ["Pick an owner."],
        }
        assert answer.message == "Give it a title. Pick an owner."


def test_the_description_holds_no_html_and_reads_as_json():
    answer = errors.describe_error(Invalid({"due_date": ["Enter a date."]}))
    assert json.loads(json.dumps(asdict(answer))) == {
        "status": 422,
        "message": "Enter a date.",
        "field_messages": {"due_date": ["Enter a date."]},
    }


# --- As HTML: the whole page, or a message for HTMX ---------------------------------------------


@pytest.fixture
def request_for(rf: RequestFactory, owner):
    def make(*, htmx: bool = False) -> HttpRequest:
        request = rf.post("/somewhere/", headers=HTMX if htmx else {})
        request.user = owner
        request.htmx = htmx  # what django-htmx's middleware sets
        return request

    return make


@pytest.mark.parametrize(
    ("error", "status", "heading"),
    [
        (NotAllowed("Only admins manage cycles."), 403, "<h1>Not allowed</h1>"),
        (CycleStateError("“2026 Q4” is closed."), 409, "<h1>Not possible now</h1>"),
        (Conflict("Someone saved it first."), 409, "<h1>Not possible now</h1>"),
        (Invalid("Move a key result up or down."), 422, "<h1>Check the input</h1>"),
    ],
)
def test_a_page_load_gets_the_whole_error_page_with_the_reason(request_for, error, status, heading):
    response = errors.error_response(request_for(), error)
    assert response.status_code == status
    html = response.content.decode()
    assert "<html" in html and heading in html
    assert error.message in html
    assert not response.has_header("HX-Retarget")


def test_a_page_load_of_something_not_there_gets_the_404_page(request_for):
    response = errors.error_response(request_for(), NotFound())
    assert response.status_code == 404
    html = response.content.decode()
    assert "<html" in html and "<h1>Not found</h1>" in html


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotAllowed("Only admins manage cycles."), 403),
        (NotFound(), 404),
        (CycleStateError("“2026 Q4” is closed."), 409),
        (Invalid("Move a key result up or down."), 422),
    ],
)
def test_htmx_gets_a_message_for_the_pages_alert_region(request_for, error, status):
    response = errors.error_response(request_for(htmx=True), error)
    assert response.status_code == status
    assert response["HX-Retarget"] == "#alert-region"
    assert response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert "<html" not in html and 'class="message message-error alert-message"' in html
    assert f'data-status="{status}"' in html
    assert error.message.split(". ")[0] in html
    assert 'href="/plan/?cycle=1"' in html  # reload the page the request came from


def test_htmx_refusals_go_to_the_views_own_region_when_it_named_one(request_for):
    request = request_for(htmx=True)
    errors.refusals_into(request, "#plan-alert")
    for error, status in ((NotAllowed("Not yours."), 403), (CycleStateError("Closed."), 409)):
        response = errors.error_response(request, error)
        assert response.status_code == status
        assert response["HX-Retarget"] == "#plan-alert"
        assert response["HX-Reswap"] == "innerHTML"
        html = response.content.decode()
        assert html.startswith('<p class="form-errors refusal-message" role="alert"')
        assert error.message in html
    # "Not there" is about the whole page: its alert region, whatever the view named.
    assert errors.error_response(request, NotFound())["HX-Retarget"] == "#alert-region"


# --- From a view, through the middleware ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/raise/not-allowed/", 403, "Only admins read this."),
        ("/raise/denied/", 403, "Not for you."),
        ("/raise/not-found/", 404, "Not found"),
        ("/raise/cycle-state/", 409, "“2026 Q4” is grading."),
        ("/raise/conflict/", 409, "Someone saved it first."),
        ("/raise/invalid/", 422, "Give it a title."),
        ("/raise/validation/", 422, "That date does not exist."),
    ],
)
def test_a_view_lets_the_error_through_and_gets_its_answer(
    client: Client, owner, url, status, text
):
    client.force_login(owner)
    page = client.get(url)
    assert page.status_code == status
    assert "<html" in page.content.decode() and text in page.content.decode()
    fragment = client.get(url, headers=HTMX)
    assert fragment.status_code == status
    assert fragment["HX-Retarget"] == "#alert-region"
    assert "script-src" in fragment["Content-Security-Policy"]  # still inside the CSP middleware
    if status != 404:
        assert text in fragment.content.decode()


@pytest.mark.django_db
def test_a_view_names_its_own_region_for_refusals(client: Client, owner):
    client.force_login(owner)
    refused = client.get("/own-region/", headers=HTMX)
    assert refused.status_code == 403
    assert refused["HX-Retarget"] == "#form-alert"
    assert "Only the owner edits this." in refused.content.decode()
    assert client.get("/own-region/?missing=1", headers=HTMX)["HX-Retarget"] == "#alert-region"
    decorated = client.get("/decorated/", headers=HTMX)
    assert decorated.status_code == 409
    assert decorated["HX-Retarget"] == "#panel-alert"
    assert "is closed: everything in it is read-only." in decorated.content.decode()
    # Without HTMX the region plays no part: the whole page.
    page = client.get("/decorated/")
    assert page.status_code == 409 and "<h1>Not possible now</h1>" in page.content.decode()


@pytest.mark.django_db
def test_other_failures_are_left_to_the_server_error_answer(client: Client, owner):
    client.force_login(owner)
    client.raise_request_exception = False
    response = client.get("/raise/crash/", headers=HTMX)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# --- The site's own pages: where each answers a refusal to HTMX ----------------------------------


@pytest.mark.django_db
@pytest.mark.urls("okr_site.urls")
def test_each_page_answers_htmx_refusals_where_its_page_shows_them(
    client: Client, owner, teammate, stranger, key_result
):
    initiative = InitiativeFactory(key_result=key_result)
    cases = [
        # Pages without a place of their own: the page's alert region.
        (teammate, "grade_key_result", key_result.pk, "#alert-region", "You may not grade"),
        (owner, "person_new", None, "#alert-region", "Only admins manage people and teams."),
        # Planning: the page's #plan-alert, also when the service refuses (archiving).
        (owner, "objective_archive", key_result.objective_id, "#plan-alert", "may not edit"),
        # An initiative panel: its own alert region.
        (
            stranger,
            "initiative_status",
            initiative.pk,
            f"#kr-{key_result.pk}-initiatives-alert",
            "You may not change this initiative.",
        ),
    ]
    for user, name, pk, region, text in cases:
        client.force_login(user)
        url = reverse(name, args=[pk] if pk else [])
        response = client.post(url, {"status": "done"}, headers=HTMX)
        assert response.status_code == 403, name
        assert response["HX-Retarget"] == region, name
        assert text in response.content.decode(), name
    # A check-in row shows its refusal in the row it swaps.
    client.force_login(teammate)
    row = client.post(reverse("check_in", args=[key_result.pk]), {"value": "1"}, headers=HTMX)
    assert row.status_code == 403 and not row.has_header("HX-Retarget")
    assert row.content.decode().lstrip().startswith(f'<article id="kr-{key_result.pk}"')
