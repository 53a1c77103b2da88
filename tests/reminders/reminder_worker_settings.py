"""Settings for the real Celery worker that tests/reminders/test_reminder_worker.py starts.

The production settings (Redis from REDIS_URL, PostgreSQL from DATABASE_URL), pointed at the test
database the test process created, e-mail written as files to a temp dir by a backend that
stalls on its first send (so the test can kill the worker mid-send), a queue of the test's own,
and short timeouts so redelivery and the lease takeover happen within seconds.
"""

import os

from okr_site.settings import *  # noqa: F403
from okr_site.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["OKR_WORKER_DATABASE"]
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
MAILERS = {
    "default": {
        "BACKEND": "tests.reminders.reminder_worker_mail.StallOnceFileBackend",
        "OPTIONS": {"file_path": os.environ["OKR_WORKER_MAIL_DIR"]},
    }
}
CELERY_TASK_DEFAULT_QUEUE = os.environ["OKR_WORKER_QUEUE"]
CELERY_BEAT_SCHEDULE = {}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message taken by a worker that died comes back after 4 s, not an hour...
    "visibility_timeout": 4,
    # ...and the worker looks for such messages every second.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# The dead worker's hold on the delivery lapses after 2 s (production: 10 minutes).
REMINDER_SEND_LEASE_SECONDS = 2
