"""Documents of the device inventory: data → HTML → tagged PDF (German).

Loan contract with damage annex (Leihvertrag), batch handover protocol
(Übergabeprotokoll), return protocol (Rückgabeprotokoll), label sheet (Etikettenbogen),
stocktake report (Inventurbericht, PDF and CSV).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import segno
from django.conf import settings

from core.money import round_money
from core.pdf import data_fingerprint, render_pdf
from core.spreadsheets import write_csv

from .choices import BorrowerKind, DeviceStatus, DueRule
from .models import Delivery, Device, Loan, LoanReturn, Stocktake


def _board_address(board) -> str:
    return ", ".join(p for p in [board.street, f"{board.postal_code} {board.city}".strip()] if p)


def _total(values: Iterable[Decimal | None]) -> Decimal:
    return round_money(sum((v for v in values if v is not None), Decimal("0")))


def device_url(device: Device) -> str:
    return settings.PAKTWERK["BASE_URL"].rstrip("/") + device.get_absolute_url()


def qr_data_uri(url: str) -> str:
    """A QR code as an inline SVG data URI (no file, no network)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=1)


# --- loan contract -----------------------------------------------------------------------------


def loan_contract_context(loan: Loan) -> dict:
    board = loan.school_board
    items = list(loan.items.all())
    devices = [
        {
            "inventory_number": i.device.inventory_number,
            "serial_number": i.device.serial_number,
            "category": i.device.get_category_display(),
            "model": str(i.device.model) if i.device.model_id else "",
            "value": i.value,
            "accessories": [str(a) for a in i.accessories.all()],
        }
        for i in items
    ]
    data = {
        "contract_number": loan.contract_number,
        "board": board.name,
        "board_address": _board_address(board),
        "school": loan.school.name,
        "is_pupil": loan.borrower_kind == BorrowerKind.PUPIL,
        "is_minor": loan.needs_guardian,
        "borrower_name": loan.borrower_name,
        "school_class": loan.school_class,
        "guardian_name": loan.guardian_name,
        "guardian_contact": loan.guardian_contact,
        "staff_reference": loan.staff_reference,
        "school_year": loan.school_year,
        "start_date": loan.start_date,
        "due_date": loan.due_date,
        "due_is_last_school_day": loan.due_rule == DueRule.LAST_SCHOOL_DAY,
        "devices": devices,
        "device_count": len(devices),
        "total_value": _total(d["value"] for d in devices),
        "condition": loan.get_condition_at_handover_display(),
        "existing_damage": loan.existing_damage,
        "anonymised": loan.anonymised_at is not None,
    }
    data["fingerprint"] = data_fingerprint(data)
    return data


def loan_contract_pdf(loan: Loan) -> bytes:
    ctx = loan_contract_context(loan)
    return render_pdf(
        "devices/pdf/loan_contract.html", {"c": ctx}, title=f"Leihvertrag {ctx['contract_number']}"
    )


# --- handover protocol -------------------------------------------------------------------------


def handover_context(delivery: Delivery) -> dict:
    devices = list(delivery.devices.all())
    data = {
        "number": delivery.pk,
        "board": delivery.school_board.name,
        "board_address": _board_address(delivery.school_board),
        "school": delivery.school.name,
        "school_number": delivery.school.school_number,
        "delivered_on": delivery.delivered_on,
        "model": str(delivery.model) if delivery.model_id else "",
        "supplier": delivery.supplier,
        "invoice_reference": delivery.invoice_reference,
        "pool": delivery.pool,
        "received_by": delivery.received_by,
        "handed_over_by": (
            delivery.handed_over_by.get_full_name() or delivery.handed_over_by.get_username()
        )
        if delivery.handed_over_by_id
        else "",
        "devices": [
            {
                "inventory_number": d.inventory_number,
                "serial_number": d.serial_number,
                "model": d.description,
                "room": d.room.name if d.room_id else "",
                "price_gross": d.price_gross,
            }
            for d in devices
        ],
        "device_count": len(devices),
        "total_gross": _total(d.price_gross for d in devices),
    }
    data["fingerprint"] = data_fingerprint(data)
    return data


def handover_pdf(delivery: Delivery) -> bytes:
    ctx = handover_context(delivery)
    return render_pdf(
        "devices/pdf/handover.html",
        {"h": ctx},
        title=f"Übergabeprotokoll Lieferung {ctx['number']} – {ctx['school']}",
    )


# --- return protocol ---------------------------------------------------------------------------


def return_protocol_context(loan_return: LoanReturn) -> dict:
    loan = loan_return.loan
    items = [i for i in loan.items.all() if i.returned_on == loan_return.returned_on]
    data = {
        "number": loan_return.pk,
        "contract_number": loan.contract_number,
        "board": loan.school_board.name,
        "school": loan.school.name,
        "borrower_name": loan.borrower_name,
        "school_class": loan.school_class,
        "returned_on": loan_return.returned_on,
        "received_by": (
            loan_return.received_by.get_full_name() or loan_return.received_by.get_username()
        )
        if loan_return.received_by_id
        else "",
        "accessories_complete": loan_return.accessories_complete,
        "items": [
            {
                "inventory_number": i.device.inventory_number,
                "serial_number": i.device.serial_number,
                "model": i.device.description,
                "condition": i.get_return_condition_display(),
                "handed": [str(a) for a in i.accessories.all()],
                "missing": [str(a) for a in i.missing_accessories.all()],
                "damage_notes": i.damage_notes,
            }
            for i in items
        ],
        "defects": [
            {"number": r.pk, "kind": r.get_kind_display(), "device": r.device.inventory_number}
            for r in loan_return.defect_reports.all()
        ],
        "notes": loan_return.notes,
    }
    data["fingerprint"] = data_fingerprint(data)
    return data


def return_protocol_pdf(loan_return: LoanReturn) -> bytes:
    ctx = return_protocol_context(loan_return)
    return render_pdf(
        "devices/pdf/return_protocol.html",
        {"r": ctx},
        title=f"Rückgabeprotokoll {ctx['contract_number']}",
    )


# --- label sheet --------------------------------------------------------------------------------

LABELS_PER_PAGE = 24


def label_sheet_context(devices: Iterable[Device]) -> dict:
    labels = label_sheet_rows(devices)
    return {"labels": labels, "count": len(labels)}


def label_sheet_rows(devices: Iterable[Device]) -> list[dict]:
    return [
        {
            "inventory_number": d.inventory_number,
            "serial_number": d.serial_number,
            "school": d.school.name,
            "board": d.school_board.name,
            "model": d.description,
            "url": device_url(d),
            "qr": qr_data_uri(device_url(d)),
        }
        for d in devices
    ]


def label_sheet_pdf(devices: Iterable[Device]) -> bytes:
    return label_sheet_pdf_from_context(label_sheet_context(devices))


def label_sheet_pdf_from_context(ctx: dict) -> bytes:
    return render_pdf(
        "devices/pdf/labels.html", {"s": ctx}, title=f"Geräteetiketten ({ctx['count']})"
    )


# --- stocktake ----------------------------------------------------------------------------------

NOT_EXPECTED_ON_SITE = (
    DeviceStatus.ORDERED,
    DeviceStatus.RETIRED,
    DeviceStatus.LOST,
    DeviceStatus.STOLEN,
    DeviceStatus.ON_LOAN,
    DeviceStatus.IN_REPAIR,
)


def _row(device: Device | None, code: str = "", found_room: str = "") -> dict:
    if device is None:
        return {
            "id": None,
            "inventory_number": "",
            "serial_number": "",
            "model": "",
            "status": "",
            "school": "",
            "room": "",
            "found_room": found_room,
            "code": code,
        }
    return {
        "id": device.pk,
        "inventory_number": device.inventory_number,
        "serial_number": device.serial_number,
        "model": device.description,
        "status": device.get_status_display(),
        "school": device.school.name,
        "room": device.room.name if device.room_id else "",
        "found_room": found_room,
        "code": code,
    }


def stocktake_discrepancies(stocktake: Stocktake) -> dict:
    """Expected devices (school or room, on site) compared with what was scanned."""
    expected_qs = Device.objects.filter(
        school_board_id=stocktake.school_board_id, school_id=stocktake.school_id
    )
    if stocktake.room_id:
        expected_qs = expected_qs.filter(room_id=stocktake.room_id)
    expected = {
        d.pk: d
        for d in expected_qs.exclude(status__in=NOT_EXPECTED_ON_SITE).select_related(
            "school", "room", "model"
        )
    }
    away = list(
        expected_qs.filter(status__in=(DeviceStatus.ON_LOAN, DeviceStatus.IN_REPAIR))
        .select_related("school", "room", "model")
        .order_by("inventory_number")
    )
    entries = list(
        stocktake.entries.select_related(
            "device", "device__school", "device__room", "device__model", "room"
        ).order_by("id")
    )
    found_ids = set()
    unexpected, wrong_room, unknown, confirmed = [], [], [], 0
    for entry in entries:
        device = entry.device
        found_room = entry.room.name if entry.room_id else ""
        if device is None:
            unknown.append(_row(None, entry.code, found_room))
            continue
        found_ids.add(device.pk)
        if device.pk not in expected:
            unexpected.append(_row(device, entry.code, found_room))
        elif entry.room_id and device.room_id != entry.room_id:
            wrong_room.append(_row(device, entry.code, found_room))
        else:
            confirmed += 1
    missing = [
        _row(d)
        for pk, d in sorted(expected.items(), key=lambda kv: kv[1].inventory_number)
        if pk not in found_ids
    ]
    counts = {
        "expected": len(expected),
        "scanned": len(entries),
        "confirmed": confirmed,
        "missing": len(missing),
        "unexpected": len(unexpected) + len(unknown),
        "wrong_room": len(wrong_room),
        "away": len(away),
    }
    return {
        "missing": missing,
        "unexpected": unexpected,
        "unknown": unknown,
        "wrong_room": wrong_room,
        "away": [_row(d) for d in away],
        "counts": counts,
    }


def stocktake_report_context(stocktake: Stocktake) -> dict:
    data = stocktake_discrepancies(stocktake)
    data.update(
        {
            "number": stocktake.pk,
            "board": stocktake.school_board.name,
            "school": stocktake.school.name,
            "room": stocktake.room.name if stocktake.room_id else "",
            "started_on": stocktake.started_on,
            "closed_on": stocktake.closed_on,
            "status": stocktake.get_status_display(),
        }
    )
    data["fingerprint"] = data_fingerprint(data)
    return data


def stocktake_report_pdf(stocktake: Stocktake) -> bytes:
    ctx = stocktake_report_context(stocktake)
    return render_pdf(
        "devices/pdf/stocktake.html",
        {"s": ctx},
        title=f"Inventurbericht {ctx['number']} – {ctx['school']}",
    )


STOCKTAKE_CSV_HEADERS = [
    "Befund",
    "Inventarnummer",
    "Seriennummer",
    "Modell",
    "Status",
    "Schule",
    "Raum laut Bestand",
    "gefunden in Raum",
    "erfasster Code",
]


def stocktake_report_csv(stocktake: Stocktake) -> bytes:
    data = stocktake_discrepancies(stocktake)
    rows = []
    for key, label in (
        ("missing", "fehlt"),
        ("unexpected", "unerwartet"),
        ("unknown", "unbekannter Code"),
        ("wrong_room", "falscher Raum"),
        ("away", "verliehen / in Reparatur"),
    ):
        for r in data[key]:
            rows.append(
                [
                    label,
                    r["inventory_number"],
                    r["serial_number"],
                    r["model"],
                    r["status"],
                    r["school"],
                    r["room"],
                    r["found_room"],
                    r["code"],
                ]
            )
    return write_csv(STOCKTAKE_CSV_HEADERS, rows)
