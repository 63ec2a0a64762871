"""Exports of the (filtered) device, school and room lists as CSV or XLSX.

The columns and formats are exactly the import's, so an unchanged export
imports again with zero changes. Rows are streamed from one query
(`iterator(chunk_size=...)`), never N+1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice

from core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    write_csv,
    write_csv_columns,
    write_xlsx,
)

from .kinds import get_kind
from .spec import Kind

FORMATS = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


def export_headers(kind: Kind) -> list[str]:
    return [c.header for c in kind.columns]


def export_rows(kind: Kind, queryset) -> Iterator[list]:
    for obj in queryset.iterator(chunk_size=2000):
        yield kind.export_row(obj)


CHUNK = 5000


def value_chunks(kind: Kind, queryset) -> Iterator[list[tuple]]:
    """Chunks of `values_list` rows of the kind's export columns (one streamed query)."""
    paths = [path for path, _fmt in kind.export_columns()]
    rows = queryset.values_list(*paths).iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def value_rows(kind: Kind, queryset) -> Iterator[list]:
    """Rows as export_row() gives them (labels for choices, "" for None), from values_list."""
    formats = [fmt for _path, fmt in kind.export_columns()]
    labels = [
        {k: str(v) for k, v in fmt.items()} if isinstance(fmt, dict) else None for fmt in formats
    ]
    for chunk in value_chunks(kind, queryset):
        for row in chunk:
            yield [
                "" if v is None else (lab.get(v, v) if lab is not None else v)
                for v, lab in zip(row, labels, strict=False)
            ]


def render_queryset(kind: Kind, queryset, fmt: str) -> bytes:
    """Export a queryset of the kind: the column-wise fast path where the kind has one."""
    if not hasattr(kind, "export_columns"):
        return render(kind, export_rows(kind, queryset), fmt)
    if fmt == "xlsx":
        return render(kind, value_rows(kind, queryset), fmt)
    kinds = [fmt for _path, fmt in kind.export_columns()]
    return write_csv_columns(export_headers(kind), value_chunks(kind, queryset), kinds)


def render(kind: Kind, rows, fmt: str) -> bytes:
    headers = export_headers(kind)
    if fmt == "xlsx":
        return write_xlsx(headers, rows, title=str(kind.label))
    return write_csv(headers, rows)


def export_bytes(
    *, kind: str, fmt: str, access, params=None, request=None
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the user's visible, filtered rows."""
    spec = get_kind(kind)
    if fmt not in FORMATS:
        raise ValueError(fmt)
    qs = spec.export_queryset(access, params, request)
    content = render_queryset(spec, qs, fmt)
    name = f"{spec.name}-{dt.date.today():%Y-%m-%d}.{fmt}"
    return content, FORMATS[fmt], name


def template_bytes(
    *, kind: str, fmt: str, access=None, board=None, filled: bool = False
) -> tuple[bytes, str, str]:
    """An import template: the header row and an example row, or the board's current data."""
    spec = get_kind(kind)
    if filled and access is not None:
        qs = spec.export_queryset(access, None)
        if board is not None:
            qs = qs.filter(school_board=board)
        return render_queryset(spec, qs, fmt), FORMATS[fmt], f"vorlage-{spec.name}.{fmt}"
    rows = iter([[c.example for c in spec.columns]])
    return render(spec, rows, fmt), FORMATS[fmt], f"vorlage-{spec.name}.{fmt}"
