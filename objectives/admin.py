"""Django admin: a back office for admins. The application's own pages are where the programme
is run; here, state changes go through the same rules: a cycle's state is never edited directly
(its transitions are recorded by the Cycles page), and nothing in a closed cycle can change."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from objectives import stored_scores
from objectives.models import (
    Cycle,
    CycleTransition,
    KeyResult,
    Membership,
    Objective,
    ObjectiveReflection,
    ObjectiveTemplate,
    ObjectiveTemplateKeyResult,
    ProgrammeSettings,
    Team,
    User,
)


class ClosedCycleReadOnly:
    """Objects of a closed cycle are read-only here too: a closed quarter never changes."""

    def _cycle_of(self, obj: object) -> Cycle | None:
        raise NotImplementedError

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        cycle = self._cycle_of(obj) if obj is not None else None
        if cycle is not None and cycle.is_closed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        cycle = self._cycle_of(obj) if obj is not None else None
        if cycle is not None and cycle.is_closed:
            return False
        return super().has_delete_permission(request, obj)


class KeepsStoredScores:
    """A change here moves stored numbers as the services' changes do (objectives/stored_scores.py):
    the objectives touched, before and after, are worked out again once everything is saved."""

    def _objective_ids(self, obj: Model) -> list[int]:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        before = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        touched = self._objective_ids(before) if before is not None else []
        stored_scores.refresh(objective_ids=[*touched, *self._objective_ids(obj)])

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # an objective's key results
        stored_scores.refresh(objective_ids=self._objective_ids(form.instance))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        touched = self._objective_ids(obj)
        super().delete_model(request, obj)
        stored_scores.refresh(objective_ids=touched)

    def delete_queryset(self, request: HttpRequest, queryset: object) -> None:
        touched = [pk for obj in queryset for pk in self._objective_ids(obj)]
        super().delete_queryset(request, queryset)
        stored_scores.refresh(objective_ids=touched)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team", "user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "time_zone", "language", "is_active"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("OKR", {"fields": ["display_name", "time_zone", "language", "reminders_opt_out"]}),
    ]
    inlines = [MembershipInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "is_root"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "team__name"]
    autocomplete_fields = ["user", "team"]


class CycleTransitionInline(admin.TabularInline):
    model = CycleTransition
    extra = 0
    can_delete = False
    fields = ["from_state", "to_state", "actor", "automatic", "at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Cycle | None = None) -> bool:
        return False


@admin.register(Cycle)
class CycleAdmin(ClosedCycleReadOnly, admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "state", "auto_transition"]
    list_filter = ["state"]
    search_fields = ["name"]
    # Transitions happen on the Cycles page, where they are confirmed and recorded.
    readonly_fields = ["state", "created_at", "created_by"]
    inlines = [CycleTransitionInline]

    def _cycle_of(self, obj: Cycle) -> Cycle:
        return obj

    def save_model(self, request: HttpRequest, obj: Cycle, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            stored_scores.refresh_cycles(cycle_ids=[obj.pk])  # its dates move pace and silence


@admin.register(ProgrammeSettings)
class ProgrammeSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "fiscal_year_start_month"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ProgrammeSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0
    fields = ["title", "owner", "kind", "unit", "start_value", "target_value", "weight", "order"]
    autocomplete_fields = ["owner"]


@admin.register(Objective)
class ObjectiveAdmin(KeepsStoredScores, ClosedCycleReadOnly, admin.ModelAdmin):
    list_display = ["title", "cycle", "owner_team", "owner_user", "objective_type", "visibility"]
    list_filter = ["cycle", "objective_type", "visibility", "archived"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["owner_team", "owner_user", "parent"]
    readonly_fields = ["frozen_score", "carried_over_from"]
    inlines = [KeyResultInline]

    def _cycle_of(self, obj: Objective) -> Cycle:
        return obj.cycle

    def _objective_ids(self, obj: Objective) -> list[int]:
        return [obj.pk, obj.parent_id] if obj.pk else [obj.parent_id]


@admin.register(KeyResult)
class KeyResultAdmin(KeepsStoredScores, ClosedCycleReadOnly, admin.ModelAdmin):
    list_display = ["title", "objective", "owner", "kind", "current_value", "target_value"]
    list_filter = ["kind", "objective__cycle", "archived"]
    search_fields = ["title", "objective__title"]
    autocomplete_fields = ["objective", "owner"]
    readonly_fields = [
        "current_value",
        "last_confidence",
        "last_checkin_at",
        "graded_at",
        "graded_by",
        "frozen_score",
    ]

    def _cycle_of(self, obj: KeyResult) -> Cycle:
        return obj.objective.cycle

    def _objective_ids(self, obj: KeyResult) -> list[int]:
        return [obj.objective_id]


@admin.register(ObjectiveReflection)
class ObjectiveReflectionAdmin(ClosedCycleReadOnly, admin.ModelAdmin):
    list_display = ["objective", "decision", "author", "updated_at"]
    list_filter = ["decision", "objective__cycle"]
    search_fields = ["objective__title", "what_worked", "what_did_not", "root_cause"]
    autocomplete_fields = ["objective", "author"]

    def _cycle_of(self, obj: ObjectiveReflection) -> Cycle:
        return obj.objective.cycle


class ObjectiveTemplateKeyResultInline(admin.TabularInline):
    model = ObjectiveTemplateKeyResult
    extra = 0


@admin.register(ObjectiveTemplate)
class ObjectiveTemplateAdmin(admin.ModelAdmin):
    """Where admins edit or remove templates; the app itself only adds them ("Save as
    template")."""

    list_display = ["title", "department", "level", "objective_type", "library_key"]
    list_filter = ["department", "level", "objective_type"]
    search_fields = ["title", "description"]
    inlines = [ObjectiveTemplateKeyResultInline]
