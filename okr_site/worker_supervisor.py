"""Keep one process running: start it, and start it again (with backoff) whenever it exits.

`manage.py run_worker` uses this for the embedded default's Celery worker with beat, so a worker
that dies (an unrecoverable error, the out-of-memory killer) is replaced instead of leaving
reminders silently stopped while the web server goes on serving. SIGTERM, SIGINT or SIGHUP stop
the supervisor: it asks the process to shut down warmly, waits, then kills what is left.
"""

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _die_with_parent() -> None:
    # Linux: the child gets SIGTERM if the supervisor itself is killed (SIGKILL), so no orphaned
    # worker goes on consuming beside the next `make run`'s.
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class Supervisor:
    def __init__(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        pidfile: Path | None = None,
        backoff_start: float = 1.0,
        backoff_max: float = 30.0,
        healthy_after: float = 60.0,
        stop_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.command = list(command)
        self.env = env
        self.pidfile = pidfile
        self.backoff_start = backoff_start
        self.backoff_max = backoff_max
        self.healthy_after = healthy_after
        self.stop_timeout = stop_timeout
        self.clock = clock
        self.process: subprocess.Popen | None = None
        self.stopping = False
        self.starts = 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> int:
        """Supervise until a stop signal arrives; returns the exit status for the supervisor."""
        previous = {signum: signal.signal(signum, self._on_signal) for signum in STOP_SIGNALS}
        delay = self.backoff_start
        try:
            while not self.stopping:
                started = self.clock()
                self._start()
                returncode = self._wait()
                if self.stopping:
                    break
                ran = self.clock() - started
                if ran >= self.healthy_after:
                    delay = self.backoff_start
                logger.error(
                    "worker exited with status %s after %.0f s; restarting in %.0f s",
                    returncode,
                    ran,
                    delay,
                )
                self._sleep(delay)
                delay = min(delay * 2, self.backoff_max)
        finally:
            self._stop()
            if self.pidfile is not None:
                self.pidfile.unlink(missing_ok=True)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return 0

    def _start(self) -> None:
        # A session (and so a process group) of its own: what the worker leaves behind when it
        # dies (its embedded beat process) is killed with it, and a Ctrl-C in the terminal
        # reaches only the supervisor, which then stops the worker in order.
        self.process = subprocess.Popen(
            self.command, env=self.env, start_new_session=True, preexec_fn=_die_with_parent
        )
        self.starts += 1
        if self.pidfile is not None:
            self.pidfile.write_text(f"{self.process.pid}\n")
        logger.info("worker started (pid %s)", self.process.pid)

    def _wait(self) -> int:
        assert self.process is not None
        while not self.stopping:
            try:
                returncode = self.process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                continue
            self._kill_group(self.process.pid)  # leftovers of the dead worker
            return returncode
        return 0

    def _sleep(self, seconds: float) -> None:
        deadline = self.clock() + seconds
        while not self.stopping and self.clock() < deadline:
            time.sleep(min(0.2, max(deadline - self.clock(), 0)))

    def _stop(self) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # Celery: warm shutdown, tasks finish
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                logger.warning("worker did not stop in %.0f s: killing it", self.stop_timeout)
        self._kill_group(process.pid)
        process.wait()

    @staticmethod
    def _kill_group(pgid: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
