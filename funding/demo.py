"""Demo funding data: the programmes of DOMAIN.md with their rules, budgets, a Warenkorb, the
approving authority, and applications of Landkreis Harz, Stadt Halle and the Freie
Schulstiftung in every status (through the real services). Every board has, in the same
programme and year, an application that was forwarded, decided, amended and paid; titles name
the schools the application contains."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import round_money
from core.tenancy import access_for
from schools.models import Land, School, SchoolBoard

from . import services
from .choices import AllocationFormula, OwnShareConvention
from .models import Application, Authority, Budget, CatalogueItem, Programme, RuleSet

DPS_LEGAL = (
    "Richtlinie über die Gewährung von Zuwendungen aus dem DigitalPakt Schule, RdErl. "
    "des MB vom 17.9.2019 – 35-81347, MBl. LSA 2019 S. 333"
)
DPS2_LEGAL = (
    "Verwaltungsvereinbarung DigitalPakt Schule 2.0 vom 18.12.2025 in Verbindung mit der "
    "Förderrichtlinie des Landes Sachsen-Anhalt"
)
#: the approved Harz application starts with this; devices/demo.py delivers its devices
FUNDED_TITLE_PREFIX = "Grundausstattung"
AUTHORITY_ST = {
    "name": "Landesverwaltungsamt Sachsen-Anhalt",
    "letterhead": "Landesverwaltungsamt Sachsen-Anhalt\nReferat 306 – Schulbau- und "
    "IKT-Förderung\nMaxim-Gorki-Straße 7\n06114 Halle (Saale)",
    "notice_number_pattern": "306-ZB-{year}-{seq:04d}",
    "legal_remedy_text": (
        "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage beim "
        "Verwaltungsgericht Halle, Thüringer Straße 16, 06112 Halle (Saale), erhoben werden."
    ),
    "signatory": "Im Auftrag\nKatrin Beispiel, Referatsleiterin",
}
SIGNATORY = {"landkreis": "Landrat", "kreisfreie_stadt": "Oberbürgermeister"}
ALL_BASE = ["lan", "wlan", "platform", "display", "work_device", "mobile", "accompanying"]

CATALOGUE = [
    ("A-1001", "Tablet 10,9 Zoll, 64 GB, mit Hülle", "mobile", "336.13"),
    ("A-1002", "Tablet 10,9 Zoll, 256 GB, mit Stift", "mobile", "378.15"),
    ("A-1010", "Notebook 14 Zoll, 16 GB RAM, 512 GB SSD", "mobile", "672.27"),
    ("A-1020", "Convertible 13 Zoll für Lehrkräfte", "loan_teacher", "756.30"),
    ("A-1021", "Schüler-Leihgerät Tablet inkl. Zubehör und Einrichtung", "loan_pupil", "403.36"),
    ("B-2001", "Interaktives Display 75 Zoll, inkl. Wandhalterung", "display", "3655.46"),
    ("B-2002", "Interaktives Display 86 Zoll, inkl. Rollwagen", "display", "4201.68"),
    ("B-2010", "Dokumentenkamera, HDMI/USB", "display", "336.13"),
    ("B-2020", "Kurzdistanz-Beamer mit Steuerung", "display", "1176.47"),
    ("C-3001", "WLAN-Access-Point Wi-Fi 6, PoE", "wlan", "285.71"),
    ("C-3002", "WLAN-Controller (Lizenz 5 Jahre, Schule)", "wlan", "1512.61"),
    ("C-3010", "Switch 24 Port PoE+, managebar", "lan", "1092.44"),
    ("C-3011", "Netzwerkverkabelung je Anschluss (Cat. 7)", "lan", "168.07"),
    ("D-4001", "MDM-Einrichtung je Gerät", "accompanying", "12.61"),
    ("D-4002", "Installation Display je Raum", "accompanying", "420.17"),
    ("E-5001", "3D-Drucker mit Einhausung", "work_device", "2100.84"),
    ("E-5002", "Messwerterfassungssystem Physik (Klassensatz)", "work_device", "4621.85"),
]


def _programmes(land, sh):
    def programme(code, name, land, **kw):
        return Programme.objects.create(
            code=code,
            name=name,
            land=land,
            legal_basis=kw.pop("legal", ""),
            description=kw.pop("description", ""),
            is_active=kw.pop("is_active", True),
        )

    dps = programme(
        "dps-2019-st",
        "DigitalPakt Schule 2019–2024 (Basis), Sachsen-Anhalt",
        land,
        legal=DPS_LEGAL,
        is_active=False,
        description="5 Mrd. EUR Bund; Anteil Sachsen-Anhalt 137,5 Mio. EUR, davon "
        "rund 123 Mio. EUR als Budgets für 209 Schulträger.",
    )
    base = {
        "funding_rate": D("0.9"),
        "own_share_rate": D("0.1"),
        "allocation_formula": AllocationFormula.PER_PUPIL,
        "per_pupil_amount": D("507.00"),
        "counts_reference_date": dt.date(2019, 9, 15),
        "eligible_categories": ALL_BASE,
        "application_opens": dt.date(2019, 10, 1),
        "eligible_from": dt.date(2019, 5, 17),
        "eligible_until": dt.date(2024, 5, 16),
        "payout_until": dt.date(2025, 12, 31),
    }
    v1 = RuleSet.objects.create(
        programme=dps,
        number=1,
        valid_from=dt.date(2019, 10, 1),
        application_deadline=dt.date(2021, 6, 30),
        change_note="Richtlinie vom 17.09.2019",
        **base,
    )
    # history: the extension took effect on 01.05.2021 (seeded as published; today's
    # ministry publishes through services.ruleset_publish, never into the past)
    extension = services.ruleset_revise(
        actor=None,
        ruleset=v1,
        data={
            "application_deadline": dt.date(2021, 12, 31),
            "valid_from": dt.date(2021, 5, 1),
            "change_note": "Antragsfrist verlängert (30.06.2021 → 31.12.2021)",
        },
    )
    RuleSet.objects.filter(pk=extension.pk).update(status="published")
    for code, name, cat, start in [
        (
            "sofort-st",
            "Sofortausstattungsprogramm (Leihgeräte Schüler)",
            "loan_pupil",
            dt.date(2020, 7, 4),
        ),
        ("admin-st", "Zusatzvereinbarung IT-Administration", None, dt.date(2020, 11, 4)),
        (
            "lehrer-st",
            "Zusatzvereinbarung Leihgeräte für Lehrkräfte",
            "loan_teacher",
            dt.date(2021, 1, 28),
        ),
    ]:
        p = programme(
            code,
            name,
            land,
            is_active=False,
            description="500 Mio. EUR Bund; in Sachsen-Anhalt trägt das Land den Eigenanteil.",
        )
        RuleSet.objects.create(
            programme=p,
            number=1,
            funding_rate=D("1"),
            own_share_rate=D("0"),
            allocation_formula=AllocationFormula.MANUAL,
            eligible_categories=[cat]
            if cat
            else ["admin_staff", "admin_service", "admin_training"],
            excluded_terms=[] if cat is None else ["Wartungsvertrag"],
            require_network_for_mobile=False,
            application_opens=start,
            application_deadline=dt.date(2021, 12, 31),
            eligible_from=start,
            eligible_until=dt.date(2024, 5, 16),
            payout_until=dt.date(2025, 12, 31),
            change_note="Zusatzvereinbarung",
        )
    dps2 = programme(
        "dps2-st",
        "DigitalPakt Schule 2.0 (2026–2030), Sachsen-Anhalt",
        land,
        legal=DPS2_LEGAL,
        description="5 Mrd. EUR, Bund und Länder je zur Hälfte; Sachsen-Anhalt bis "
        "zu rund 57,6 Mio. EUR Bundesmittel für Investitionen.",
    )
    RuleSet.objects.create(
        programme=dps2,
        number=1,
        valid_from=dt.date(2026, 1, 1),
        funding_rate=D("0.9"),
        own_share_rate=D("0.1"),
        allocation_formula=AllocationFormula.PER_PUPIL,
        per_pupil_amount=D("280.00"),
        counts_reference_date=dt.date(2026, 9, 15),
        eligible_categories=ALL_BASE,
        application_opens=dt.date(2026, 1, 1),
        application_deadline=dt.date(2029, 12, 31),
        eligible_from=dt.date(2025, 1, 1),
        eligible_until=dt.date(2030, 12, 31),
        payout_until=dt.date(2031, 6, 30),
        change_note="Pauschale Zuweisung je Schüler [param]",
    )
    sh_p = programme(
        "dps-2019-sh",
        "DigitalPakt Schule 2019–2024, Schleswig-Holstein",
        sh,
        is_active=False,
        description="Eigenanteil als Aufschlag von 15 % auf das Budget.",
    )
    RuleSet.objects.create(
        programme=sh_p,
        number=1,
        funding_rate=(D(1) / D("1.15")).quantize(D("0.0001")),
        own_share_convention=OwnShareConvention.SURCHARGE_ON_FUNDING,
        own_share_rate=D("0.15"),
        allocation_formula=AllocationFormula.BASE_PER_SCHOOL,
        base_per_school=D("30000"),
        base_min_pupils=60,
        per_pupil_amount=D("0"),
        eligible_categories=ALL_BASE,
        application_opens=dt.date(2019, 9, 1),
        application_deadline=dt.date(2021, 12, 31),
        eligible_from=dt.date(2019, 5, 17),
        eligible_until=dt.date(2024, 5, 16),
    )
    return dps, dps2


def _title(theme: str, schools) -> str:
    """A title that names the application's schools ("WLAN … Gymnasium Am Brocken")."""
    names = [s.name for s in schools]
    if len(names) > 3:
        names = [names[0], f"{len(names) - 1} weitere Schulen"]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]
    return f"{theme} {joined}"[:200]


def _need_for(school, category):
    from mediaplans.models import EquipmentNeed

    return (
        EquipmentNeed.objects.filter(school=school, category=category)
        .order_by("priority", "id")
        .first()
    )


def _line(app, actor, school, item, qty, route="framework", **kw):
    category = item.category if item is not None else kw.get("category")
    kw.setdefault("need", _need_for(school, category))
    data = {
        "school": school,
        "catalogue_item": item,
        "quantity": D(qty),
        "procurement_route": route,
        "planned_start": kw.pop("start", dt.date(2027, 2, 1)),
        "planned_end": kw.pop("end", dt.date(2027, 7, 31)),
        "justification": kw.pop("why", "Bedarf laut Medienbildungskonzept"),
    }
    data.update(kw)
    return services.costline_save(actor=actor, application=app, data=data)


def _complete(app, actor):
    board = app.school_board
    services.application_update(
        actor=actor,
        application=app,
        data={
            "operator": "Kommunales IT-Dienstleistungszentrum (KID Magdeburg) im Auftrag der KITU",
            "support_scope": "Vor-Ort-Support an zwei Tagen je Woche, Hotline, Fernwartung",
            "mdm": "Zentrales MDM, Einrichtung beim Rollout",
            "update_policy": "monatlich",
            "response_times": "4 Stunden (kritisch), 2 Werktage (normal)",
            "operation_financing": f"Haushalt des Schulträgers {board.name}, Produkt 2110",
            "decl_procurement": True,
            "decl_no_double_funding": True,
            "decl_operation_secured": True,
            "place": board.city,
            "signatory": SIGNATORY.get(board.kind, "Vorstand"),
        },
    )
    for entry in app.schools.all():
        data = {
            k: getattr(entry, k) or v
            for k, v in {
                "current_equipment": "Computerraum mit 24 PCs, Beamer in 12 Räumen, LAN im Haus A",
                "planned_equipment": (
                    "Interaktive Displays, WLAN flächendeckend, Tablet-Klassensätze"
                ),
                "pedagogical_reason": "Kollaboratives Arbeiten und Präsentieren im Fachunterricht",
                "competence_areas": "2 Kommunizieren und Kooperieren; 3 Produzieren und "
                "Präsentieren – Deutsch, Mathematik, Klassen 5–10",
                "training_plan": "Schulinterne Fortbildung Displays (alle), Tablet-Didaktik (12)",
                "infrastructure_current": "LAN im Hauptgebäude, WLAN nur im Lehrerzimmer",
                "infrastructure_planned": "WLAN in allen Unterrichtsräumen, neue PoE-Switches",
            }.items()
        }
        services.tpek_update(actor=actor, app_school=entry, data=data)


def _backdate_submission(app, decided_on: dt.date) -> None:
    """The demo seeds a year's procedure in seconds: date the submission four weeks before the
    decision, so that the notice's "Ihr Antrag vom" precedes its own date."""
    submitted = timezone.make_aware(
        dt.datetime.combine(decided_on - dt.timedelta(days=28), dt.time(10, 0))
    )
    Application.objects.filter(pk=app.pk).update(submitted_at=submitted)


def _amend(app, *, staff, approver, date, extra: D, reason: str, decision_reason: str):
    """A change request the approving authority grants: an Änderungsbescheid. The amended
    cost plan adds a line of about `extra` (gross); the grant follows from the lines."""
    cr = services.change_request_create(
        actor=staff, access=access_for(staff), application=app, reason=reason
    )
    first = cr.lines.order_by("position").first()
    # what the reasons say: two document cameras more, as a new line of the amended plan
    gross_each = extra / 2
    services.change_line_save(
        actor=staff,
        change_request=cr,
        data={
            "school": first.school,
            "category": "display",
            "description": "Dokumentenkamera mit Halterung",
            "quantity": D("2"),
            "unit_price_net": round_money(gross_each * 100 / (100 + first.vat_rate)),
            "vat_rate": first.vat_rate,
            "procurement_route": first.procurement_route,
            "justification": reason,
        },
    )
    services.change_request_submit(actor=staff, access=access_for(staff), change_request=cr)
    services.change_request_decide(
        actor=approver,
        access=access_for(approver),
        change_request=cr,
        approve=True,
        date=date,
        reason=decision_reason,
    )


def _pay_all(app, *, staff, approver, invoice_date, prefix: str, supplier: str):
    """Invoices for every line at its approved amount, one payout request, paid."""
    app = Application.objects.get(pk=app.pk)
    invoices = [
        services.invoice_create(
            actor=staff,
            application=app,
            data={
                "cost_line": ln,
                "number": f"{prefix}-{ln.position}",
                "date": invoice_date,
                "supplier": supplier,
                "amount": ln.approved_amount,
                "paid_on": invoice_date + dt.timedelta(days=14),
            },
        )
        for ln in app.lines.order_by("position")
    ]
    payout = services.payout_create(actor=staff, application=app, invoices=invoices)
    services.payout_transition(actor=staff, access=access_for(staff), payout=payout, to="submitted")
    services.payout_transition(
        actor=approver, access=access_for(approver), payout=payout, to="paid"
    )
    return app


def _foundation(board, programme, items, *, checker, approver, today) -> Application:
    """The free school foundation: forwarded, decided, amended and paid in the same year."""
    User = get_user_model()
    admin = User.objects.get(username="stiftung")
    schools = list(
        School.objects.filter(school_board=board)
        .exclude(school_type="pflegeschule")
        .order_by("name")
    )
    app = services.application_create(
        actor=admin,
        board=board,
        programme=programme,
        schools=schools,
        data={
            "title": _title("WLAN und digitale Tafeln", schools),
            "planned_start": dt.date(2027, 1, 15),
            "planned_end": dt.date(2027, 12, 31),
        },
    )
    for school in schools:
        _line(app, admin, school, items["C-3001"], 12, route="direct")
        _line(app, admin, school, items["B-2001"], 2, route="direct")
        _line(app, admin, school, items["A-1001"], 16)
    _complete(app, admin)
    services.application_submit(actor=admin, access=access_for(admin), application=app)
    services.application_forward(
        actor=checker, access=access_for(checker), application=app, reason="Vollständig."
    )
    services.decision_make(
        actor=approver,
        access=access_for(approver),
        application=app,
        kind="full",
        date=today - dt.timedelta(days=40),
    )
    _backdate_submission(app, today - dt.timedelta(days=40))
    _amend(
        app,
        staff=admin,
        approver=approver,
        date=today - dt.timedelta(days=30),
        extra=D("600.00"),
        reason="Zwei Dokumentenkameras für die Grundschule zusätzlich",
        decision_reason="Die Dokumentenkameras ergänzen die Displays; das Budget reicht aus.",
    )
    return _pay_all(
        app,
        staff=admin,
        approver=approver,
        invoice_date=today - dt.timedelta(days=25),
        prefix="ST",
        supplier="Bechtle GmbH",
    )


def seed(*, stdout, rng) -> None:
    User = get_user_model()
    land = Land.objects.get(code="ST")
    sh = Land.objects.get(code="SH")
    dps, dps2 = _programmes(land, sh)
    Authority.objects.update_or_create(land=land, kind="approval", defaults=AUTHORITY_ST)
    items = {}
    for number, name, cat, price in CATALOGUE:
        items[number] = CatalogueItem.objects.create(
            contract_reference="KITU-RV-2025-01" if number[0] in "AB" else "KITU-RV-2025-02",
            item_number=number,
            name=name,
            category=cat,
            unit_price_net=D(price),
            vat_rate=D("19"),
            valid_until=dt.date(2028, 12, 31),
        )
    boards = {b.name: b for b in SchoolBoard.objects.all()}
    figures_2019 = {
        "Landkreis Harz": "7200000",
        "Stadt Halle (Saale)": "13500000",
        "Stadt Wernigerode": "651000",
        "Verbandsgemeinde Obere Aller": "350000",
        "Freie Schulstiftung Mitteldeutschland": "1600000",
    }
    admin = User.objects.filter(is_superuser=True).first()
    for name, board in boards.items():
        services.budget_set_manual(
            actor=admin,
            board=board,
            programme=dps,
            amount=D(figures_2019.get(name, "100000")),
            reason="Zuweisung 2019 laut Erlass",
        )
        services.budget_compute(actor=admin, board=board, programme=dps2)
    User.objects.get(username="traeger")
    staff = User.objects.get(username="sachbearbeitung")
    pruefer = User.objects.get(username="pruefer")
    pruefer2 = User.objects.get(username="pruefer2")
    harz = boards["Landkreis Harz"]
    schools = list(School.objects.filter(school_board=harz).order_by("name"))
    acc_staff, acc_p1, acc_p2 = access_for(staff), access_for(pruefer), access_for(pruefer2)
    today = timezone.localdate()

    def new_app(title, school_list, board=harz, actor=staff):
        return services.application_create(
            actor=actor,
            board=board,
            programme=dps2,
            schools=school_list,
            data={
                "title": title,
                "planned_start": dt.date(2027, 1, 15),
                "planned_end": dt.date(2027, 12, 31),
            },
        )

    def standard_lines(app, school, scale=1):
        _line(
            app,
            staff,
            school,
            items["C-3001"],
            18 * scale,
            route="direct" if scale == 1 else "restricted",
        )
        _line(app, staff, school, items["C-3010"], 3, route="direct")
        _line(app, staff, school, items["B-2001"], 8 * scale, route="restricted")
        _line(app, staff, school, items["A-1001"], 28 * scale)
        _line(app, staff, school, items["D-4002"], 8 * scale, route="direct")

    # 1 draft with findings
    draft = new_app(_title("WLAN und Präsentationstechnik", schools[1:3]), schools[1:3])
    standard_lines(draft, schools[1])
    _line(
        draft,
        staff,
        schools[2],
        None,
        "15",
        route="direct",
        category="mobile",
        description="Smartphone für Lehrkräfte",
        unit_price_net=D("420.00"),
        vat_rate=D("19"),
    )
    _line(
        draft,
        staff,
        schools[2],
        None,
        "1",
        route="direct",
        category="display",
        description="Interaktive Displays Klassenräume",
        unit_price_net=D("12500.00"),
        vat_rate=D("19"),
        why="",
    )

    # 2 submitted
    submitted = new_app(_title("Digitale Klassenräume", schools[:1]), schools[:1])
    standard_lines(submitted, schools[0])
    _complete(submitted, staff)
    services.application_submit(actor=staff, access=acc_staff, application=submitted)

    # 3 changes requested (submitted, then reviewer asks for more)
    changes = new_app(_title("Vernetzung", schools[3:4]), schools[3:4])
    standard_lines(changes, schools[3])
    _complete(changes, staff)
    services.application_submit(actor=staff, access=acc_staff, application=changes)
    services.comment_add(
        actor=pruefer,
        access=acc_p1,
        application=changes,
        cost_line=changes.lines.order_by("position")[2],
        text="Bitte die Zahl der Displays mit der Raumliste abgleichen.",
    )
    services.application_request_changes(
        actor=pruefer,
        access=acc_p1,
        application=changes,
        reason="Fortbildungsplanung konkretisieren; Displays begründen.",
        deadline=today + dt.timedelta(days=21),
    )

    # 4 forwarded: content check by pruefer, decision open for pruefer2 (four eyes)
    forwarded = new_app(_title("Medienausstattung", schools[5:6]), schools[5:6])
    standard_lines(forwarded, schools[5])
    _complete(forwarded, staff)
    services.application_submit(actor=staff, access=acc_staff, application=forwarded)
    services.application_forward(
        actor=pruefer,
        access=acc_p1,
        application=forwarded,
        reason="Vollständig, inhaltlich schlüssig.",
    )

    # 5 approved with decision, invoices, payout paid, proof of use submitted
    funded_schools = [s for s in schools if s.is_vocational][:1] or [schools[4]]
    approved = new_app(_title(FUNDED_TITLE_PREFIX, funded_schools), funded_schools)
    school5 = approved.schools.first().school
    standard_lines(approved, school5, scale=2)
    _line(approved, staff, school5, items["E-5001"], 2, route="direct")
    _complete(approved, staff)
    services.application_submit(actor=staff, access=acc_staff, application=approved)
    services.application_forward(actor=pruefer, access=acc_p1, application=approved)
    services.decision_make(
        actor=pruefer2,
        access=acc_p2,
        application=approved,
        kind="full",
        date=today - dt.timedelta(days=60),
        conditions="Die Displays sind bis zum Beginn des Schuljahres 2027/28 zu installieren.",
    )
    _backdate_submission(approved, today - dt.timedelta(days=60))
    _amend(
        approved,
        staff=staff,
        approver=pruefer2,
        date=today - dt.timedelta(days=50),
        extra=D("720.00"),
        reason="Zwei Dokumentenkameras für die Metallwerkstatt zusätzlich",
        decision_reason="Die Dokumentenkameras dienen dem bewilligten Zweck; das Budget reicht.",
    )
    approved = Application.objects.get(pk=approved.pk)
    invoices = []
    for i, line in enumerate(approved.lines.order_by("position")):
        invoices.append(
            services.invoice_create(
                actor=staff,
                application=approved,
                data={
                    "cost_line": line,
                    "number": f"RE-{today.year}-{100 + i}",
                    "date": today - dt.timedelta(days=45 - min(i, 14)),
                    "supplier": rng.choice(["Bechtle GmbH", "Cancom AG", "Netzwerk Harz GmbH"]),
                    "amount": line.amounts.gross,
                    "paid_on": today - dt.timedelta(days=30 - min(i, 14)),
                },
            )
        )
    payout = services.payout_create(actor=staff, application=approved, invoices=invoices[:3])
    services.payout_transition(actor=staff, access=acc_staff, payout=payout, to="submitted")
    services.payout_transition(actor=pruefer2, access=acc_p2, payout=payout, to="paid")
    payout2 = services.payout_create(actor=staff, application=approved, invoices=invoices[3:])
    services.payout_transition(actor=staff, access=acc_staff, payout=payout2, to="submitted")
    # the devices arrive, the proof of use and a change request follow: devices/demo.py
    # (the inventory app stands above funding and links its devices to the cost lines)

    # 6 Stadt Halle: approved and closed after proof of use
    halle = boards["Stadt Halle (Saale)"]
    hanna = User.objects.get(username="halle")
    acc_h = access_for(hanna)
    hschool = School.objects.filter(school_board=halle).order_by("name").first()
    closed = services.application_create(
        actor=hanna,
        board=halle,
        programme=dps2,
        schools=[hschool],
        data={
            "title": _title("Interaktive Displays und WLAN", [hschool]),
            "planned_start": dt.date(2026, 3, 1),
            "planned_end": dt.date(2026, 9, 30),
        },
    )
    for item, qty, route in (("B-2001", 6, "restricted"), ("C-3001", 10, "direct")):
        services.costline_save(
            actor=hanna,
            application=closed,
            data={
                "school": hschool,
                "catalogue_item": items[item],
                "quantity": D(qty),
                "procurement_route": route,
                "planned_start": dt.date(2026, 3, 1),
                "planned_end": dt.date(2026, 8, 31),
                "justification": "Bedarf laut Konzept",
            },
        )
    _complete(closed, hanna)
    services.application_submit(actor=hanna, access=acc_h, application=closed)
    services.application_forward(actor=pruefer, access=acc_p1, application=closed)
    services.decision_make(
        actor=pruefer2,
        access=acc_p2,
        application=closed,
        kind="partial",
        date=dt.date(2026, 4, 15),
        line_amounts={
            ln.pk: ln.amounts.gross - (D("500") if ln.position == 1 else 0)
            for ln in closed.lines.all()
        },
        reason="Wandhalterungen nicht förderfähig (500 EUR)",
    )
    _backdate_submission(closed, dt.date(2026, 4, 15))
    _amend(
        closed,
        staff=hanna,
        approver=pruefer2,
        date=dt.date(2026, 5, 12),
        extra=D("300.00"),
        reason="Ein weiterer Access Point für die Turnhalle",
        decision_reason="Die Turnhalle wird im Sportunterricht mit Tablets genutzt.",
    )
    closed = Application.objects.get(pk=closed.pk)
    inv = [
        services.invoice_create(
            actor=hanna,
            application=closed,
            data={
                "cost_line": ln,
                "number": f"H-{ln.position}",
                "date": dt.date(2026, 6, 1),
                "supplier": "Cancom AG",
                "amount": ln.approved_amount,
                "paid_on": dt.date(2026, 6, 20),
            },
        )
        for ln in closed.lines.all()
    ]
    p = services.payout_create(actor=hanna, application=closed, invoices=inv)
    services.payout_transition(actor=hanna, access=acc_h, payout=p, to="submitted")
    services.payout_transition(actor=pruefer2, access=acc_p2, payout=p, to="paid")
    proof_h = services.proof_start(actor=hanna, access=acc_h, application=closed)
    services.proof_submit(actor=hanna, access=acc_h, proof=proof_h)
    services.proof_check(
        actor=pruefer2, access=acc_p2, proof=proof_h, outcome="closed", note="Ohne Beanstandung."
    )
    foundation = boards.get("Freie Schulstiftung Mitteldeutschland")
    if foundation is not None:
        _foundation(foundation, dps2, items, checker=pruefer, approver=pruefer2, today=today)
    stdout.write(
        "  "
        + _(
            "%(programmes)s programmes, %(budgets)s budgets, %(items)s Warenkorb items, "
            "%(applications)s applications"
        )
        % {
            "programmes": Programme.objects.count(),
            "budgets": Budget.objects.count(),
            "items": CatalogueItem.objects.count(),
            "applications": Application.objects.count(),
        }
    )
