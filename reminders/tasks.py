"""Celery tasks for reminders: each calls one service of reminders/delivery.py and nothing more.

Every task is safe to run twice, late or at the same time as itself: the sweeper claims through
a unique constraint and the send through conditional UPDATEs. Late acknowledgement (set in
settings and repeated here so the guarantee travels with the task) means a worker that dies
mid-task leaves the message to be delivered again.

The services are imported inside each task body: this module is imported when the app is ready
and by the worker's task discovery, and the services queue these tasks by name (reminders/jobs.py)
rather than importing them back.
"""

import logging
import socket

from celery import Task, shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError

from reminders import jobs

logger = logging.getLogger(__name__)


@shared_task(
    name=jobs.SWEEP_REMINDERS,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    # Beat fires every few minutes; a sweep that waited longer than that is superseded by the
    # next one, so an old one is dropped rather than run late.
    expires=settings.REMINDER_SWEEP_INTERVAL_SECONDS,
)
def sweep_reminders() -> int:
    """Claim and queue every reminder, nudge and digest owed right now; returns how many."""
    from reminders.delivery import run_sweep

    return run_sweep()


@shared_task(
    name=jobs.RECORD_WORKER_HEARTBEAT,
    ignore_result=True,
    # Only a fresh one says anything about now: one that waited in the queue is dropped.
    expires=settings.WORKER_HEARTBEAT_SECONDS,
)
def record_worker_heartbeat() -> None:
    """A worker took a message and ran it: note when (the Reminders page shows it)."""
    from reminders.delivery import record_worker_alive

    record_worker_alive(host=socket.gethostname())


@worker_ready.connect
def record_worker_start(**kwargs: object) -> None:
    # Until its first sweep, a worker that just started is not "stalled".
    from reminders.delivery import record_worker_started

    try:
        record_worker_started(host=socket.gethostname())
    except DatabaseError:
        logger.exception("reminders: could not record that the worker started")


@shared_task(
    bind=True,
    name=jobs.SEND_REMINDER_DELIVERY,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(jobs.DeliveryFailed,),
    retry_backoff=settings.REMINDER_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=settings.REMINDER_RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    # The service gives up on its own terms (the week ends, a permanent refusal, the attempts
    # cap), so Celery's own count does not cut it short.
    max_retries=None,
    soft_time_limit=settings.REMINDER_SEND_SOFT_TIME_LIMIT_SECONDS,
    time_limit=settings.REMINDER_SEND_TIME_LIMIT_SECONDS,
)
def send_reminder_delivery(self: Task, delivery_id: int) -> str:
    """Send one claimed delivery (by id) unless it was sent already."""
    from reminders.delivery import send_delivery

    outcome = send_delivery(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        # Another worker holds a live lease; look again once it would have expired.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status
