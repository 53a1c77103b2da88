"""Celery tasks of objectives: the run that moves cycles with automatic transitions, and the
refresh of the stored statuses whose day has come.

Thin: the rules live in objectives/cycles/services.py and objectives/stored_scores.py. Both runs
are idempotent (a cycle moves only when its dates say it is due and it has not moved yet; a
status is refreshed only while its day has come and it has not been), so a beat that fires
twice, or a worker that dies and has the message redelivered, changes nothing the second time.
"""

from celery import shared_task

from objectives.cycles import services as cycle_services


@shared_task(
    name="objectives.run_automatic_cycle_transitions",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def run_automatic_cycle_transitions() -> int:
    """Activate cycles whose start date has come and move to grading those whose end date has
    passed (for cycles that opted in); returns how many moves were made."""
    return len(cycle_services.run_automatic_transitions())


@shared_task(
    name="objectives.refresh_due_statuses",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def refresh_due_statuses() -> int:
    """Store the statuses that moved with the date (a pace fell behind, silence turned into "no
    update"); returns how many key results were due."""
    from objectives import stored_scores

    return stored_scores.refresh_due_statuses()
