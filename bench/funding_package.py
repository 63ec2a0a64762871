"""Benchmark: the application package of a board with 20 schools and 400 cost lines.

Measures render time of the tagged PDF, our share (queries + context + template) vs
WeasyPrint's layout, pages per second, the rule check time and query counts, and a
plain baseline document of the same shape rendered in the same run.

Run: DATABASE_URL=sqlite:////tmp/bench_funding.sqlite3 .venv/bin/python bench/funding_package.py
(the script migrates that database itself; it refuses to run on a database with data).

`--ttf` also renders with TrueType copies of the four Fira Sans faces (converted from the
WOFF2 files into a temporary folder, served through a temporary copy of pdf/base.html):
WeasyPrint decompresses WOFF2 fonts on every render (about 0.4 s for the four faces), so this
measures the proposed switch of pdf/base.html to TTF files.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_funding.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from weasyprint import HTML  # noqa: E402

SCHOOLS, LINES = 20, 400
RUNS = 3  # the best of three: the machine is shared


def ttf_setup() -> None:
    """Point pdf/base.html at TTF copies of the Fira Sans faces (temporary, this run only)."""
    import re
    import tempfile

    from django.conf import settings
    from django.template import engines
    from fontTools.ttLib import TTFont

    import core.pdf

    base = Path(settings.BASE_DIR)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ttf-"))
    (tmp / "pdf").mkdir()
    src = base / "static/vendor/kern/fonts/fira-sans"
    for face in ("Regular", "Italic", "SemiBold", "Bold"):
        font = TTFont(src / f"FiraSans-{face}.woff2")
        font.flavor = None
        font.save(tmp / f"FiraSans-{face}.ttf")
    html = (base / "templates/pdf/base.html").read_text()
    html = re.sub(
        r"\{% pdf_static 'vendor/kern/fonts/fira-sans/(FiraSans-\w+)\.woff2' %\}",
        lambda m: (tmp / f"{m.group(1)}.ttf").as_uri(),
        html,
    )
    (tmp / "pdf/base.html").write_text(html)
    settings.TEMPLATES[0]["DIRS"].insert(0, tmp)
    engines._engines = {}
    allowed = core.pdf._allowed_roots
    core.pdf._allowed_roots = lambda: [*allowed(), tmp]


def best_render(render) -> tuple[float, bytes]:
    best, pdf = None, b""
    for _ in range(RUNS):
        t0 = time.perf_counter()
        pdf = render()
        took = time.perf_counter() - t0
        best = took if best is None else min(best, took)
    return best, pdf


def build():
    from funding.models import Application, ApplicationSchool, Budget, CostLine, Programme, RuleSet
    from schools.models import Land, Room, School, SchoolBoard, Site

    land = Land.objects.create(code="ST", name="Sachsen-Anhalt")
    board = SchoolBoard.objects.create(
        land=land, name="Landkreis Bench", kind="landkreis", city="Halberstadt", postal_code="38820"
    )
    programme = Programme.objects.create(code="bench", name="DigitalPakt Bench", land=land)
    ruleset = RuleSet.objects.create(
        programme=programme,
        application_opens=dt.date(2019, 1, 1),
        application_deadline=dt.date(2030, 12, 31),
        eligible_from=dt.date(2019, 1, 1),
        eligible_until=dt.date(2030, 12, 31),
    )
    Budget.objects.create(school_board=board, programme=programme, amount=Decimal("9000000"))
    app = Application.objects.create(
        school_board=board,
        programme=programme,
        ruleset=ruleset,
        number="FA-BENCH-1",
        title="Gesamtantrag",
        planned_start=dt.date(2027, 1, 1),
        planned_end=dt.date(2027, 12, 31),
        operator="KID",
        support_scope="Vor-Ort",
        decl_procurement=True,
        decl_no_double_funding=True,
        decl_operation_secured=True,
    )
    schools = []
    for i in range(SCHOOLS):
        school = School.objects.create(
            school_board=board,
            land=land,
            school_number=f"{10000 + i}",
            name=f"Schule {i:02d}",
            school_type="gymnasium",
            pupils=500,
        )
        site = Site.objects.create(school=school, school_board=board, name=school.name)
        Room.objects.create(site=site, school=school, school_board=board, name="A1", has_lan=True)
        ApplicationSchool.objects.create(
            application=app,
            school=school,
            school_board=board,
            current_equipment="Ist-Ausstattung " * 30,
            planned_equipment="Plan " * 40,
            pedagogical_reason="Begründung " * 60,
            competence_areas="KMK 1–6 " * 10,
            training_plan="Fortbildung " * 20,
            infrastructure_current="LAN " * 30,
            infrastructure_planned="WLAN " * 30,
        )
        schools.append(school)
    cats = ["wlan", "lan", "display", "mobile", "accompanying", "work_device"]
    CostLine.objects.bulk_create(
        [
            CostLine(
                application=app,
                school_board=board,
                school=schools[i % SCHOOLS],
                position=i + 1,
                category=cats[i % len(cats)],
                description=f"Artikel {i} mit Beschreibung",
                quantity=Decimal(1 + i % 7),
                unit_price_net=Decimal("287.39") + i,
                vat_rate=Decimal("19"),
                procurement_route="direct",
                planned_start=dt.date(2027, 2, 1),
                planned_end=dt.date(2027, 6, 30),
                justification="Bedarf",
            )
            for i in range(LINES)
        ]
    )
    return app.pk


def main():
    from core.pdf import finish_structure, pdf_page_count, pdf_properties
    from funding import selectors
    from funding.documents import application_package_context, application_package_pdf
    from funding.models import Application

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        if Application.objects.exists():
            sys.exit("database not empty; point DATABASE_URL at a fresh file")
        app_id = build()

        def fetch():
            return Application.objects.for_document().get(pk=app_id)

        # warm up (templates, fonts)
        application_package_pdf(fetch())

        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as q_check:
            result = selectors.application_check(fetch())
        t_check = time.perf_counter() - t0

        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as q_ctx:
            ctx = application_package_context(fetch())
        html = render_to_string(
            "funding/pdf/package.html",
            {"app": ctx, "pdf_title": "Bench", "pdf_lang": "de", "generated_at": dt.datetime.now()},
        )
        t_ours = time.perf_counter() - t0

        t_total, pdf = best_render(lambda: application_package_pdf(fetch()))
        pages = pdf_page_count(pdf)
        props = pdf_properties(pdf)
        # the structure repair (footer artifacts, th scope, XMP) is part of t_total; alone:
        import core.pdf

        core.pdf.finish_structure = lambda data, archive: data  # WeasyPrint's raw output
        raw = application_package_pdf(fetch())
        core.pdf.finish_structure = finish_structure
        t0 = time.perf_counter()
        finish_structure(raw, archive=False)
        t_repair = time.perf_counter() - t0
        t_archive, _archive_pdf = best_render(
            lambda: application_package_pdf(fetch(), archive=True)
        )
        t_ttf = None
        if "--ttf" in sys.argv:
            ttf_setup()
            application_package_pdf(fetch())  # warm up the new template
            t_ttf, pdf_ttf = best_render(lambda: application_package_pdf(fetch()))
            assert pdf_page_count(pdf_ttf) == pages and pdf_properties(pdf_ttf)["tagged"]

        # baseline: a plain document of the same shape (same table rows), same run
        rows = "".join(
            f"<tr><td>{i}</td><td>Schule</td><td>Kategorie</td><td>Artikel {i}</td>"
            f"<td>1</td><td>1,00 €</td><td>1,19 €</td><td>1,19 €</td><td>direkt"
            f"</td><td>01.02.2027–30.06.2027</td></tr>"
            for i in range(LINES)
        )
        plain = (
            f"<html><body style='font-size:7.5pt'>{'<p>Text</p>' * 300}<table>{rows}"
            f"</table></body></html>"
        )
        t0 = time.perf_counter()
        base_pdf = HTML(string=plain).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
        t_base = time.perf_counter() - t0

    print(f"schools={SCHOOLS} lines={LINES} pages={pages} findings={len(result.findings)}")
    print(f"rule check: {t_check * 1000:.1f} ms, {len(q_check)} queries")
    print(
        f"package PDF (pdf/ua-1, tagged={props['tagged']}, lang={props['lang']}): "
        f"{t_total:.2f} s (best of {RUNS}), {pages / t_total:.1f} pages/s"
    )
    print(f"  of which structure repair (pikepdf): {t_repair:.2f} s")
    print(f"archive variant (PDF/A-3b + PDF/UA mark, JSON embedded): {t_archive:.2f} s")
    if t_ttf is not None:
        print(f"package PDF with TTF fonts: {t_ttf:.2f} s, {pages / t_ttf:.1f} pages/s")
    print(
        f"our share (queries {len(q_ctx)} + context + template): {t_ours:.3f} s "
        f"= {100 * t_ours / t_total:.1f} % of the render"
    )
    print(f"plain baseline ({pdf_page_count(base_pdf)} pages): {t_base:.2f} s")
    print(f"html size: {len(html) // 1024} KiB, pdf size: {len(pdf) // 1024} KiB")


if __name__ == "__main__":
    main()
