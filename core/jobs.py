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
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.models import Job

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


def execute_job(job_id: int) -> None:
    """Run one job now (called by the task; scope set from the job's board)."""
    from core.tenancy import access_for, board_scope

    job = Job.objects.select_related("owner").get(pk=job_id)
    handler = JOB_HANDLERS[job.kind]
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
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
