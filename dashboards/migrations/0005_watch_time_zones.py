"""People's time zones join the columns whose change moves the data generation: an initiative
turns overdue at its owner's midnight, and other people's pages count it (dashboards/db_triggers.py
WATCHED). The people's triggers are dropped and created anew with the new column list."""

from django.db import migrations


def reinstall(apps, schema_editor):
    from dashboards import db_triggers

    connection = schema_editor.connection
    if connection.vendor not in db_triggers.SUPPORTED:
        return
    db_triggers.drop(connection, db_triggers.user_triggers(connection.vendor))
    db_triggers.install_generation(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0004_scope_generations"),
        ("objectives", "0008_user_language_names"),
    ]

    operations = [
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
