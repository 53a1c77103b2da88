"""Cycles closed before scores were stored get them now, from the formulas of today, so every
closed cycle shows stored numbers from here on."""

from django.db import migrations


def freeze_closed_cycles(apps, schema_editor):
    import scoring

    Cycle = apps.get_model("objectives", "Cycle")
    KeyResult = apps.get_model("objectives", "KeyResult")
    Objective = apps.get_model("objectives", "Objective")
    CheckIn = apps.get_model("checkins", "CheckIn")

    for cycle in Cycle.objects.filter(state="closed"):
        weighted = {}
        key_results = list(
            KeyResult.objects.filter(objective__cycle=cycle, archived=False, frozen_score=None)
        )
        for kr in key_results:
            met = total = 0
            if kr.kind in ("at_least", "at_most"):
                values = CheckIn.objects.filter(key_result=kr).values_list("value", flat=True)
                total = len(values)
                met = sum(
                    1
                    for v in values
                    if (v >= kr.target_value if kr.kind == "at_least" else v <= kr.target_value)
                )
            progress = scoring.kr_progress(
                kind=kr.kind,
                start=kr.start_value,
                target=kr.target_value,
                current=kr.current_value,
                checkins_met=met,
                checkins_total=total,
            )
            kr.frozen_score = scoring.kr_score(progress=progress, final_grade=kr.final_grade)
            weighted.setdefault(kr.objective_id, []).append((kr.weight, kr.frozen_score))
        KeyResult.objects.bulk_update(key_results, ["frozen_score"])
        objectives = list(Objective.objects.filter(cycle=cycle, frozen_score=None))
        for objective in objectives:
            objective.frozen_score = scoring.objective_score(
                key_results=weighted.get(objective.pk, [])
            )
        Objective.objects.bulk_update(objectives, ["frozen_score"])


class Migration(migrations.Migration):
    dependencies = [
        ("objectives", "0002_cycles_grading_people"),
        ("checkins", "0002_initial"),
    ]

    operations = [migrations.RunPython(freeze_closed_cycles, migrations.RunPython.noop)]
