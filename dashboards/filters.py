"""Filters of the team dashboard's key result table (django-filter).

Owner, kind, level, confidence and the text search filter in the database. Status and "no update"
are what `scoring` says of each key result, not columns, so those two filters keep the key results
whose scored rows match (the rows the page has already scored). Either way the result is one
queryset, evaluated once for the ids the table keeps.
"""

from collections.abc import Sequence

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict

from dashboards.selectors.team import TeamRow
from objectives.models import KeyResult, Objective
from scoring import Status

STATUS_CHOICES = [
    (Status.BEHIND.value, "Behind"),
    (Status.AT_RISK.value, "At risk"),
    (Status.ON_TRACK.value, "On track"),
    (Status.DONE.value, "Done"),
]
CONFIDENCE_CHOICES = [
    ("low", "Low (1–2)"),
    ("medium", "Middling (3)"),
    ("high", "High (4–5)"),
    ("none", "Not rated yet"),
]
_CONFIDENCE_FILTERS = {
    "low": Q(last_confidence__lte=2),
    "medium": Q(last_confidence=3),
    "high": Q(last_confidence__gte=4),
    "none": Q(last_confidence__isnull=True),
}
_LEVEL_FILTERS = {
    Objective.Level.COMPANY: Q(objective__owner_team__is_root=True),
    Objective.Level.TEAM: Q(objective__owner_team__is_root=False),
    Objective.Level.INDIVIDUAL: Q(objective__owner_user__isnull=False),
}


class KeyResultFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Key result, objective or owner"}
        ),
    )
    owner = django_filters.ChoiceFilter(label="Owner", field_name="owner_id", empty_label="Anyone")
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="by_status", empty_label="Any status"
    )
    confidence = django_filters.ChoiceFilter(
        label="Confidence",
        choices=CONFIDENCE_CHOICES,
        method="by_confidence",
        empty_label="Any confidence",
    )
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=KeyResult.Kind.choices, empty_label="Any kind"
    )
    level = django_filters.ChoiceFilter(
        label="Level", choices=Objective.Level.choices, method="by_level", empty_label="Any level"
    )
    stale = django_filters.BooleanFilter(
        label="Only “no update”", method="by_stale", widget=forms.CheckboxInput
    )

    class Meta:
        model = KeyResult
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *, rows: Sequence[TeamRow]) -> None:
        super().__init__(data, queryset=KeyResult.objects.filter(pk__in=[row.pk for row in rows]))
        self.rows = rows
        owners = {row.owner_id: row.owner_name for row in rows}
        self.filters["owner"].extra["choices"] = sorted(
            ((str(pk), name) for pk, name in owners.items()), key=lambda c: c[1].casefold()
        )

    @property
    def active(self) -> bool:
        """Whether any (valid) filter narrows the table."""
        if not self.is_bound:
            return False
        self.form.is_valid()
        return any(self.form.cleaned_data.get(name) for name in self.filters)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(objective__title__icontains=word)
                | Q(owner__display_name__icontains=word)
                | Q(owner__username__icontains=word)
            )
        return queryset

    def by_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=[row.pk for row in self.rows if row.status == value])

    def by_stale(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value:  # an unticked box does not filter
            return queryset
        return queryset.filter(pk__in=[row.pk for row in self.rows if row.stale])

    def by_confidence(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(_CONFIDENCE_FILTERS[value])

    def by_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(_LEVEL_FILTERS[value])

    def filtered_rows(self) -> list[TeamRow]:
        """The rows the filters keep, in their given order; one query."""
        kept = set(self.qs.order_by().values_list("pk", flat=True))
        return [row for row in self.rows if row.pk in kept]
