"""Background jobs for large imports: preview and commit with progress."""

from __future__ import annotations

import contextlib

from django.urls import reverse

from core.jobs import register_job

from .models import ImportRun
from .services import ImportRejected, run_commit, run_preview


def _progress(progress):
    return lambda n: progress.advance(n)


@register_job("imports.preview")
def preview_job(job, progress, *, run_id: int):
    run = ImportRun.objects.get(pk=run_id)
    progress.set_total(run.rows_total, message=run.file_name)
    run_preview(actor=job.owner, run=run, progress=_progress(progress))
    return {"url": reverse("imports:run-detail", args=[run.pk])}


@register_job("imports.commit")
def commit_job(job, progress, *, run_id: int):
    run = ImportRun.objects.get(pk=run_id)
    progress.set_total(run.rows_total, message=run.file_name)
    # a rejected commit records its errors on the run; the result page shows them
    with contextlib.suppress(ImportRejected):
        run_commit(actor=job.owner, run=run, progress=_progress(progress))
    return {"url": reverse("imports:run-detail", args=[run.pk])}
