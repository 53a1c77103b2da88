"""A real Celery worker against the real Redis: the worker is killed (SIGKILL, the whole process
group) in the middle of sending a reminder; a new worker gets the message back from Redis (late
acks, visibility timeout), takes over the dead worker's lease, and exactly one e-mail goes out.
A duplicated task and another sweep afterwards add nothing.

The worker is a separate process, so it cannot share the test's in-memory mailbox or SQLite
database: it writes e-mail as files to a temp dir (tests/reminders/reminder_worker_settings.py)
and uses the PostgreSQL test database this transactional test commits to.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import time as clock_time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from checkins.models import ReminderDelivery
from okr_site.celery import app as celery_app
from reminders.delivery import sweep_reminders
from reminders.tasks import send_reminder_delivery
from tests.factories import CycleFactory, ReminderPolicyFactory
from tests.reminders.reminder_helpers import owned_key_result, person, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs a real Redis for the Celery worker: set REDIS_URL (CI does)",
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process must open the test database: needs PostgreSQL "
        "(DATABASE_URL, as in CI); the SQLite test database lives in this process's memory",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
Status = ReminderDelivery.Status


class Worker:
    """`celery worker` in its own process group, so the test can kill it and its pool at once."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "okr_site",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                env["OKR_WORKER_QUEUE"],
                "-n",
                f"reminder-test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def succeeded(self) -> int:
        return self.log.read_text(errors="replace").count("succeeded in")


@pytest.fixture
def worker_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    queue = f"okr-reminder-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reminders.reminder_worker_settings",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "0",
        "PYTHONPATH": str(ROOT),
        "OKR_WORKER_DATABASE": connection.settings_dict["NAME"],
        "OKR_WORKER_MAIL_DIR": str(tmp_path / "mail"),
        "OKR_WORKER_STALL_MARKER": str(tmp_path / "stalled"),
        "OKR_WORKER_QUEUE": queue,
    }
    # This process publishes for real (not eagerly), to the worker's queue.
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        yield env
    finally:
        celery_app.conf.update(saved)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def _mail_files(env: dict[str, str]) -> list[Path]:
    folder = Path(env["OKR_WORKER_MAIL_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_worker_killed_mid_send_still_delivers_exactly_one_email(worker_env, tmp_path):
    started = time.monotonic()
    ReminderPolicyFactory(local_time=clock_time(0, 0))  # Monday 00:00: due from the week's start
    cycle = CycleFactory()
    user = person("survivor")
    owned_key_result(user, cycle, title="Stay up through anything")
    log = tmp_path / "worker.log"
    first = Worker(worker_env, log)
    second = None
    try:
        result = sweep_reminders()  # commits, then publishes the send to Redis
        [delivery_id] = result.claimed

        # The first worker takes the lease and stalls inside the mail backend: kill it there.
        wait_for(
            lambda: Path(worker_env["OKR_WORKER_STALL_MARKER"]).exists(),
            timeout=30,
            what="the first worker to start sending",
        )
        delivery = ReminderDelivery.objects.get(pk=delivery_id)
        assert (delivery.status, delivery.attempts) == (Status.SENDING, 1)
        first.kill()
        assert _mail_files(worker_env) == []

        # Redis still holds the unacknowledged message; a new worker gets it back once the
        # visibility timeout passes, and takes over the dead worker's expired lease.
        second = Worker(worker_env, log)
        delivery = wait_for(
            lambda: ReminderDelivery.objects.filter(pk=delivery_id, status=Status.SENT).first(),
            timeout=40,
            what="the retried send",
        )
        assert delivery.attempts == 2
        [sent] = _mail_files(worker_env)
        content = sent.read_text()
        assert "To: survivor@example.com" in content
        assert "Stay up through anything" in content

        # A duplicated task and another sweep change nothing.
        done_before = second.succeeded()
        send_reminder_delivery.delay(delivery_id)
        assert sweep_reminders().claimed == []
        wait_for(lambda: second.succeeded() > done_before, timeout=20, what="the duplicate task")
        assert len(_mail_files(worker_env)) == 1
        assert ReminderDelivery.objects.get(pk=delivery_id).attempts == 2
    finally:
        first.kill()
        if second is not None:
            second.kill()
    # How long it took is reported, not asserted: each wait above has its own bound, and a total
    # on a loaded machine (CI runs more workers than cores) would fail by chance.
    elapsed = time.monotonic() - started
    print(f"\nreal worker kill test: {elapsed:.1f} s")  # noqa: T201
