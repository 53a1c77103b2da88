"""`manage.py recompute_scores`: work out every stored progress, score and status again with
`scoring` and report where the database holds something else (`--repair` writes the right
numbers). Nothing should ever drift; this is how an operator checks, and puts it right after
writing to the tables by hand."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from objectives import stored_scores

SHOWN = 20  # drifted rows listed; the counts cover them all


class Command(BaseCommand):
    help = "Compare every stored progress, score and status with scoring; --repair fixes drift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Write the right numbers where they drifted."
        )
        parser.add_argument(
            "--cycle", type=int, action="append", dest="cycles", help="Only this cycle (its id)."
        )

    def handle(
        self, *args: object, repair: bool, cycles: list[int] | None, **options: object
    ) -> None:
        with transaction.atomic():
            drift = stored_scores.recompute(cycle_ids=cycles, repair=repair)
        for label, rows in (("key result", drift.key_results), ("objective", drift.objectives)):
            for pk, stored, computed in rows[:SHOWN]:
                changed = {
                    name: (getattr(stored, name), getattr(computed, name))
                    for name in type(stored).__dataclass_fields__
                    if getattr(stored, name) != getattr(computed, name)
                }
                said = ", ".join(f"{name} {old} → {new}" for name, (old, new) in changed.items())
                self.stdout.write(f"{label} {pk}: {said}")
            if len(rows) > SHOWN:
                self.stdout.write(f"… and {len(rows) - SHOWN} more {label}s")
        summary = (
            f"{len(drift.key_results)} key results and {len(drift.objectives)} objectives drifted"
        )
        if not drift:
            self.stdout.write("Every stored number is what scoring gives the rows.")
        elif repair:
            self.stdout.write(f"{summary}; repaired.")
        else:
            raise CommandError(f"{summary}; run again with --repair to write the right numbers.")
