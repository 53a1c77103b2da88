from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User


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


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "state"]
    list_filter = ["state"]
    search_fields = ["name"]


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0
    fields = ["title", "owner", "kind", "unit", "start_value", "target_value", "weight", "order"]
    autocomplete_fields = ["owner"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "cycle", "owner_team", "owner_user", "objective_type", "visibility"]
    list_filter = ["cycle", "objective_type", "visibility", "archived"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["owner_team", "owner_user", "parent"]
    inlines = [KeyResultInline]


@admin.register(KeyResult)
class KeyResultAdmin(admin.ModelAdmin):
    list_display = ["title", "objective", "owner", "kind", "current_value", "target_value"]
    list_filter = ["kind", "objective__cycle", "archived"]
    search_fields = ["title", "objective__title"]
    autocomplete_fields = ["objective", "owner"]
    readonly_fields = ["current_value", "last_confidence", "last_checkin_at"]
