from django.contrib import admin

from initiatives.models import Initiative


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "key_result", "owner", "due_date", "status", "priority"]
    list_filter = ["status", "priority"]
    search_fields = ["title", "key_result__title", "owner__username", "owner__display_name"]
    raw_id_fields = ["key_result", "owner"]
    readonly_fields = ["completed_at", "carried_over_from", "created_by", "created_at"]
