"""Scoped data generations (dashboards/models.py ScopeGeneration): the table, and the data
generation's trigger function rewritten to raise them too (dashboards/db_triggers.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from dashboards import db_triggers

    # CREATE OR REPLACE of the trigger function (and any trigger still missing).
    db_triggers.install_generation(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0003_initiative_generation_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScopeGeneration",
            fields=[
                ("scope", models.CharField(max_length=80, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
