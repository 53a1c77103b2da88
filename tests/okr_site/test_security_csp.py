"""Strict Content Security Policy: nothing in our markup or scripts needs 'unsafe-inline'."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils.csp import CSP

ROOT = Path(__file__).resolve().parents[2]
# The project's templates folder and our apps' own (the reminders app keeps its pages there).
TEMPLATE_FOLDERS = [
    ROOT / "templates",
    *(
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if Path(app.path).parent == ROOT and (Path(app.path) / "templates").is_dir()
    ),
]
# E-mail is read in a mail client, not under our policy (and needs inline styling there).
PAGE_TEMPLATES = sorted(
    path
    for folder in TEMPLATE_FOLDERS
    for path in folder.rglob("*.html")
    if "emails" not in path.parts and not path.name.endswith("_email.html")
)
STATIC_SCRIPTS = sorted((ROOT / "static").rglob("*.js"))

# What the policy would block, or would force 'unsafe-inline' / 'unsafe-eval' to allow.
MARKUP_RULES = {
    "style attribute": re.compile(r"""[\s"']style\s*=""", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "inline event handler": re.compile(r"""[\s"']on[a-z]+\s*=\s*["'{]""", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript\s*:", re.IGNORECASE),
    "htmx code attribute": re.compile(
        r"\bhx-on\b|\bhx-on[:-]|\bhx-vars\s*=|\bhx-vals\s*=\s*['\"]\s*js:"
    ),
}
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
SCRIPT_RULES = {
    "eval": re.compile(r"\beval\s*\(|\bnew\s+Function\s*\("),
    "string timer": re.compile(r"\bset(?:Timeout|Interval)\s*\(\s*['\"`]"),
    "style attribute": re.compile(r"setAttribute\s*\(\s*['\"]style['\"]"),
    "inline event handler": re.compile(r"setAttribute\s*\(\s*['\"]on[a-z]+['\"]"),
    "javascript: URL": re.compile(r"javascript\s*:", re.IGNORECASE),
}


def _markup_offences(text: str) -> list[str]:
    found = [name for name, rule in MARKUP_RULES.items() if rule.search(text)]
    for tag in SCRIPT_TAG.findall(text):
        if "src=" not in tag and "nonce=" not in tag:
            found.append("inline <script> without the nonce")
    return found


def test_the_scan_covers_every_page_template():
    assert len(PAGE_TEMPLATES) > 30
    assert ROOT / "templates" / "base.html" in PAGE_TEMPLATES
    assert ROOT / "reminders" / "templates" / "reminders" / "settings.html" in PAGE_TEMPLATES


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_need_no_unsafe_inline(path):
    assert _markup_offences(path.read_text()) == []


def test_static_scripts_need_no_unsafe_inline_or_eval():
    offences = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in STATIC_SCRIPTS
        for name, rule in SCRIPT_RULES.items()
        if rule.search(path.read_text())
    ]
    assert offences == []


@pytest.mark.parametrize(
    ("text", "offence"),
    [
        ('<div style="color: red">', "style attribute"),
        ("<p class='x' style='x'>", "style attribute"),
        ("<style>p{}</style>", "<style> element"),
        ('<button onclick="go()">', "inline event handler"),
        ('<a href="javascript:void(0)">', "javascript: URL"),
        ('<div hx-on:click="x()">', "htmx code attribute"),
        ("<script>alert(1)</script>", "inline <script> without the nonce"),
    ],
)
def test_the_scan_catches_each_offence(text, offence):
    assert offence in _markup_offences(text)


@pytest.mark.parametrize(
    "text",
    [
        '<svg><rect fill="#2456d3" width="10"></rect></svg>',  # presentation attributes
        '<script src="/static/x.js" defer></script>',
        '<script nonce="{{ csp_nonce }}">x()</script>',
        '<a data-on="1" class="stylet">',
    ],
)
def test_the_scan_allows_what_the_policy_allows(text):
    assert _markup_offences(text) == []


def test_policy_has_no_unsafe_sources():
    for directive, sources in settings.SECURE_CSP.items():
        assert not any("unsafe" in str(source) for source in sources), directive
    assert settings.SECURE_CSP["script-src"] == [CSP.SELF, CSP.NONCE]
    assert settings.SECURE_CSP["style-src"] == [CSP.SELF]


@pytest.mark.django_db
def test_every_script_on_a_page_carries_the_nonce_of_its_header(client, owner, key_result):
    client.force_login(owner)
    response = client.get(reverse("my_week"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)[1]
    html = response.content.decode()
    scripts = SCRIPT_TAG.findall(html)
    assert scripts  # htmx at least
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # A fresh nonce per response.
    assert nonce not in client.get(reverse("my_week"))["Content-Security-Policy"]


@pytest.mark.django_db
def test_anonymous_pages_carry_the_policy_too(client):
    for url in (reverse("login"), reverse("password_reset")):
        assert "script-src 'self' 'nonce-" in client.get(url)["Content-Security-Policy"]
