"""Benchmark: joint procurement — bundling, a delivery note of 3,000 devices, the overview.

Figures of issue 13, each against a baseline in the same run:
- bundling 50 boards × 40 lines into supplier orders (target < 1 s; baseline: one UPDATE
  of the same call-offs);
- a delivery note of 3,000 serial numbers (validated, devices, history and status log
  written) within 3× a raw insert of the same 3,000 device rows (bulk_create, no history);
- the board's overview with 2,000 order lines: constant queries, < 100 ms.

Run: DATABASE_URL=sqlite:////tmp/bench_procurement.sqlite3 .venv/bin/python bench/procurement.py
(the script migrates that database itself; it refuses to run on a database with data).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_procurement.sqlite3")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

BOARDS, LINES, SERIALS, OVERVIEW_LINES = 50, 40, 3000, 2000
DAY = dt.date(2026, 3, 2)


def world():
    from funding.models import Application, CostLine, Programme, RuleSet
    from procurement.models import (
        ContractItem,
        FrameworkContract,
        ItemPrice,
        Lot,
        PriceList,
        Supplier,
    )
    from schools.models import Cooperative, CooperativeMember, Land, Membership, School, SchoolBoard

    land = Land.objects.create(code="ST", name="Sachsen-Anhalt", school_number_pattern=r"^\d{5}$")
    coop = Cooperative.objects.create(name="KITU", land=land)
    User = get_user_model()
    staff = User.objects.create_user("kitu", password="x")
    Membership.objects.create(user=staff, role="cooperative_staff", cooperative=coop)
    admin = User.objects.create_superuser("admin", password="x")
    supplier = Supplier.objects.create(cooperative=coop, name="Bechtle")
    contract = FrameworkContract.objects.create(
        cooperative=coop,
        supplier=supplier,
        number="RV-1",
        title="Tablets",
        valid_from=dt.date(2025, 1, 1),
    )
    lot = Lot.objects.create(contract=contract, number="1", title="Tablets")
    prices = PriceList.objects.create(contract=contract, number=1, valid_from=dt.date(2025, 1, 1))
    items = []
    for n in range(LINES):
        item = ContractItem.objects.create(
            contract=contract,
            lot=lot,
            item_number=f"A-{n:03d}",
            name=f"Artikel {n}",
            category="mobile",
            device_category="tablet",
        )
        ItemPrice.objects.create(
            price_list=prices, item=item, price_net=Decimal("400"), vat_rate=Decimal("19")
        )
        items.append(item)
    boards = []
    for n in range(BOARDS):
        board = SchoolBoard.objects.create(land=land, name=f"Landkreis {n}", kind="landkreis")
        School.objects.create(
            school_board=board,
            land=land,
            school_number=f"{10000 + n}",
            name=f"Schule {n}",
            school_type="gymnasium",
        )
        CooperativeMember.objects.create(
            cooperative=coop, school_board=board, joined_on=dt.date(2020, 1, 1)
        )
        boards.append(board)
    programme = Programme.objects.create(code="dps", name="DigitalPakt", land=land)
    ruleset = RuleSet.objects.create(programme=programme)
    app = Application.objects.create(
        school_board=boards[0],
        programme=programme,
        ruleset=ruleset,
        number="FA-1",
        title="x",
        status="approved",
        planned_start=DAY,
        planned_end=DAY,
    )
    return coop, staff, admin, contract, items, boards, app, CostLine


def call_offs(
    coop, contract, items, boards, *, status, lines, quantity=1, cost_line=None, prefix="AB"
):
    from procurement.models import CallOff, CallOffLine
    from schools.models import School

    made = []
    for board in boards:
        school = School.objects.filter(school_board=board).first()
        c = CallOff.objects.create(
            school_board=board,
            cooperative=coop,
            contract=contract,
            school=school,
            order_date=DAY,
            number=f"{prefix}-{board.pk}-{CallOff.objects.count()}",
            status=status,
            cost_line=cost_line,
        )
        CallOffLine.objects.bulk_create(
            CallOffLine(
                school_board=board,
                call_off=c,
                item=items[i % len(items)],
                description="x",
                quantity=quantity,
                unit_price_net=Decimal("400"),
                vat_rate=Decimal("19"),
            )
            for i in range(lines)
        )
        made.append(c)
    return made


def bench_bundle(coop, staff, contract, items, boards) -> None:
    from core.tenancy import access_for, cooperative_scope
    from procurement import services
    from procurement.models import CallOff

    made = call_offs(coop, contract, items, boards, status="submitted", lines=LINES)
    access = access_for(staff)
    with cooperative_scope(access):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            orders = services.bundle(actor=staff, access=access, cooperative=coop, on=DAY)
        took = time.perf_counter() - t0
    ids = [c.pk for c in made]
    t0 = time.perf_counter()
    with transaction.atomic():
        CallOff.objects.filter(pk__in=ids).update(status="submitted")
    baseline = time.perf_counter() - t0
    print(
        f"bundling {BOARDS} boards x {LINES} lines: {took:.3f} s, {len(q)} queries, "
        f"{len(orders)} joint order(s) (baseline UPDATE of the same rows {baseline:.3f} s)"
    )


def bench_delivery(coop, admin, contract, items, boards) -> None:
    from core.tenancy import access_for, cooperative_scope
    from devices.models import Device
    from procurement import services
    from procurement.deliveries import DeliveryRow
    from schools.models import School

    board = boards[1]
    [c] = call_offs(
        coop, contract, items[:1], [board], status="ordered", lines=1, quantity=SERIALS, prefix="LS"
    )
    rows = [
        DeliveryRow(
            row=n + 2, item_number=items[0].item_number, serial=f"S{n:06d}", mac="", mdm_id=f"M{n}"
        )
        for n in range(SERIALS)
    ]
    access = access_for(admin)
    with cooperative_scope(access):
        t0 = time.perf_counter()
        services.delivery_note_record(
            actor=admin, access=access, call_off=c, number="LS-1", delivered_on=DAY, rows=rows
        )
        took = time.perf_counter() - t0
    school = School.objects.filter(school_board=board).first()
    t0 = time.perf_counter()
    with transaction.atomic():
        Device.objects.bulk_create(
            [
                Device(
                    school_board=board,
                    school=school,
                    category="tablet",
                    status="in_stock",
                    inventory_number=f"RAW-{n}",
                    serial_number=f"R{n:06d}",
                )
                for n in range(SERIALS)
            ],
            batch_size=500,
        )
    raw = time.perf_counter() - t0
    print(
        f"delivery note of {SERIALS} serials: {took:.3f} s; raw insert {raw:.3f} s; "
        f"ratio {took / raw:.1f}x (target <= 3x)"
    )


def bench_overview(coop, contract, items, boards, app, CostLine) -> None:
    from procurement import selectors
    from schools.models import School

    board = boards[0]
    school = School.objects.filter(school_board=board).first()
    lines = [
        CostLine.objects.create(
            school_board=board,
            application=app,
            position=n + 1,
            school=school,
            category="mobile",
            description=f"Pos {n}",
            quantity=Decimal("100"),
            unit_price_net=Decimal("400"),
            approved_amount=Decimal("47600"),
        )
        for n in range(100)
    ]
    for line in lines:
        call_offs(
            coop,
            contract,
            items,
            [board],
            status="ordered",
            lines=OVERVIEW_LINES // 100,
            cost_line=line,
            prefix="OV",
        )
    selectors.board_overview(board.pk)
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            rows = selectors.board_overview(board.pk)
        took = time.perf_counter() - t0
        best = took if best is None else min(best, took)
    print(
        f"overview with {OVERVIEW_LINES} order lines on {len(rows)} positions: "
        f"{best * 1000:.0f} ms, {len(q)} queries (target < 100 ms, constant)"
    )


def main():
    call_command("migrate", verbosity=0)
    from procurement.models import CallOff

    with scopes_disabled():
        if CallOff.objects.exists():
            sys.exit("The benchmark database is not empty; use a fresh one.")
        coop, staff, admin, contract, items, boards, app, CostLine = world()
        print(f"database: {connection.vendor}")
        bench_bundle(coop, staff, contract, items, boards)
        bench_delivery(coop, admin, contract, items, boards)
        bench_overview(coop, contract, items, boards, app, CostLine)


if __name__ == "__main__":
    main()
