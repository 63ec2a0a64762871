"""Exports of the (filtered) device, school and room lists as CSV or XLSX.

The columns and formats are exactly the import's, so an unchanged export
imports again with zero changes. Rows are streamed from one query
(`iterator(chunk_size=...)`), never N+1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, write_csv, write_xlsx

from .kinds import Kind, get_kind

FORMATS = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


def export_headers(kind: Kind) -> list[str]:
    return [c.header for c in kind.columns]


def export_rows(kind: Kind, queryset) -> Iterator[list]:
    for obj in queryset.iterator(chunk_size=2000):
        yield kind.export_row(obj)


def render(kind: Kind, rows, fmt: str) -> bytes:
    headers = export_headers(kind)
    if fmt == "xlsx":
        return write_xlsx(headers, rows, title=str(kind.label))
    return write_csv(headers, rows)


def export_bytes(*, kind: str, fmt: str, access, params=None, request=None) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the user's visible, filtered rows."""
    spec = get_kind(kind)
    if fmt not in FORMATS:
        raise ValueError(fmt)
    qs = spec.export_queryset(access, params, request)
    content = render(spec, export_rows(spec, qs), fmt)
    name = f"{spec.name}-{dt.date.today():%Y-%m-%d}.{fmt}"
    return content, FORMATS[fmt], name


def template_bytes(*, kind: str, fmt: str, access=None, board=None, filled: bool = False
                   ) -> tuple[bytes, str, str]:
    """An import template: the header row and an example row, or the board's current data."""
    spec = get_kind(kind)
    if filled and access is not None:
        qs = spec.export_queryset(access, None)
        if board is not None:
            qs = qs.filter(school_board=board)
        rows = export_rows(spec, qs)
    else:
        rows = iter([[c.example for c in spec.columns]])
    return render(spec, rows, fmt), FORMATS[fmt], f"vorlage-{spec.name}.{fmt}"
