from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The project package as an app, so site-wide signal receivers connect at start-up."""

    name = "okr_site"
    label = "okr_site"
    verbose_name = _("OKR site")

    def ready(self) -> None:
        from okr_site import session_timeout

        session_timeout.connect_signals()


class ReadOnlyAwareAdminConfig(AdminConfig):
    """Django admin, closed to read-only viewers: it writes, and a viewer writes nothing, even
    one who is also an admin (objectives/permissions.py)."""

    default_site = "okr_site.admin_site.OkrAdminSite"
