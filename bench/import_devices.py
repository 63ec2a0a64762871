"""Import/export benchmark: 100,000 device rows, end to end, against baselines.

Usage:
  python bench/import_devices.py                      # SQLite (temporary file database)
  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/paktwerk_bench \\
      python bench/import_devices.py                  # PostgreSQL
  BENCH_ROWS=20000 BENCH_IE_ROWS=1000 python bench/import_devices.py   # smaller run

Measures, on the same generated rows:
- end-to-end import through imports.services.import_file (store the upload, parse the
  CSV, validate every row, resolve schools/rooms/models, write rows + history rows +
  status log, ImportRun totals), run in its own process (`--child`) so that its time and
  peak memory (ru_maxrss of that process, Django start-up included) are the import's
  alone; vs a raw executemany (SQLite) / COPY (PostgreSQL) of the same rows into the
  device table (parameters prepared before the clock starts; no history), and vs
  django-import-export's default import_data path (on BENCH_IE_ROWS rows, extrapolated
  linearly); for reference the row-by-row ORM engine on BENCH_ORM_ROWS rows;
- XLSX read: python-calamine vs openpyxl (read-only);
- export: CSV vs a plain csv.writer over values_list of the same query (and, as the old
  baseline, over model instances); XLSX vs openpyxl write-only over the same values.
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
ORM_ROWS = int(os.environ.get("BENCH_ORM_ROWS", 5_000))
DB_URL = (
    os.environ.get("DATABASE_URL")
    if "--child" in sys.argv
    else (
        os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{tempfile.gettempdir()}/paktwerk-bench-{os.getpid()}.sqlite3"
    )
)
os.environ["DATABASE_URL"] = DB_URL
# Measure production settings (no query log holding every statement), not DEBUG mode.
os.environ["DEBUG"] = "0"
# production settings refuse the console mail backend; benchmarks send no mail
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
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

HEADERS = [
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
    "Garantie bis",
    "MDM-ID",
    "Bemerkung",
]
MODELS = [
    ("Apple", "iPad 10.9", "Tablet"),
    ("Lenovo", "ThinkPad L14", "Notebook"),
    ("Dell", "Latitude 3540", "Notebook"),
    ("Samsung", "Flip Pro 75", "Interaktive Tafel"),
    ("Lancom", "LX-6400", "Access Point"),
]


def line(label: str, seconds: float, rows: int) -> None:
    rate = f"{rows / seconds:,.0f}".replace(",", ".")
    print(f"  {label:<52} {seconds:8.2f} s  {rate:>10} rows/s")


def setup_world():
    from schools.models import Land, School, SchoolBoard, Site
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        land, _ = Land.objects.get_or_create(
            code="ST", defaults={"name": "Sachsen-Anhalt", "school_number_pattern": r"^\d{5}$"}
        )
        board = SchoolBoard.objects.create(land=land, name=f"Bench {time.time()}", kind="landkreis")
        schools = []
        base = 10000 + (int(time.time()) % 2000) * 40
        for i in range(40):
            school = School.objects.create(
                school_board=board,
                land=land,
                school_number=str(base + i),
                name=f"Schule {i}",
                school_type="gymnasium",
            )
            Site.objects.create(school=school, school_board=board, name=school.name, is_main=True)
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
        rows.append(
            [
                f"{prefix}-{i:07d}",
                f"{prefix}SN{i:09d}",
                manufacturer,
                model,
                category,
                school.school_number,
                f"Raum {i % 30}",
                "im Lager",
                start + dt.timedelta(days=i % 1500),
                price,
                start + dt.timedelta(days=1500 + i % 700),
                f"mdm-{i}",
                "",
            ]
        )
    return rows


def import_ours(board, user, name: str, data: bytes, engine: str | None = None):
    from core.tenancy import board_scope
    from imports import services

    with board_scope([board.pk]):
        run, plan = services.import_file(
            actor=user, board=board, kind="devices", name=name, data=data, engine=engine
        )
    assert plan is None, plan.error_messages()[:5]
    return run


def child_import(path: str, board_id: int, user_id: int) -> None:
    """Runs in a fresh process: the import alone, its time and the process's peak RSS."""
    import json

    from django.contrib.auth import get_user_model

    from schools.models import SchoolBoard

    with scopes_disabled():
        board = SchoolBoard.objects.get(pk=board_id)
    user = get_user_model().objects.get(pk=user_id)
    from imports import services  # noqa: F401  (module loading is start-up, not import)
    from imports.kinds import get_kind

    get_kind("devices")
    rss_before = peak_rss_mb()
    data = Path(path).read_bytes()
    started = time.perf_counter()
    run = import_ours(board, user, Path(path).name, data)
    elapsed = time.perf_counter() - started
    rss = peak_rss_mb()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "rss_mb": rss,
                "rss_before_mb": rss_before,
                "rows_new": run.rows_new,
                "sha": run.file_sha256,
            }
        )
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB: VmHWM of /proc/self/status (Linux).

    ru_maxrss is not used: on Linux it survives fork+exec, so a child started by a big
    parent would report the parent's size."""
    try:
        for text in Path("/proc/self/status").read_text().splitlines():
            if text.startswith("VmHWM:"):
                return int(text.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_in_subprocess(board, user, path: Path) -> dict:
    import json
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(board.pk), str(user.pk)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": DB_URL},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def raw_insert(board, schools, rows) -> float:
    """The same device rows straight into the table (no validation, no history).

    The parameter tuples are built before the clock starts, so the baseline is only the
    database work (executemany / COPY) — as strict as a baseline can be."""
    from devices.models import Device

    table = Device._meta.db_table
    now = dt.datetime.now(dt.UTC)
    school_ids = {s.school_number: s.pk for s in schools}
    cols = (
        "inventory_number",
        "serial_number",
        "category",
        "status",
        "school_id",
        "pool",
        "purchase_date",
        "price_gross",
        "price_net",
        "supplier",
        "invoice_reference",
        "warranty_end",
        "earmarking_end",
        "mdm_id",
        "notes",
        "retired_early",
        "school_board_id",
        "created_at",
        "updated_at",
        "version",
    )
    pg = connection.vendor == "postgresql"
    values = [
        (
            r[0],
            r[1],
            "tablet",
            "in_stock",
            school_ids[r[5]],
            "",
            r[8],
            r[9] if pg else str(r[9]),
            None,
            "",
            "",
            r[10],
            None,
            r[11],
            r[12],
            False,
            board.pk,
            now,
            now,
            1,
        )
        for r in rows
    ]
    if not pg:
        stamp = connection.ops.adapt_datetimefield_value(now)
        values = [
            (*v[:6], v[6].isoformat(), *v[7:11], v[11].isoformat(), *v[12:17], stamp, stamp, 1)
            for v in values
        ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if pg:
            with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for v in values:
                    copy.write_row(v)
        else:
            marks = ", ".join(["%s"] * len(cols))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", values)
    elapsed = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE school_board_id = %s AND inventory_number LIKE %s",
            [board.pk, "R-%"],
        )
    return elapsed


def import_export_default(board, schools, rows) -> float:
    """django-import-export's default path: Resource.import_data on a tablib Dataset."""
    import tablib
    from _resources import DeviceResource

    from core.tenancy import board_scope

    dataset = tablib.Dataset(
        headers=[
            "inventory_number",
            "serial_number",
            "category",
            "Schulnummer",
            "status",
            "purchase_date",
            "price_gross",
            "warranty_end",
            "mdm_id",
            "notes",
        ]
    )
    for r in rows:
        dataset.append(
            [
                r[0],
                r[1],
                "tablet",
                r[5],
                "in_stock",
                r[8].isoformat(),
                str(r[9]),
                r[10].isoformat(),
                r[11],
                r[12],
            ]
        )
    with board_scope([board.pk]):
        resource = DeviceResource(board=board)
        started = time.perf_counter()
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=True, raise_errors=True
        )
        elapsed = time.perf_counter() - started
    assert not result.has_errors()
    return elapsed


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×"


def main() -> None:
    import openpyxl

    from core.models import StatusChange
    from core.spreadsheets import read_table, read_xlsx_openpyxl, write_csv, write_xlsx
    from devices.models import Device
    from imports import exporting
    from imports.kinds import get_kind

    vendor = connection.vendor
    print(f"Paktwerk import benchmark – {ROWS:,} device rows".replace(",", "."))
    print(
        f"  machine: {platform.machine()} {platform.processor() or ''}, "
        f"{os.cpu_count()} CPUs (shared: timings are noisy), {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, DB {vendor} {connection.Database.__name__} "
        f"{_db_version()}, calamine {_version('python-calamine')}, "
        f"openpyxl {openpyxl.__version__}, django-import-export "
        f"{_version('django-import-export')}"
    )
    board, schools, user = setup_world()
    rows = generate_rows(schools, ROWS)
    csv_data = write_csv(HEADERS, rows)
    path = Path(tempfile.gettempdir()) / f"bench-devices-{os.getpid()}.csv"
    path.write_bytes(csv_data)

    # --- end-to-end import (own process: time of the import call, peak RSS) -----------------
    print("Import (CSV → validated rows + history rows + status log):")
    child = import_in_subprocess(board, user, path)
    ours = child["seconds"]
    assert child["rows_new"] == ROWS
    line("Paktwerk import (parse, validate, resolve, write+history)", ours, ROWS)
    with scopes_disabled():
        devices = Device.objects.filter(school_board=board)
        history = Device.history.filter(
            school_board_id=board.pk,
            history_type="+",
            history_user_id=user.pk,
            history_change_reason__contains=child["sha"][:40],
        )
        log = StatusChange.objects.filter(school_board=board, from_status="")
        counts = (devices.count(), history.count(), log.count())
    print(
        f"  written: {counts[0]} devices, {counts[1]} history rows (user, file, SHA-256), "
        f"{counts[2]} status-log rows"
    )
    assert counts == (ROWS, ROWS, ROWS), counts
    raw_rows = generate_rows(schools, ROWS, prefix="R")
    raw = raw_insert(board, schools, raw_rows)
    del raw_rows
    line(
        "raw "
        + ("COPY" if vendor == "postgresql" else "executemany")
        + " into the device table (no history)",
        raw,
        ROWS,
    )
    ie_rows = generate_rows(schools, IE_ROWS, prefix="IE")
    ie = import_export_default(board, schools, ie_rows)
    ie_extrapolated = ie * ROWS / IE_ROWS
    line(f"django-import-export import_data ({IE_ROWS} rows)", ie, IE_ROWS)
    print(f"  ratio Paktwerk / raw insert: {ratio(ours, raw)}  (target ≤ 3×)")
    print(
        f"  speed-up vs import-export default: {ie_extrapolated / ours:.1f}×  "
        f"(linear extrapolation: {ie_extrapolated:.0f} s for {ROWS} rows; target ≥ 25×)"
    )
    print(
        f"  peak memory (peak RSS = VmHWM of the importing process): "
        f"{child['rss_mb']:.0f} MB (after Django start-up, before the import: "
        f"{child['rss_before_mb']:.0f} MB; target < 400 MB)"
    )
    if ORM_ROWS:
        orm_rows = generate_rows(schools, ORM_ROWS, prefix="O")
        started = time.perf_counter()
        import_ours(board, user, "bench-orm.csv", write_csv(HEADERS, orm_rows), engine="orm")
        orm = time.perf_counter() - started
        line(f"reference: row-by-row ORM engine ({ORM_ROWS} rows)", orm, ORM_ROWS)
        del orm_rows
    started = time.perf_counter()
    run2 = import_ours(board, user, "bench-again.csv", csv_data)
    line(
        "re-import of the same file (all unchanged, same process)",
        time.perf_counter() - started,
        ROWS,
    )
    assert run2.rows_unchanged == ROWS
    path.unlink(missing_ok=True)

    # --- XLSX read --------------------------------------------------------------------------
    xlsx_data = write_xlsx(HEADERS, rows)
    print("XLSX read:")
    started = time.perf_counter()
    table = read_table("bench.xlsx", xlsx_data)
    calamine = time.perf_counter() - started
    assert len(table.rows) == ROWS
    line("python-calamine (with prechecks)", calamine, ROWS)
    del table
    started = time.perf_counter()
    table = read_xlsx_openpyxl(xlsx_data)
    openpyxl_s = time.perf_counter() - started
    line("openpyxl read-only", openpyxl_s, ROWS)
    print(f"  ratio openpyxl / calamine: {openpyxl_s / calamine:.1f}×  (target ≥ 5×)")
    del table, xlsx_data, rows

    # --- export -----------------------------------------------------------------------------
    from core.tenancy import board_scope

    spec = get_kind("devices")
    paths = [p for p, _f in spec.export_columns()]
    print("Export (the board's devices, same query):")
    with board_scope([board.pk]):
        qs = spec.export_shape(
            Device.objects.filter(school_board=board, inventory_number__startswith="B-")
        )
        started = time.perf_counter()
        content = exporting.render_queryset(spec, qs, "csv")
        ours_csv = time.perf_counter() - started
        assert content.count(b"\r\n") >= ROWS
        line("Paktwerk CSV export (escaping, German formats)", ours_csv, ROWS)
        started = time.perf_counter()
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(qs.values_list(*paths).iterator(chunk_size=5000))
        out.getvalue().encode("utf-8")
        plain_csv = time.perf_counter() - started
        line("plain csv.writer over values_list of the query", plain_csv, ROWS)
        started = time.perf_counter()
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        for d in qs.iterator(chunk_size=2000):
            writer.writerow(
                [
                    d.inventory_number,
                    d.serial_number,
                    d.model.manufacturer if d.model else "",
                    d.model.name if d.model else "",
                    d.category,
                    d.school.school_number,
                    d.room.name if d.room else "",
                    d.status,
                    d.purchase_date,
                    d.price_gross,
                    d.warranty_end,
                    d.mdm_id,
                    d.notes,
                ]
            )
        plain_obj = time.perf_counter() - started
        line("plain csv.writer over model instances (old baseline)", plain_obj, ROWS)
        print(
            f"  ratio vs values_list baseline: {ratio(ours_csv, plain_csv)}  (target ≤ 2×); "
            f"vs model-instance baseline: {ratio(ours_csv, plain_obj)}"
        )
        started = time.perf_counter()
        exporting.render_queryset(spec, qs, "xlsx")
        ours_xlsx = time.perf_counter() - started
        line("Paktwerk XLSX export", ours_xlsx, ROWS)
        started = time.perf_counter()
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(HEADERS)
        for r in qs.values_list(*paths).iterator(chunk_size=5000):
            ws.append(r)
        wb.save(io.BytesIO())
        plain_xlsx = time.perf_counter() - started
        line("openpyxl write-only over values_list of the query", plain_xlsx, ROWS)
        print(f"  ratio: {ratio(ours_xlsx, plain_xlsx)}  (target ≤ 2×)")
    del content
    if vendor == "sqlite":
        connection.close()
        Path(DB_URL.replace("sqlite:///", "")).unlink(missing_ok=True)
    else:
        with scopes_disabled(), transaction.atomic(), connection.cursor() as cursor:
            # leave the shared benchmark database small for the next run
            for model in (StatusChange, Device.history.model, Device):
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} WHERE school_board_id = %s", [board.pk]
                )


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def _db_version() -> str:
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return "server " + cursor.fetchone()[0]


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child_import(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
