"""Settings for the supervised worker that tests/reminders/test_embedded_reminders.py kills: the
embedded default (okr_site.settings, as `make run` has it), with e-mail written by a backend
that stalls on its first send (so the test can kill the worker mid-send) and the recovery
timeouts cut from minutes to seconds."""

import os

from okr_site.settings import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "tests.reminders.reminder_worker_mail.StallOnceFileBackend",
        "OPTIONS": {"file_path": os.path.join(os.environ["OKR_VAR_DIR"], "mail")},
    }
}
# The dead worker's hold on the delivery lapses after 3 s (production: 10 minutes), and a
# delivery left queued is queued again after 3 s (production: 15 minutes).
REMINDER_SEND_LEASE_SECONDS = 3
REMINDER_REQUEUE_AFTER_SECONDS = 3
