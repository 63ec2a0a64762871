"""Device list benchmark: 1,000,000 devices across 200 boards; list page and API list.

Usage:
  python bench/devices_list.py                       # SQLite (temporary file database)
  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/paktwerk_bench python bench/devices_list.py
  BENCH_DEVICES=200000 python bench/devices_list.py  # smaller run
  BENCH_ROOT=/path/to/other/checkout BENCH_REUSE=1 ...  # same data, another code version

Sorted cases (issue 14): the list page and the API sorted by a column (`ordering=`),
and the CSV export of a filtered, sorted view. A checkout without sorting ignores the
parameter, which makes it the baseline of the same request.

Generates boards, schools, rooms and devices with raw bulk INSERTs (no history rows:
this measures reads), then measures, through the Django test client as a board admin,
the median latency of the device list page and the API list (page of 50) unfiltered and
with filters (status, school, search), and prints the number of queries of each request.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))
DEVICES = int(os.environ.get("BENCH_DEVICES", 1_000_000))
BOARDS = int(os.environ.get("BENCH_BOARDS", 200))
RUNS = int(os.environ.get("BENCH_RUNS", 30))
DB_URL = os.environ.get("BENCH_DATABASE_URL") or (
    f"sqlite:///{tempfile.gettempdir()}/paktwerk-devbench-{os.getpid()}.sqlite3"
)
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")
# Measure production settings (cached templates, no query log), not DEBUG mode.
os.environ["DEBUG"] = "0"
# production settings refuse the console mail backend; benchmarks send no mail
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATUSES = [
    "in_stock",
    "in_use",
    "in_use",
    "in_use",
    "on_loan",
    "in_repair",
    "delivered",
    "retired",
]
CATEGORIES = ["tablet", "notebook", "interactive_board", "access_point", "desktop"]


def generate() -> tuple:
    from django.contrib.auth import get_user_model

    from schools.models import Land, Membership, Room, School, SchoolBoard, Site

    t0 = time.perf_counter()
    with scopes_disabled():
        land = Land.objects.create(code="ST", name="Sachsen-Anhalt")
        boards = SchoolBoard.objects.bulk_create(
            [SchoolBoard(land=land, name=f"Träger {i}", kind="landkreis") for i in range(BOARDS)]
        )
        schools = School.objects.bulk_create(
            [
                School(
                    school_board=b,
                    land=land,
                    school_number=f"{10000 + i * 5 + k}",
                    name=f"Schule {i}-{k}",
                    school_type="gymnasium",
                )
                for i, b in enumerate(boards)
                for k in range(5)
            ]
        )
        sites = Site.objects.bulk_create(
            [
                Site(school=s, school_board_id=s.school_board_id, name=s.name, is_main=True)
                for s in schools
            ]
        )
        rooms = Room.objects.bulk_create(
            [
                Room(
                    site=site,
                    school_id=site.school_id,
                    school_board_id=site.school_board_id,
                    name=f"R{r}",
                )
                for site in sites
                for r in range(10)
            ]
        )
    rooms_by_school: dict[int, list[int]] = {}
    for r in rooms:
        rooms_by_school.setdefault(r.school_id, []).append(r.pk)
    per_board = DEVICES // BOARDS
    school_ids = [s.pk for s in schools]
    board_of = {s.pk: s.school_board_id for s in schools}
    cols = (
        "school_board_id, school_id, room_id, inventory_number, serial_number, category, "
        "status, pool, supplier, invoice_reference, mdm_id, notes, retired_early, "
        "created_at, updated_at, version, price_net, price_gross, warranty_end"
    )
    sql = (
        f"INSERT INTO devices_device ({cols}) VALUES "
        "(%s,%s,%s,%s,%s,%s,%s,'','','','','',%s,%s,%s,1,%s,%s,%s)"
    )
    now = django.utils.timezone.now()
    batch = []
    with connection.cursor() as cursor:
        for n in range(DEVICES):
            board_index = n // per_board if n // per_board < BOARDS else BOARDS - 1
            school = school_ids[board_index * 5 + n % 5]
            room = rooms_by_school[school][n % 10]
            batch.append(
                (
                    board_of[school],
                    school,
                    room,
                    f"INV-{n:08d}",
                    f"SN{n:09d}",
                    CATEGORIES[n % 5],
                    STATUSES[n % 8],
                    False,
                    now,
                    now,
                    "336.13",
                    "400.00",
                    (now + django.utils.timezone.timedelta(days=n % 900)).date(),
                )
            )
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    if connection.vendor == "postgresql" or connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = get_user_model().objects.create_user("bench", password="x")
    Membership.objects.create(user=user, role="board_admin", school_board=boards[BOARDS // 2])
    print(f"generated {DEVICES:,} devices in {BOARDS} boards in {time.perf_counter() - t0:.1f} s")
    return (
        user,
        boards[BOARDS // 2],
        [s for s in schools if s.school_board_id == boards[BOARDS // 2].pk][0],
    )


def measure(client, url, params) -> tuple[float, float, int]:
    client.get(url, params, secure=True)
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        response = client.get(url, params, secure=True)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, params, secure=True)
    return (
        statistics.median(times),
        sorted(times)[int(len(times) * 0.95) - 1],
        len(ctx.captured_queries),
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_REUSE"):  # measure an already generated database again
        from django.contrib.auth import get_user_model

        from schools.models import School

        user = get_user_model().objects.get(username="bench")
        with scopes_disabled():
            board_id = user.memberships.get().school_board_id
            school = School.objects.filter(school_board_id=board_id).first()
    else:
        user, _board, school = generate()
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor} ({DB_URL.split('@')[-1]}), runs per case: {RUNS}")
    cases = [
        ("list page", "/geraete/", {}),
        ("list page, status=in_use", "/geraete/", {"status": "in_use"}),
        ("list page, school + category", "/geraete/", {"school": school.pk, "category": "tablet"}),
        ("list page, search 'INV-0050'", "/geraete/", {"q": "INV-0050"}),
        ("list page, page 40", "/geraete/", {"page": 40}),
        ("list, sorted -inventory_number", "/geraete/", {"ordering": "-inventory_number"}),
        ("list, sorted school__name", "/geraete/", {"ordering": "school__name"}),
        (
            "list, in_use sorted warranty_end",
            "/geraete/",
            {"status": "in_use", "ordering": "warranty_end"},
        ),
        ("list, sorted serial, page 40", "/geraete/", {"ordering": "serial_number", "page": 40}),
        ("API list", "/api/v1/devices/", {}),
        ("API list, status=in_use", "/api/v1/devices/", {"status": "in_use"}),
        (
            "API list, school + category",
            "/api/v1/devices/",
            {"school": school.pk, "category": "tablet"},
        ),
        ("API list, warranty_days=30", "/api/v1/devices/", {"warranty_days": 30}),
        ("API, ordering=-inventory_number", "/api/v1/devices/", {"ordering": "-inventory_number"}),
        ("API, ordering=school__name", "/api/v1/devices/", {"ordering": "school__name"}),
    ]
    if os.environ.get("BENCH_EXPORT"):  # the export of a filtered, sorted view, in the request
        settings.LIST_EXPORT_INLINE_MAX = 10**9
        cases.append(
            (
                "export CSV, school, sorted",
                "/geraete/",
                {"school": school.pk, "ordering": "-inventory_number", "export": "csv"},
            )
        )
    print(f"{'case':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, url, params in cases:
        median, p95, queries = measure(client, url, params)
        print(f"{name:<34} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
