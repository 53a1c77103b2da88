"""A local install (`make run`: debug, no DJANGO_SECRET_KEY) signs with a key of its own, made once
and kept in var/ for its owner only; production still has to set DJANGO_SECRET_KEY."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from okr_site.local_secret import local_secret_key

ROOT = Path(__file__).resolve().parents[2]
# The key every clone used to share: with it anyone could sign a valid unsubscribe link.
OLD_SHARED_KEY = "django-insecure-local-only-never-use-in-production"


def _settings_key(var: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "OKR_"))
    }
    env |= {"DJANGO_SETTINGS_MODULE": "okr_site.settings", "OKR_VAR_DIR": str(var), **extra}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SECRET_KEY)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_local_install_generates_its_own_key_once(tmp_path):
    first = _settings_key(tmp_path / "a", DJANGO_DEBUG="1")
    assert first.returncode == 0, first.stderr
    key = first.stdout.split()[-1]
    assert key != OLD_SHARED_KEY and len(key) >= 50
    path = tmp_path / "a" / "secret_key"
    assert path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The same key on the next start (sessions and links survive a restart)...
    assert _settings_key(tmp_path / "a", DJANGO_DEBUG="1").stdout.split()[-1] == key
    # ...and another install gets another one.
    assert _settings_key(tmp_path / "b", DJANGO_DEBUG="1").stdout.split()[-1] != key


def test_a_key_from_the_environment_wins_and_writes_nothing(tmp_path):
    result = _settings_key(tmp_path, DJANGO_DEBUG="1", DJANGO_SECRET_KEY="from-the-environment")
    assert result.stdout.split()[-1] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_production_still_requires_the_key(tmp_path):
    result = _settings_key(tmp_path)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_concurrent_starts_agree_on_one_key(tmp_path):
    path = tmp_path / "secret_key"
    keys = {local_secret_key(path) for _ in range(3)}
    assert len(keys) == 1
    # A loser of the race finds the winner's key in place and uses it.
    path.unlink()
    path.write_text("winner")
    assert local_secret_key(path) == "winner"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no temporary left
