"""Each key result keeps how many check-ins it has and how many met its target: a keep-the-level
key result's progress, which every page used to count with two subqueries per key result.
Database triggers keep them (installed by dashboards 0002_key_result_checkin_counts; see
dashboards/db_triggers.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("objectives", "0005_private_objectives_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="keyresult",
            name="checkins_met",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="check-ins meeting the target"
            ),
        ),
        migrations.AddField(
            model_name="keyresult",
            name="checkins_total",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="check-ins"),
        ),
    ]
