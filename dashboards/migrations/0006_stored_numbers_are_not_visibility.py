"""An objective whose stored numbers alone change (objectives/stored_scores.py) raises its
pages' scopes, not who may see what nor the past weeks' counts (dashboards/db_triggers.py):
the generation function is created anew."""

from django.db import migrations


def reinstall(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    from dashboards import db_triggers

    db_triggers.install_generation(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0005_watch_time_zones"),
        ("objectives", "0010_stored_scores"),
    ]

    operations = [
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
