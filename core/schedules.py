"""Scheduled housekeeping of the core app: task results, job results, stale jobs."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.jobs import fail_stale_jobs
from core.models import Job, WorkerHeartbeat
from core.scheduler import scheduled


@scheduled("fail_stale_jobs", every=timedelta(minutes=1))
def fail_stale_jobs_job() -> str:
    """Jobs whose worker stopped sending heartbeats: started again or marked failed."""
    retried, failed = fail_stale_jobs()
    return f"{retried} job(s) started again, {failed} job(s) marked failed"


@scheduled("prune_task_results", every=timedelta(hours=6))
def prune_task_results() -> str:
    """Delete finished django-tasks results older than TASK_RESULT_RETENTION_DAYS."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return f"{deleted} task result(s) older than {settings.TASK_RESULT_RETENTION_DAYS} days deleted"


@scheduled("cleanup_job_results", every=timedelta(hours=1))
def cleanup_job_results() -> str:
    """Delete finished jobs and their result files after JOB_RESULT_RETENTION_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.JOB_RESULT_RETENTION_DAYS)
    old = Job.objects.filter(
        status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED], finished_at__lt=cutoff
    )
    files = 0
    for job in old.exclude(result_file=""):
        job.result_file.delete(save=False)  # a missing file is fine: idempotent
        files += 1
    deleted, _ = old.delete()
    days = settings.JOB_RESULT_RETENTION_DAYS
    return f"{deleted} job(s) and {files} result file(s) older than {days} days deleted"


@scheduled("prune_worker_heartbeats", every=timedelta(hours=1))
def prune_worker_heartbeats() -> str:
    """Forget workers not seen for a day (their jobs were handled by fail_stale_jobs)."""
    deleted, _ = WorkerHeartbeat.objects.filter(
        seen_at__lt=timezone.now() - timedelta(days=1)
    ).delete()
    return f"{deleted} old worker heartbeat(s) deleted"
