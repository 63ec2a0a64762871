"""Points 3–6: bundling, delivery notes, the three-way match, payouts, the overview."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.pdf import pdf_text
from devices.models import Device
from funding.models import Invoice, PayoutRequest
from procurement import documents, selectors, services
from procurement.deliveries import DeliveryRow, read_rows
from procurement.models import CallOff, DeliveryNote, JointOrder, SupplierInvoice
from tests.factories import SchoolBoardFactory, SchoolFactory
from tests.procurement.factories import approved_line, call_off
from tests.querycount import assert_constant_queries
from tests.scoping import acting

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def _member(world, name):
    from schools.models import CooperativeMember

    board = SchoolBoardFactory(land=world.land, name=name)
    school = SchoolFactory(school_board=board)
    CooperativeMember.objects.create(
        cooperative=world.cooperative, school_board=board, joined_on=dt.date(2020, 1, 1)
    )
    return board, school


def _bundle(world, as_coop):
    staff = world.user("cooperative_staff")
    with as_coop(staff) as access:
        return services.bundle(actor=staff, access=access, cooperative=world.cooperative, on=DAY)


def test_bundling_many_boards_into_one_order_per_supplier_and_lot(world, k, as_coop):
    a = call_off(world.board, world.school, k, status="submitted")
    b_board, b_school = _member(world, "Stadt Gamma")
    b = call_off(b_board, b_school, k, status="submitted", quantity=5)
    draft = call_off(world.board, world.school, k)  # not submitted: stays
    foreign = call_off(world.other_board, world.other_school, k, status="submitted")
    orders = _bundle(world, as_coop)
    assert len(orders) == 1
    order = orders[0]
    assert set(order.call_offs.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert CallOff.objects.get(pk=draft.pk).status == "draft"
    assert CallOff.objects.get(pk=foreign.pk).status == "submitted"  # not a member
    assert order.number == "SB-2026-0001" and order.lot == k.lot
    ctx = documents.joint_order_context(order)
    assert ctx["boards"] == 2 and ctx["total_net"] == Decimal("6000.00")
    text = pdf_text(documents.joint_order_pdf(order))
    assert "SB-2026-0001" in text and "6.000,00" in text and "Stadt Gamma" in text
    csv = documents.joint_order_csv(order).decode("utf-8-sig")
    assert "IPAD-10" in csv and "400,00" in csv
    open_rows = selectors.open_per_board(world.cooperative.pk, [world.board.pk, b_board.pk])
    assert open_rows[b_board.pk]["pieces"] == 5


def test_nothing_to_bundle(world, k, as_coop):
    with pytest.raises(ValidationError, match="no submitted"):
        _bundle(world, as_coop)


def test_send_and_confirm_the_joint_order(world, k, as_coop):
    a = call_off(world.board, world.school, k, status="submitted")
    order = _bundle(world, as_coop)[0]
    staff = world.user("cooperative_staff")
    with as_coop(staff) as access:
        services.joint_order_send(actor=staff, access=access, joint_order=order, sent_on=DAY)
        with pytest.raises(ValidationError):
            services.joint_order_confirm(
                actor=staff,
                access=access,
                joint_order=order,
                reference="AB-1",
                confirmed_on=DAY,
                expected_on=DAY - dt.timedelta(days=1),
            )
        services.joint_order_confirm(
            actor=staff,
            access=access,
            joint_order=order,
            reference="AB-77",
            confirmed_on=DAY,
            expected_on=DAY + dt.timedelta(days=14),
        )
    assert CallOff.objects.get(pk=a.pk).status == "ordered"
    order = JointOrder.objects.get(pk=order.pk)
    assert order.status == "confirmed" and order.expected_on == dt.date(2026, 3, 24)


def _ordered(world, k, *, quantity=3, line=None):
    return call_off(
        world.board, world.school, k, status="ordered", quantity=quantity, cost_line=line
    )


def _deliver(world, c, rows, number="LS-1"):
    user = world.user("board_admin")
    with acting(user) as access:
        return services.delivery_note_record(
            actor=user, access=access, call_off=c, number=number, delivered_on=DAY, rows=rows
        )


def _rows(*serials, item="IPAD-10", school=""):
    return [
        DeliveryRow(
            row=i + 2,
            item_number=item,
            serial=s,
            mac=f"00:11:22:33:44:{i:02d}",
            mdm_id=f"MDM-{s}",
            school_number=school,
        )
        for i, s in enumerate(serials)
    ]


def test_delivery_creates_devices_in_stock_linked_to_order_and_cost_line(world, k):
    line = approved_line(world.board, world.school)
    c = _ordered(world, k, line=line)
    note = _deliver(world, c, _rows("SN1", "SN2"))
    devices = Device.objects.filter(serial_number__in=["SN1", "SN2"]).order_by("serial_number")
    assert [d.status for d in devices] == ["in_stock", "in_stock"]
    first = devices[0]
    assert first.school == world.school and first.cost_line == line
    assert first.mdm_id == "MDM-SN1" and "00:11:22:33:44:00" in first.notes
    assert first.price_net == Decimal("400.00") and first.price_gross == Decimal("476.00")
    assert first.delivery.procurement_line.note == note
    assert first.delivery.procurement_line.order_line == c.lines.get()
    c.refresh_from_db()
    assert c.status == "partly_delivered" and c.lines.get().open_quantity == 1  # back-order
    _deliver(world, c, _rows("SN3"), number="LS-2")
    assert CallOff.objects.get(pk=c.pk).status == "delivered"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (_rows("SN1", "SN2", "SN3", "SN4"), "surplus items are refused"),
        (_rows("SN9", item="PEN-1"), "Row 2: the item PEN-1 was not ordered"),
        (_rows("SN9", "SN9"), "Row 3: the serial number SN9 is already in row 2"),
    ],
)
def test_refused_delivery_rows_write_nothing(world, k, rows, message):
    c = _ordered(world, k)
    with pytest.raises(ValidationError) as err:
        _deliver(world, c, rows)
    assert any(message in m for m in err.value.message_dict["rows"]), err.value.message_dict
    assert not DeliveryNote.objects.exists() and not Device.objects.exists()


def test_serial_already_in_the_inventory_is_refused(world, k):
    from tests.devices.factories import DeviceFactory

    DeviceFactory(school=world.school, serial_number="SN1")
    c = _ordered(world, k)
    with pytest.raises(ValidationError, match="SN1 is already in the inventory"):
        _deliver(world, c, _rows("SN1"))


def test_another_boards_school_is_refused(world, k):
    c = _ordered(world, k)
    with pytest.raises(ValidationError, match="belongs to another Schulträger"):
        _deliver(world, c, _rows("SN1", school=world.other_school.school_number))


def test_delivery_note_file(world, k):
    data = (
        b"Artikelnummer;Seriennummer;MAC-Adresse;MDM-ID\n"
        b"IPAD-10;F9X1;00:aa:bb:cc:dd:ee;mdm-1\nIPAD-10;F9X2;;mdm-2\n"
    )
    rows, errors = read_rows("ls.csv", data)
    assert not errors
    assert [(r.row, r.serial, r.mdm_id) for r in rows] == [
        (2, "F9X1", "mdm-1"),
        (3, "F9X2", "mdm-2"),
    ]
    rows, errors = read_rows("ls.csv", b"Artikelnummer;MAC\nx;y\n")
    assert errors == ["The column “Seriennummer” is missing."]


def _invoice(world, k, c, *, quantity, price, vat=Decimal("19"), board=None):
    user = world.user("board_admin")
    order_line = c.lines.get()
    with acting(user) as access:
        return services.invoice_record(
            actor=user,
            access=access,
            board=board or world.board,
            supplier=k.supplier,
            number="RE-1",
            date=DAY,
            lines=[
                {
                    "order_line": order_line,
                    "quantity": quantity,
                    "unit_price_net": price,
                    "vat_rate": vat,
                }
            ],
        )


def test_three_way_match_and_payout(world, k):
    line = approved_line(world.board, world.school)
    c = _ordered(world, k, line=line)
    _deliver(world, c, _rows("SN1", "SN2", "SN3"))
    invoice = _invoice(world, k, c, quantity=3, price=Decimal("400.00"))
    assert invoice.status == "matched" and invoice.differences == []
    user = world.user("board_admin")
    with acting(user) as access:
        payouts = services.payout_from_invoices(actor=user, access=access, invoices=[invoice])
    assert len(payouts) == 1
    receipt = Invoice.objects.get(cost_line=line)
    assert receipt.amount == Decimal("1428.00") and receipt.payout == payouts[0]
    assert SupplierInvoice.objects.get(pk=invoice.pk).status == "booked"
    assert PayoutRequest.objects.get(pk=payouts[0].pk).invoiced_amount == Decimal("1428.00")


@pytest.mark.parametrize(
    ("quantity", "price", "vat", "kinds"),
    [
        (3, Decimal("400.00"), Decimal("19"), []),
        (4, Decimal("400.00"), Decimal("19"), ["quantity"]),
        (3, Decimal("400.01"), Decimal("19"), ["price"]),
        (3, Decimal("399.99"), Decimal("19"), ["price"]),
        (3, Decimal("400.00"), Decimal("7"), ["vat"]),
    ],
)
def test_differences_are_listed(world, k, quantity, price, vat, kinds):
    c = _ordered(world, k, quantity=4)
    _deliver(world, c, _rows("SN1", "SN2", "SN3"))
    invoice = _invoice(world, k, c, quantity=quantity, price=price, vat=vat)
    assert [d["kind"] for d in invoice.differences] == kinds
    assert invoice.status == ("open" if kinds else "matched")


def test_differences_are_accepted_with_a_reason_before_payout(world, k):
    line = approved_line(world.board, world.school)
    c = _ordered(world, k, line=line)
    _deliver(world, c, _rows("SN1", "SN2", "SN3"))
    invoice = _invoice(world, k, c, quantity=3, price=Decimal("410.00"))
    user = world.user("board_admin")
    with acting(user) as access:
        with pytest.raises(ValidationError):
            services.payout_from_invoices(actor=user, access=access, invoices=[invoice])
        with pytest.raises(ValidationError):
            services.invoice_accept(actor=user, access=access, invoice=invoice, reason="")
        invoice = services.invoice_accept(
            actor=user, access=access, invoice=invoice, reason="Preisgleitklausel"
        )
        assert invoice.status == "accepted"
        services.payout_from_invoices(actor=user, access=access, invoices=[invoice])
    assert Invoice.objects.get(cost_line=line).amount == Decimal("1463.70")


def test_invoice_referring_to_another_boards_order_is_refused(world, k):
    foreign = call_off(world.other_board, world.other_school, k, status="ordered")
    with pytest.raises(ValidationError, match="another Schulträger"):
        _invoice(world, k, foreign, quantity=1, price=Decimal("400.00"))
    assert not SupplierInvoice.objects.exists()


def test_overview_per_approved_line_with_constant_queries(world, k):
    line = approved_line(world.board, world.school)
    c = _ordered(world, k, line=line)
    _deliver(world, c, _rows("SN1", "SN2"))
    _invoice(world, k, c, quantity=2, price=Decimal("400.00"))
    [row] = selectors.board_overview(world.board.pk)
    assert row.approved == Decimal("4760.00")
    assert row.ordered == Decimal("1428.00")
    assert row.delivered == Decimal("952.00")
    assert row.invoiced == Decimal("952.00")
    assert row.paid == Decimal("0.00") and row.open_quantity == 1

    def fetch():
        return selectors.board_overview(world.board.pk)

    def add_rows(n):
        for _ in range(n):
            extra = approved_line(world.board, world.school)
            call_off(world.board, world.school, k, status="ordered", cost_line=extra, quantity=2)

    assert_constant_queries(fetch, add_rows)
