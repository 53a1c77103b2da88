"""okr_site/broker.py: the embedded default's SQL broker gets its queue before anyone uses it,
and the rows of consumed messages are purged."""

import sqlite3

from celery import Celery

from okr_site import broker


def _app(tmp_path) -> Celery:
    return _throwaway_app("broker-test", f"sqla+sqlite:///{tmp_path / 'celery' / 'broker.sqlite3'}")


def _throwaway_app(name: str, broker_url: str) -> Celery:
    # Not made the current app: shared tasks (the reminder send) publish through whichever app is
    # current, so a later test in the same worker would send to this one's broker.
    return Celery(name, broker=broker_url, set_as_current=False)


def _rows(tmp_path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "celery" / "broker.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_prepare_creates_the_queue_once(tmp_path):
    app = _app(tmp_path)
    broker.prepare(app)
    broker.prepare(app)  # idempotent: `make run` calls it on every start
    assert _rows(tmp_path, "SELECT name FROM kombu_queue") == [("celery",)]
    # Write-ahead logging, so the web process publishes while the worker polls.
    assert _rows(tmp_path, "PRAGMA journal_mode") == [("wal",)]


def test_consumed_messages_are_purged_and_waiting_ones_kept(tmp_path):
    app = _app(tmp_path)
    broker.prepare(app)
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for n in range(3):
            channel._put("celery", {"body": f"message {n}"})
        assert channel._get("celery")["body"] == "message 0"  # handed to a worker
    assert _rows(tmp_path, "SELECT visible, count(*) FROM kombu_message GROUP BY visible") == [
        (0, 1),
        (1, 2),
    ]
    assert broker.purge_consumed(app) == 1
    assert _rows(tmp_path, "SELECT visible, count(*) FROM kombu_message GROUP BY visible") == [
        (1, 2)
    ]


def test_nothing_to_do_with_redis():
    app = _throwaway_app("redis-test", "redis://127.0.0.1:1/0")
    assert not broker.is_sql_broker(app) and broker.sqlite_path(app) is None
    broker.prepare(app)  # no connection attempted
    assert broker.purge_consumed(app) == 0


def test_the_embedded_default_uses_the_sql_broker_in_var(settings):
    from okr_site.celery import app

    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
    else:
        assert broker.sqlite_path(app) == settings.VAR_DIR / "celery" / "broker.sqlite3"


def test_throwaway_apps_leave_the_site_app_current(tmp_path):
    from celery import current_app

    from okr_site.celery import app

    _app(tmp_path)
    _throwaway_app("redis-test", "redis://127.0.0.1:1/0")
    assert current_app._get_current_object() is app
