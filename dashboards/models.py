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


class ScopeGeneration(models.Model):
    """How often the data under one scope has changed, for caching pages that read only part of
    it (dashboards/cache.py): on PostgreSQL the triggers that raise the data generation also
    raise, per row written, the scopes it falls under (dashboards/db_triggers.py):

    - `org`: people, teams, memberships, cycles (every page reads them);
    - `cycle:<id>`: the cycle's objectives, key results, check-ins, reflections, initiatives;
    - `team:<id>` / `person:<id>`: the same, for objectives that team or person owns or that one
      of theirs sits above in the alignment (an objective without key results is scored from
      the objectives aligned to it, whoever owns them);
    - `history:<cycle id>`: the cycle's past weeks of check-ins (a check-in added now, dated
      now, leaves it alone);
    - `visibility`: who may see which private objectives: any objective, and a key result or
      initiative added, removed or given another owner (their owners contribute to it);
    - `all`: a bulk write, too many rows to name their scopes: every scope at once.

    A missing row counts as 0. Rows are only ever raised; the data generation's random epoch,
    part of every key, keeps numbers counted again after a flush from meeting older keys.
    """

    scope = models.CharField(max_length=80, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.scope} at {self.value}"
