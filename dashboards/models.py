"""The read side's one table: the data generation, which says whether cached pages still hold.

Database triggers (dashboards/db_triggers.py) raise `value` in every transaction that writes to
a table the dashboards read: people, teams, memberships, cycles, objectives, key results,
check-ins and reflections, whoever writes — a service, the Django admin, a bulk update, a data
migration or SQL typed by hand. A page cached under one generation is therefore never served once
anything it was built from has changed (dashboards/cache.py).
"""

from django.db import models


class DataGeneration(models.Model):
    """A single row (id 1). `epoch` is random and set when the row is created, so numbers counted
    again after the table was emptied (a flush, a restore) never meet keys from before."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    epoch = models.CharField(max_length=64)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="data_generation_one_row")
        ]

    def __str__(self) -> str:
        return f"data generation {self.epoch}.{self.value}"
