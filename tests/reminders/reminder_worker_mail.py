"""The e-mail backend of the real-worker test: files in a directory, but the very first send
stalls (after leaving a marker file) so the test can kill the worker in the middle of it."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class StallOnceFileBackend(EmailBackend):
    def send_messages(self, messages: list) -> int:
        marker = Path(os.environ["OKR_WORKER_STALL_MARKER"])
        try:
            # O_EXCL: exactly one send, across processes, gets to stall.
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return super().send_messages(messages)
        time.sleep(600)  # the test kills the worker long before this ends
        return super().send_messages(messages)
