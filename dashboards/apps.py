from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_database_triggers(using: str, **kwargs: object) -> None:
    from dashboards import db_triggers

    db_triggers.ensure(connections[using])


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        # A migration may rebuild a table (SQLite), losing its triggers, or change data under
        # the read cache: put the triggers back and move the generation after every migrate.
        post_migrate.connect(_ensure_database_triggers, sender=self)
