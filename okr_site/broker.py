"""The embedded default's Celery broker: Kombu's SQLAlchemy transport on a SQLite file in var/.

Three things that transport leaves to us:

- Creating its tables and the task queue's row. Two processes creating them at once (the web
  process publishing and the worker consuming, at start) can fail on the queue name's unique
  constraint, so `prepare()` creates them before either starts (`manage.py prepare_broker`, which
  `make run` calls, and the worker supervisor).
- Consumed messages stay in the table (marked invisible); `purge_consumed()` deletes them.
- A message held by a worker that was killed (SIGKILL) never comes back; the reminder sweeper
  re-queues every delivery left unsent (reminders/delivery.py, "Recovery").

With Redis (REDIS_URL set) none of this applies and every function here does nothing.
"""

import logging
from pathlib import Path

from celery import Celery

logger = logging.getLogger(__name__)

SQL_SCHEMES = ("sqla+", "sqlalchemy+")


def is_sql_broker(app: Celery) -> bool:
    return str(app.conf.broker_url or "").startswith(SQL_SCHEMES)


def sqlite_path(app: Celery) -> Path | None:
    """The SQLite file of a SQL broker on SQLite, else None."""
    url = str(app.conf.broker_url or "")
    for scheme in SQL_SCHEMES:
        url = url.removeprefix(scheme)
    prefix = "sqlite:///"
    if not is_sql_broker(app) or not url.startswith(prefix):
        return None
    return Path(url.removeprefix(prefix))


def prepare(app: Celery) -> None:
    """Create the broker's tables and queues (idempotent); call before web and worker start."""
    if not is_sql_broker(app):
        return
    path = sqlite_path(app)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        if path is not None:
            # Write-ahead logging: the web process can publish while the worker polls.
            with channel.session.bind.connect() as db:
                db.exec_driver_sql("PRAGMA journal_mode=WAL")
        queues = {app.conf.task_default_queue, *(q.name for q in app.amqp.queues.values())}
        for name in sorted(queues):
            channel._new_queue(name)
    purge_consumed(app)


def purge_consumed(app: Celery) -> int:
    """Delete the rows of messages already handed to a worker; how many were deleted.

    Safe at any time: the transport never reads a consumed row again (an unacknowledged message
    is put back as a new row when its worker shuts down).
    """
    if not is_sql_broker(app):
        return 0
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        message = channel.message_cls
        deleted = (
            channel.session.query(message)
            .filter(message.visible.is_(False))
            .delete(synchronize_session=False)
        )
        channel.session.commit()
    if deleted:
        logger.info("broker: purged %d consumed messages", deleted)
    return deleted
