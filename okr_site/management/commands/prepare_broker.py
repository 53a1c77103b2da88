from django.core.management.base import BaseCommand

from okr_site import broker
from okr_site.celery import app


class Command(BaseCommand):
    help = (
        "Create the SQL broker's tables and queue (the default without REDIS_URL) and purge "
        "consumed messages. Run before the web server and the worker start; idempotent."
    )

    def handle(self, *args: object, **options: object) -> None:
        broker.prepare(app)
