"""CSRF: every form carries its token, and a rejected request gets a friendly answer."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import speaking_korean

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# With our apps' own templates folders (the reminders app keeps its pages there).
TEMPLATE_FOLDERS = [
    TEMPLATES,
    *(
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if Path(app.path).parent == ROOT and (Path(app.path) / "templates").is_dir()
    ),
]
# A template tag or variable may hold ">" (e.g. {% if a > b %}); it does not end the tag.
FORM_TAG = re.compile(r"<form\b(?:\{%.*?%\}|\{\{.*?\}\}|[^>])*>", re.IGNORECASE | re.DOTALL)
METHOD_POST = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.IGNORECASE)
HIDDEN_TOKEN = re.compile(
    r"""name=["']csrfmiddlewaretoken["'][^>]*value=["']\{\{ csrf_token \}\}""", re.IGNORECASE
)
HTMX_WRITE = re.compile(r"\bhx-(post|put|patch|delete)\s*=", re.IGNORECASE)


def _templates():
    return sorted(
        p for folder in TEMPLATE_FOLDERS for p in folder.rglob("*.html") if "emails" not in p.parts
    )


def _forms(text: str):
    for tag in FORM_TAG.finditer(text):
        end = text.find("</form>", tag.end())
        body = text[tag.end() : end if end != -1 else len(text)]
        yield tag.group(0), body, text[: tag.start()].count("\n") + 1


def test_the_scan_finds_forms():
    forms = [form for path in _templates() for form in _forms(path.read_text())]
    assert len(forms) > 20
    assert ROOT / "reminders" / "templates" / "reminders" / "unsubscribe.html" in _templates()
    assert all(tag.lower().startswith("<form") for tag, _, _ in forms)


def _csrf_offenders(where: str, text: str) -> list[str]:
    """Forms in one template that would be sent without a CSRF token.

    A form the browser submits itself (method="post") needs the token inside it:
    {% csrf_token %}, or the same hidden input written out (inclusion tags pass csrf_token on).
    base.html's <body hx-headers> adds the token only to requests htmx sends from inside that
    body, so it excuses just the htmx-only forms (hx-post/put/patch/delete, no method="post") in
    templates that are not documents with a <body> of their own lacking those hx-headers.
    """
    own_body = re.search(r"<body\b[^>]*>", text, re.IGNORECASE)
    body_sends_token = own_body is None or "X-CSRFToken" in own_body.group(0)
    offenders = []
    for tag, body, line in _forms(text):
        if "{% csrf_token %}" in body or HIDDEN_TOKEN.search(body):
            continue
        if METHOD_POST.search(tag):
            offenders.append(f"{where}:{line}: POST form without {{% csrf_token %}}")
        elif HTMX_WRITE.search(tag) and not body_sends_token:
            offenders.append(f"{where}:{line}: htmx form outside base.html's hx-headers")
    return offenders


def test_every_post_form_carries_the_csrf_token():
    offenders = []
    for path in _templates():
        offenders += _csrf_offenders(str(path.relative_to(ROOT)), path.read_text())
    assert offenders == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('<form method="post" action="/x/"><button>Go</button></form>', 1),
        ("<form method='POST'>{% if a > b %}x{% endif %}</form>", 1),
        ('<form method="post">{% csrf_token %}</form>', 0),
        (
            '<form method="post">'
            '<input name="csrfmiddlewaretoken" value="{{ csrf_token }}"></form>',
            0,
        ),
        ('<form method="get" action="/search/"></form>', 0),
        # htmx-only form inside a page built on base.html: the body's hx-headers cover it.
        ('{% extends "base.html" %}<form hx-post="/x/"></form>', 0),
        # ...but a page of its own has no such body: its htmx form goes out without a token.
        ('<html><body><form hx-post="/x/"></form></body></html>', 1),
        # A method="post" form with hx-post still posts without htmx (JavaScript off).
        ('<form method="post" hx-post="/x/"></form>', 1),
    ],
)
def test_the_rule_on_samples(text, found):
    assert len(_csrf_offenders("sample", text)) == found


def test_base_template_sends_the_token_with_every_htmx_request():
    base = (TEMPLATES / "base.html").read_text()
    assert re.search(r"""<body[^>]*hx-headers='\{"X-CSRFToken": "\{\{ csrf_token \}\}"\}'""", base)


@pytest.fixture
def strict_client(db, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    return client


@pytest.mark.django_db
def test_htmx_post_without_a_valid_token_gets_a_reload_fragment(strict_client, key_result):
    response = strict_client.post(
        reverse("check_in", args=[key_result.pk]),
        {"value": "50", "confidence": "4"},
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/my-week/?cycle=1",
            "X-CSRFToken": "stale-token-from-a-page-left-open",
        },
    )
    # 403 is one of the statuses base.html's htmx-config swaps (not an error to swallow).
    assert response.status_code == 403
    html = response.content.decode()
    assert html.lstrip().startswith(
        '<div class="form-errors" role="alert" data-testid="csrf-failure">'
    )
    assert "This page has been open too long; reload it to continue." in html
    assert 'href="/my-week/?cycle=1"' in html
    assert "<html" not in html
    key_result.refresh_from_db()
    assert key_result.last_checkin_at is None


RELOAD_PAGE_WORDS = {
    "en": ("<h1>Please reload the page</h1>", "This page has been open too long"),
    "ko": ("<h1>페이지를 새로 고치세요</h1>", "페이지를 너무 오래 열어 두었습니다."),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ko"])
def test_plain_form_post_without_a_token_gets_a_whole_page(strict_client, owner, language):
    if language == "ko":
        speaking_korean(owner)
    response = strict_client.post(reverse("logout"), headers={"Referer": "http://testserver/plan/"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<html" in html
    for text in RELOAD_PAGE_WORDS[language]:
        assert text in html, text
    assert 'href="/plan/"' in html
    assert "_auth_user_id" in strict_client.session  # not logged out


@pytest.mark.django_db
def test_foreign_referer_is_not_offered_as_the_reload_link(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), headers={"Referer": "https://evil.example/"})
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
    assert f'href="{reverse("login")}"' in response.content.decode()


@pytest.mark.django_db
def test_a_token_from_the_page_is_accepted(owner):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(
        reverse("login"),
        {"username": "owner", "password": "pw-for-tests", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_failure_view_is_configured():
    assert settings.CSRF_FAILURE_VIEW == "okr_site.views.csrf_failure"
    assert settings.CSRF_COOKIE_HTTPONLY
