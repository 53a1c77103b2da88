"""Initiatives are read by the team dashboard (its card and weekly summary): writing one raises
the data generation like any other watched table (dashboards/db_triggers.py WATCHED)."""

from django.db import migrations

TABLE = "initiatives_initiative"


def install(apps, schema_editor):
    from dashboards import db_triggers

    # Creates only the missing triggers: here, those of the initiatives table.
    db_triggers.install_generation(schema_editor.connection)


def uninstall(apps, schema_editor):
    from dashboards import db_triggers

    vendor = schema_editor.connection.vendor
    if vendor in db_triggers.SUPPORTED:
        triggers = db_triggers.generation_triggers(vendor)
        db_triggers.drop(
            schema_editor.connection,
            {name: sql for name, sql in triggers.items() if name.startswith(f"{TABLE}_")},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_key_result_checkin_counts"),
        ("initiatives", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
