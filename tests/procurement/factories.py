"""Procurement test data: KITU's contract with a price list, an approved position to order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from funding.models import CostLine, Decision
from procurement.models import (
    CallOff,
    CallOffLine,
    ContractItem,
    FrameworkContract,
    ItemPrice,
    Lot,
    PriceList,
    Supplier,
)
from tests.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    CostLineFactory,
    ProgrammeFactory,
    RuleSetFactory,
)

ORDER_DAY = dt.date(2026, 3, 2)


@dataclass
class Kitu:
    supplier: Supplier
    contract: FrameworkContract
    lot: Lot
    ipad: ContractItem
    pen: ContractItem
    prices: PriceList


def kitu(world) -> Kitu:
    """A framework contract of the world's cooperative: iPads and pens, one price list."""
    coop = world.cooperative
    supplier = Supplier.objects.create(cooperative=coop, name="Bechtle GmbH")
    contract = FrameworkContract.objects.create(
        cooperative=coop,
        supplier=supplier,
        number="KITU-RV-2024-01",
        title="Tablets und Zubehör",
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    lot = Lot.objects.create(contract=contract, number="1", title="Tablets")
    ipad = ContractItem.objects.create(
        contract=contract,
        lot=lot,
        item_number="IPAD-10",
        name="iPad 10,9 Zoll 64 GB",
        category="mobile",
        device_category="tablet",
    )
    pen = ContractItem.objects.create(
        contract=contract,
        lot=lot,
        item_number="PEN-1",
        name="Eingabestift",
        category="mobile",
        device_category="other",
    )
    prices = PriceList.objects.create(contract=contract, number=1, valid_from=dt.date(2024, 1, 1))
    ItemPrice.objects.create(
        price_list=prices,
        item=ipad,
        price_net=Decimal("400.00"),
        vat_rate=Decimal("19"),
        delivery_days=14,
        min_quantity=1,
    )
    ItemPrice.objects.create(
        price_list=prices,
        item=pen,
        price_net=Decimal("80.00"),
        vat_rate=Decimal("19"),
        delivery_days=7,
        min_quantity=10,
    )
    return Kitu(supplier, contract, lot, ipad, pen, prices)


def approved_line(
    board, school, *, quantity=Decimal("10"), price=Decimal("400.00"), programme=None
) -> CostLine:
    """An approved position (gross approved = quantity × price × 1.19)."""
    programme = programme or ProgrammeFactory(land=board.land)
    ruleset = RuleSetFactory(programme=programme)
    app = ApplicationFactory(
        school_board=board, programme=programme, ruleset=ruleset, status="approved"
    )
    line = CostLineFactory(
        application=app,
        school=school,
        category="mobile",
        description="Tablets",
        quantity=quantity,
        unit_price_net=price,
        procurement_route="framework",
    )
    line.approved_amount = (quantity * price * Decimal("1.19")).quantize(Decimal("0.01"))
    line.save()
    Decision.objects.create(
        application=app,
        school_board=board,
        kind="full",
        number=f"ZB-{app.number}",
        date=dt.date(2026, 2, 1),
        approved_amount=(line.approved_amount * Decimal("0.9")).quantize(Decimal("0.01")),
        eligible_amount=line.approved_amount,
        rate=Decimal("0.9"),
        decided_by=UserFactory(),
    )
    return line


def call_off(
    board, school, k: Kitu, *, cost_line=None, quantity=10, status="draft", number=None
) -> CallOff:
    """A call-off row built directly (setup), in the given status."""
    n = CallOff.objects.filter(school_board=board).count() + 1
    c = CallOff.objects.create(
        school_board=board,
        cooperative=k.contract.cooperative,
        contract=k.contract,
        school=school,
        cost_line=cost_line,
        order_date=ORDER_DAY,
        number=number or f"AB-2026-{n:04d}",
        status=status,
    )
    CallOffLine.objects.create(
        school_board=board,
        call_off=c,
        item=k.ipad,
        description=k.ipad.name,
        quantity=quantity,
        unit_price_net=Decimal("400.00"),
        vat_rate=Decimal("19"),
    )
    return c
