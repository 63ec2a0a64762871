"""Demo: a committed import, a rejected import with row errors, an open preview, and an MDM
reconciliation for Landkreis Harz (the last only when the device demo data exists)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.spreadsheets import write_csv
from schools.models import School, SchoolBoard

from . import mdm, services
from .models import ImportRun

DEMO_TODAY = dt.date(2026, 11, 24)


def seed(*, stdout, rng) -> None:
    board = SchoolBoard.objects.filter(name="Landkreis Harz").first()
    User = get_user_model()  # noqa: N806
    user = (
        User.objects.filter(username="berater").first()
        or User.objects.filter(is_superuser=True).first()
    )
    if board is None or user is None:
        stdout.write("  " + _("imports: Landkreis Harz or the demo users are missing – skipped"))
        return
    schools = list(School.objects.filter(school_board=board).order_by("school_number")[:3])
    if not schools:
        return
    # 1. committed: rooms for three schools (a consultant's room list)
    rows = []
    for school in schools:
        for name, kind in (
            ("Computerraum 1", "Computerraum"),
            ("Medienraum", "Fachraum / Labor"),
            ("Serverraum", "Serverraum / Technik"),
        ):
            rows.append([school.school_number, name, kind])
    data = write_csv(["Schulnummer", "Raum", "Art"], rows)
    run, plan = services.import_file(
        actor=user, board=board, kind="rooms", name="Raumliste_Harz_2026.csv", data=data
    )
    # 2. rejected: a device list with typical mistakes (nothing was written)
    n = schools[0].school_number
    bad = write_csv(
        [
            "Inventarnummer",
            "Seriennummer",
            "Hersteller",
            "Modell",
            "Kategorie",
            "Schulnummer",
            "Raum",
            "Status",
            "Anschaffungsdatum",
            "Anschaffungspreis",
        ],
        [
            [
                "HZ-IMP-0001",
                "DMPQ1X2Y",
                "Apple",
                "iPad 10.9",
                "Tablet",
                n,
                "Computerraum 1",
                "im Lager",
                "01.08.2026",
                "399,00",
            ],
            [
                "HZ-IMP-0002",
                "DMPQ1X2Z",
                "Apple",
                "iPad 10.9",
                "Tablet",
                n,
                "Computerraum 1",
                "im Lager",
                "31.02.2026",
                "399,00",
            ],
            [
                "HZ-IMP-0003",
                "DMPQ1X3A",
                "Apple",
                "iPad 10.9",
                "Smartphone",
                n,
                "",
                "im Lager",
                "01.08.2026",
                "-5",
            ],
            [
                "HZ-IMP-0003",
                "DMPQ1X3B",
                "Apple",
                "iPad 10.9",
                "Tablet",
                "99999",
                "",
                "im Lager",
                "01.08.2026",
                "399,00",
            ],
        ],
    )
    services.import_file(
        actor=user,
        board=board,
        kind="devices",
        name="Lieferung_Oktober_fehlerhaft.xlsx.csv",
        data=bad,
    )
    # 3. an open preview (checked, not yet imported)
    ok = write_csv(
        ["Schulnummer", "Raum", "Art"],
        [[schools[-1].school_number, "Lehrerzimmer", "Lehrerzimmer"]],
    )
    services.import_file(
        actor=user, board=board, kind="rooms", name="Nachtrag_Raeume.csv", data=ok, dry_run=True
    )
    runs = ImportRun.objects.filter(school_board=board).count()
    stdout.write("  " + _("imports: %(count)s import runs") % {"count": runs})
    _reconciliation(board, user, rng, stdout)


def _reconciliation(board, user, rng, stdout) -> None:
    try:
        from devices.models import Device
    except ImportError:
        return
    devices = list(
        Device.objects.filter(school_board=board, category__in=["tablet", "notebook"])
        .exclude(serial_number="")
        .order_by("inventory_number")[:60]
    )
    if len(devices) < 5:
        stdout.write("  " + _("imports: no device demo data – MDM reconciliation skipped"))
        return
    rows = []
    for i, device in enumerate(devices[:-3]):  # the last three are not enrolled
        days = 1 + rng.randint(0, 5) if i % 9 else 40 + rng.randint(0, 60)  # some stale
        seen = dt.datetime.combine(DEMO_TODAY - dt.timedelta(days=days), dt.time(8, 15))
        tag = device.inventory_number if i != 4 else devices[5].inventory_number  # a conflict
        rows.append(
            [
                device.serial_number,
                f"iPad-{i + 1:03d}",
                "iPad (10th generation)",
                "iPadOS 18.1",
                seen.strftime("%Y-%m-%d %H:%M:%S"),
                tag,
                f"udid-{i}",
            ]
        )
    for i in range(2):  # enrolled but never inventoried
        rows.append(
            [
                f"UNBEKANNT{i}{rng.randint(1000, 9999)}",
                f"iPad-neu-{i}",
                "iPad Air",
                "iPadOS 18.1",
                "2026-11-23 07:55:00",
                "",
                f"udid-x{i}",
            ]
        )
    data = write_csv(
        [
            "Serial Number",
            "Device Name",
            "Model",
            "OS Version",
            "Last Check-in",
            "Asset Tag",
            "UDID",
        ],
        rows,
        delimiter=",",
    )
    rec = mdm.reconcile(
        actor=user,
        board=board,
        source="jamf",
        name="JamfSchool_Export.csv",
        data=data,
        stale_days=30,
        today=DEMO_TODAY,
    )
    stdout.write(
        "  "
        + _("imports: MDM reconciliation with %(count)s findings") % {"count": len(rec.findings)}
    )
