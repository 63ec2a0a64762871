"""Background jobs of the device inventory."""

from __future__ import annotations

from django_scopes import scopes_disabled

from core.jobs import register_job


@register_job("devices.anonymise_loans")
def anonymise_loans_job(job, progress, *, months: int | None = None) -> dict:
    """Retention: anonymise borrowers of loans returned more than N months ago (all boards)."""
    from .services import anonymise_expired_loans

    progress.set_total(1)
    with scopes_disabled():
        count = anonymise_expired_loans(months=months, actor=None)
    progress.advance(1, message=f"{count} Leihverträge anonymisiert")
    return {"anonymised": count}


@register_job("devices.labels")
def label_sheet_job(job, progress, *, device_ids: list[int]) -> dict:
    """A big label sheet (hundreds of labels) rendered in the background."""
    from .documents import label_sheet_pdf
    from .models import Device

    progress.set_total(len(device_ids))
    devices = list(Device.objects.for_document().filter(pk__in=device_ids))
    pdf = label_sheet_pdf(devices)
    progress.set(len(device_ids))
    progress.attach_file("etiketten.pdf", pdf)
    return {"labels": len(devices)}
