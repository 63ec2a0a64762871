"""Demo of joint procurement: the cooperative KITU with its provider, two framework
contracts, three member boards ordering, one joint order, a delivery of 300 iPads with a
delivery note, an invoice with one price difference and a payout request built from it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.tenancy import access_for
from funding.models import CostLine
from funding.workflow import APPLICATION
from schools.demo import DEMO_PASSWORD
from schools.models import Cooperative, CooperativeMember, Land, Membership, School, SchoolBoard

from . import services
from .deliveries import DeliveryRow
from .models import CallOff, ContractItem

HEADER = (
    "Artikelnummer;Bezeichnung;Los;Förderkategorie;Gerätekategorie;Nettopreis;USt-Satz;"
    "Lieferzeit (Tage);Mindestmenge\n"
)
TABLETS = [
    ("A-1001", "Tablet 10,9 Zoll, 64 GB, mit Hülle", "1", "mobile", "tablet", "336,13", "14", "1"),
    ("A-1002", "Tablet 10,9 Zoll, 256 GB, mit Stift", "1", "mobile", "tablet", "378,15", "14", "1"),
    (
        "A-1010",
        "Notebook 14 Zoll, 16 GB RAM, 512 GB SSD",
        "1",
        "mobile",
        "notebook",
        "672,27",
        "21",
        "1",
    ),
    ("Z-1101", "Eingabestift", "2", "mobile", "other", "79,83", "7", "10"),
    ("Z-1102", "Ladekoffer für 16 Tablets", "2", "mobile", "other", "1.260,50", "21", "1"),
]
DISPLAYS = [
    (
        "B-2001",
        "Interaktives Display 75 Zoll, inkl. Wandhalterung",
        "1",
        "display",
        "interactive_board",
        "3.655,46",
        "30",
        "1",
    ),
    (
        "B-2002",
        "Interaktives Display 86 Zoll, inkl. Rollwagen",
        "1",
        "display",
        "interactive_board",
        "4.201,68",
        "30",
        "1",
    ),
    (
        "B-2090",
        "Installation je Display (Montage, Anschluss, Einweisung)",
        "1",
        "display",
        "",
        "420,17",
        "30",
        "1",
    ),
]


def _csv(rows) -> bytes:
    return (
        HEADER + "\n".join(";".join(r[:5]) + f";{r[5]};19;{r[6]};{r[7]}" for r in rows)
    ).encode()


def _board_user(board):
    m = (
        Membership.objects.filter(school_board=board, role="board_admin")
        .select_related("user")
        .first()
    )
    return m.user if m else get_user_model().objects.filter(is_superuser=True).first()


def _setup(stdout):
    land = Land.objects.get(code="ST")
    coop = Cooperative.objects.create(name="Kommunale IT-UNION eG", short_name="KITU", land=land)
    User = get_user_model()
    staff = User.objects.create_user(
        username="kitu",
        password=DEMO_PASSWORD,
        first_name="Karin",
        last_name="Genossenschaft",
        email="kitu@example.org",
    )
    Membership.objects.create(user=staff, role="cooperative_staff", cooperative=coop)
    boards = list(SchoolBoard.objects.filter(land=land).order_by("id")[:3])
    for board in boards:
        CooperativeMember.objects.create(
            cooperative=coop, school_board=board, joined_on=dt.date(2021, 1, 1)
        )
    access = access_for(staff)
    tablets_supplier = services.supplier_create(
        actor=staff,
        access=access,
        cooperative=coop,
        data={"name": "Bechtle GmbH & Co. KG", "city": "Magdeburg"},
    )
    display_supplier = services.supplier_create(
        actor=staff,
        access=access,
        cooperative=coop,
        data={"name": "Medientechnik Mitteldeutschland GmbH", "city": "Halle (Saale)"},
    )
    today = timezone.localdate()
    contracts = []
    for supplier, number, title, rows in (
        (tablets_supplier, "KITU-RV-2025-01", "Tablets und Zubehör", TABLETS),
        (display_supplier, "KITU-RV-2025-02", "Interaktive Displays mit Installation", DISPLAYS),
    ):
        contract = services.contract_create(
            actor=staff,
            access=access,
            cooperative=coop,
            data={
                "supplier": supplier,
                "number": number,
                "title": title,
                "valid_from": dt.date(2025, 1, 1),
                "valid_until": dt.date(2028, 12, 31),
            },
        )
        services.price_list_import(
            actor=staff,
            access=access,
            contract=contract,
            name=f"{number}.csv",
            data=_csv(rows),
            valid_from=dt.date(2025, 1, 1),
        )
        contracts.append(contract)
    stdout.write(f"  KITU: {len(boards)} member boards, 2 framework contracts (user kitu)")
    return coop, staff, boards, contracts, today


def _order(board, contract, item_number, quantity, today, *, line=None):
    user = _board_user(board)
    access = access_for(user)
    item = ContractItem.objects.get(contract=contract, item_number=item_number)
    school = line.school if line else School.objects.filter(school_board=board).order_by("id")[0]
    data = {
        "contract": contract,
        "school": school,
        "cost_line": line,
        "order_date": today,
        "lines": [{"item": item, "quantity": quantity}],
    }
    try:
        call_off = services.call_off_create(actor=user, access=access, board=board, data=data)
    except ValidationError as exc:
        if "over_plan_reason" not in getattr(exc, "message_dict", {}):
            raise
        data["over_plan_reason"] = (
            "Klassensätze für alle Jahrgänge 5 bis 10 (Beschluss des Kreistags)"
        )
        call_off = services.call_off_create(actor=user, access=access, board=board, data=data)
    services.call_off_step(actor=user, access=access, call_off=call_off, to="submitted")
    return call_off


def _approved_line(board, category):
    return (
        CostLine.objects.filter(
            school_board=board,
            approved_amount__gt=0,
            category=category,
            application__status__in=APPLICATION.guards["approved"],
        )
        .select_related("school", "application")
        .order_by("id")
        .first()
    )


def seed(*, stdout, rng) -> None:
    coop, staff, boards, (tablets, displays), today = _setup(stdout)
    first = boards[0]
    ipads = _order(first, tablets, "A-1001", 300, today, line=_approved_line(first, "mobile"))
    _order(first, tablets, "Z-1101", 20, today)
    for board in boards[1:]:
        _order(board, tablets, "A-1002", 32, today, line=_approved_line(board, "mobile"))
        _order(board, displays, "B-2001", 4, today, line=_approved_line(board, "display"))
    access = access_for(staff)
    orders = services.bundle(actor=staff, access=access, cooperative=coop, on=today)
    for order in orders:
        services.joint_order_send(actor=staff, access=access, joint_order=order, sent_on=today)
    services.joint_order_confirm(
        actor=staff,
        access=access,
        joint_order=orders[0],
        reference="AB-2025-77812",
        confirmed_on=today,
        expected_on=today + dt.timedelta(days=14),
    )
    stdout.write(f"  {CallOff.objects.count()} call-offs bundled into {len(orders)} joint orders")
    _deliver_and_invoice(first, ipads, tablets, today, stdout)


def _deliver_and_invoice(board, call_off, contract, today, stdout):
    user = _board_user(board)
    access = access_for(user)
    call_off.refresh_from_db()
    rows = [
        DeliveryRow(
            row=n + 2,
            item_number="A-1001",
            serial=f"DMPX{40000 + n:05d}",
            mac=f"3c:22:fb:{n // 65536:02x}:{n // 256 % 256:02x}:{n % 256:02x}",
            mdm_id=f"JAMF-{10000 + n}",
        )
        for n in range(300)
    ]
    services.delivery_note_record(
        actor=user,
        access=access,
        call_off=call_off,
        number="LS-884211",
        delivered_on=today,
        rows=rows,
        received_by="Sekretariat",
    )
    invoice = services.invoice_record(
        actor=user,
        access=access,
        board=board,
        supplier=contract.supplier,
        number="RE-2025-55120",
        date=today,
        lines=[
            {
                "order_line": call_off.lines.get(),
                "quantity": 300,
                "unit_price_net": call_off.lines.get().unit_price_net + 2,
                "vat_rate": call_off.lines.get().vat_rate,
            }
        ],
    )
    invoice = services.invoice_accept(
        actor=user,
        access=access,
        invoice=invoice,
        reason="Aufpreis für Displayschutzfolie laut Nachtrag 1 zum Rahmenvertrag",
    )
    try:
        services.payout_from_invoices(actor=user, access=access, invoices=[invoice])
        stdout.write(
            "  300 iPads delivered, invoice with a price difference, payout request created"
        )
    except ValidationError as exc:
        stdout.write(
            f"  300 iPads delivered, invoice accepted; no payout request: {exc.messages[0]}"
        )
