"""Reads of procurement: the board's overview per approved line, what is still open."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from core.money import ZERO
from funding.choices import PayoutStatus
from funding.models import CostLine, Invoice

from . import rules
from .models import CallOff, CallOffLine, FrameworkContract, SupplierInvoiceLine
from .workflow import CALL_OFF


@dataclass
class LineOverview:
    """One approved position: approved, ordered, delivered, invoiced, paid (gross)."""

    cost_line: CostLine
    approved: Decimal = ZERO
    ordered: Decimal = ZERO
    delivered: Decimal = ZERO
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    ordered_quantity: int = 0
    delivered_quantity: int = 0

    @property
    def open_quantity(self) -> int:
        return self.ordered_quantity - self.delivered_quantity


def board_overview(board_id: int) -> list[LineOverview]:
    """Per approved position of the board: the money from plan to payment.

    Four queries whatever the number of positions and order lines (query-count test).
    """
    lines = (
        CostLine.objects.filter(school_board_id=board_id, approved_amount__isnull=False)
        .select_related("application", "school")
        .order_by("application__number", "position", "id")
    )
    rows = {ln.pk: LineOverview(cost_line=ln, approved=ln.approved_amount) for ln in lines}
    if not rows:
        return []
    order_lines = CallOffLine.objects.filter(
        school_board_id=board_id,
        call_off__cost_line_id__in=list(rows),
        call_off__status__in=CALL_OFF.guards["counts"],
    ).values_list(
        "call_off__cost_line_id", "quantity", "delivered_quantity", "unit_price_net", "vat_rate"
    )
    for cost_line_id, quantity, delivered, price, vat in order_lines:
        row = rows[cost_line_id]
        row.ordered += rules.line_amounts(quantity, price, vat).gross
        row.delivered += rules.line_amounts(delivered, price, vat).gross if delivered else ZERO
        row.ordered_quantity += quantity
        row.delivered_quantity += delivered
    invoiced = SupplierInvoiceLine.objects.filter(
        school_board_id=board_id, order_line__call_off__cost_line_id__in=list(rows)
    ).values_list("order_line__call_off__cost_line_id", "quantity", "unit_price_net", "vat_rate")
    for cost_line_id, quantity, price, vat in invoiced:
        rows[cost_line_id].invoiced += rules.line_amounts(quantity, price, vat).gross
    paid = Invoice.objects.filter(school_board_id=board_id, cost_line_id__in=list(rows)).filter(
        Q(payout__status=PayoutStatus.PAID) | Q(paid_on__isnull=False)
    )
    for cost_line_id, amount in paid.values_list("cost_line_id", "amount"):
        rows[cost_line_id].paid += amount
    return list(rows.values())


def open_per_board(cooperative_id: int, board_ids) -> dict[int, dict]:
    """For the cooperative: per member board, call-offs and pieces still open (not delivered)."""
    result: dict[int, dict] = defaultdict(lambda: {"call_offs": 0, "pieces": 0, "board": ""})
    lines = CallOffLine.objects.filter(
        call_off__cooperative_id=cooperative_id,
        school_board_id__in=list(board_ids),
        call_off__status__in=CALL_OFF.guards["counts"] - {"delivered", "closed"},
    ).values_list(
        "school_board_id", "school_board__name", "call_off_id", "quantity", "delivered_quantity"
    )
    seen = set()
    for board_id, name, call_off_id, quantity, delivered in lines:
        row = result[board_id]
        row["board"] = name
        row["pieces"] += quantity - delivered
        if call_off_id not in seen:
            seen.add(call_off_id)
            row["call_offs"] += 1
    return dict(result)


def readable_cooperative_ids(access) -> set[int]:
    """Cooperatives whose contracts a user may read: as staff, or through a member board."""
    from schools.models import CooperativeMember

    boards = access.board_ids
    member_of = (
        set(
            CooperativeMember.objects.filter(
                school_board_id__in=list(boards), left_on__isnull=True
            ).values_list("cooperative_id", flat=True)
        )
        if boards
        else set()
    )
    return set(access.cooperative_ids) | member_of


def contracts_for(access):
    return FrameworkContract.objects.for_list().filter(
        cooperative_id__in=readable_cooperative_ids(access)
    )


def call_offs_of_joint_order(access, joint_order):
    return access.restrict(CallOff.objects.for_list()).filter(joint_order=joint_order)
