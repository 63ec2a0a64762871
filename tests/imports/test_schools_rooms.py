"""Schools and rooms: import (preview, diff, commit all-or-nothing), export, round trip."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core.tenancy import board_scope
from imports import exporting, services
from imports.kinds import get_kind
from imports.models import ColumnMapping, ImportRun, ImportStatus
from schools.models import Room, School, Site
from tests.factories import RoomFactory, SchoolFactory, SiteFactory

pytestmark = pytest.mark.django_db

SCHOOL_HEADER = "Schulnummer;Name;Schulform;Straße;PLZ;Ort;Schüler;Lehrkräfte;Klassen;Stichtag\r\n"


def csv_bytes(text: str, encoding="utf-8-sig") -> bytes:
    return text.encode(encoding)


def do_import(world, kind, text, *, name="datei.csv", dry_run=False, actor="consultant", data=None):
    user = world.user(actor)
    with board_scope([world.board.pk]):
        return services.import_file(
            actor=user,
            board=world.board,
            kind=kind,
            name=name,
            data=data if data is not None else csv_bytes(text),
            dry_run=dry_run,
        )


def test_german_excel_csv_creates_schools_with_history_and_main_site(world):
    text = SCHOOL_HEADER + (
        "01234;Grundschule Käthe Kollwitz;Grundschule;Lindenallee 3;38820;Halberstadt;"
        "212;15;9;15.09.2026\r\n"
        "54321;Sekundarschule Am Markt;sekundarschule;;;Wernigerode;1.002;70;40;\r\n"
    )
    run, plan = do_import(world, "schools", None, data=text.encode("cp1252"), name="liste.csv")
    assert plan is None, plan and plan.error_messages()
    assert run.status == ImportStatus.COMMITTED
    assert (run.rows_new, run.rows_changed, run.rows_error) == (2, 0, 0)
    school = School.objects.get(school_number="01234")  # leading zero kept
    assert school.name == "Grundschule Käthe Kollwitz"  # umlaut from Windows-1252
    assert school.school_board == world.board and school.land == world.board.land
    assert school.counts_date.isoformat() == "2026-09-15"
    assert School.objects.get(school_number="54321").pupils == 1002
    assert Site.objects.filter(school=school, is_main=True).count() == 1
    record = school.history.get()
    assert record.history_user == world.user("consultant")
    assert "liste.csv" in record.history_change_reason
    assert run.file_sha256[:12] in record.history_change_reason


def test_preview_shows_field_diff_and_changes_nothing(world):
    school = world.school
    text = SCHOOL_HEADER + (
        f"{school.school_number};Neuer Name;{school.get_school_type_display()}"
        f";{school.street};{school.postal_code};{school.city};{school.pupils}"
        f";{school.teachers};{school.classes};\r\n"
    )
    run, plan = do_import(world, "schools", text, dry_run=True)
    assert run.status == ImportStatus.PREVIEWED
    assert plan.counts["changed"] == 1
    (row,) = [r for r in plan.rows if r.action == "changed"]
    assert ("Name", "Alpha-Gymnasium", "Neuer Name") in row.diffs
    school.refresh_from_db()
    assert school.name == "Alpha-Gymnasium"


def test_one_bad_row_commits_nothing_and_message_names_row_and_column(world):
    text = SCHOOL_HEADER + (
        "11111;Schule Eins;Gymnasium;;;;1;1;1;01.08.2026\r\n"
        "22222;Schule Zwei;Gymnasium;;;;1;1;1;31.02.2022\r\n"
    )
    run, plan = do_import(world, "schools", text)
    assert run.status == ImportStatus.INVALID
    assert not School.objects.filter(school_number__in=["11111", "22222"]).exists()
    messages = plan.error_messages()
    assert messages == ["Zeile 3, Spalte 'Stichtag': '31.02.2022' ist kein gültiges Datum"]


def test_foreign_board_school_number_is_a_row_error_and_never_changed(world):
    other = world.other_school
    text = SCHOOL_HEADER + f"{other.school_number};Übernommen;Gymnasium;;;;1;1;1;\r\n"
    run, plan = do_import(world, "schools", text)
    assert run.status == ImportStatus.INVALID
    other.refresh_from_db()
    assert other.name == "Beta-Grundschule" and other.school_board == world.other_board
    assert "may not use" in plan.error_messages()[0] or "nicht" in plan.error_messages()[0]


def test_room_import_foreign_and_unknown_school_read_the_same(world):
    foreign = world.other_school.school_number
    text = (
        "Schulnummer;Raum;Art\r\n"
        f"{world.school.school_number};A 1.12;Computerraum\r\n"
        f"{foreign};B 2;Klassenraum\r\n"
        "99999;C 3;Klassenraum\r\n"
    )
    run, plan = do_import(world, "rooms", text, dry_run=True)
    errors = plan.error_messages()
    assert len(errors) == 2
    assert errors[0].startswith("Zeile 3,") and errors[1].startswith("Zeile 4,")
    assert errors[0][8:].replace(foreign, "X") == errors[1][8:].replace("99999", "X")
    assert "keine Schule dieses Schulträgers" in errors[0]


def test_rooms_import_creates_and_updates_by_school_and_name(world):
    existing = RoomFactory(site=world.site, name="Physik", kind="classroom")
    text = (
        "Schulnummer;Raum;Art\r\n"
        f"{world.school.school_number};Physik;Fachraum / Labor\r\n"
        f"{world.school.school_number};Serverraum 1;server\r\n"
    )
    run, plan = do_import(world, "rooms", text)
    assert plan is None
    existing.refresh_from_db()
    assert existing.kind == "lab" and existing.version == 2
    new = Room.objects.get(name="Serverraum 1")
    assert new.site == world.site and new.school == world.school
    assert existing.history.first().history_change_reason.startswith("Import datei.csv")


@pytest.mark.parametrize("kind", ["schools", "rooms"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_reimport_is_zero_changes(world, kind, fmt):
    school = SchoolFactory(
        school_board=world.board, name='=HYPERLINK("x")', street="-Straße", city="@Ort"
    )
    site = SiteFactory(school=school)
    RoomFactory(site=site, name="+R1", kind="computer")
    RoomFactory(site=world.site, name="Aula")
    from core.tenancy import access_for

    access = access_for(world.user("board_admin"))
    with board_scope(access.board_ids):
        content, _type, name = exporting.export_bytes(kind=kind, fmt=fmt, access=access)
        run, plan = services.import_file(
            actor=world.user("board_admin"),
            board=world.board,
            kind=kind,
            name=name,
            data=content,
            dry_run=True,
        )
    assert plan.error_messages() == []
    expected = (
        School.objects.filter(school_board=world.board).count()
        if kind == "schools"
        else Room.objects.filter(school_board=world.board).count()
    )
    assert plan.counts == {
        "total": expected,
        "new": 0,
        "changed": 0,
        "unchanged": expected,
        "error": 0,
    }


def test_export_neutralises_formulas_but_keeps_numbers(world):
    SchoolFactory(
        school_board=world.board, name="=1+2", street="+49 Straße", city="@SUM(A1)", pupils=5
    )
    from core.tenancy import access_for

    access = access_for(world.user("board_admin"))
    with board_scope(access.board_ids):
        csv_content, _t, _n = exporting.export_bytes(kind="schools", fmt="csv", access=access)
        xlsx_content, _t, _n = exporting.export_bytes(kind="schools", fmt="xlsx", access=access)
    text = csv_content.decode("utf-8-sig")
    assert "'=1+2" in text and "'+49 Straße" in text and "'@SUM(A1)" in text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    row = next(r for r in values if r[1] == "'=1+2")
    assert row[6] == 5 and isinstance(row[6], int)  # a number stays a number
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


def test_mapping_is_remembered_per_board_and_layout(world):
    headers = ["Nr.", "Bezeichnung", "Typ"]
    kind = get_kind("schools")
    with board_scope([world.board.pk]):
        assert services.remembered_mapping(world.board, kind, headers) is None
        services.remember_mapping(
            actor=world.user("consultant"),
            board=world.board,
            kind=kind,
            headers=headers,
            mapping={"0": "school_number", "1": "name", "2": "school_type"},
        )
        assert services.remembered_mapping(world.board, kind, headers)["0"] == "school_number"
    with board_scope([world.other_board.pk]):
        assert services.remembered_mapping(world.other_board, kind, headers) is None
    assert ColumnMapping.objects.count() == 1


def test_id_column_is_ignored_and_reported(world):
    text = f"id;Schulnummer;Name;Schulform\r\n{world.other_school.pk};12121;Neu;Gymnasium\r\n"
    run, plan = do_import(world, "schools", text, dry_run=True)
    assert any("id" in w for w in plan.warnings)
    assert plan.counts["new"] == 1


def test_web_wizard_upload_mapping_preview_commit(world, client_for):
    client = client_for(world.user("board_staff"))
    text = (
        "Nummer;Schulname;Schulform;Stichtag\r\n"
        "33333;Förderschule Regenbogen;Förderschule;01.09.2026\r\n"
    )
    upload = io.BytesIO(text.encode("utf-8-sig"))
    upload.name = "foerder.csv"
    response = client.post(reverse("imports:upload"), {"kind": "schools", "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ImportRun.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Schulnummer" in page.content.decode()
    response = client.post(
        response["Location"],
        {"col_0": "school_number", "col_1": "name", "col_2": "school_type", "col_3": "counts_date"},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEWED and run.rows_new == 1
    assert not School.objects.filter(school_number="33333").exists()
    detail = client.get(run.get_absolute_url()).content.decode()
    assert "33333" in detail
    response = client.post(reverse("imports:run-commit", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED
    assert School.objects.get(school_number="33333").name == "Förderschule Regenbogen"


def test_reviewer_and_school_staff_cannot_import(world, client_for):
    for actor in ("reviewer", "school_staff"):
        response = client_for(world.user(actor)).get(reverse("imports:upload"))
        assert response.status_code == 403
