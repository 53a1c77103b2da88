"""Filters of the admins' audit trail list (django-filter): what, who, when and a text search."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent

MAX_TEXT = 200


class AuditEventFilter(django_filters.FilterSet):
    subject_kind = django_filters.ChoiceFilter(
        label=_("What"), choices=AuditEvent.SubjectKind.choices, empty_label=_("Everything")
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditEvent.Action.choices, empty_label=_("Any action")
    )
    actor = django_filters.CharFilter(
        label=_("Who"),
        method="filter_actor",
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("Name or username"), "type": "search"}),
    )
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"placeholder": _("Title or name"), "type": "search"}),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_actor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(actor__username__iexact=value) | Q(actor_label__icontains=value))

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(subject_label__icontains=value)

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.filters)
