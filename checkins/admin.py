from django.contrib import admin
from django.http import HttpRequest

from checkins.models import CheckIn, ReminderDelivery, ReminderPolicy


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


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    """Edited on the in-app reminder settings page; shown here for completeness."""

    list_display = ["enabled", "weekday", "local_time", "nudge_after_days", "digest_enabled"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ReminderPolicy.objects.exists()

    def has_delete_permission(
        self, request: HttpRequest, obj: ReminderPolicy | None = None
    ) -> bool:
        return False


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    """Read-only: a delivery row is the exactly-once record of an e-mail; editing it by hand
    could send a second one or lose one."""

    list_display = ["user", "kind", "period", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status", "period"]
    search_fields = ["user__username", "user__display_name", "last_error"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ReminderDelivery | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ReminderDelivery | None = None
    ) -> bool:
        return False
