"""Import/export benchmark: 100,000 device rows, end to end, against baselines.

Usage:
  python bench/import_devices.py                      # SQLite (temporary file database)
  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/paktwerk_bench \\
      python bench/import_devices.py                  # PostgreSQL
  BENCH_ROWS=20000 BENCH_IE_ROWS=1000 python bench/import_devices.py   # smaller run

Measures, on the same generated rows:
- end-to-end import through imports.services (parse CSV, validate every row, resolve
  schools/rooms/models, write rows + history) vs a raw executemany (SQLite) / COPY
  (PostgreSQL) insert of the same rows into the device table, and vs
  django-import-export's default import_data path (on BENCH_IE_ROWS rows, extrapolated);
- XLSX read: python-calamine vs openpyxl (read-only);
- export: CSV vs a plain csv.writer over the same query; XLSX vs openpyxl write-only;
- peak memory of the import (tracemalloc peak and the process's max RSS).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import platform
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ROWS = int(os.environ.get("BENCH_ROWS", 100_000))
IE_ROWS = int(os.environ.get("BENCH_IE_ROWS", 2_000))
DB_URL = os.environ.get("BENCH_DATABASE_URL") or (
    f"sqlite:///{tempfile.gettempdir()}/paktwerk-bench-{os.getpid()}.sqlite3")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

settings.PAKTWERK["IMPORT_MAX_ROWS"] = max(settings.PAKTWERK["IMPORT_MAX_ROWS"], ROWS + 10)
settings.PAKTWERK["IMPORT_MAX_UPLOAD_BYTES"] = 500 * 1024 * 1024

HEADERS = ["Inventarnummer", "Seriennummer", "Hersteller", "Modell", "Kategorie",
           "Schulnummer", "Raum", "Status", "Anschaffungsdatum", "Anschaffungspreis",
           "Garantie bis", "MDM-ID", "Bemerkung"]
MODELS = [("Apple", "iPad 10.9", "Tablet"), ("Lenovo", "ThinkPad L14", "Notebook"),
          ("Dell", "Latitude 3540", "Notebook"), ("Samsung", "Flip Pro 75", "Interaktive Tafel"),
          ("Lancom", "LX-6400", "Access Point")]


def line(label: str, seconds: float, rows: int) -> None:
    rate = f"{rows / seconds:,.0f}".replace(",", ".")
    print(f"  {label:<52} {seconds:8.2f} s  {rate:>10} rows/s")


def setup_world():
    from schools.models import Land, School, SchoolBoard, Site
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        land, _ = Land.objects.get_or_create(code="ST", defaults={
            "name": "Sachsen-Anhalt", "school_number_pattern": r"^\d{5}$"})
        board = SchoolBoard.objects.create(land=land, name=f"Bench {time.time()}",
                                           kind="landkreis")
        schools = []
        base = 10000 + (int(time.time()) % 2000) * 40
        for i in range(40):
            school = School.objects.create(school_board=board, land=land,
                                           school_number=str(base + i),
                                           name=f"Schule {i}", school_type="gymnasium")
            Site.objects.create(school=school, school_board=board, name=school.name,
                                is_main=True)
            schools.append(school)
        user = UserFactory(username=f"bench{int(time.time())}")
    return board, schools, user


def generate_rows(schools, n: int, prefix: str = "B") -> list[list]:
    rows = []
    start = dt.date(2021, 8, 1)
    for i in range(n):
        manufacturer, model, category = MODELS[i % len(MODELS)]
        school = schools[i % len(schools)]
        price = Decimal(350 + (i * 37) % 4000) + Decimal("0.99")
        rows.append([f"{prefix}-{i:07d}", f"{prefix}SN{i:09d}", manufacturer, model, category,
                     school.school_number, f"Raum {i % 30}", "im Lager",
                     start + dt.timedelta(days=i % 1500), price,
                     start + dt.timedelta(days=1500 + i % 700), f"mdm-{i}", ""])
    return rows


def import_ours(board, user, name: str, data: bytes):
    from core.tenancy import board_scope
    from imports import services

    with board_scope([board.pk]):
        run, plan = services.import_file(actor=user, board=board, kind="devices", name=name,
                                         data=data)
    assert plan is None, plan.error_messages()[:5]
    return run


def raw_insert(board, schools, rows) -> float:
    """The same device rows straight into the table (no validation, no history)."""
    from devices.models import Device

    table = Device._meta.db_table
    now = dt.datetime.now(dt.UTC)
    school_ids = {s.school_number: s.pk for s in schools}
    values = [(r[0], r[1], "tablet", "in_stock", school_ids[r[5]], "", r[8], r[9], None,
               "", "", r[10], None, r[11], r[12], False, board.pk, now, now, 1) for r in rows]
    cols = ("inventory_number", "serial_number", "category", "status", "school_id", "pool",
            "purchase_date", "price_gross", "price_net", "supplier", "invoice_reference",
            "warranty_end", "earmarking_end", "mdm_id", "notes", "retired_early",
            "school_board_id", "created_at", "updated_at", "version")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for v in values:
                    copy.write_row(v)
        else:
            marks = ", ".join(["%s"] * len(cols))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",
                               [tuple(str(x) if isinstance(x, Decimal) else x for x in v)
                                for v in values])
    elapsed = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE school_board_id = %s AND "
                       "inventory_number LIKE %s", [board.pk, "R-%"])
    return elapsed


def import_export_default(board, schools, rows) -> float:
    """django-import-export's default path: Resource.import_data on a tablib Dataset."""
    import tablib

    from core.tenancy import board_scope
    from imports.resources import DeviceResource

    dataset = tablib.Dataset(headers=["inventory_number", "serial_number", "category",
                                      "Schulnummer", "status", "purchase_date", "price_gross",
                                      "warranty_end", "mdm_id", "notes"])
    for r in rows:
        dataset.append([r[0], r[1], "tablet", r[5], "in_stock", r[8].isoformat(), str(r[9]),
                        r[10].isoformat(), r[11], r[12]])
    with board_scope([board.pk]):
        resource = DeviceResource(board=board)
        started = time.perf_counter()
        result = resource.import_data(dataset, dry_run=False, use_transactions=True,
                                      raise_errors=True)
        elapsed = time.perf_counter() - started
    assert not result.has_errors()
    return elapsed


def main() -> None:
    import openpyxl
    import python_calamine

    from core.spreadsheets import read_table, read_xlsx_openpyxl, write_csv, write_xlsx
    from imports import exporting
    from imports.kinds import get_kind

    print(f"Paktwerk import benchmark – {ROWS:,} device rows".replace(",", "."))
    print(f"  machine: {platform.machine()} {platform.processor() or ''}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"Django {django.get_version()}, DB {connection.vendor}, "
          f"calamine {getattr(python_calamine, '__version__', '0.9.x')}, "
          f"openpyxl {openpyxl.__version__}")
    board, schools, user = setup_world()
    rows = generate_rows(schools, ROWS)
    csv_data = write_csv(HEADERS, rows)

    # --- end-to-end import ----------------------------------------------------------------
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    run = import_ours(board, user, "bench.csv", csv_data)
    ours = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert run.rows_new == ROWS
    print("Import (CSV → validated rows + history):")
    line("Paktwerk import (parse, validate, resolve, write+history)", ours, ROWS)
    raw_rows = generate_rows(schools, ROWS, prefix="R")
    raw = raw_insert(board, schools, raw_rows)
    line("raw " + ("COPY" if connection.vendor == "postgresql" else "executemany")
         + " into the device table", raw, ROWS)
    ie_rows = generate_rows(schools, IE_ROWS, prefix="IE")
    ie = import_export_default(board, schools, ie_rows)
    ie_extrapolated = ie * ROWS / IE_ROWS
    line(f"django-import-export import_data ({IE_ROWS} rows)", ie, IE_ROWS)
    print(f"  ratio Paktwerk / raw insert: {ours / raw:.1f}×  (target ≤ 3×)")
    print(f"  speed-up vs import-export default: {ie_extrapolated / ours:.1f}×  "
          f"(extrapolated {ie_extrapolated:.0f} s for {ROWS} rows; target ≥ 25×)")
    print(f"  peak memory: max RSS of the process {rss_mb:.0f} MB (before the import "
          f"{rss_before:.0f} MB; target < 400 MB)")
    started = time.perf_counter()
    run2 = import_ours(board, user, "bench-again.csv", csv_data)
    line("re-import of the same file (all unchanged)", time.perf_counter() - started, ROWS)
    assert run2.rows_unchanged == ROWS

    # --- XLSX read --------------------------------------------------------------------------
    xlsx_data = write_xlsx(HEADERS, rows)
    print("XLSX read:")
    started = time.perf_counter()
    table = read_table("bench.xlsx", xlsx_data)
    calamine = time.perf_counter() - started
    assert len(table.rows) == ROWS
    line("python-calamine (with prechecks)", calamine, ROWS)
    started = time.perf_counter()
    table = read_xlsx_openpyxl(xlsx_data)
    openpyxl_s = time.perf_counter() - started
    line("openpyxl read-only", openpyxl_s, ROWS)
    print(f"  ratio openpyxl / calamine: {openpyxl_s / calamine:.1f}×  (target ≥ 5×)")

    # --- export -----------------------------------------------------------------------------
    from core.tenancy import access_for, board_scope
    from devices.models import Device

    access = access_for(user)
    spec = get_kind("devices")
    print("Export:")
    with board_scope([board.pk]):
        qs = spec.export_shape(Device.objects.filter(school_board=board))
        started = time.perf_counter()
        content = exporting.render(spec, exporting.export_rows(spec, qs), "csv")
        ours_csv = time.perf_counter() - started
        line("Paktwerk CSV export (escaping, German formats)", ours_csv, ROWS)
        started = time.perf_counter()
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        for d in qs.iterator(chunk_size=2000):
            writer.writerow([d.inventory_number, d.serial_number, d.model.manufacturer if
                             d.model else "", d.model.name if d.model else "", d.category,
                             d.school.school_number, d.room.name if d.room else "", d.status,
                             d.purchase_date, d.price_gross, d.warranty_end, d.mdm_id, d.notes])
        plain_csv = time.perf_counter() - started
        line("plain csv.writer over the same query", plain_csv, ROWS)
        print(f"  ratio: {ours_csv / plain_csv:.2f}×  (target ≤ 2×)")
        started = time.perf_counter()
        exporting.render(spec, exporting.export_rows(spec, qs), "xlsx")
        ours_xlsx = time.perf_counter() - started
        line("Paktwerk XLSX export", ours_xlsx, ROWS)
        started = time.perf_counter()
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(HEADERS)
        for d in qs.iterator(chunk_size=2000):
            ws.append([d.inventory_number, d.serial_number, d.model.manufacturer if d.model
                       else "", d.model.name if d.model else "", d.category,
                       d.school.school_number, d.room.name if d.room else "", d.status,
                       d.purchase_date, d.price_gross, d.warranty_end, d.mdm_id, d.notes])
        wb.save(io.BytesIO())
        plain_xlsx = time.perf_counter() - started
        line("openpyxl write-only over the same query", plain_xlsx, ROWS)
        print(f"  ratio: {ours_xlsx / plain_xlsx:.2f}×  (target ≤ 2×)")
    del access, content
    if connection.vendor == "sqlite":
        connection.close()
        Path(DB_URL.replace("sqlite:///", "")).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
