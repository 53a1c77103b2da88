from django.contrib import admin
from django.http import HttpRequest

from checkins.models import CheckIn


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """Read-only: check-ins are recorded through the app so the key result stays in step."""

    list_display = ["key_result", "author", "value", "confidence", "created_at"]
    list_filter = ["confidence", "key_result__objective__cycle"]
    search_fields = ["key_result__title", "author__username", "what_changed", "blockers"]
    date_hierarchy = "created_at"
    list_select_related = ["key_result", "author"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CheckIn | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CheckIn | None = None) -> bool:
        return False
