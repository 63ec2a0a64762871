"""Background jobs with progress: the Job record, handler registry and progress reporter.

A handler is registered under a kind and receives the job and a Progress:

    @register_job("devices.import")
    def run_import(job, progress, *, upload_id): ...

`job_start()` creates the Job and enqueues it (django-tasks) once the
transaction commits; the worker runs it inside the job's board scope.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Job, WorkerHeartbeat

JOB_HANDLERS: dict[str, Callable[..., Any]] = {}


def register_job(kind: str):
    def decorator(func):
        JOB_HANDLERS[kind] = func
        return func

    return decorator


class Progress:
    """Reports progress to the Job row at most every `interval` seconds."""

    def __init__(self, job: Job, interval: float = 0.5):
        self.job = job
        self.interval = interval
        self._last = 0.0

    def set_total(self, total: int, message: str = "") -> None:
        self.job.progress_total = total
        if message:
            self.job.message = message[:500]
        self._save(force=True)

    def advance(self, n: int = 1, message: str = "") -> None:
        self.job.progress_done += n
        if message:
            self.job.message = message[:500]
        self._save()

    def set(self, done: int, message: str = "") -> None:
        self.job.progress_done = done
        if message:
            self.job.message = message[:500]
        self._save()

    def attach_file(self, name: str, content: bytes) -> None:
        self.job.result_file.save(name, ContentFile(content), save=False)
        self.job.result_name = name
        self._save(force=True)

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self.interval:
            self._last = now
            Job.objects.filter(pk=self.job.pk).update(
                progress_done=self.job.progress_done,
                progress_total=self.job.progress_total,
                message=self.job.message,
                result_file=self.job.result_file.name or "",
                result_name=self.job.result_name,
            )


def job_start(*, kind: str, owner, board=None, title: str = "", params: dict | None = None) -> Job:
    """Create a job and enqueue it after the surrounding transaction commits."""
    if kind not in JOB_HANDLERS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job.objects.create(
        kind=kind, owner=owner, school_board=board, title=title, params=params or {}
    )

    def enqueue():
        from core.tasks import run_job

        run_job.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job


def job_url(job: Job) -> str:
    return reverse("core:job-detail", args=[job.pk])


def execute_job(job_id: int, worker_id: str = "") -> None:
    """Run one job now (called by the task; scope set from the job's board)."""
    from core.tenancy import access_for, board_scope

    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.is_finished:
        return  # already done (e.g. a retried task whose first run completed): idempotent
    handler = JOB_HANDLERS[job.kind]
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        worker_id=worker_id[:64],
        attempts=F("attempts") + 1,
    )
    job.status = Job.Status.RUNNING
    access = access_for(job.owner)
    boards = [job.school_board_id] if job.school_board_id else sorted(access.board_ids)
    progress = Progress(job)
    try:
        with board_scope(boards):
            result = handler(job, progress, **job.params)
    except Exception as exc:  # a failed job records its error for the user
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, error=str(exc)[:5000], finished_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    job.status = Job.Status.SUCCEEDED
    job.finished_at = timezone.now()
    if job.progress_total and job.progress_done < job.progress_total:
        job.progress_done = job.progress_total
    if isinstance(result, dict):
        job.result = result
        job.result_url = str(result.get("url", ""))[:500]
    job.save()


def _enqueue(job_id: int) -> None:
    from core.tasks import run_job

    run_job.enqueue(job_id)


def _close_task_results_of(worker_ids: set[str]) -> None:
    """The django-tasks rows the dead workers had claimed stay 'running' otherwise."""
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.running()
    dead = [r.pk for r in running if set(r.worker_ids or []) & worker_ids]
    if dead:
        DBTaskResult.objects.filter(pk__in=dead).update(status="FAILED", finished_at=timezone.now())


def fail_stale_jobs() -> tuple[int, int]:
    """Jobs 'running' on a worker without a recent heartbeat: retry or fail them.

    A job is started again while it has had fewer than JOB_MAX_ATTEMPTS starts,
    otherwise it is marked failed with a message the user understands.
    Idempotent: a second call finds nothing more to do.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    stale = (
        Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=cutoff)
        .exclude(worker_id="")
        .exclude(worker_id__in=alive)
    )
    return _retry_or_fail(list(stale))


def recover_worker_jobs(worker_id: str) -> tuple[int, int]:
    """A worker that lost its database mid-task gives its interrupted jobs back."""
    return _retry_or_fail(list(Job.objects.filter(status=Job.Status.RUNNING, worker_id=worker_id)))


def _retry_or_fail(stale: list[Job]) -> tuple[int, int]:
    retried = failed = 0
    for job in stale:
        if job.attempts < settings.JOB_MAX_ATTEMPTS:
            updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.QUEUED,
                worker_id="",
                progress_done=0,
                message=_("The worker stopped; the job was started again."),
            )
            if updated:
                transaction.on_commit(lambda pk=job.pk: _enqueue(pk))
                retried += 1
        else:
            failed += Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED,
                finished_at=timezone.now(),
                error=_(
                    "The worker running this job stopped (attempt %(n)s of %(max)s). "
                    "Please start the job again."
                )
                % {"n": job.attempts, "max": settings.JOB_MAX_ATTEMPTS},
            )
    if stale:
        _close_task_results_of({job.worker_id for job in stale})
    return retried, failed


@register_job("core.selftest")
def selftest(job: Job, progress: Progress, *, seconds: float = 0.0) -> dict:
    """An operator's end-to-end check: a worker runs it, writes progress and a result file.

    Enqueue with `manage.py shell -c` (see docs/operations.md); the smoke test uses it.
    """
    steps = max(1, int(seconds * 10))
    progress.set_total(steps)
    for _step in range(steps):
        time.sleep(seconds / steps)
        progress.advance()
    content = f"selftest job {job.pk} ok\n".encode()
    progress.attach_file(f"selftest-{job.pk}.txt", content)
    return {"bytes": len(content)}
