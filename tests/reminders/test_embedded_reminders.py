"""The embedded default for real: what `make run` starts, on a temporary install of its own.

The real settings without DATABASE_URL or REDIS_URL (SQLite in a temporary var/, the SQLAlchemy
broker on a SQLite file there, e-mail as files), `manage.py prepare_broker`, then the supervised
worker with embedded beat (`manage.py run_worker`) sweeping every second. The first test keeps it
running for over a minute while people keep becoming due, and checks that the worker is the one
that started, alive, and that every due e-mail was written exactly once. The second kills the
worker with SIGKILL in the middle of a send: the supervisor starts a new one, the sweeper re-queues
the delivery the dead worker held, and exactly one e-mail goes out.

Both run processes of their own and take a minute or so: marked slow. The worker cannot share
this process's test database, so these tests read the install's SQLite file directly.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reminders.reminder_helpers import wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL")),
        reason="the embedded default (SQLite and the SQL broker) is tested in the pass without "
        "DATABASE_URL and REDIS_URL; it would be the same test again here",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
SITE_URL = "http://127.0.0.1:9123"


@dataclass
class Install:
    var: Path
    env: dict[str, str]
    log: Path

    def _run(self, *command: str, timeout: float) -> str:
        result = subprocess.run(
            [sys.executable, *command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def manage(self, *args: str, timeout: float = 120) -> str:
        return self._run("manage.py", *args, timeout=timeout)

    def feed(self, *args: str, timeout: float = 180) -> list[str]:
        return self._run(
            "-m", "tests.reminders.embedded_reminders_feeder", *args, timeout=timeout
        ).split()

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.var / "okr.sqlite3", timeout=30) as db:
            return db.execute(sql).fetchall()

    def deliveries(self) -> list[tuple[str, str, int]]:
        return self.query(
            "SELECT u.username, d.status, d.attempts FROM checkins_reminderdelivery d "
            "JOIN objectives_user u ON u.id = d.user_id ORDER BY u.username"
        )

    def mails(self) -> list[str]:
        folder = self.var / "mail"
        return [path.read_text() for path in sorted(folder.iterdir())] if folder.exists() else []

    def worker_pid(self) -> int | None:
        pidfile = self.var / "worker.pid"
        text = pidfile.read_text().strip() if pidfile.exists() else ""
        return int(text) if text else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A dead child not yet reaped by its parent still answers kill(0): look at its state.
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _make_install(tmp_path: Path, **extra_env: str) -> Install:
    var = tmp_path / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "OKR_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "okr_site.settings",
        "DJANGO_DEBUG": "1",
        "OKR_VAR_DIR": str(var),
        "OKR_SITE_URL": SITE_URL,
        "OKR_REMINDER_SWEEP_SECONDS": "1",
        "PYTHONPATH": str(ROOT),
        **extra_env,
    }
    install = Install(var=var, env=env, log=tmp_path / "worker.log")
    install.manage("migrate", "--no-input", "-v", "0")
    install.feed("setup")
    install.manage("prepare_broker")
    return install


@pytest.fixture
def supervisor() -> Iterator[Callable[[Install], subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start(install: Install) -> subprocess.Popen:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--pidfile",
                str(install.var / "worker.pid"),
            ],
            cwd=ROOT,
            env=install.env,
            stdout=install.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        wait_for(install.worker_pid, timeout=30, what="the supervisor to start a worker")
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # what `make run`'s trap does
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_the_embedded_worker_keeps_delivering_every_due_email_exactly_once(tmp_path, supervisor):
    install = _make_install(tmp_path)
    process = supervisor(install)
    worker = install.worker_pid()
    started = time.monotonic()

    # Over a minute of sweeps every second, with someone new becoming due every 4 s.
    people = install.feed("add", "16", "4")
    wait_for(lambda: time.monotonic() - started >= 62, timeout=120, what="a minute to pass")
    wait_for(
        lambda: [status for _, status, _ in install.deliveries()] == ["sent"] * len(people),
        timeout=30,
        what=f"{len(people)} sent deliveries; log:\n{install.log.read_text(errors='replace')}",
    )

    # Still the worker that started, alive, under the supervisor that started it.
    assert process.poll() is None
    assert install.worker_pid() == worker and _alive(worker)
    # Every due e-mail written once, sent at the first attempt, links on the configured site.
    assert install.deliveries() == [(name, "sent", 1) for name in sorted(people)]
    mails = install.mails()
    recipients = Counter(
        line.removeprefix("To: ")
        for mail in mails
        for line in mail.splitlines()
        if line.startswith("To: ")
    )
    assert recipients == Counter(f"{name}@example.com" for name in people)
    assert all(f"{SITE_URL}/key-results/" in mail for mail in mails)
    # The sweeper and the worker kept leaving heartbeats (what the Reminders page shows).
    beats = dict(install.query("SELECT part, at FROM checkins_reminderheartbeat"))
    assert {"sweep", "worker", "worker_started"} <= set(beats)
    [[seconds_since_sweep]] = install.query(
        "SELECT (julianday('now') - julianday(at)) * 86400 FROM checkins_reminderheartbeat "
        "WHERE part = 'sweep'"
    )
    assert seconds_since_sweep < 10
    assert "Unrecoverable error" not in install.log.read_text(errors="replace")


def test_a_worker_killed_mid_send_is_restarted_and_the_email_still_goes_out_once(
    tmp_path, supervisor
):
    install = _make_install(
        tmp_path,
        DJANGO_SETTINGS_MODULE="tests.reminders.embedded_worker_settings",
        OKR_WORKER_STALL_MARKER=str(tmp_path / "stalled"),
    )
    process = supervisor(install)
    first = install.worker_pid()
    [name] = install.feed("add", "1", "0")

    # The worker takes the send and stalls inside the mail backend: kill it there, the way the
    # out-of-memory killer would (SIGKILL, no shutdown, the broker message it held is lost).
    wait_for((tmp_path / "stalled").exists, timeout=60, what="the worker to start sending")
    assert install.deliveries() == [(name, "sending", 1)]
    os.kill(first, signal.SIGKILL)

    # The supervisor starts another worker; the sweeper re-queues the delivery once the dead
    # worker's lease has lapsed, and the new worker sends it.
    second = wait_for(
        lambda: (pid := install.worker_pid()) != first and pid, timeout=30, what="a new worker"
    )
    wait_for(
        lambda: install.deliveries() == [(name, "sent", 2)],
        timeout=60,
        what=f"the re-queued send; log:\n{install.log.read_text(errors='replace')}",
    )
    assert process.poll() is None and _alive(second) and not _alive(first)
    [mail] = install.mails()
    assert f"To: {name}@example.com" in mail
