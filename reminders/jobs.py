"""What the reminder services and their Celery tasks (reminders/tasks.py) agree on: the tasks'
registered names, how a service queues a send, and the failure the send task retries on.

The tasks call the services; the services reach the tasks only through this module, by name,
so no import runs from a service back to the tasks.
"""

from celery import signature

# The names the tasks had when reminders lived in the checkins app. Messages already queued and
# the beat schedule (CELERY_BEAT_SCHEDULE in settings) carry them, so they stay as they are.
SWEEP_REMINDERS = "checkins.sweep_reminders"
RECORD_WORKER_HEARTBEAT = "checkins.record_worker_heartbeat"
SEND_REMINDER_DELIVERY = "checkins.send_reminder_delivery"


class DeliveryFailed(Exception):
    """A send failed in a way worth retrying; the row already records the attempt and error."""


def queue_send(delivery_id: int) -> None:
    """Queue the send of one claimed delivery (call it on commit, once the row is visible).

    Through the registered task (the app imports reminders.tasks when it is ready), so its
    options and the tests' eager mode apply, as they would to `send_reminder_delivery.delay`.
    """
    signature(SEND_REMINDER_DELIVERY, args=(delivery_id,)).delay()
