"""okr_site/worker_supervisor.py: the worker of `make run` is started again whenever it exits,
with backoff, and a stop signal ends supervisor and worker together."""

import os
import signal
import sys
import threading
import time
from pathlib import Path

from okr_site.worker_supervisor import Supervisor


def _stop_when(condition, *, timeout: float = 20) -> threading.Thread:
    """SIGTERM this process (as `make run`'s trap does) once `condition` holds."""

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def test_a_worker_that_dies_is_started_again(tmp_path):
    starts = tmp_path / "starts"
    # A "worker" that dies at once, as one hitting an unrecoverable error does.
    crash = (
        f"import os; open({str(starts)!r}, 'a').write(f'{{os.getpid()}}\\n'); raise SystemExit(1)"
    )
    supervisor = Supervisor(
        [sys.executable, "-c", crash], backoff_start=0.01, backoff_max=0.05, stop_timeout=5
    )
    _stop_when(lambda: len(_lines(starts)) >= 3)
    assert supervisor.run() == 0
    pids = _lines(starts)
    assert len(pids) >= 3 and len(set(pids)) == len(pids)  # a new process each time
    assert supervisor.starts == len(pids)


def test_a_stop_signal_stops_the_worker_and_returns(tmp_path):
    ready, stopped = tmp_path / "ready", tmp_path / "stopped"
    # A long-running "worker" that notes the SIGTERM it gets (Celery's warm shutdown).
    on_term = f"lambda *a: (open({str(stopped)!r}, 'w').close(), sys.exit(0))"
    worker = (
        "import signal, sys, time\n"
        f"signal.signal(signal.SIGTERM, {on_term})\n"
        f"open({str(ready)!r}, 'w').close()\n"
        "time.sleep(60)\n"
    )
    pidfile = tmp_path / "worker.pid"
    supervisor = Supervisor([sys.executable, "-c", worker], pidfile=pidfile, stop_timeout=10)
    previous = signal.getsignal(signal.SIGTERM)
    _stop_when(ready.exists)
    started = time.monotonic()
    assert supervisor.run() == 0
    # Well before the worker's own 60 s were up, with room for a loaded machine's slow start.
    assert time.monotonic() - started < 45
    assert stopped.exists()  # the worker was asked to shut down, not just killed
    assert supervisor.starts == 1
    assert supervisor.process is not None and supervisor.process.returncode == 0
    assert not pidfile.exists()
    assert signal.getsignal(signal.SIGTERM) == previous  # pytest's own handler is back
