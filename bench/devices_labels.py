"""Label sheet benchmark: how long a sheet of N labels takes (context + WeasyPrint PDF).

Usage:
  python bench/devices_labels.py                 # 24, 300 and 3,000 labels (SQLite temp file)
  BENCH_LABELS=300,3000,10000 python bench/devices_labels.py

Builds one board, one school and the devices itself, then times separately the label
data with QR codes (`label_sheet_context`) and the whole PDF (`label_sheet_pdf`), and the
background job handler end to end. The figures decide `devices.views.INLINE_LABELS`
(sheets up to that size are rendered in the request; bigger ones run as a job).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIZES = [int(x) for x in os.environ.get("BENCH_LABELS", "24,300,3000").split(",")]
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or (
    f"sqlite:///{tempfile.gettempdir()}/paktwerk-labelbench-{os.getpid()}.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["DEBUG"] = "0"
# production settings refuse the console mail backend; benchmarks send no mail
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402


def main() -> None:
    from django.contrib.auth import get_user_model

    from core.jobs import job_start
    from core.models import Job
    from core.pdf import pdf_page_count
    from devices.documents import label_sheet_context, label_sheet_pdf
    from devices.models import Device
    from schools.models import Land, School, SchoolBoard

    call_command("migrate", verbosity=0)
    largest = max(SIZES)
    with scopes_disabled():
        land = Land.objects.create(code="ST", name="Sachsen-Anhalt")
        board = SchoolBoard.objects.create(land=land, name="Landkreis Harz", kind="landkreis")
        school = School.objects.create(
            school_board=board,
            land=land,
            school_number="12345",
            name="Gymnasium Martineum Halberstadt",
            school_type="gymnasium",
        )
        Device.objects.bulk_create(
            [
                Device(
                    school_board=board,
                    school=school,
                    inventory_number=f"HZ-2026-{n:05d}",
                    serial_number=f"DMPX{n:08d}",
                    category="tablet",
                    status="in_use",
                )
                for n in range(largest)
            ],
            batch_size=2000,
        )
        user = get_user_model().objects.create_user("labels", password="x")
        print(
            f"database: {connection.vendor}; Python {sys.version.split()[0]}, "
            f"Django {django.get_version()}"
        )
        print(
            f"{'labels':>7} {'pages':>6} {'queries':>8} {'context s':>10} {'PDF s':>8} "
            f"{'job s':>8} {'ms/label':>9} {'PDF KiB':>8}"
        )
        for size in SIZES:
            devices = Device.objects.for_document().filter(school_board=board)[:size]
            t0 = time.perf_counter()
            label_sheet_context(devices)
            t_ctx = time.perf_counter() - t0
            devices = Device.objects.for_document().filter(school_board=board)[:size]
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                pdf = label_sheet_pdf(devices)
                t_pdf = time.perf_counter() - t0
            ids = list(devices.values_list("pk", flat=True))
            t0 = time.perf_counter()
            job = job_start(
                kind="devices.labels",
                owner=user,
                board=board,
                title="bench",
                params={"device_ids": ids},
            )
            from core.jobs import execute_job

            execute_job(job.pk)  # what the worker does (no transaction.on_commit in a script)
            t_job = time.perf_counter() - t0
            job = Job.objects.get(pk=job.pk)
            assert job.status == "succeeded", job.error
            print(
                f"{size:>7,} {pdf_page_count(pdf):>6} {len(queries.captured_queries):>8} "
                f"{t_ctx:>10.2f} {t_pdf:>8.2f} {t_job:>8.2f} {t_pdf * 1000 / size:>9.1f} "
                f"{len(pdf) / 1024:>8.0f}"
            )


if __name__ == "__main__":
    main()
