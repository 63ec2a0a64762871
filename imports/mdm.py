"""MDM reconciliation (MDM-Abgleich): an MDM's device export against the inventory.

Reads Jamf School and Microsoft Intune CSV/XLSX exports (and any export with
similar columns): serial number, device name, model, OS, last contact, asset
tag. Findings: in the MDM but not inventoried; inventoried but not in the MDM;
not seen for more than N days; serial / asset-tag conflicts.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import format_datetime
from core.spreadsheets import read_table, sha256, write_csv
from devices.models import Device

from .models import MdmReconciliation
from .parsing import CellError, code_text, normalize, parse_datetime, text

COLUMNS = {
    "serial": (
        "serial",
        "serial number",
        "serialnumber",
        "seriennummer",
        "serial_number",
        "hardware serial",
    ),
    "name": ("device name", "devicename", "name", "geraetename", "display name"),
    "model": ("model", "modell", "model name", "product name"),
    "os": ("os", "os version", "osversion", "operating system", "betriebssystem"),
    "last_contact": (
        "last contact",
        "last check-in",
        "last checkin",
        "lastcheckin",
        "last sync",
        "last sync date time",
        "last inventory update",
        "letzter kontakt",
        "last seen",
    ),
    "asset_tag": ("asset tag", "assettag", "inventarnummer", "inventory number"),
    "mdm_id": ("udid", "device id", "deviceid", "id", "intune device id", "mdm id"),
}
MANAGED_CATEGORIES = {"tablet", "notebook", "desktop"}
INACTIVE_STATUSES = {"ordered", "retired", "lost", "stolen"}

KINDS = {
    "not_inventoried": gettext_lazy("In the MDM but not in the inventory"),
    "not_in_mdm": gettext_lazy("In the inventory but not in the MDM"),
    "stale": gettext_lazy("Not seen for too long"),
    "conflict": gettext_lazy("Serial number or asset tag conflicts"),
}


def _map_columns(headers: list[str]) -> dict[str, int]:
    names = {normalize(a): key for key, aliases in COLUMNS.items() for a in aliases}
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = names.get(normalize(header))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def reconcile(
    *,
    actor,
    board,
    source: str,
    name: str,
    data: bytes,
    stale_days: int = 30,
    today: dt.date | None = None,
) -> MdmReconciliation:
    table = read_table(name, data)
    cols = _map_columns(table.headers)
    if "serial" not in cols and "asset_tag" not in cols:
        raise ValidationError(_("The file has no serial number or asset tag column."))
    today = today or timezone.localdate()
    devices = list(
        Device.objects.filter(school_board=board)
        .select_related("school")
        .only(
            "id",
            "inventory_number",
            "serial_number",
            "status",
            "category",
            "mdm_id",
            "school__name",
        )
    )
    by_serial = {d.serial_number.casefold(): d for d in devices if d.serial_number}
    by_inventory = {d.inventory_number.casefold(): d for d in devices}
    findings: list[dict] = []
    matched: set[int] = set()
    seen_serials: dict[str, int] = {}
    for number, cells in table.rows:

        def cell(key, cells=cells):
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        serial = code_text(cell("serial"))
        tag = code_text(cell("asset_tag"))
        entry = {
            "row": number,
            "serial": serial,
            "asset_tag": tag,
            "name": text(cell("name")),
            "model": text(cell("model")),
            "os": text(cell("os")),
            "last_contact": "",
            "inventory_number": "",
            "school": "",
        }
        try:
            last = parse_datetime(cell("last_contact"))
        except CellError:
            last = None
        entry["last_contact"] = format_datetime(last) if last else ""
        if serial and serial.casefold() in seen_serials:
            findings.append(
                {
                    **entry,
                    "kind": "conflict",
                    "message": _(
                        "serial number %(serial)s appears twice in the MDM export "
                        "(rows %(a)s and %(b)s)"
                    )
                    % {"serial": serial, "a": seen_serials[serial.casefold()], "b": number},
                }
            )
            continue
        if serial:
            seen_serials[serial.casefold()] = number
        device_by_serial = by_serial.get(serial.casefold()) if serial else None
        device_by_tag = by_inventory.get(tag.casefold()) if tag else None
        if device_by_serial and device_by_tag and device_by_serial.pk != device_by_tag.pk:
            findings.append(
                {
                    **entry,
                    "kind": "conflict",
                    "inventory_number": device_by_serial.inventory_number,
                    "message": _("serial number belongs to %(a)s, asset tag names %(b)s")
                    % {"a": device_by_serial.inventory_number, "b": device_by_tag.inventory_number},
                }
            )
            matched.update({device_by_serial.pk, device_by_tag.pk})
            continue
        if device_by_tag and not device_by_serial and serial and device_by_tag.serial_number:
            findings.append(
                {
                    **entry,
                    "kind": "conflict",
                    "inventory_number": device_by_tag.inventory_number,
                    "message": _("asset tag %(tag)s has serial number %(inv)s in the inventory")
                    % {"tag": tag, "inv": device_by_tag.serial_number},
                }
            )
            matched.add(device_by_tag.pk)
            continue
        device = device_by_serial or device_by_tag
        if device is None:
            findings.append(
                {
                    **entry,
                    "kind": "not_inventoried",
                    "message": _("no device of the inventory has this serial number or asset tag"),
                }
            )
            continue
        matched.add(device.pk)
        entry["inventory_number"] = device.inventory_number
        entry["school"] = device.school.name
        if last is None or (today - last.date()).days > stale_days:
            days = (today - last.date()).days if last else None
            findings.append(
                {
                    **entry,
                    "kind": "stale",
                    "message": (_("last contact %(days)s days ago") % {"days": days})
                    if days is not None
                    else _("no last contact in the export"),
                }
            )
    for device in devices:
        if (
            device.pk not in matched
            and device.category in MANAGED_CATEGORIES
            and device.status not in INACTIVE_STATUSES
        ):
            findings.append(
                {
                    "row": "",
                    "kind": "not_in_mdm",
                    "serial": device.serial_number,
                    "asset_tag": "",
                    "name": "",
                    "model": "",
                    "os": "",
                    "last_contact": "",
                    "inventory_number": device.inventory_number,
                    "school": device.school.name,
                    "message": _("status %(status)s, not enrolled in the MDM")
                    % {"status": device.get_status_display()},
                }
            )
    summary = {k: sum(1 for f in findings if f["kind"] == k) for k in KINDS}
    with transaction.atomic():
        rec = MdmReconciliation(
            school_board=board,
            source=source,
            file_name=name[:255],
            file_sha256=sha256(data),
            stale_days=stale_days,
            reference_date=today,
            created_by=actor,
            mdm_count=len(table.rows),
            inventory_count=len(devices),
            matched_count=len(matched),
            findings=findings,
            summary=summary,
        )
        rec._history_user = actor
        rec.save()
    return rec


def grouped(rec: MdmReconciliation) -> list[dict]:
    return [
        {"kind": k, "label": str(label), "items": [f for f in rec.findings if f["kind"] == k]}
        for k, label in KINDS.items()
    ]


HEADERS = [
    "Befund",
    "Zeile",
    "Seriennummer",
    "Asset Tag",
    "Gerätename",
    "Modell",
    "OS",
    "Letzter Kontakt",
    "Inventarnummer",
    "Schule",
    "Hinweis",
]


def findings_csv(rec: MdmReconciliation) -> bytes:
    rows = [
        [
            str(KINDS[f["kind"]]),
            f["row"],
            f["serial"],
            f["asset_tag"],
            f["name"],
            f["model"],
            f["os"],
            f["last_contact"],
            f["inventory_number"],
            f["school"],
            f["message"],
        ]
        for f in rec.findings
    ]
    return write_csv(HEADERS, rows)
