"""Procurement rows in the isolation matrix. The cooperative's staff read the rows of
its member board (world.board, "own") and never another board's (world.other_board)."""

from decimal import Decimal

from django.urls import reverse

from procurement.models import (
    DeliveryNote,
    DeliveryNoteLine,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from tests.isolation import READERS_DEFAULT, IsolationCase
from tests.procurement.factories import ORDER_DAY, call_off, kitu

READERS = READERS_DEFAULT + ("school_staff", "cooperative_staff")
#: invoices belong to the whole board: school staff do not read them
BOARD_READERS = READERS_DEFAULT + ("cooperative_staff",)


def _side(world, side):
    if side == "own":
        return world.board, world.school
    return world.other_board, world.other_school


def _kitu(world):
    from procurement.models import FrameworkContract

    contract = FrameworkContract.objects.filter(cooperative=world.cooperative).first()
    if contract is None:
        return kitu(world)
    from tests.procurement.factories import Kitu

    items = {i.item_number: i for i in contract.items.all()}
    return Kitu(
        contract.supplier,
        contract,
        contract.lots.first(),
        items["IPAD-10"],
        items["PEN-1"],
        contract.price_lists.first(),
    )


def make_call_off(world, side, marker):
    board, school = _side(world, side)
    return call_off(board, school, _kitu(world), status="ordered", number=f"AB-{marker}")


def make_call_off_line(world, side, marker):
    c = make_call_off(world, side, marker)
    line = c.lines.get()
    line.description = f"Artikel {marker}"
    line.save()
    return line


def make_note(world, side, marker):
    c = make_call_off(world, side, f"N{marker}")
    return DeliveryNote.objects.create(
        school_board=c.school_board, call_off=c, number=f"LS-{marker}", delivered_on=ORDER_DAY
    )


def make_note_line(world, side, marker):
    note = make_note(world, side, marker)
    order_line = note.call_off.lines.get()
    order_line.description = f"Artikel {marker}"
    order_line.save()
    return DeliveryNoteLine.objects.create(
        school_board=note.school_board, note=note, order_line=order_line, quantity=1
    )


def make_invoice(world, side, marker):
    board, _school = _side(world, side)
    return SupplierInvoice.objects.create(
        school_board=board, supplier=_kitu(world).supplier, number=f"RE-{marker}", date=ORDER_DAY
    )


def make_invoice_line(world, side, marker):
    invoice = make_invoice(world, side, f"L{marker}")
    order_line = make_call_off_line(world, side, marker)
    return SupplierInvoiceLine.objects.create(
        school_board=invoice.school_board,
        invoice=invoice,
        order_line=order_line,
        quantity=1,
        unit_price_net=Decimal("400.00"),
        vat_rate=Decimal("19"),
    )


CASES = [
    IsolationCase(
        name="procurement.CallOff",
        make=make_call_off,
        list_url=lambda o: reverse("procurement:call-off-list"),
        detail_url=lambda o: reverse("procurement:call-off-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("procurement-calloff-list"),
        api_detail_url=lambda o: reverse("procurement-calloff-detail", args=[o.pk]),
        readers=READERS,
    ),
    IsolationCase(
        name="procurement.CallOffLine",
        make=make_call_off_line,
        detail_url=lambda o: reverse("procurement:call-off-detail", args=[o.call_off_id]),
        api_detail_url=lambda o: reverse("procurement-calloff-detail", args=[o.call_off_id]),
        readers=READERS,
    ),
    IsolationCase(
        name="procurement.DeliveryNote",
        make=make_note,
        detail_url=lambda o: reverse("procurement:delivery-note-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("procurement-deliverynote-list"),
        api_detail_url=lambda o: reverse("procurement-deliverynote-detail", args=[o.pk]),
        readers=READERS,
    ),
    IsolationCase(
        name="procurement.DeliveryNoteLine",
        make=make_note_line,
        detail_url=lambda o: reverse("procurement:delivery-note-detail", args=[o.note_id]),
        readers=READERS,
    ),
    IsolationCase(
        name="procurement.SupplierInvoice",
        make=make_invoice,
        list_url=lambda o: reverse("procurement:invoice-list"),
        detail_url=lambda o: reverse("procurement:invoice-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("procurement-invoice-list"),
        api_detail_url=lambda o: reverse("procurement-invoice-detail", args=[o.pk]),
        readers=BOARD_READERS,
    ),
    IsolationCase(
        name="procurement.SupplierInvoiceLine",
        make=make_invoice_line,
        detail_url=lambda o: reverse("procurement:invoice-detail", args=[o.invoice_id]),
        api_detail_url=lambda o: reverse("procurement-invoice-detail", args=[o.invoice_id]),
        readers=BOARD_READERS,
    ),
]
