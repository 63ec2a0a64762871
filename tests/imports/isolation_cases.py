from django.core.files.base import ContentFile
from django.urls import reverse

from imports.models import ColumnMapping, ImportRun, MdmReconciliation
from tests.isolation import IsolationCase

READERS = ("board_admin", "board_staff", "consultant", "reviewer")


def _board(world, side):
    return world.board if side == "own" else world.other_board


def _admin(world, side):
    return world.user("board_admin" if side == "own" else "other_board_admin")


def make_run(world, side, marker):
    run = ImportRun.objects.create(
        school_board=_board(world, side),
        kind="devices",
        file_name=f"{marker}.csv",
        file_sha256="0" * 64,
        created_by=_admin(world, side),
        status="invalid",
        report={"errors": [{"row": 2, "messages": [f"Zeile 2: {marker}"]}], "file_errors": []},
        rows_error=1,
    )
    run.file.save(f"{marker}.csv", ContentFile(f"Inventarnummer\n{marker}\n".encode()))
    return run


def make_mapping(world, side, marker):
    return ColumnMapping.objects.create(
        school_board=_board(world, side),
        kind="devices",
        source_key=marker,
        headers=[marker],
        mapping={"0": ""},
    )


def make_reconciliation(world, side, marker):
    import datetime as dt

    return MdmReconciliation.objects.create(
        school_board=_board(world, side),
        source="jamf",
        file_name=f"{marker}.csv",
        file_sha256="0" * 64,
        reference_date=dt.date(2026, 11, 24),
        created_by=_admin(world, side),
        findings=[
            {
                "row": 2,
                "kind": "not_inventoried",
                "serial": marker,
                "asset_tag": "",
                "name": "",
                "model": "",
                "os": "",
                "last_contact": "",
                "inventory_number": "",
                "school": "",
                "message": marker,
            }
        ],
    )


CASES = [
    IsolationCase(
        name="imports.ImportRun",
        make=make_run,
        list_url=lambda o: reverse("imports:run-list"),
        detail_url=lambda o: reverse("imports:run-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("importrun-list"),
        api_detail_url=lambda o: reverse("importrun-detail", args=[o.pk]),
        readers=READERS,
        extra_urls={
            "error_report": lambda o: reverse("imports:run-errors", args=[o.pk]),
            "uploaded_file": lambda o: reverse("imports:run-file", args=[o.pk]),
        },
    ),
    IsolationCase(name="imports.ColumnMapping", make=make_mapping, readers=READERS),
    IsolationCase(
        name="imports.MdmReconciliation",
        make=make_reconciliation,
        list_url=lambda o: reverse("imports:mdm-list"),
        detail_url=lambda o: reverse("imports:mdm-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("mdmreconciliation-list"),
        api_detail_url=lambda o: reverse("mdmreconciliation-detail", args=[o.pk]),
        pdf_url=lambda o: reverse("imports:mdm-pdf", args=[o.pk]),
        readers=READERS,
        extra_urls={"csv": lambda o: reverse("imports:mdm-csv", args=[o.pk])},
    ),
]
