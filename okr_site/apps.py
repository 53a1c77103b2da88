from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project package as an app, so site-wide signal receivers connect at start-up."""

    name = "okr_site"
    label = "okr_site"
    verbose_name = "OKR site"

    def ready(self) -> None:
        from okr_site import session_timeout

        session_timeout.connect_signals()
