"""Scheduled jobs of the import: uploaded spreadsheets are kept only for a while."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from core.scheduler import scheduled
from imports.models import ImportRun, ImportStatus
from imports.workflow import IMPORT_RUN


@scheduled("cleanup_import_files", every=timedelta(hours=6))
def cleanup_import_files() -> str:
    """Delete uploaded files older than IMPORT_FILE_RETENTION_DAYS; the audit row stays.

    An upload left open that long is abandoned: it is closed as refused, so
    nobody can continue it without its file.
    """
    cutoff = timezone.now() - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    count = 0
    with scopes_disabled():
        for run in ImportRun.objects.filter(created_at__lt=cutoff).exclude(file=""):
            run.file.delete(save=False)  # a file already gone is fine: idempotent
            # housekeeping, not an edit: no version bump, no history row
            changes = {"file": ""}
            if IMPORT_RUN.is_in(run, "open"):
                changes["status"] = ImportStatus.FAILED
            ImportRun.objects.filter(pk=run.pk).update(**changes)
            count += 1
    days = settings.IMPORT_FILE_RETENTION_DAYS
    return f"{count} uploaded file(s) older than {days} days deleted"
