"""Filters of the team dashboard's key result table (django-filter).

django-filter reads and validates the query string (422 with the reasons when it is wrong). The
rows the page scored already carry everything the filters look at — owner, kind, level,
confidence, and what `scoring` says (status, "no update") — so those filters keep the matching
rows in memory. Only the text search needs the database (titles and owners' names, matched as the
database compares them): one query, made only when there is something to search for.
"""

import unicodedata
from collections.abc import Callable, Sequence

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dashboards.selectors.team import TeamRow
from dashboards.selectors.team_initiatives import InitiativeLine, owner_choices
from initiatives.models import Initiative
from objectives.models import KeyResult, Objective
from scoring import Status

STATUS_CHOICES = [
    (Status.BEHIND.value, _("Behind")),
    (Status.AT_RISK.value, _("At risk")),
    (Status.ON_TRACK.value, _("On track")),
    (Status.DONE.value, _("Done")),
]
CONFIDENCE_CHOICES = [
    ("low", _("Low (1–2)")),
    ("medium", _("Middling (3)")),
    ("high", _("High (4–5)")),
    ("none", _("Not rated yet")),
]
_CONFIDENCE_TESTS = {
    "low": lambda confidence: confidence is not None and confidence <= 2,
    "medium": lambda confidence: confidence == 3,
    "high": lambda confidence: confidence is not None and confidence >= 4,
    "none": lambda confidence: confidence is None,
}


class KeyResultFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Key result, objective or owner")}
        ),
    )
    owner = django_filters.ChoiceFilter(
        label=_("Owner"), field_name="owner_id", empty_label=_("Anyone")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("Any status")
    )
    confidence = django_filters.ChoiceFilter(
        label=_("Confidence"),
        choices=CONFIDENCE_CHOICES,
        empty_label=_("Any confidence"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=KeyResult.Kind.choices, empty_label=_("Any kind")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Objective.Level.choices, empty_label=_("Any level")
    )
    stale = django_filters.BooleanFilter(label=_("Only “no update”"), widget=forms.CheckboxInput)

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
        # Titles are stored as typed (NFC, composed Hangul); a query sent as separate jamo
        # (NFD, as some systems do) is composed first so that Korean matches the same way.
        words = unicodedata.normalize("NFC", value).split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(objective__title__icontains=word)
                | Q(owner__display_name__icontains=word)
                | Q(owner__username__icontains=word)
            )
        return queryset

    # Each filter but the search as a test of one scored row; an empty value does not filter.
    def _keeps(self, name: str, value: object) -> Callable[[TeamRow], bool] | None:
        match name:
            case "owner":
                return lambda row: str(row.owner_id) == value
            case "status":
                return lambda row: row.status == value
            case "confidence":
                return lambda row: _CONFIDENCE_TESTS[value](row.confidence)
            case "kind":
                return lambda row: row.key_result.kind == value
            case "level":
                return lambda row: row.level == value
            case "stale":
                return (lambda row: row.stale) if value else None
        return None

    def filtered_rows(self) -> list[TeamRow]:
        """The rows the (valid) filters keep, in their given order; a query only to search."""
        if not self.is_bound:
            return list(self.rows)
        self.errors  # noqa: B018 - validates the form, as django-filter's own `qs` does
        tests = [
            test
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "") and name != "q"
            if (test := self._keeps(name, value)) is not None
        ]
        rows = [row for row in self.rows if all(test(row) for test in tests)]
        if self.form.cleaned_data.get("q") and rows:
            found = set(
                self.search(
                    KeyResult.objects.filter(pk__in=[row.pk for row in rows]),
                    "q",
                    self.form.cleaned_data["q"],
                )
                .order_by()
                .values_list("pk", flat=True)
            )
            rows = [row for row in rows if row.pk in found]
        return rows


# --- Initiatives ---------------------------------------------------------------------------------

OVERDUE = "overdue"


class InitiativeFilter(django_filters.FilterSet):
    """The team dashboard's list of open initiatives, by owner, priority and status ("overdue"
    is a status here too: what a manager looks for first). The lines are loaded already, so it
    filters them in memory: no query. Its fields are prefixed ("initiatives-owner") so they share
    the team page's query string with the key result table's."""

    PREFIX = "initiatives"

    # Labels unlike the key result table's ("Status", "Owner") on the same page.
    owner = django_filters.ChoiceFilter(label=_("Initiative owner"), empty_label=_("Anyone"))
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Initiative.Priority.choices, empty_label=_("Any priority")
    )
    status = django_filters.ChoiceFilter(
        label=_("Initiative status"),
        choices=[
            (OVERDUE, _("Overdue")),
            *((value, label) for value, label in Initiative.Status.choices if value != "done"),
        ],
        empty_label=_("Any open status"),
    )

    class Meta:
        model = Initiative
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *, lines: Sequence[InitiativeLine]) -> None:
        super().__init__(data, queryset=Initiative.objects.none(), prefix=self.PREFIX)
        self.lines = lines
        self.filters["owner"].extra["choices"] = owner_choices(lines)

    @property
    def active(self) -> bool:
        if not self.is_bound:
            return False
        self.form.is_valid()
        return any(self.form.cleaned_data.get(name) for name in self.filters)

    def filtered_lines(self) -> list[InitiativeLine]:
        """The lines the valid filters keep, in their order; an invalid value does not filter."""
        if not self.is_bound:
            return list(self.lines)
        self.errors  # noqa: B018 - validates the form
        wanted = {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}
        tests: list[Callable[[InitiativeLine], bool]] = []
        if "owner" in wanted:
            tests.append(lambda line: str(line.owner_id) == wanted["owner"])
        if "priority" in wanted:
            tests.append(lambda line: line.priority == wanted["priority"])
        if wanted.get("status") == OVERDUE:
            tests.append(lambda line: line.overdue)
        elif "status" in wanted:
            tests.append(lambda line: line.status == wanted["status"])
        return [line for line in self.lines if all(test(line) for test in tests)]
