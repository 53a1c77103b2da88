from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """Reminder and digest e-mails. No models of its own: ReminderPolicy, ReminderDelivery and
    ReminderHeartbeat stay in the checkins app, whose tables they have always been."""

    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Register the Celery tasks in every process, not only in workers that discover them:
        # the sweep queues its sends by task name (reminders/jobs.py) and must find them here.
        from reminders import tasks  # noqa: F401
