"""The Django admin site, asking objectives/permissions.py whether the person may write at all."""

from django.contrib import admin
from django.http import HttpRequest

from objectives import permissions


class OkrAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and permissions.can_use_django_admin(request.user)
