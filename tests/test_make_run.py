"""`make run` itself, with a stand-in for Python that records how each step was called: links in
e-mails follow PORT (unless OKR_SITE_URL is set), the broker is prepared before the server and the
worker start, and the worker runs under the supervisor that restarts it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")

# The worker starts in the background: the stand-in server waits (up to 10 s) until it has been
# called, so that `make run` does not stop it before it could write its line.
FAKE_PYTHON = """#!/bin/sh
echo "$* | OKR_SITE_URL=$OKR_SITE_URL | SWEEP=$OKR_REMINDER_SWEEP_SECONDS \
| DJANGO_DEBUG=$DJANGO_DEBUG" >> "$FAKE_PYTHON_LOG"
if [ "$2" = runserver ]; then
  for _ in $(seq 100); do grep -q run_worker "$FAKE_PYTHON_LOG" && exit 0; sleep 0.1; done
fi
"""


def _make_run(tmp_path: Path, **env: str) -> list[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    fake = tmp_path / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    stamp = tmp_path / "stamp"  # newer than pyproject.toml: nothing to install
    stamp.touch()
    log = tmp_path / "calls.log"
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OKR_", "MAKE", "PORT"))
    }
    environ |= {"FAKE_PYTHON_LOG": str(log), "OKR_VAR_DIR": str(tmp_path / "var"), **env}
    result = subprocess.run(
        ["make", "-s", "run", f"PY={fake}", f"STAMP={stamp}", f"NODE_STAMP={stamp}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return log.read_text().splitlines()


def _call(calls: list[str], start: str) -> str:
    return next(call for call in calls if call.startswith(start))


def test_links_follow_the_port(tmp_path):
    calls = _make_run(tmp_path, PORT="9000")
    runserver = _call(calls, "manage.py runserver")
    worker = _call(calls, "manage.py run_worker")
    assert runserver.startswith("manage.py runserver 127.0.0.1:9000 ")
    # The server and the worker that writes the e-mails both link to port 9000.
    for call in (runserver, worker, _call(calls, "manage.py migrate")):
        assert "| OKR_SITE_URL=http://127.0.0.1:9000 |" in call
        assert call.endswith("| DJANGO_DEBUG=1")


def test_an_explicit_site_url_is_kept(tmp_path):
    calls = _make_run(tmp_path, PORT="9000", OKR_SITE_URL="https://okr.example.com")
    assert "| OKR_SITE_URL=https://okr.example.com |" in _call(calls, "manage.py run_worker")
    assert "| OKR_SITE_URL=https://okr.example.com |" in _call(calls, "manage.py runserver")


def test_the_server_and_the_worker_agree_on_the_sweep_interval(tmp_path):
    # The worker sweeps every minute; the server's Reminders page warns after two without one.
    calls = _make_run(tmp_path)
    assert "| SWEEP=60 |" in _call(calls, "manage.py run_worker")
    assert "| SWEEP=60 |" in _call(calls, "manage.py runserver")
    calls = _make_run(tmp_path / "own", OKR_REMINDER_SWEEP_SECONDS="10")
    assert "| SWEEP=10 |" in _call(calls, "manage.py runserver")


def test_the_broker_is_prepared_before_the_server_and_the_supervised_worker(tmp_path):
    calls = [call.split(" | ")[0] for call in _make_run(tmp_path)]
    prepare = calls.index("manage.py prepare_broker")
    worker = next(i for i, call in enumerate(calls) if call.startswith("manage.py run_worker"))
    server = next(i for i, call in enumerate(calls) if call.startswith("manage.py runserver"))
    assert calls.index("manage.py migrate --no-input") < prepare < min(worker, server)
    assert calls[server] == "manage.py runserver 127.0.0.1:8000"
