"""Demo inventory: catalogue, deliveries, devices in every status, loans (open, overdue,
returned), defect reports and a stocktake with discrepancies (after the schools' demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tenancy import access_for
from funding import services as funding_services
from funding.demo import FUNDED_TITLE_PREFIX
from funding.models import Application
from funding.rules import line_amounts
from schools.models import Room, School, SchoolBoard

from . import services
from .choices import FUNDING_CATEGORY_BY_DEVICE_CATEGORY
from .models import Device, DeviceModel, Loan
from .workflow import device_transition

CATALOGUE = [
    ("Apple", "iPad 10. Generation 64 GB", "tablet", "336.13", "400.00"),
    ("Lenovo", "ThinkPad L14 Gen 5", "notebook", "655.46", "780.00"),
    ("Promethean", 'ActivPanel 9 75"', "interactive_board", "3529.41", "4200.00"),
    ("Ubiquiti", "UniFi U6 Pro", "access_point", "268.91", "320.00"),
    ("IPEVO", "VZ-X Dokumentenkamera", "document_camera", "378.15", "450.00"),
    ("Epson", "EB-L210W", "projector", "924.37", "1100.00"),
]
PUPILS = [
    ("Lena Beispiel", "7a", "Sandra Beispiel"),
    ("Noah Muster", "8b", "Thomas Muster"),
    ("Emilia Probe", "5c", "Katrin Probe"),
    ("Finn Testmann", "9a", "Jens Testmann"),
    ("Mila Demo", "6b", "Anja Demo"),
    ("Paul Fiktiv", "10a", "Uwe Fiktiv"),
]


def _board_seed(board, actor, prefix, rng, today, stdout):
    schools = list(School.objects.filter(school_board=board).order_by("id"))
    school = schools[0]
    rooms = list(Room.objects.filter(school=school).order_by("id"))
    models = {}
    for manufacturer, name, category, net, gross in CATALOGUE:
        models[category] = services.device_model_create(
            actor=actor,
            board=board,
            data={
                "manufacturer": manufacturer,
                "name": name,
                "category": category,
                "default_price_net": Decimal(net),
                "default_price_gross": Decimal(gross),
            },
        )
    earmark = dt.date(today.year + 4, 12, 31)
    # a class set of iPads delivered to the first school, with charger and case
    ipads = services.delivery_register(
        actor=actor,
        board=board,
        school=school,
        model=models["tablet"],
        lines=[(f"DMPX{rng.randint(10**7, 10**8 - 1)}", "") for _ in range(32)],
        delivered_on=today - dt.timedelta(days=80),
        inventory_prefix=f"{prefix}-T-",
        pool="Klassensatz 7a",
        supplier="Bechtle AG Magdeburg",
        invoice_reference="RE-2026-1187",
        warranty_end=today + dt.timedelta(days=60),
        earmarking_end=earmark,
        received_by="IT-Koordination",
        accessory_kinds=["charger", "case"],
        status="in_stock",
    )
    notebooks = services.delivery_register(
        actor=actor,
        board=board,
        school=school,
        model=models["notebook"],
        lines=[(f"PF{rng.randint(10**6, 10**7 - 1)}", "") for _ in range(12)],
        delivered_on=today - dt.timedelta(days=400),
        inventory_prefix=f"{prefix}-N-",
        pool="Leihpool",
        supplier="Cancom GmbH",
        invoice_reference="RE-2025-0412",
        warranty_end=today + dt.timedelta(days=20),
        earmarking_end=earmark,
        accessory_kinds=["charger"],
        status="in_stock",
    )
    # interactive boards and access points in rooms
    for i, room in enumerate(rooms[:4]):
        services.device_create(
            actor=actor,
            board=board,
            status="in_use",
            data={
                "inventory_number": f"{prefix}-B-{i + 1:04d}",
                "serial_number": f"PRM{rng.randint(10**5, 10**6 - 1)}",
                "model": models["interactive_board"],
                "school": school,
                "room": room,
                "purchase_date": today - dt.timedelta(days=500),
                "warranty_end": today + dt.timedelta(days=700),
                "earmarking_end": earmark,
                "supplier": "Bechtle AG Magdeburg",
            },
        )
        services.device_create(
            actor=actor,
            board=board,
            status="in_use",
            data={
                "inventory_number": f"{prefix}-W-{i + 1:04d}",
                "serial_number": f"UBQ{rng.randint(10**5, 10**6 - 1)}",
                "model": models["access_point"],
                "school": school,
                "room": room,
                "purchase_date": today - dt.timedelta(days=500),
            },
        )
    for i, other in enumerate(schools[1:4]):
        services.device_create(
            actor=actor,
            board=board,
            status="delivered",
            data={
                "inventory_number": f"{prefix}-D-{i + 1:04d}",
                "model": models["document_camera"],
                "school": other,
                "serial_number": f"IPV{i:05d}",
            },
        )
    for i in range(3):
        services.device_create(
            actor=actor,
            board=board,
            status="ordered",
            data={
                "inventory_number": f"{prefix}-P-{i + 1:04d}",
                "model": models["projector"],
                "school": school,
            },
        )
    tablets = list(Device.objects.filter(delivery=ipads).order_by("inventory_number"))
    loaners = list(Device.objects.filter(delivery=notebooks).order_by("inventory_number"))
    school_year = (
        f"{today.year if today.month >= 8 else today.year - 1}/"
        f"{(today.year + (1 if today.month >= 8 else 0)) % 100:02d}"
    )

    def loan(device, pupil, *, status, start, due, teacher=False):
        name, klass, guardian = pupil
        data = {
            "borrower_kind": "teacher" if teacher else "pupil",
            "borrower_name": name,
            "school_class": "" if teacher else klass,
            "borrower_is_minor": not teacher,
            "guardian_name": "" if teacher else guardian,
            "guardian_contact": "" if teacher else "0391 555 01 23",
            "staff_reference": "P-20417" if teacher else "",
            "school_year": school_year,
            "start_date": start,
            "due_rule": "fixed",
            "due_date": due,
            "condition_at_handover": "good",
            "existing_damage": "Leichter Kratzer an der Rückseite" if rng.random() < 0.5 else "",
        }
        obj = services.loan_create(
            actor=actor,
            school=school,
            devices=[device],
            data=data,
            accessories=list(device.accessories.all()),
        )
        if status in ("signed", "handed_out", "returned"):
            obj = services.loan_sign(
                actor=actor,
                loan=obj,
                borrower_signed=True,
                guardian_signed=not teacher,
                signed_on=start,
            )
        if status in ("handed_out", "returned"):
            obj = services.loan_hand_out(actor=actor, loan=obj, on=start)
        return obj

    start = today - dt.timedelta(days=70)
    loan(loaners[0], PUPILS[0], status="handed_out", start=start, due=dt.date(today.year + 1, 7, 3))
    loan(
        loaners[1], PUPILS[1], status="handed_out", start=start, due=today - dt.timedelta(days=12)
    )  # overdue
    loan(
        loaners[2], PUPILS[2], status="handed_out", start=start, due=today - dt.timedelta(days=3)
    )  # overdue
    loan(loaners[3], PUPILS[3], status="prepared", start=today, due=dt.date(today.year + 1, 7, 3))
    loan(loaners[4], PUPILS[4], status="signed", start=today, due=dt.date(today.year + 1, 7, 3))
    loan(
        loaners[5],
        ("Frau Dr. Lehrerin", "", ""),
        status="handed_out",
        start=start,
        due=dt.date(today.year + 1, 7, 3),
        teacher=True,
    )
    back = loan(
        loaners[6],
        PUPILS[5],
        status="handed_out",
        start=start - dt.timedelta(days=30),
        due=today - dt.timedelta(days=20),
    )
    item = back.items.get()
    services.loan_return(
        actor=actor,
        loan=back,
        returned_on=today - dt.timedelta(days=21),
        items={
            item.device_id: services.ReturnItem(
                condition="damaged",
                damage_notes="Displaybruch unten links",
                returned_accessory_ids=set(),
            )
        },
    )
    # defects, theft, loss, early retirement
    report = services.defect_report_create(
        actor=actor,
        device=tablets[0],
        data={
            "kind": "defect",
            "description": "Akku lädt nicht mehr",
            "reported_on": today - dt.timedelta(days=9),
        },
    )
    services.defect_transition(actor=actor, report=report, to_status="in_repair")
    services.defect_report_create(
        actor=actor,
        device=tablets[1],
        data={
            "kind": "theft",
            "description": "Aus dem Klassenraum entwendet",
            "police_report_reference": "ST/0815/26",
            "reported_on": today - dt.timedelta(days=5),
        },
    )
    services.defect_report_create(
        actor=actor,
        device=tablets[2],
        data={
            "kind": "loss",
            "description": "Auf der Klassenfahrt verloren",
            "reported_on": today - dt.timedelta(days=15),
        },
    )
    device_transition(
        actor=actor,
        device=tablets[3],
        to_status="retired",
        reason="Wasserschaden, Reparatur unwirtschaftlich (Gutachten liegt vor)",
    )
    for device in tablets[4:20]:
        device_transition(
            actor=actor,
            device=device,
            to_status="in_use",
            room=rooms[0] if rooms else None,
        )
    # a stocktake of the first room with discrepancies
    if rooms:
        stocktake = services.stocktake_start(
            actor=actor, school=school, room=rooms[0], started_on=today - dt.timedelta(days=1)
        )
        for device in tablets[4:16]:
            services.stocktake_scan(
                actor=actor, stocktake=stocktake, code=device.inventory_number, room=rooms[0]
            )
        services.stocktake_scan(
            actor=actor, stocktake=stocktake, code=f"{prefix}-B-0002", room=rooms[0]
        )  # wrong room
        services.stocktake_scan(
            actor=actor, stocktake=stocktake, code="UNBEKANNT-0042", room=rooms[0]
        )
    stdout.write(
        "  "
        + _("%(board)s: %(devices)s devices, %(loans)s loans")
        % {
            "board": board.name,
            "devices": Device.objects.filter(school_board=board).count(),
            "loans": Loan.objects.filter(school_board=board).count(),
        }
    )


def _deliver_and_inventory(application, board, actor, today) -> None:
    """The funded devices arrive: one delivery per device line, linked to its cost line,
    so the proof of use lists them (Inventarliste)."""
    for line in application.lines.order_by("position"):
        categories = [
            c for c, f in FUNDING_CATEGORY_BY_DEVICE_CATEGORY.items() if f == line.category
        ]
        model = DeviceModel.objects.filter(school_board=board, category__in=categories).first()
        quantity = min(int(line.quantity), 40)
        if model is None or quantity < 1:
            continue
        prefix = f"{application.number}-{line.position}-"
        delivery = services.delivery_register(
            actor=actor,
            board=board,
            school=line.school,
            model=model,
            lines=[
                (f"SN{application.pk:03d}{line.position:02d}{i:04d}", "")
                for i in range(1, quantity + 1)
            ],
            delivered_on=today - dt.timedelta(days=50),
            inventory_prefix=prefix,
            supplier="Bechtle GmbH",
            invoice_reference=f"RE-{today.year}-{100 + line.position}",
            price_net=line.unit_price_net,
            # one unit's gross price, by the same rule as the cost line's totals
            price_gross=line_amounts(1, line.unit_price_net, line.vat_rate).gross,
        )
        services.devices_assign_cost_line(
            actor=actor,
            board=board,
            devices=list(Device.objects.filter(delivery=delivery)),
            cost_line=line,
            reason="Beschaffung aus dem Förderantrag",
        )


def _funded_devices(board, today) -> None:
    """After the funding demo: the approved application's devices arrive, then its proof of
    use (which lists them) is submitted and a change request filed."""
    User = get_user_model()
    approved = (
        Application.objects.filter(school_board=board, title__startswith=FUNDED_TITLE_PREFIX)
        .order_by("id")
        .first()
    )
    if approved is None:
        return
    staff = User.objects.get(username="sachbearbeitung")
    acc_staff = access_for(staff)
    _deliver_and_inventory(approved, board, staff, today)
    proof = funding_services.proof_start(actor=staff, access=acc_staff, application=approved)
    funding_services.proof_update(
        actor=staff,
        proof=proof,
        summary=(
            "Alle Maßnahmen wurden wie geplant umgesetzt; die Displays sind seit dem Schuljahr "
            "2027/28 im Einsatz, das WLAN deckt alle Unterrichtsräume ab."
        ),
    )
    funding_services.proof_submit(actor=staff, access=acc_staff, proof=proof)
    # a change request being prepared: the amended cost plan adds two 3D printers
    change = funding_services.change_request_create(
        actor=staff,
        access=acc_staff,
        application=approved,
        reason="Zwei zusätzliche 3D-Drucker für die Metalltechnik",
    )
    funding_services.change_line_save(
        actor=staff,
        change_request=change,
        data={
            "school": approved.lines.order_by("position").first().school,
            "category": "work_device",
            "description": "3D-Drucker für die Metalltechnik",
            "quantity": Decimal("2"),
            "unit_price_net": Decimal("1890.76"),
            "justification": "Lernfeld additive Fertigung",
        },
    )


def seed(*, stdout, rng) -> None:
    User = get_user_model()
    today = timezone.localdate()
    for board_name, username, prefix in (
        ("Landkreis Harz", "traeger", "HZ"),
        ("Stadt Halle (Saale)", "halle", "HAL"),
    ):
        board = SchoolBoard.objects.filter(name=board_name).first()
        if board is None:
            continue
        actor = User.objects.filter(username=username).first()
        _board_seed(board, actor, prefix, rng, today, stdout)
        if prefix == "HZ":
            _funded_devices(board, today)
    stdout.write("  " + _("%(count)s device models") % {"count": DeviceModel.objects.count()})
