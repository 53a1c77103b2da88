import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from okr_site import broker
from okr_site.celery import app
from okr_site.worker_supervisor import Supervisor


class Command(BaseCommand):
    help = (
        "Run a Celery worker with embedded beat (what `make run` uses) and restart it, with "
        "backoff, whenever it exits. SIGTERM or Ctrl-C stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            default=str(settings.VAR_DIR / "celery" / "beat-schedule"),
            help="Celery beat's schedule file.",
        )
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument("--pidfile", default="", help="Write the current worker's pid here.")

    def handle(
        self, *args: object, schedule: str, loglevel: str, pidfile: str, **opts: object
    ) -> None:
        logging.getLogger("okr_site.worker_supervisor").setLevel(logging.INFO)
        broker.prepare(app)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "okr_site",
            "worker",
            "-B",
            "--pool=solo",
            f"--loglevel={loglevel}",
            "--schedule",
            schedule,
        ]
        if broker.is_sql_broker(app):
            # Both talk to the other workers through fanout, which the SQL broker lacks.
            command += ["--without-mingle", "--without-gossip"]
        Path(schedule).parent.mkdir(parents=True, exist_ok=True)
        Supervisor(command, pidfile=Path(pidfile) if pidfile else None).run()
