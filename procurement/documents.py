"""Documents of procurement: the joint order (Sammelbestellung) as PDF and CSV."""

from __future__ import annotations

from decimal import Decimal

from core.money import ZERO
from core.pdf import render_pdf
from core.spreadsheets import write_csv

from . import rules
from .models import CallOffLine, JointOrder


def joint_order_context(joint_order: JointOrder) -> dict:
    """Plain data: one row per board, school and item; totals by the one amounts function."""
    lines = (
        CallOffLine.objects.filter(call_off__joint_order=joint_order)
        .select_related("call_off__school_board", "call_off__school", "item")
        .order_by("call_off__school_board__name", "call_off__school__name", "id")
    )
    rows, net, gross = [], ZERO, ZERO
    for line in lines:
        amounts = rules.line_amounts(line.quantity, line.unit_price_net, line.vat_rate)
        net += amounts.net
        gross += amounts.gross
        rows.append(
            {
                "board": line.call_off.school_board.name,
                "school": line.call_off.school.name,
                "school_number": line.call_off.school.school_number,
                "call_off": line.call_off.number,
                "item_number": line.item.item_number if line.item_id else "",
                "description": line.description,
                "quantity": line.quantity,
                "unit_price_net": line.unit_price_net,
                "vat_rate": line.vat_rate,
                "net": amounts.net,
                "gross": amounts.gross,
            }
        )
    contract = joint_order.contract
    return {
        "order": joint_order,
        "number": joint_order.number,
        "supplier": contract.supplier.name,
        "contract": f"{contract.number} {contract.title}",
        "lot": str(joint_order.lot) if joint_order.lot_id else "",
        "rows": rows,
        "total_net": net,
        "total_gross": gross,
        "boards": len({r["board"] for r in rows}),
    }


def joint_order_pdf(joint_order: JointOrder) -> bytes:
    ctx = joint_order_context(joint_order)
    return render_pdf(
        "procurement/pdf/joint_order.html", ctx, title=f"Sammelbestellung {joint_order.number}"
    )


CSV_HEADERS = (
    "Schulträger",
    "Schule",
    "Schulnummer",
    "Abruf",
    "Artikelnummer",
    "Bezeichnung",
    "Menge",
    "Einzelpreis netto",
    "USt-Satz",
    "Summe netto",
)


def _de(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def joint_order_csv(joint_order: JointOrder) -> bytes:
    ctx = joint_order_context(joint_order)
    rows = [
        (
            r["board"],
            r["school"],
            r["school_number"],
            r["call_off"],
            r["item_number"],
            r["description"],
            r["quantity"],
            _de(r["unit_price_net"]),
            _de(r["vat_rate"]),
            _de(r["net"]),
        )
        for r in ctx["rows"]
    ]
    return write_csv(CSV_HEADERS, rows)
