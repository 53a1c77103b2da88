"""The triggers that keep each key result's check-in counts (dashboards/db_triggers.py), and the
counts of the key results that exist already."""

from django.db import migrations


def install(apps, schema_editor):
    from dashboards import db_triggers

    if schema_editor.connection.vendor == "sqlite":
        # SQLite checks every trigger when a later migration rebuilds a table the trigger names
        # (objectives_keyresult), and fails; there the post_migrate hook installs them once the
        # whole run is over (db_triggers.ensure).
        return
    db_triggers.install_counts(schema_editor.connection)


def uninstall(apps, schema_editor):
    from dashboards import db_triggers

    vendor = schema_editor.connection.vendor
    if vendor in db_triggers.SUPPORTED:
        db_triggers.drop(schema_editor.connection, db_triggers.count_triggers(vendor))


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_data_generation"),
        ("objectives", "0006_key_result_checkin_counts"),
        ("checkins", "0003_reminders"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
