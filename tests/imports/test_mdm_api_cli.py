"""MDM reconciliation, the API, the CLI, background jobs and query counts."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import Job
from core.pdf import pdf_text
from core.tenancy import board_scope
from devices.models import Device
from imports import mdm, services
from imports.documents import reconciliation_context, reconciliation_pdf
from imports.models import ImportRun, ImportStatus, MdmReconciliation
from schools.models import School
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

DEV = "Inventarnummer;Seriennummer;Hersteller;Modell;Kategorie;Schulnummer;Status\r\n"


def seed_devices(world):
    n = world.school.school_number
    text = DEV + "".join(
        [
            f"HZ-1;SER1;Apple;iPad;Tablet;{n};im Lager\r\n",
            f"HZ-2;SER2;Apple;iPad;Tablet;{n};im Lager\r\n",
            f"HZ-3;SER3;Apple;iPad;Tablet;{n};im Lager\r\n",
            f"HZ-4;SER4;Apple;iPad;Tablet;{n};ausgesondert\r\n",
            f"HZ-5;SER5;Apple;iPad;Tablet;{n};im Lager\r\n",
        ]
    )
    with board_scope([world.board.pk]):
        run, plan = services.import_file(
            actor=world.user("consultant"),
            board=world.board,
            kind="devices",
            name="g.csv",
            data=text.encode(),
        )
    assert plan is None


JAMF = (
    "Serial Number,Device Name,Model,OS Version,Last Check-in,Asset Tag,UDID\n"
    "SER1,iPad-01,iPad (9th gen),17.5,2026-11-23 08:00:00,HZ-1,u1\n"
    "SER2,iPad-02,iPad (9th gen),17.5,2026-09-01 08:00:00,HZ-2,u2\n"
    "NEW9,iPad-99,iPad (9th gen),17.5,2026-11-20 08:00:00,,u9\n"
    "SER3,iPad-03,iPad (9th gen),17.5,2026-11-23 08:00:00,HZ-5,u3\n"
)
INTUNE = (
    "Device name,Serial number,Model,OS,OS version,Last check-in\n"
    "NB-1,SER1,Latitude,Windows,11,11/20/2026 10:00:00 AM\n"
)


def test_jamf_reconciliation_findings(world):
    seed_devices(world)
    with board_scope([world.board.pk]):
        rec = mdm.reconcile(
            actor=world.user("consultant"),
            board=world.board,
            source="jamf",
            name="jamf.csv",
            data=JAMF.encode(),
            stale_days=30,
            today=dt.date(2026, 11, 24),
        )
    kinds = {(f["kind"], f["serial"] or f["inventory_number"]) for f in rec.findings}
    assert ("not_inventoried", "NEW9") in kinds
    assert ("stale", "SER2") in kinds  # 84 days > 30
    assert ("conflict", "SER3") in kinds  # serial of HZ-3, asset tag of HZ-5
    assert ("not_in_mdm", "SER5") not in kinds  # HZ-5 matched through the conflict
    assert not any(f["inventory_number"] == "HZ-4" for f in rec.findings)  # retired
    assert rec.summary == {"not_inventoried": 1, "not_in_mdm": 0, "stale": 1, "conflict": 1}


def test_stale_threshold_at_below_and_above(world):
    seed_devices(world)
    for days, stale in ((83, True), (84, False), (85, False)):
        with board_scope([world.board.pk]):
            rec = mdm.reconcile(
                actor=world.user("consultant"),
                board=world.board,
                source="jamf",
                name="j.csv",
                data=JAMF.encode(),
                stale_days=days,
                today=dt.date(2026, 11, 24),
            )
        assert any(f["kind"] == "stale" and f["serial"] == "SER2" for f in rec.findings) is stale


def test_intune_export_and_not_in_mdm(world):
    seed_devices(world)
    with board_scope([world.board.pk]):
        rec = mdm.reconcile(
            actor=world.user("consultant"),
            board=world.board,
            source="intune",
            name="intune.csv",
            data=INTUNE.encode(),
            today=dt.date(2026, 11, 24),
        )
    missing = {f["inventory_number"] for f in rec.findings if f["kind"] == "not_in_mdm"}
    assert missing == {"HZ-2", "HZ-3", "HZ-5"}


def test_reconciliation_pdf_and_csv(world, client_for):
    seed_devices(world)
    with board_scope([world.board.pk]):
        rec = mdm.reconcile(
            actor=world.user("consultant"),
            board=world.board,
            source="jamf",
            name="jamf.csv",
            data=JAMF.encode(),
            today=dt.date(2026, 11, 24),
        )
    ctx = reconciliation_context(rec)
    assert ctx["mdm_count"] == 4 and ctx["matched_count"] == 4
    text = pdf_text(reconciliation_pdf(rec))
    assert "MDM-Abgleich" in text and "NEW9" in text and "24.11.2026" in text
    client = client_for(world.user("board_staff"))
    csv_text = client.get(reverse("imports:mdm-csv", args=[rec.pk])).content.decode("utf-8-sig")
    assert "NEW9" in csv_text and "Befund" in csv_text
    page = client.get(reverse("imports:mdm-detail", args=[rec.pk])).content.decode()
    assert "NEW9" in page


def test_mdm_web_upload(world, client_for):
    seed_devices(world)
    upload = io.BytesIO(JAMF.encode())
    upload.name = "jamf.csv"
    response = client_for(world.user("consultant")).post(
        reverse("imports:mdm-create"), {"source": "jamf", "stale_days": 30, "file": upload}
    )
    assert response.status_code == 302
    assert MdmReconciliation.objects.get().mdm_count == 4


def test_api_dry_run_then_commit(world, api_client_for):
    api = api_client_for(world.user("consultant"))
    data = b"Schulnummer;Name;Schulform\r\n44444;API-Schule;Gymnasium\r\n"
    upload = io.BytesIO(data)
    upload.name = "api.csv"
    response = api.post(
        reverse("importrun-list"),
        {"kind": "schools", "file": upload, "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["rows_new"] == 1 and response.json()["status"] == "previewed"
    assert not School.objects.filter(school_number="44444").exists()
    response = api.post(reverse("importrun-commit", args=[response.json()["id"]]))
    assert response.status_code == 200
    assert School.objects.get(school_number="44444").school_board == world.board


def test_api_invalid_file_is_400_and_writes_nothing(world, api_client_for):
    api = api_client_for(world.user("consultant"))
    upload = io.BytesIO(b"Schulnummer;Name;Schulform\r\n44444;X;Uni\r\n")
    upload.name = "bad.csv"
    response = api.post(
        reverse("importrun-list"),
        {"kind": "schools", "file": upload, "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "Uni" in str(response.json()["report"]["errors"])
    assert not School.objects.filter(school_number="44444").exists()
    upload = io.BytesIO(b"")
    upload.name = "empty.csv"
    response = api.post(
        reverse("importrun-list"), {"kind": "schools", "file": upload}, format="multipart"
    )
    assert response.status_code == 400


def test_api_reviewer_cannot_import_and_export_is_scoped(world, api_client_for):
    upload = io.BytesIO(b"Schulnummer;Name;Schulform\r\n44444;X;Gymnasium\r\n")
    upload.name = "x.csv"
    response = api_client_for(world.user("reviewer")).post(
        reverse("importrun-list"), {"kind": "schools", "file": upload}, format="multipart"
    )
    assert response.status_code == 403
    response = api_client_for(world.user("board_admin")).get(
        reverse("importrun-export"), {"kind": "schools", "file_format": "csv"}
    )
    text = response.content.decode("utf-8-sig")
    assert world.school.school_number in text and world.other_school.school_number not in text


def test_cli_import_and_export(world, tmp_path, capsys):
    world.board.official_key = "15085"
    world.board.save()
    src = tmp_path / "schulen.csv"
    src.write_bytes(
        "Schulnummer;Name;Schulform\r\n55555;CLI-Schule;Gymnasium\r\n".encode("utf-8-sig")
    )
    user = world.user("consultant").username
    call_command("import_schools", str(src), "--board", "15085", "--user", user, "--dry-run")
    assert not School.objects.filter(school_number="55555").exists()
    call_command("import_schools", str(src), "--board", "15085", "--user", user)
    assert School.objects.get(school_number="55555").history.get().history_user.username == user
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Schulnummer;Name;Schulform\r\n66666;X;Uni\r\n")
    with pytest.raises(SystemExit) as exc:
        call_command("import_schools", str(bad), "--board", "15085", "--user", user)
    assert exc.value.code == 1
    assert "Zeile 2" in capsys.readouterr().err
    out = tmp_path / "export.xlsx"
    call_command(
        "export_schools", "--board", "15085", "--format", "xlsx", "-o", str(out), "--user", user
    )
    call_command("import_schools", str(out), "--board", "15085", "--user", user)
    assert "0 neu, 0 geändert" in capsys.readouterr().out  # German, as the row errors
    call_command(
        "export_devices",
        "--board",
        "15085",
        "--format",
        "csv",
        "-o",
        str(tmp_path / "d.csv"),
        "--user",
        user,
    )
    assert (tmp_path / "d.csv").read_bytes().startswith(b"\xef\xbb\xbfInventarnummer")


def test_large_file_runs_as_background_job(world, client_for, run_jobs, settings):
    settings.PAKTWERK = {**settings.PAKTWERK, "IMPORT_INLINE_ROWS": 5}
    n = world.school.school_number
    text = DEV + "".join(f"J-{i};;;;Tablet;{n};im Lager\r\n" for i in range(20))
    upload = io.BytesIO(text.encode())
    upload.name = "gross.csv"
    client = client_for(world.user("board_admin"))
    response = client.post(reverse("imports:upload"), {"kind": "devices", "file": upload})
    mapping = {
        f"col_{i}": k
        for i, k in enumerate(
            [
                "inventory_number",
                "serial_number",
                "manufacturer",
                "model",
                "category",
                "school",
                "status",
            ]
        )
    }
    with run_jobs():
        response = client.post(response["Location"], mapping)
    assert "/auftraege/" in response["Location"]
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.PREVIEWED and run.rows_new == 20
    with run_jobs():
        response = client.post(reverse("imports:run-commit", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED
    assert Device.objects.count() == 20
    job = Job.objects.filter(kind="imports.commit").get()
    assert job.status == "succeeded" and job.result_url == run.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_list_pages_query_counts_do_not_grow(world, client_for, api_client_for):
    client = client_for(world.user("board_admin"))
    api = api_client_for(world.user("board_admin"))

    def add_runs(k):
        for i in range(k):
            ImportRun.objects.create(
                school_board=world.board,
                kind="schools",
                file_name=f"f{i}.csv",
                file_sha256="0" * 64,
                created_by=world.user("board_admin"),
            )

    assert_constant_queries(lambda: client.get(reverse("imports:run-list")), add_runs)
    assert_constant_queries(lambda: api.get(reverse("importrun-list")), add_runs)


def test_export_query_count_does_not_grow(world, client_for):
    from tests.factories import SchoolFactory

    client = client_for(world.user("board_admin"))
    for kind in ("schools", "devices"):

        def add(k):
            for _ in range(k):
                school = SchoolFactory(school_board=world.board)
                Device.objects.create(
                    school_board=world.board,
                    school=school,
                    inventory_number=f"Q-{school.pk}",
                    category="tablet",
                )

        assert_constant_queries(
            lambda: client.get(reverse("imports:export"), {"kind": kind, "format": "csv"}), add
        )
