"""Delivery-note files (Lieferschein, CSV/XLSX): one row per device with item number,
serial number, MAC address and MDM id (and optionally the school number). Read with
core.spreadsheets (limits, zip bombs, encodings); the rules are in services."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.spreadsheets import SpreadsheetRefused, read_table
from imports import parsing


@dataclass(frozen=True)
class DeliveryRow:
    row: int
    item_number: str
    serial: str
    mac: str = ""
    mdm_id: str = ""
    school_number: str = ""


HEADERS = {
    "item_number": ("artikelnummer", "itemnumber", "item", "artnr"),
    "serial": ("seriennummer", "serialnumber", "serial", "sn"),
    "mac": ("mac", "macadresse", "macaddress"),
    "mdm_id": ("mdmid", "mdm", "mdmkennung"),
    "school_number": ("schulnummer", "schoolnumber"),
}


def read_rows(name: str, data: bytes) -> tuple[list[DeliveryRow], list[str]]:
    """The file's device rows, or the errors that make it unreadable."""
    try:
        table = read_table(name, data)
    except SpreadsheetRefused as exc:
        return [], [exc.message]
    index: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        key = parsing.normalize(header or "")
        for field, names in HEADERS.items():
            if key in names and field not in index:
                index[field] = i
    missing = [f for f in ("item_number", "serial") if f not in index]
    if missing:
        return [], [
            _("The column “%(name)s” is missing.")
            % {"name": {"item_number": "Artikelnummer", "serial": "Seriennummer"}[m]}
            for m in missing
        ]

    def cell(cells, field):
        i = index.get(field)
        return parsing.code_text(cells[i]) if i is not None and i < len(cells) else ""

    rows = [
        DeliveryRow(
            row=number,
            item_number=cell(cells, "item_number"),
            serial=cell(cells, "serial"),
            mac=cell(cells, "mac"),
            mdm_id=cell(cells, "mdm_id"),
            school_number=cell(cells, "school_number"),
        )
        for number, cells in table.rows
        if any(c not in (None, "") for c in cells)
    ]
    return rows, []
