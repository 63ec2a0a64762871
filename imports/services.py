"""The import engine: map columns, dry-run (preview with diffs and row errors), commit.

Commit is all-or-nothing: the file is analysed again inside one transaction
and written only when no row has an error. Rows are matched by natural key
within the user's board (school number, room name per school, inventory
number), never by database id. Every write carries the importing user and
"Import <file> (SHA-256 …)" into the rows' history; one ImportRun records
the totals.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import Limits, SpreadsheetRefused, Table, read_table, sha256

from .kinds import Kind, RowProblem, display, get_kind
from .models import ColumnMapping, ImportRun, ImportStatus
from .parsing import CellError, normalize
from .workflow import IMPORT_RUN

ERROR_LIMIT = 5000
SAMPLE_LIMIT = 500
ID_HEADERS = {"id", "pk", "dbid", "datenbankid"}


class ImportRejected(Exception):
    """The file has errors; nothing was written."""

    def __init__(self, plan: Plan):
        super().__init__(_("The file has errors; nothing was imported."))
        self.plan = plan


@dataclass
class RowResult:
    row: int
    action: str  # new | changed | unchanged | error
    key: str = ""
    diffs: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    obj: Any = None
    changed_fields: set[str] = field(default_factory=set)


@dataclass
class Plan:
    kind: Kind
    board: Any
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ctx: Any = None
    #: the column-wise engine keeps only error rows and preview samples in `rows` and
    #: counts every row here; None: `rows` holds every row (ORM engine)
    tally: dict[str, int] | None = None
    engine_state: Any = None

    @property
    def has_errors(self) -> bool:
        if self.tally is not None:
            return bool(self.file_errors) or self.tally["error"] > 0
        return bool(self.file_errors) or any(r.action == "error" for r in self.rows)

    def count(self, action: str) -> int:
        return self.counts[action]

    @property
    def counts(self) -> dict[str, int]:
        if self.tally is not None:
            return dict(self.tally)
        counts = {"total": len(self.rows), "new": 0, "changed": 0, "unchanged": 0, "error": 0}
        for r in self.rows:
            counts[r.action] += 1
        return counts

    def error_messages(self) -> list[str]:
        messages = list(self.file_errors)
        for r in self.rows:
            messages.extend(r.errors)
        return messages

    def report(self) -> dict:
        errors = [{"row": r.row, "messages": r.errors} for r in self.rows if r.errors]
        created = {
            k: sorted(v)[:SAMPLE_LIMIT]
            for k, v in (self.ctx.new_related.items() if self.ctx else [])
        }
        return {
            "file_errors": self.file_errors,
            "warnings": self.warnings,
            "errors": errors[:ERROR_LIMIT],
            "errors_truncated": max(0, len(errors) - ERROR_LIMIT),
            "changed": [
                {"row": r.row, "key": r.key, "diffs": r.diffs}
                for r in self.rows
                if r.action == "changed"
            ][:SAMPLE_LIMIT],
            "new": [{"row": r.row, "key": r.key} for r in self.rows if r.action == "new"][
                :SAMPLE_LIMIT
            ],
            "created": created,
            "counts": self.counts,
        }


# ------------------------------------------------------------------ mapping
def source_key(headers: list[str]) -> str:
    """Identifies a file layout (the same export of the same system) for remembering."""
    return sha256("\x1f".join(normalize(h) for h in headers).encode())


def detect_mapping(kind: Kind, headers: list[str]) -> dict[str, str]:
    """{column index: column key or ''} from headers and their German/English aliases."""
    names = {}
    for col in kind.columns:
        for name in col.names:
            names.setdefault(normalize(name), col.key)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = names.get(normalize(header), "") if header else ""
        if key in used:
            key = ""
        if key:
            used.add(key)
        mapping[str(index)] = key
    return mapping


def remembered_mapping(board, kind: Kind, headers: list[str]) -> dict[str, str] | None:
    saved = ColumnMapping.objects.filter(
        school_board=board, kind=kind.name, source_key=source_key(headers)
    ).first()
    if saved is None:
        return None
    valid = {c.key for c in kind.columns}
    return {
        str(i): (saved.mapping.get(str(i), "") if saved.mapping.get(str(i)) in valid else "")
        for i in range(len(headers))
    }


def remember_mapping(*, actor, board, kind: Kind, headers: list[str], mapping: dict) -> None:
    obj, _created = ColumnMapping.objects.get_or_create(
        school_board=board,
        kind=kind.name,
        source_key=source_key(headers),
        defaults={"headers": headers, "mapping": mapping},
    )
    if obj.mapping != mapping:
        obj.mapping = mapping
        obj.headers = headers
        obj._history_user = actor
        obj.version += 1
        obj.save()


def check_mapping(kind: Kind, headers: list[str], mapping: dict[str, str]) -> tuple[list, list]:
    """(file errors, warnings) of a header row and its mapping."""
    errors: list[str] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    for header in headers:
        if not header:
            continue
        norm = normalize(header)
        if norm in seen:
            errors.append(
                _("The column '%(column)s' appears more than once in the header row.")
                % {"column": header}
            )
        seen[norm] = header
    valid = {c.key: c for c in kind.columns}
    mapped: dict[str, str] = {}
    for index, header in enumerate(headers):
        key = mapping.get(str(index), "")
        if key and key not in valid:
            key = ""
        if key in mapped:
            errors.append(
                _("The columns '%(a)s' and '%(b)s' are both mapped to '%(field)s'.")
                % {"a": mapped[key], "b": header, "field": valid[key].header}
            )
            continue
        if key:
            mapped[key] = header
        elif normalize(header) in ID_HEADERS:
            warnings.append(
                _(
                    "The column '%(column)s' is ignored: rows are matched by "
                    "%(key)s, never by database id."
                )
                % {"column": header, "key": kind.col(_key_col(kind)).header}
            )
        elif header:
            warnings.append(
                _("The column '%(column)s' is unknown and is not imported.") % {"column": header}
            )
    for col in kind.columns:
        if col.required and col.key not in mapped:
            errors.append(
                _("The required column '%(column)s' is missing.") % {"column": col.header}
            )
    return errors, warnings


def _key_col(kind: Kind) -> str:
    return kind.key_column if kind.key_column != "name" else kind.columns[1].key


# ------------------------------------------------------------------ analysis
def cell_error(row: int, column: str | None, message: str) -> str:
    if column:
        return _("Row %(row)s, column '%(column)s': %(message)s") % {
            "row": row,
            "column": column,
            "message": message,
        }
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


def analyse(
    *,
    kind: Kind,
    board,
    table: Table,
    mapping: dict[str, str],
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Dry run: every row parsed, matched, diffed and validated; nothing is written."""
    plan = Plan(kind=kind, board=board, ctx=kind.context(board))
    errors, warnings = check_mapping(kind, table.headers, mapping)
    plan.file_errors.extend(errors)
    plan.warnings.extend(warnings)
    if errors:
        return plan
    columns = [(int(i), kind.col(key)) for i, key in mapping.items() if key]
    header_of = {col.key: table.headers[i] for i, col in columns}
    header_of_field = {col.field: table.headers[i] for i, col in columns if col.field}
    width = len(table.headers)
    pending: list[tuple[RowResult, dict, Any]] = []
    first_row_of: dict[Any, int] = {}
    other_delims = {";", ",", "\t"} - {table.delimiter}
    for n, (number, cells) in enumerate(table.rows):
        result = RowResult(row=number, action="new")
        plan.rows.append(result)
        if len(cells) > width and any(str(c).strip() for c in cells[width:]):
            result.errors.append(
                cell_error(
                    number,
                    None,
                    _("the row has %(n)s cells but the header only %(w)s columns.")
                    % {"n": len(cells), "w": width},
                )
            )
        elif (
            table.fmt == "csv"
            and width > 1
            and len(cells) == 1
            and any(d in cells[0] for d in other_delims)
        ):
            result.errors.append(
                cell_error(
                    number,
                    None,
                    _(
                        "the row has a single cell – it seems to use a different delimiter than "
                        "the header row."
                    ),
                )
            )
        values: dict[str, Any] = {}
        if not result.errors:
            for index, col in columns:
                raw = cells[index] if index < len(cells) else ""
                try:
                    value = col.parse(raw)
                except CellError as exc:
                    result.errors.append(cell_error(number, header_of[col.key], exc.message))
                    continue
                if col.required and (value is None or value == ""):
                    result.errors.append(
                        cell_error(number, header_of[col.key], _("a value is required"))
                    )
                    continue
                values[col.key] = value
        if not result.errors:
            key = kind.natural_key(values, plan.ctx)
            result.key = _key_text(key)
            if key in first_row_of:
                result.errors.append(
                    cell_error(
                        number,
                        header_of.get(_key_col(kind)),
                        _("'%(key)s' appears more than once in this file (first in row %(first)s)")
                        % {"key": result.key, "first": first_row_of[key]},
                    )
                )
            else:
                first_row_of[key] = number
                pending.append((result, values, key))
        if result.errors:
            result.action = "error"
        if progress and n % 1000 == 999:
            progress(1000)
    existing = kind.existing(plan.ctx, set(first_row_of)) if pending else {}
    mapped_fields = [col for _i, col in columns if col.field]
    for result, values, key in pending:
        obj = existing.get(key)
        old = (
            {col.key: kind.field_value(obj, col, plan.ctx) for col in mapped_fields}
            if obj
            else None
        )
        try:
            obj = kind.build(values, obj, plan.ctx)
        except RowProblem as exc:
            result.errors.append(cell_error(result.row, header_of.get(exc.column), exc.message))
            result.action = "error"
            continue
        except CellError as exc:
            result.errors.append(cell_error(result.row, None, exc.message))
            result.action = "error"
            continue
        result.obj = obj
        if old is not None:
            for col in mapped_fields:
                new_value = kind.field_value(obj, col, plan.ctx)
                if new_value != old[col.key]:
                    result.diffs.append((col.header, display(old[col.key]), display(new_value)))
                    result.changed_fields.add(col.field)
            result.action = "changed" if result.diffs else "unchanged"
        if result.action == "unchanged":
            continue
        fields = (
            [c.field for c in mapped_fields]
            if result.action == "new"
            else sorted(result.changed_fields)
        )
        problems = kind.validate(obj, fields)
        for field_name, messages in problems.items():
            column = header_of_field.get(field_name)
            for message in messages:
                result.errors.append(cell_error(result.row, column, message))
        if result.errors:
            result.action = "error"
    kind.unique_checks(plan.ctx, [r for r in plan.rows if r.action in ("new", "changed")])
    for r in plan.rows:
        if r.errors:
            r.action = "error"
    return plan


def engine_for(kind: Kind) -> str:
    """'fast' (column-wise, imports/fast.py) for devices unless PAKTWERK["IMPORT_ENGINE"] is
    'orm'; schools and rooms (hundreds of rows) always use the ORM engine above."""
    from django.conf import settings

    choice = getattr(settings, "PAKTWERK", {}).get("IMPORT_ENGINE", "fast")
    return "fast" if kind.name == "devices" and choice != "orm" else "orm"


def analyse_file(
    *,
    kind: Kind,
    board,
    table: Table,
    mapping: dict[str, str],
    progress: Callable[[int], None] | None = None,
    engine: str | None = None,
) -> Plan:
    """Dry run with the kind's engine (same rules and messages either way)."""
    if (engine or engine_for(kind)) == "fast":
        from . import fast

        return fast.analyse(kind=kind, board=board, table=table, mapping=mapping, progress=progress)
    return analyse(kind=kind, board=board, table=table, mapping=mapping, progress=progress)


def write_file(plan: Plan, *, actor, reason: str, progress=None) -> None:
    """Write a valid plan with the engine that analysed it (inside the caller's transaction)."""
    if plan.engine_state is None:
        write_plan(plan, actor=actor, reason=reason)
        return
    if plan.has_errors:
        raise ImportRejected(plan)
    from . import fast

    fast.write(plan, actor=actor, reason=reason, progress=progress)


def _key_text(key) -> str:
    if isinstance(key, tuple):
        return " / ".join(str(k) for k in key)
    return str(key)


def write_plan(plan: Plan, *, actor, reason: str) -> None:
    """Write a valid plan (inside the caller's transaction)."""
    if plan.has_errors:
        raise ImportRejected(plan)
    board_id = plan.board.pk
    new = [r.obj for r in plan.rows if r.action == "new"]
    changed = [r.obj for r in plan.rows if r.action == "changed"]
    if any(o.school_board_id != board_id for o in new + changed):
        raise PermissionDenied("tenancy violation in import")
    fields: set[str] = set()
    for r in plan.rows:
        fields |= r.changed_fields
    now = timezone.now()
    for obj in changed:
        obj.updated_at = now
    plan.kind.create_related(plan.ctx, actor, reason)
    plan.kind.write(plan.ctx, new, changed, fields, actor, reason)


# ------------------------------------------------------------------ runs
def run_create(
    *, actor, board, kind: str, name: str, data: bytes, limits: Limits | None = None
) -> ImportRun:
    """Store an upload after the pre-parse checks; the mapping is detected or remembered."""
    spec = get_kind(kind)
    table = read_table(name, data, limits)  # raises SpreadsheetRefused before any write
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
    return read_table(run.file_name, data)


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
