"""The Korean catalogue is complete and compiled: CI fails on an untranslated or stale string.

The strings are extracted afresh from the code (Django's makemessages, as `make messages` runs it)
and compared with locale/ko/LC_MESSAGES/django.po; the committed django.mo must be exactly what
that django.po compiles to.
"""

import gettext
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

PO = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Keep in step with the Makefile's `messages` target.
IGNORED = ["tests/*", "bench/*", "var/*", "node_modules/*", "build/*", "staticfiles/*"]

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext (xgettext, msgfmt) is not installed: apt-get install gettext "
    "(.ci/run installs it)",
)


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _shown(keys) -> str:
    return "\n".join(f"  {ctx + ' | ' if ctx else ''}{msgid!r}" for ctx, msgid, _ in sorted(keys))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple[str, str, str]]:
    """The msgids the code holds today, extracted from a copy of the sources (makemessages
    writes next to the first locale directory it walks past, so it never runs on the real one)."""
    copy = tmp_path_factory.mktemp("sources") / "okr"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".*", "locale", "node_modules", "var", "staticfiles", "docs"),
    )
    (copy / "locale").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        patch.setattr(settings, "LOCALE_PATHS", [copy / "locale"])
        call_command(
            "makemessages", locale=["ko"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0
        )
    return {_key(entry) for entry in polib.pofile(str(copy / "locale/ko/LC_MESSAGES/django.po"))}


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_string_in_the_code_is_in_the_catalogue(extracted, catalogue):
    missing = extracted - {_key(e) for e in catalogue if not e.obsolete}
    assert not missing, (
        f"not in django.po (run `make messages`, then translate):\n{_shown(missing)}"
    )


def test_the_catalogue_holds_no_string_the_code_has_dropped(extracted, catalogue):
    stale = {_key(e) for e in catalogue if not e.obsolete} - extracted
    assert not stale, f"in django.po but no longer in the code (`make messages`):\n{_shown(stale)}"


def test_every_string_is_translated_into_korean(catalogue):
    untranslated = {_key(e) for e in catalogue.untranslated_entries()}
    fuzzy = {_key(e) for e in catalogue.fuzzy_entries()}
    assert not untranslated, f"untranslated in Korean:\n{_shown(untranslated)}"
    assert not fuzzy, f"fuzzy (a guess to check, then clear the flag):\n{_shown(fuzzy)}"


def test_placeholders_match_and_the_compiled_catalogue_is_current(tmp_path):
    fresh = tmp_path / "django.mo"
    # --check-format: a translation dropping or renaming a %(name)s placeholder fails here.
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        stale = (
            gettext.GNUTranslations(committed)._catalog
            != gettext.GNUTranslations(compiled)._catalog
        )
    assert not stale, "django.mo is older than django.po: run `make messages`"
