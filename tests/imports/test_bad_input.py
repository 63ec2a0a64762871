"""Bad input, table-driven: every case yields a clear report or a clean refusal and writes
nothing — never a 500, never a partial write. Plus the limits and the zip bomb."""

import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from core.spreadsheets import Limits, SpreadsheetRefused, defusedxml_active, precheck, read_table
from core.tenancy import board_scope
from devices.models import Device
from imports import services
from imports.models import ImportRun
from schools.models import School

pytestmark = pytest.mark.django_db

DEV = (
    "Inventarnummer;Seriennummer;Hersteller;Modell;Kategorie;Schulnummer;Raum;Status;"
    "Anschaffungsdatum;Anschaffungspreis\r\n"
)


def xlsx_bytes(rows) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def billion_laughs_xlsx() -> bytes:
    good = xlsx_bytes([["Inventarnummer"], ["A"]])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>' + data.split(b"?>", 1)[-1]
                )
            dst.writestr(info.filename, data)
    return out.getvalue()


def zip_bomb(uncompressed_mb: int = 600) -> bytes:
    """A real XLSX-shaped zip whose sheet unpacks to `uncompressed_mb` MB of zeros."""
    out = io.BytesIO()
    chunk = b"0" * (1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(uncompressed_mb):
                f.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb()


def n(world):
    return world.school.school_number


# (id, kind, file name, bytes builder, expected fragment in the refusal / report)
CASES = [
    ("empty file", "devices", "leer.csv", lambda w: b"", "leer"),
    ("only whitespace", "devices", "leer.csv", lambda w: b"\r\n  \r\n", "leer"),
    (
        "binary named csv",
        "devices",
        "bild.csv",
        lambda w: b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 50,
        "keine Textdatei",
    ),
    (
        "utf-16 without BOM",
        "devices",
        "u16.csv",
        lambda w: DEV.encode("utf-16-le"),
        "keine Textdatei",
    ),
    (
        "undecodable bytes",
        "devices",
        "x.csv",
        lambda w: DEV.encode() + b"A-1;\x81\x8d\x90;;;;;;;;\r\n",
        "Zeichenkodierung",
    ),
    (
        "random bytes named xlsx",
        "devices",
        "x.xlsx",
        lambda w: b"no zip at all" * 10,
        "keine gültige XLSX",
    ),
    (
        "zip that is no workbook",
        "devices",
        "x.xlsx",
        lambda w: _zip({"a.txt": b"hello"}),
        "keine gültige XLSX",
    ),
    ("old xls", "devices", "alt.xls", lambda w: b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".xls"),
    ("xml entities", "devices", "laughs.xlsx", lambda w: billion_laughs_xlsx(), "Entität"),
    ("header only", "devices", "h.csv", lambda w: DEV.encode(), None),
    (
        "duplicated headers",
        "devices",
        "d.csv",
        lambda w: b"Inventarnummer;Schulnummer;Inventarnummer\r\nA;1;B\r\n",
        "mehrfach",
    ),
    (
        "missing required column",
        "devices",
        "m.csv",
        lambda w: b"Inventarnummer;Raum\r\nA;1\r\n",
        "Pflichtspalte 'Schulnummer'",
    ),
    (
        "mixed delimiters",
        "devices",
        "mix.csv",
        lambda w: (DEV + f"A-1,,,,Tablet,{n(w)},,,,\r\n").encode(),
        "Trennzeichen",
    ),
    (
        "too many cells",
        "devices",
        "many.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};;;;;x;y\r\n").encode(),
        "Zellen",
    ),
    (
        "duplicate keys in file",
        "devices",
        "dup.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};;;;\r\nA-1;;;;Tablet;{n(w)};;;;\r\n").encode(),
        "mehrfach",
    ),
    (
        "unknown category",
        "devices",
        "c.csv",
        lambda w: (DEV + f"A-1;;;;Smartphone;{n(w)};;;;\r\n").encode(),
        "'Smartphone'",
    ),
    (
        "unknown status",
        "devices",
        "s.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};;verschollen;;\r\n").encode(),
        "'verschollen'",
    ),
    (
        "unknown school",
        "devices",
        "u.csv",
        lambda w: (DEV + "A-1;;;;Tablet;99999;;;;\r\n").encode(),
        "keine Schule",
    ),
    (
        "foreign school",
        "devices",
        "f.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{w.other_school.school_number};;;;\r\n").encode(),
        "keine Schule",
    ),
    (
        "impossible date",
        "devices",
        "d.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};;;31.02.2022;\r\n").encode(),
        "'31.02.2022' ist kein gültiges Datum",
    ),
    (
        "text date",
        "devices",
        "d.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};;;gestern;\r\n").encode(),
        "Datum",
    ),
    (
        "negative price",
        "devices",
        "p.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};;;;-5,00\r\n").encode(),
        "negativ",
    ),
    (
        "non-numeric price",
        "devices",
        "p.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};;;;teuer\r\n").encode(),
        "'teuer'",
    ),
    (
        "too many decimals",
        "devices",
        "p.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};;;;1,999\r\n").encode(),
        "Nachkommastellen",
    ),
    (
        "10,000-character cell",
        "devices",
        "long.csv",
        lambda w: (DEV + f"{'X' * 10000};;;;Tablet;{n(w)};;;;\r\n").encode(),
        "Zeile 2",
    ),
    (
        "10,000-character room",
        "devices",
        "long.csv",
        lambda w: (DEV + f"A-1;;;;Tablet;{n(w)};{'R' * 10000};;;\r\n").encode(),
        "Raum",
    ),
    (
        "missing required value",
        "devices",
        "r.csv",
        lambda w: (DEV + f";;;;Tablet;{n(w)};;;;\r\n").encode(),
        "erforderlich",
    ),
    (
        "manufacturer without model",
        "devices",
        "m.csv",
        lambda w: (DEV + f"A-1;;Apple;;Tablet;{n(w)};;;;\r\n").encode(),
        "Zeile 2",
    ),
    (
        "school number with letters",
        "schools",
        "s.csv",
        lambda w: b"Schulnummer;Name;Schulform\r\nABC;X;Gymnasium\r\n",
        "Schulnummer",
    ),
    (
        "negative pupils",
        "schools",
        "s.csv",
        lambda w: "Schulnummer;Name;Schulform;Schüler\r\n12121;X;Gymnasium;-3\r\n".encode(),
        "kleiner als 0",
    ),
    (
        "unknown school type",
        "schools",
        "s.csv",
        lambda w: "Schulnummer;Name;Schulform\r\n12121;X;Universität\r\n".encode(),
        "'Universität'",
    ),
    (
        "postal code too short",
        "schools",
        "s.csv",
        lambda w: b"Schulnummer;Name;Schulform;PLZ\r\n12121;X;Gymnasium;123\r\n",
        "PLZ",
    ),
    (
        "unknown room kind",
        "rooms",
        "r.csv",
        lambda w: f"Schulnummer;Raum;Art\r\n{n(w)};R1;Schwimmbad\r\n".encode(),
        "'Schwimmbad'",
    ),
    (
        "room without name",
        "rooms",
        "r.csv",
        lambda w: f"Schulnummer;Raum;Art\r\n{n(w)};;Klassenraum\r\n".encode(),
        "erforderlich",
    ),
    (
        "unterminated quote",
        "devices",
        "q.csv",
        lambda w: (DEV + f'"A-1;;;;Tablet;{n(w)};;;;\r\n').encode(),
        None,
    ),
]


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _counts():
    from schools.models import Room

    return (Device.objects.count(), School.objects.count(), Room.objects.count())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_nothing_is_written(world, case):
    _id, kind, name, build, expected = case
    data = build(world)
    before = _counts()
    with board_scope([world.board.pk]):
        try:
            run, plan = services.import_file(
                actor=world.user("consultant"), board=world.board, kind=kind, name=name, data=data
            )
        except SpreadsheetRefused as exc:
            message = exc.message
            assert expected and expected in message, message
        else:
            messages = (plan.error_messages() + plan.warnings) if plan else []
            if expected:
                assert any(expected in m for m in messages), messages
            assert run.status in ("invalid", "committed")
            if run.status == "committed":
                assert run.rows_new == 0 and run.rows_changed == 0
    assert _counts() == before


def test_html_in_cells_is_stored_as_text_and_shown_escaped(world, client_for):
    text = DEV + f"<script>alert(1)</script>;;;;Smartphone;{n(world)};;;;\r\n"
    upload = io.BytesIO(text.encode())
    upload.name = "xss.csv"
    client = client_for(world.user("board_admin"))
    response = client.post(reverse("imports:upload"), {"kind": "devices", "file": upload})
    run = ImportRun.objects.get()
    client.post(
        response["Location"],
        {
            f"col_{i}": k
            for i, k in enumerate(
                [
                    "inventory_number",
                    "serial_number",
                    "manufacturer",
                    "model",
                    "category",
                    "school",
                    "room",
                    "status",
                    "purchase_date",
                    "price_gross",
                ]
            )
        },
    )
    page = client.get(run.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "Smartphone" in page


def test_zip_bomb_refused_fast_without_memory(bomb):
    assert len(bomb) < 700 * 1024  # the 600 KiB-class bomb of the issue
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(SpreadsheetRefused) as exc:
        precheck("bombe.xlsx", bomb, Limits())
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "Zip-Bombe" in exc.value.message
    assert elapsed < 2.0
    assert peak < 5 * 1024 * 1024


def test_zip_bomb_under_the_size_limit_is_caught_by_the_ratio(bomb):
    with pytest.raises(SpreadsheetRefused, match="Zip-Bombe"):
        precheck("bombe.xlsx", bomb, Limits(max_uncompressed=10**12))


def test_row_limit_at_below_and_above(world):
    body = "".join(f"{i}\r\n" for i in range(10))
    data = ("Inventarnummer\r\n" + body).encode()
    assert len(read_table("x.csv", data, Limits(max_rows=10)).rows) == 10
    assert len(read_table("x.csv", data, Limits(max_rows=11)).rows) == 10
    with pytest.raises(SpreadsheetRefused, match="zu viele Zeilen"):
        read_table("x.csv", data, Limits(max_rows=9))
    xlsx = xlsx_bytes([["Inventarnummer"]] + [[f"A{i}"] for i in range(10)])
    assert len(read_table("x.xlsx", xlsx, Limits(max_rows=10)).rows) == 10
    with pytest.raises(SpreadsheetRefused, match="zu viele Zeilen"):
        read_table("x.xlsx", xlsx, Limits(max_rows=9))


def test_million_row_file_refused_before_parsing():
    data = b"Inventarnummer\r\n" + b"A\r\n" * 1_000_000
    started = time.perf_counter()
    with pytest.raises(SpreadsheetRefused, match="zu viele Zeilen"):
        read_table("gross.csv", data, Limits(max_rows=200_000))
    assert time.perf_counter() - started < 1.0


def test_upload_size_at_below_and_above():
    data = b"Inventarnummer\r\nA\r\n"
    assert precheck("x.csv", data, Limits(max_bytes=len(data))) == "csv"
    with pytest.raises(SpreadsheetRefused, match="zu groß"):
        precheck("x.csv", data, Limits(max_bytes=len(data) - 1))


def test_upload_size_refused_in_the_web(world, client_for, settings):
    settings.PAKTWERK = {**settings.PAKTWERK, "IMPORT_MAX_UPLOAD_BYTES": 100}
    upload = io.BytesIO(b"Inventarnummer\r\n" + b"A\r\n" * 100)
    upload.name = "x.csv"
    response = client_for(world.user("board_admin")).post(
        reverse("imports:upload"), {"kind": "devices", "file": upload}
    )
    assert response.status_code == 200
    assert "zu groß" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_defusedxml_is_active():
    assert defusedxml_active()


def test_encodings_and_delimiters_never_lose_an_umlaut(world):
    text = "Schulnummer,Name,Schulform,Ort\n12121,Grundschule Übersee,Grundschule,Köthen\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        table = read_table("x.csv", text.encode(encoding))
        assert table.rows[0][1][1] == "Grundschule Übersee", encoding
        assert table.rows[0][1][3] == "Köthen"


def test_empty_lines_and_quoted_newlines_keep_spreadsheet_row_numbers(world):
    text = (
        DEV + "\r\n" + f'"A-1";;;;Tablet;{n(world)};;;;\r\n\r\n'
        f"A-2;;;;Tablet;{n(world)};;;31.02.2022;\r\n"
    )
    table = read_table("x.csv", text.encode())
    assert [r[0] for r in table.rows] == [3, 5]
