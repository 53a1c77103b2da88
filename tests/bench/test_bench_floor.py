"""The benchmark's floor page and query-count header: mounted by bench/settings.py only."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from bench.middleware import QUERIES_HEADER

pytestmark = pytest.mark.django_db

# What bench/settings.py adds to the production settings.
BENCH = override_settings(
    ROOT_URLCONF="bench.urls",
    MIDDLEWARE=["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE],
    INSTALLED_APPS=[*settings.INSTALLED_APPS, "bench"],
)


@BENCH
def test_the_floor_is_a_signed_in_page_with_the_base_template_and_no_data(
    client, owner, cycle, django_assert_num_queries
):
    client.force_login(owner)
    # Session, user, the header's cycle switcher: what every page pays, and nothing more.
    with django_assert_num_queries(3):
        response = client.get("/bench/floor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html and "My week" in html and cycle.name in html
    assert response[QUERIES_HEADER] == "3"
    assert [t.name for t in response.templates][:2] == ["bench/floor.html", "base.html"]


@BENCH
def test_the_floor_needs_a_sign_in(client):
    response = client.get("/bench/floor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@BENCH
def test_every_page_says_how_many_queries_it_made(client, owner, key_result):
    client.force_login(owner)
    response = client.get(reverse("key_result", args=[key_result.pk]))
    assert response.status_code == 200
    # As the key result page's own test counts (tests/dashboards/test_key_result_page.py).
    assert int(response[QUERIES_HEADER]) == 7


def test_production_has_neither_the_floor_nor_the_header(client, owner):
    client.force_login(owner)
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")
    response = client.get("/bench/floor/")
    assert response.status_code == 404
    assert QUERIES_HEADER not in response
