"""Import runs: upload, map columns, dry-run (preview with diffs and row errors), commit.

The work is the pipeline in imports/pipeline/ (read -> map -> validate -> plan -> write);
this module stores each run (ImportRun) and drives the steps. Commit is all-or-nothing:
the file is analysed again inside one transaction and written only when no row has an
error. Rows are matched by natural key within the user's board (school number, room name
per school, inventory number), never by database id. Every write carries the importing
user and "Import <file> (SHA-256 …)" into the rows' history; one ImportRun records the
totals.
"""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import Limits, SpreadsheetRefused, Table, sha256

from .kinds import get_kind
from .models import ImportRun, ImportStatus
from .pipeline.map import check_mapping, detect_mapping, remember_mapping, remembered_mapping
from .pipeline.plan import ImportRejected, Plan, analyse_file, engine_for
from .pipeline.read import load_table
from .pipeline.write import write_file
from .workflow import IMPORT_RUN

__all__ = [
    "ImportRejected",
    "check_mapping",
    "Plan",
    "engine_for",
    "import_file",
    "remember_mapping",
    "remembered_mapping",
    "run_commit",
    "run_create",
    "run_preview",
    "run_set_mapping",
]


# ------------------------------------------------------------------ runs
def run_create(
    *, actor, board, kind: str, name: str, data: bytes, limits: Limits | None = None
) -> ImportRun:
    """Store an upload after the pre-parse checks; the mapping is detected or remembered."""
    spec = get_kind(kind)
    table = load_table(name, data, limits)  # raises SpreadsheetRefused before any write
    mapping = remembered_mapping(board, spec, table.headers) or detect_mapping(spec, table.headers)
    run = ImportRun(
        school_board=board,
        kind=kind,
        file_name=name[:255],
        file_sha256=sha256(data),
        file_size=len(data),
        file_format=table.fmt,
        headers=table.headers,
        mapping=mapping,
        created_by=actor,
        rows_total=len(table.rows),
    )
    run.file.save(f"{run.file_sha256[:16]}.{table.fmt}", ContentFile(data), save=False)
    run._history_user = actor
    run.save()
    run._table = table  # reused by import_file's preview/commit (no second parse)
    return run


def run_set_mapping(*, actor, run: ImportRun, mapping: dict[str, str]) -> ImportRun:
    spec = get_kind(run.kind)
    valid = {c.key for c in spec.columns}
    clean = {
        str(i): (mapping.get(str(i)) if mapping.get(str(i)) in valid else "")
        for i in range(len(run.headers))
    }
    run.mapping = clean
    run.status = ImportStatus.UPLOADED
    run._history_user = actor
    run.save(update_fields=["mapping", "status", "updated_at"])
    remember_mapping(
        actor=actor, board=run.school_board, kind=spec, headers=run.headers, mapping=clean
    )
    return run


def _load_table(run: ImportRun) -> Table:
    table = run.__dict__.pop("_table", None)
    if table is not None:
        return table
    with run.file.open("rb") as f:
        data = f.read()
    return load_table(run.file_name, data)


def _store(run: ImportRun, plan: Plan, status: str, started: float) -> None:
    counts = plan.counts
    run.rows_total = counts["total"]
    run.rows_new = counts["new"]
    run.rows_changed = counts["changed"]
    run.rows_unchanged = counts["unchanged"]
    run.rows_error = counts["error"] + len(plan.file_errors)
    run.report = plan.report()
    run.status = status
    run.duration_ms = int((time.monotonic() - started) * 1000)


def run_preview(*, actor, run: ImportRun, progress=None, engine: str | None = None) -> Plan:
    """Dry run of a stored upload: the preview the user confirms."""
    started = time.monotonic()
    try:
        table = _load_table(run)
    except SpreadsheetRefused as exc:
        run.report = {"file_errors": [exc.message]}
        run.status = ImportStatus.FAILED
        run.save()
        raise
    plan = analyse_file(
        kind=get_kind(run.kind),
        board=run.school_board,
        table=table,
        mapping=run.mapping,
        progress=progress,
        engine=engine,
    )
    del table
    _store(run, plan, ImportStatus.INVALID if plan.has_errors else ImportStatus.PREVIEWED, started)
    run._history_user = actor
    run.save()
    return plan


def run_commit(*, actor, run: ImportRun, progress=None, engine: str | None = None) -> ImportRun:
    """All or nothing: analyse again inside one transaction, write only a clean file."""
    if IMPORT_RUN.is_in(run, "committed"):
        raise ValidationError(_("This file has already been imported."))
    started = time.monotonic()
    table = _load_table(run)
    spec = get_kind(run.kind)
    try:
        with transaction.atomic():
            plan = analyse_file(
                kind=spec,
                board=run.school_board,
                table=table,
                mapping=run.mapping,
                progress=progress,
                engine=engine,
            )
            del table
            write_file(plan, actor=actor, reason=run.change_reason, progress=progress)
    except ImportRejected as exc:
        _store(run, exc.plan, ImportStatus.INVALID, started)
        run._history_user = actor
        run.save()
        raise
    _store(run, plan, ImportStatus.COMMITTED, started)
    run.committed_by = actor
    run.committed_at = timezone.now()
    run._history_user = actor
    run._change_reason = run.change_reason
    run.save()
    return run


def import_file(
    *,
    actor,
    board,
    kind: str,
    name: str,
    data: bytes,
    dry_run: bool = False,
    progress=None,
    engine: str | None = None,
) -> tuple[ImportRun, Plan | None]:
    """One call for the CLI and the API: upload, auto-map, preview or commit."""
    run = run_create(actor=actor, board=board, kind=kind, name=name, data=data)
    if dry_run:
        return run, run_preview(actor=actor, run=run, progress=progress, engine=engine)
    try:
        run_commit(actor=actor, run=run, progress=progress, engine=engine)
    except ImportRejected as exc:
        return run, exc.plan
    return run, None
