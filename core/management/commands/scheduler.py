"""`manage.py scheduler`: the one process that runs the scheduled jobs (see core/scheduler.py)."""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.translation import gettext as _

from core.management.base import LocalizedCommand
from core.scheduler import load_schedule, tick

logger = logging.getLogger("paktwerk.scheduler")


class Command(LocalizedCommand):
    help = "Run the scheduled jobs (anonymisation, pruning, cleanup ...) in a loop."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the due jobs once and exit.")
        parser.add_argument(
            "--job", action="append", default=[], help="Only this job (repeatable)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run the chosen jobs even if not yet due."
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=None,
            help="Seconds between checks (default SCHEDULER_TICK_SECONDS).",
        )

    def handle(self, *args, once=False, job=(), force=False, tick=None, **options):
        schedule = load_schedule()
        unknown = set(job) - set(schedule)
        if unknown:
            raise CommandError(
                _("Unknown job(s): %(unknown)s. Known: %(known)s")
                % {"unknown": ", ".join(sorted(unknown)), "known": ", ".join(schedule)}
            )
        if once:
            self._report(self._tick(job, force))
            return
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        interval = tick or settings.SCHEDULER_TICK_SECONDS
        logger.info("scheduler started: %s", ", ".join(schedule))
        while self.running:
            try:
                close_old_connections()
                self._report(self._tick(job, force=False))
            except (OperationalError, InterfaceError) as exc:
                logger.warning("database unavailable (%s); next try in %s s", exc, interval)
                connections.close_all()
            time.sleep(interval)
        logger.info("scheduler stopped")

    def _tick(self, only, force):
        return tick(only=list(only) or None, force=force)

    def _stop(self, signum, frame):
        self.running = False

    def _report(self, runs) -> None:
        for run in runs:
            # the message is the stored run log (English, like every log line)
            self.stdout.write(
                _("%(job)s: %(outcome)s (%(ms)s ms) %(message)s")
                % {
                    "job": run.name,
                    "outcome": run.get_outcome_display(),
                    "ms": run.duration_ms,
                    "message": run.message,
                }
            )
