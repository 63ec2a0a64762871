"""Device import/export: upsert by Inventarnummer, rooms and models created, history, safety."""

import io

import openpyxl
import pytest

from core.models import StatusChange
from core.tenancy import access_for, board_scope
from devices.models import Device, DeviceModel
from imports import exporting, services
from imports.models import ImportStatus
from schools.models import Room

pytestmark = pytest.mark.django_db

HEADER = (
    "Inventarnummer;Seriennummer;Hersteller;Modell;Kategorie;Schulnummer;Raum;Status;"
    "Anschaffungsdatum;Anschaffungspreis;Garantie bis;MDM-ID;Bemerkung\r\n"
)


def run_import(
    world, text, *, board=None, dry_run=False, name="geraete.csv", data=None, actor="consultant"
):
    board = board or world.board
    user = world.user(actor if board == world.board else "other_board_admin")
    with board_scope([board.pk]):
        return services.import_file(
            actor=user,
            board=board,
            kind="devices",
            name=name,
            data=data or text.encode("utf-8-sig"),
            dry_run=dry_run,
        )


def row(
    inv,
    *,
    serial="",
    school=None,
    room="",
    status="im Lager",
    price="399,00",
    date="01.08.2026",
    manufacturer="Apple",
    model="iPad 10",
    category="Tablet",
    notes="",
    mdm="",
):
    return (
        f"{inv};{serial};{manufacturer};{model};{category};{school};{room};{status};{date};"
        f"{price};31.07.2029;{mdm};{notes}\r\n"
    )


def test_import_creates_devices_rooms_models_with_history_and_status_log(world):
    n = world.school.school_number
    text = (
        HEADER
        + row("HZ-1", serial="SN1", school=n, room="A 1.12", price="1.234,56")
        + row("HZ-2", serial="SN2", school=n, room="A 1.12", status="in_use")
    )
    run, plan = run_import(world, text)
    assert plan is None, plan.error_messages()
    assert run.status == ImportStatus.COMMITTED and run.rows_new == 2
    d1 = Device.objects.get(inventory_number="HZ-1")
    assert str(d1.price_gross) == "1234.56" and d1.purchase_date.isoformat() == "2026-08-01"
    assert d1.room.name == "A 1.12" and d1.room.school == world.school
    assert Room.objects.filter(school=world.school, name="A 1.12").count() == 1
    assert DeviceModel.objects.get(manufacturer="Apple").category == "tablet"
    assert Device.objects.get(inventory_number="HZ-2").status == "in_use"
    history = d1.history.get()
    assert history.history_user == world.user("consultant")
    assert "geraete.csv" in history.history_change_reason
    assert run.file_sha256[:20] in history.history_change_reason
    assert StatusChange.objects.filter(device=d1, to_status="in_stock").exists()


def test_preview_lists_new_rooms_and_models_and_writes_nothing(world):
    text = HEADER + row("HZ-9", school=world.school.school_number, room="Neu 1")
    run, plan = run_import(world, text, dry_run=True)
    assert run.report["created"] == {
        "rooms": [f"{world.school.school_number} / Neu 1"],
        "models": ["Apple iPad 10"],
    }
    assert not Device.objects.exists() and not Room.objects.filter(name="Neu 1").exists()
    assert not DeviceModel.objects.exists()


def test_update_diff_and_unchanged(world):
    n = world.school.school_number
    run_import(world, HEADER + row("HZ-1", school=n) + row("HZ-2", school=n))
    run, plan = run_import(
        world, HEADER + row("HZ-1", school=n, price="450,00") + row("HZ-2", school=n), dry_run=True
    )
    assert plan.counts["changed"] == 1 and plan.counts["unchanged"] == 1
    changed = next(r for r in plan.rows if r.action == "changed")
    assert changed.diffs == [("Anschaffungspreis", "399,00", "450,00")]
    run, plan = run_import(
        world, HEADER + row("HZ-1", school=n, price="450,00") + row("HZ-2", school=n)
    )
    device = Device.objects.get(inventory_number="HZ-1")
    assert str(device.price_gross) == "450.00" and device.version == 2
    assert device.history.count() == 2


def test_one_invalid_row_among_many_commits_nothing(world):
    n = world.school.school_number
    rows = "".join(row(f"HZ-{i}", school=n) for i in range(50))
    rows += row("HZ-bad", school=n, date="31.02.2022")
    run, plan = run_import(world, HEADER + rows)
    assert run.status == ImportStatus.INVALID
    assert Device.objects.count() == 0 and DeviceModel.objects.count() == 0
    assert plan.error_messages() == [
        "Zeile 52, Spalte 'Anschaffungsdatum': '31.02.2022' ist kein gültiges Datum"
    ]


def test_foreign_inventory_numbers_never_change_the_other_board(world):
    other_n = world.other_school.school_number
    run_import(
        world, HEADER + row("SHARED-1", school=other_n, notes="Beta"), board=world.other_board
    )
    foreign = Device.objects.get(school_board=world.other_board)
    before = (foreign.version, foreign.notes, foreign.school_id)
    # the same inventory number in board A is simply a new device of board A
    run, plan = run_import(
        world, HEADER + row("SHARED-1", school=world.school.school_number, notes="Alpha")
    )
    assert plan is None
    foreign.refresh_from_db()
    assert (foreign.version, foreign.notes, foreign.school_id) == before
    assert Device.objects.filter(inventory_number="SHARED-1").count() == 2
    # naming the other board's school is an error that reads like an unknown school
    run, plan = run_import(world, HEADER + row("X-1", school=other_n) + row("X-2", school="99999"))
    first, second = plan.error_messages()
    assert first[8:].replace(other_n, "N") == second[8:].replace("99999", "N")


def test_serial_number_conflicts(world):
    n = world.school.school_number
    run_import(world, HEADER + row("HZ-1", serial="SN-1", school=n))
    run, plan = run_import(
        world,
        HEADER
        + row("HZ-2", serial="SN-1", school=n)
        + row("HZ-3", serial="SN-3", school=n)
        + row("HZ-4", serial="SN-3", school=n),
        dry_run=True,
    )
    messages = plan.error_messages()
    assert any("SN-1" in m and "HZ-1" in m for m in messages)
    assert any("Zeile 4" in m and "SN-3" in m for m in messages)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimport_zero_changes(world, fmt):
    n = world.school.school_number
    text = (
        HEADER
        + row("HZ-1", serial="00123", school=n, room="A 1", notes="=HYPERLINK()")
        + row(
            "1E5",
            school=n,
            status="verliehen",
            price="",
            date="",
            manufacturer="",
            model="",
            category="Notebook",
            notes="-minus",
        )
        + row("HZ-3", school=n, price="1.999,99", mdm="@id", notes="Zeile\nzwei")
    )
    text = text.replace("Zeile\nzwei", '"Zeile\nzwei"')
    run, plan = run_import(world, text)
    assert plan is None, plan.error_messages()
    access = access_for(world.user("board_admin"))
    with board_scope(access.board_ids):
        content, _t, name = exporting.export_bytes(kind="devices", fmt=fmt, access=access)
    run, plan = run_import(world, None, data=content, name=name, dry_run=True)
    assert plan.error_messages() == []
    assert plan.counts == {"total": 3, "new": 0, "changed": 0, "unchanged": 3, "error": 0}
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        hz3 = next(r for r in rows if r[0] == "HZ-3")
        assert hz3[9] == 1999.99  # a number cell, not text
        assert next(r for r in rows if r[0] == "HZ-1")[1] == "00123"


def test_export_filters_like_the_list(world, client_for):
    n = world.school.school_number
    run_import(
        world,
        HEADER
        + row("HZ-1", school=n, status="im Lager")
        + row("HZ-2", school=n, status="in Reparatur"),
    )
    client = client_for(world.user("board_staff"))
    from django.urls import reverse

    response = client.get(
        reverse("imports:export"), {"kind": "devices", "format": "csv", "status": "in_repair"}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "HZ-2" in text and "HZ-1" not in text
