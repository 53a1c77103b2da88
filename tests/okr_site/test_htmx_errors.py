"""A failed HTMX request answers a short message for the page's alert region (#alert-region in
base.html), never an error page to swap in where the fragment was meant to go; a request
without HTMX still gets the whole page."""

import pytest
from django.test import Client
from django.urls import reverse

from objectives.models import KeyResult, Objective

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/?cycle=1"}


def _assert_alert(response, status: int, text: str) -> None:
    assert response.status_code == status
    assert response["HX-Retarget"] == "#alert-region"
    assert response["HX-Reswap"] == "innerHTML"
    assert "script-src" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "<html" not in html and "<!doctype" not in html.lower()
    assert text in html
    assert 'href="/?cycle=1"' in html  # reload the page the request came from


def _hide(key_result) -> None:
    """The key result's objective becomes someone else's private one after the page loaded."""
    Objective.objects.filter(pk=key_result.objective_id).update(
        owner_team=None, owner_user=None, visibility=Objective.Visibility.PRIVATE
    )


def test_checking_in_on_a_key_result_no_longer_visible_answers_an_alert(
    client: Client, owner, stranger, key_result
):
    client.force_login(owner)
    # The key result went to someone else, under their private objective: the former owner no
    # longer contributes to it, so it is out of their sight.
    KeyResult.objects.filter(pk=key_result.pk).update(owner=stranger)
    Objective.objects.filter(pk=key_result.objective_id).update(
        owner_team=None, owner_user=stranger, visibility=Objective.Visibility.PRIVATE
    )
    url = reverse("check_in", args=[key_result.pk])
    _assert_alert(client.get(url, headers=HTMX), 404, "no longer there")
    posted = client.post(url, {"value": "42", "confidence": "4"}, headers=HTMX)
    _assert_alert(posted, 404, "no longer there")
    # Without HTMX: our whole 404 page, as before.
    page = client.get(url)
    assert page.status_code == 404
    assert "<html" in page.content.decode()
    assert not page.has_header("HX-Retarget")


def test_a_deleted_key_result_answers_an_alert_even_with_debug_pages(
    client: Client, owner, key_result, settings
):
    """With DEBUG on, Django's technical 404 page used to be what the request got."""
    settings.DEBUG = True
    client.force_login(owner)
    url = reverse("check_in", args=[key_result.pk])
    key_result.delete()
    _assert_alert(client.get(url, headers=HTMX), 404, "no longer there")


@pytest.mark.urls("tests.okr_site.error_urls")
def test_a_refusal_raised_in_a_view_answers_its_reason_as_an_alert(client: Client, owner):
    client.force_login(owner)
    _assert_alert(
        client.get("/test-errors/denied/", headers=HTMX), 403, "You may not touch the wiring."
    )
    page = client.get("/test-errors/denied/")
    assert page.status_code == 403
    assert "You may not touch the wiring." in page.content.decode()
    assert "<html" in page.content.decode()


@pytest.mark.urls("tests.okr_site.error_urls")
def test_a_whole_error_page_for_htmx_becomes_an_alert(client: Client, owner):
    client.force_login(owner)
    _assert_alert(client.get("/test-errors/conflict/", headers=HTMX), 409, "Reload the page")
    # Not for a page load without HTMX.
    assert "<html" in client.get("/test-errors/conflict/").content.decode()


@pytest.mark.urls("tests.okr_site.error_urls")
def test_a_crash_and_a_bad_request_answer_alerts(client: Client, owner):
    client.force_login(owner)
    client.raise_request_exception = False
    _assert_alert(
        client.get("/test-errors/crash/", headers=HTMX), 500, "Something went wrong on our side"
    )
    _assert_alert(client.get("/test-errors/bad/", headers=HTMX), 400, "could not be read")


def test_a_form_with_errors_is_still_swapped_in_place(client: Client, owner, key_result):
    client.force_login(owner)
    response = client.post(
        reverse("check_in", args=[key_result.pk]), {"value": "abc"}, headers=HTMX
    )
    assert response.status_code == 422
    assert not response.has_header("HX-Retarget")


def test_the_page_has_an_alert_region_with_fallback_messages(client: Client, owner, key_result):
    client.force_login(owner)
    html = client.get(reverse("my_week")).content.decode()
    assert 'id="alert-region"' in html
    assert "data-network-message=" in html
    assert "data-error-message=" in html
    assert "js/alerts.js" in html


def test_a_whole_form_page_with_its_errors_is_left_to_htmx(client: Client, owner, cycle):
    """A 422 is a form with its messages next to its fields, whole page or not."""
    client.force_login(owner)
    response = client.post(reverse("objective_new"), {"cycle": cycle.pk}, headers=HTMX)
    assert response.status_code == 422
    assert not response.has_header("HX-Retarget")
    assert "<html" in response.content.decode()
