"""The Celery application: configuration from Django settings (the CELERY_* names), tasks from
each app's tasks.py. Run a worker with `celery -A okr_site worker` and the scheduler with
`celery -A okr_site beat` (or both in one process with `worker -B`, as `make run` does)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okr_site.settings")

app = Celery("okr_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _create_filesystem_broker_folders(sender: Celery, **kwargs: object) -> None:
    # The filesystem broker (the default without REDIS_URL) expects its folders to exist.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
