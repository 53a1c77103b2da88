"""The data generation row, and the triggers that raise it (dashboards/db_triggers.py)."""

import secrets

from django.db import migrations, models


def install(apps, schema_editor):
    from dashboards import db_triggers

    if schema_editor.connection.vendor not in db_triggers.SUPPORTED:
        return  # no triggers: dashboards/cache.py caches nothing on this database
    db_triggers.install_generation(schema_editor.connection)
    DataGeneration = apps.get_model("dashboards", "DataGeneration")
    DataGeneration.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"epoch": secrets.token_hex(16), "value": 0}
    )


def uninstall(apps, schema_editor):
    from dashboards import db_triggers

    vendor = schema_editor.connection.vendor
    if vendor in db_triggers.SUPPORTED:
        db_triggers.drop(schema_editor.connection, db_triggers.generation_triggers(vendor))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("objectives", "0003_freeze_closed_cycles"),
        ("checkins", "0003_reminders"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataGeneration",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("epoch", models.CharField(max_length=64)),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="data_generation_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
