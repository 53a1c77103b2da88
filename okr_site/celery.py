"""The Celery application: configuration from Django settings (the CELERY_* names), tasks from
each app's tasks.py. Run a worker with `celery -A okr_site worker` and the scheduler with
`celery -A okr_site beat` (or both in one process with `worker -B`, as `make run` does through
`manage.py run_worker`, which restarts the worker when it dies)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okr_site.settings")

app = Celery("okr_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _create_broker_folder(sender: Celery, **kwargs: object) -> None:
    # The SQL broker's SQLite file (the default without REDIS_URL) needs its folder.
    from okr_site import broker

    path = broker.sqlite_path(sender)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
