"""Background jobs of the device inventory."""

from __future__ import annotations

from django.utils.translation import gettext as _
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
def label_sheet_job(
    job, progress, *, device_ids: list[int], filename: str = "etiketten.pdf"
) -> dict:
    """A big label sheet (thousands of labels) rendered in the background.

    Progress: the labels' data and QR codes are prepared in chunks (first half), then
    WeasyPrint lays out and writes the whole sheet in one go (second half).
    """
    from .documents import label_sheet_pdf_from_context, label_sheet_rows
    from .models import Device

    total = len(device_ids)
    progress.set_total(2 * total, message=_("Preparing labels"))
    labels: list[dict] = []
    chunk = 250
    for start in range(0, total, chunk):
        ids = device_ids[start : start + chunk]
        devices = Device.objects.for_document().filter(pk__in=ids)
        labels.extend(label_sheet_rows(devices))
        progress.advance(
            len(ids),
            message=_("%(done)s of %(total)s labels prepared")
            % {"done": len(labels), "total": total},
        )
    labels.sort(key=lambda row: row["inventory_number"])
    progress.set(total, message=_("Typesetting the PDF"))
    pdf = label_sheet_pdf_from_context({"labels": labels, "count": len(labels)})
    progress.set(2 * total, message=_("%(count)s labels") % {"count": len(labels)})
    progress.attach_file(filename, pdf)
    return {"labels": len(labels)}
