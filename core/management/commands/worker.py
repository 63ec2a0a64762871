"""`manage.py worker`: django-tasks' db_worker that survives database restarts and
reports a heartbeat (for /healthz/ and for detecting jobs of dead workers).

Accepts every option of `db_worker` (--queue-name, --interval, --batch,
--max-tasks, --worker-id ...), except --reload.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from core.jobs import recover_worker_jobs
from core.management.base import LocalizedMixin
from core.models import WorkerHeartbeat

logger = logging.getLogger("paktwerk.worker")

DB_ERRORS = (OperationalError, InterfaceError)


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "seen_at": timezone.now(),
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
        },
    )


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat every WORKER_HEARTBEAT_SECONDS, also during a task."""

    def __init__(self, worker_id: str):
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                beat(self.worker_id)
            except DB_ERRORS as exc:
                logger.warning("heartbeat not written (database unavailable): %s", exc)
                connections.close_all()
            self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS)
        connections.close_all()


class ResilientWorker(Worker):
    """Keeps running when the database goes away: waits, reconnects, continues."""

    max_backoff = 30.0

    def run(self) -> None:
        backoff = 1.0
        interrupted = False
        while self.running:
            try:
                if interrupted:
                    retried, failed = recover_worker_jobs(self.worker_id)
                    logger.warning(
                        "reconnected; %d job(s) started again, %d failed", retried, failed
                    )
                    interrupted = False
                super().run()
                return  # --batch or --max-tasks reached
            except DB_ERRORS as exc:
                logger.warning("database unavailable (%s); retrying in %.0f s", exc, backoff)
                for conn in connections.all(initialized_only=True):
                    conn.close_if_unusable_or_obsolete()
                    with contextlib.suppress(*DB_ERRORS):
                        conn.close()
                interrupted = True
                time.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                self.startup_delay = False


class Command(LocalizedMixin, DbWorkerCommand):
    help = "Run a task worker (database backend) with heartbeat and reconnects."

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               max_tasks, worker_id, exclude_queues, **options):  # fmt: skip
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            heartbeat.stopped.set()
