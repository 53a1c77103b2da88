"""The template library every installation gets (migration 0004): at least 25 objectives of our
own writing over every department and level, each with three or four sound key results."""

import importlib
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps

from objectives.models import KeyResult, Objective, ObjectiveTemplate, ObjectiveTemplateKeyResult
from objectives.planning.library import LIBRARY, install_library
from tests.factories import ObjectiveTemplateFactory, ensure_template_library

pytestmark = pytest.mark.django_db

migration = importlib.import_module("objectives.migrations.0004_objective_templates")


def test_the_library_is_big_enough_and_covers_every_department_and_level():
    assert ensure_template_library() == len(LIBRARY) >= 25
    templates = ObjectiveTemplate.objects.filter(library_key__isnull=False)
    departments = Counter(templates.values_list("department", flat=True))
    assert set(departments) == set(ObjectiveTemplate.Department.values)
    assert set(templates.values_list("level", flat=True)) == set(Objective.Level.values)
    assert min(departments.values()) >= 3
    for department in ObjectiveTemplate.Department.values:
        levels = set(templates.filter(department=department).values_list("level", flat=True))
        assert len(levels) >= 2, department  # not all at one level


def test_every_template_has_three_or_four_sound_key_results():
    ensure_template_library()
    kinds = Counter()
    for template in ObjectiveTemplate.objects.prefetch_related("key_results"):
        key_results = list(template.key_results.all())
        assert 3 <= len(key_results) <= 4, template.title
        assert template.description
        for kr in key_results:
            kinds[kr.kind] += 1
            assert kr.kind in KeyResult.Kind.values
            if kr.kind == KeyResult.Kind.MILESTONE:
                assert (kr.start_value, kr.target_value) == (Decimal(0), Decimal(1))
            else:
                assert kr.start_value != kr.target_value or kr.kind != "metric"
                assert kr.unit or "NPS" in kr.title or "score" in kr.title, kr.title
    assert set(kinds) == set(KeyResult.Kind.values)  # every kind is shown somewhere


def test_the_migration_loads_the_library_once_and_leaves_admins_templates_alone():
    ObjectiveTemplate.objects.all().delete()
    own = ObjectiveTemplateFactory(title="Our own way of doing it")
    migration.load_library(apps, None)
    migration.load_library(apps, None)  # running twice changes nothing
    assert ObjectiveTemplate.objects.filter(library_key__isnull=False).count() == len(LIBRARY)
    assert ObjectiveTemplateKeyResult.objects.filter(
        template__library_key__isnull=False
    ).count() == sum(len(entry["key_results"]) for entry in LIBRARY)
    migration.unload_library(apps, None)
    assert list(ObjectiveTemplate.objects.all()) == [own]


def test_a_changed_library_entry_is_updated_in_place():
    ensure_template_library()
    entry = LIBRARY[0]
    template = ObjectiveTemplate.objects.get(library_key=entry["key"])
    template.title = "Edited by hand"
    template.save(update_fields=["title"])
    template.key_results.all().delete()
    install_library(template_model=ObjectiveTemplate, key_result_model=ObjectiveTemplateKeyResult)
    template.refresh_from_db()
    assert template.title == entry["title"]
    assert template.key_results.count() == len(entry["key_results"])
