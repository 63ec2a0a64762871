"""MDM reconciliation report (PDF): the findings per group, with totals."""

from __future__ import annotations

from core.pdf import data_fingerprint, render_pdf

from .mdm import grouped
from .models import MdmReconciliation


def reconciliation_context(rec: MdmReconciliation) -> dict:
    """Everything the report shows, as plain data (tested without HTTP)."""
    data = {
        "board": rec.school_board.name,
        "source": str(rec.get_source_display()),
        "file_name": rec.file_name,
        "file_sha256": rec.file_sha256,
        "reference_date": rec.reference_date,
        "stale_days": rec.stale_days,
        "mdm_count": rec.mdm_count,
        "inventory_count": rec.inventory_count,
        "matched_count": rec.matched_count,
        "groups": grouped(rec),
    }
    data["fingerprint"] = data_fingerprint(data)
    return data


def reconciliation_pdf(rec: MdmReconciliation) -> bytes:
    ctx = reconciliation_context(rec)
    return render_pdf(
        "imports/pdf/mdm_reconciliation.html", ctx, title=f"MDM-Abgleich {ctx['board']}"
    )
