"""The scheduler: one process runs a table of periodic jobs (`manage.py scheduler`).

Each app declares its jobs in `<app>/schedules.py` with `@scheduled(...)`; a
job is a function without arguments that returns a short message for the
log. Jobs must be idempotent — running one twice does no harm — because a run
may be repeated after a crash. Every run is recorded as a ScheduledRun (start,
duration, outcome, message), visible in the admin and in
`manage.py scheduler_status`.

Only one scheduler acts at a time: each tick takes a PostgreSQL advisory lock
(on SQLite — one host only — the tick runs unlocked); a second scheduler
started by mistake waits for its turn and finds nothing due.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from core.models import ScheduledRun

logger = logging.getLogger("paktwerk.scheduler")

LOCK_KEY = 0x5041_4B54  # "PAKT": the advisory lock id of the scheduler


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    every: timedelta
    func: Callable[[], str]
    description: str = ""


SCHEDULE: dict[str, ScheduledJob] = {}


def scheduled(name: str, *, every: timedelta, description: str = ""):
    """Register a function as a scheduled job running every `every`."""

    def decorator(func: Callable[[], str]) -> Callable[[], str]:
        SCHEDULE[name] = ScheduledJob(name, every, func, description or (func.__doc__ or ""))
        return func

    return decorator


def load_schedule() -> dict[str, ScheduledJob]:
    autodiscover_modules("schedules")
    return SCHEDULE


def last_runs() -> dict[str, ScheduledRun]:
    """The latest run per job name."""
    latest: dict[str, ScheduledRun] = {}
    for name in SCHEDULE:
        run = ScheduledRun.objects.filter(name=name).order_by("-started_at").first()
        if run is not None:
            latest[name] = run
    return latest


def is_due(job: ScheduledJob, last: ScheduledRun | None, now: datetime) -> bool:
    return last is None or last.started_at + job.every <= now


@contextmanager
def scheduler_lock(wait: bool = False) -> Iterator[bool]:
    """True when this process may run jobs now (PostgreSQL advisory lock)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            got = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            got = bool(cursor.fetchone()[0])
    try:
        yield got
    finally:
        if got:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            except Exception:  # the connection died: the lock died with it
                logger.warning("scheduler lock release failed; the connection was lost")


def run_scheduled(job: ScheduledJob) -> ScheduledRun:
    """Run one job now and record the run; a failure is logged, never raised."""
    run = ScheduledRun.objects.create(
        name=job.name, started_at=timezone.now(), host=socket.gethostname()[:200]
    )
    started = time.monotonic()
    try:
        message = job.func() or ""
        run.outcome = ScheduledRun.Outcome.OK
    except Exception as exc:
        logger.exception("scheduled job %s failed", job.name)
        message = f"{type(exc).__name__}: {exc}"
        run.outcome = ScheduledRun.Outcome.FAILED
    run.message = str(message)[:5000]
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save(update_fields=["outcome", "message", "finished_at", "duration_ms"])
    logger.info(
        "scheduled job %s: %s in %d ms: %s", job.name, run.outcome, run.duration_ms, run.message
    )
    return run


def close_abandoned_runs() -> int:
    """Runs still 'running' while we hold the lock belong to a scheduler that died."""
    return ScheduledRun.objects.filter(outcome=ScheduledRun.Outcome.RUNNING).update(
        outcome=ScheduledRun.Outcome.FAILED,
        finished_at=timezone.now(),
        message="The scheduler stopped during this run; it runs again when due.",
    )


def tick(*, only: list[str] | None = None, force: bool = False, wait: bool = False) -> list:
    """Run every due job once (or the named ones; `force` ignores the interval)."""
    load_schedule()
    unknown = set(only or []) - set(SCHEDULE)
    if unknown:
        raise KeyError(f"unknown scheduled job(s): {', '.join(sorted(unknown))}")
    runs: list[ScheduledRun] = []
    with scheduler_lock(wait=wait) as got:
        if not got:
            logger.info("another scheduler holds the lock; skipping this tick")
            return runs
        close_abandoned_runs()
        latest = last_runs()
        now = timezone.now()
        for name, job in SCHEDULE.items():
            if only and name not in only:
                continue
            if force or is_due(job, latest.get(name), now):
                runs.append(run_scheduled(job))
    return runs
