"""Site-wide Celery tasks (autodiscovered: okr_site is an installed app)."""

from celery import shared_task


@shared_task(name="okr_site.purge_consumed_broker_messages", ignore_result=True)
def purge_consumed_broker_messages() -> int:
    """Delete consumed messages from the SQL broker (scheduled only when it is in use)."""
    from okr_site import broker
    from okr_site.celery import app

    return broker.purge_consumed(app)


@shared_task(name="okr_site.send_password_reset_email", ignore_result=True)
def send_password_reset_email(email: str, language: str) -> None:
    """E-mail a reset link if `email` is an active account's (okr_site/reset_email.py)."""
    from okr_site import reset_email

    reset_email.send_reset_email(email=email, language=language)
