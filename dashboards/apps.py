from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _drop_sqlite_count_triggers(using: str, **kwargs: object) -> None:
    from dashboards import db_triggers

    db_triggers.drop_before_migrate(connections[using])


def _ensure_database_triggers(using: str, **kwargs: object) -> None:
    from dashboards import db_triggers

    db_triggers.ensure(connections[using])


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # A migration may rebuild a table (SQLite), losing its triggers, or change data under
        # the read cache: put the triggers back and move the generation after every migrate.
        pre_migrate.connect(_drop_sqlite_count_triggers, sender=self)
        post_migrate.connect(_ensure_database_triggers, sender=self)
        # Status names and reasons (scoring, free of Django) in the request's language.
        from django.utils import translation

        from scoring import words

        words.install_translator(
            gettext=translation.gettext,
            ngettext=translation.ngettext,
            pgettext=translation.pgettext,
        )
