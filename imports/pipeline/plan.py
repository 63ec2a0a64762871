"""Step 4 of the import pipeline: the plan — every row parsed, matched by natural key,
diffed against the database and validated; nothing is written.

Two engines make the same plan with the same rules and messages (the rules are in
validate.py and devices.rules; tests/imports/test_fast_engine.py holds them to it):

* `analyse` — row by row over model instances (`Kind.build`, `Kind.validate`): schools,
  rooms, and devices when PAKTWERK["IMPORT_ENGINE"] is "orm";
* `analyse_columns` — the column-wise device engine (the default for devices). The
  row-by-row path builds a model instance, a RowResult and a historical instance per row
  — 36 s and ~700 MB for 100,000 rows. This one does the same work column by column:
  every column's *distinct* raw values are parsed once; schools, rooms, device models and
  the board's existing devices are loaded once (`values_list`, no instances) into dicts;
  then, in the order of the row-by-row engine: row shape; every mapped cell parses and
  required cells are not blank; Inventarnummer once per file; the device row rules
  (validate.py: school of the board, Raum, Hersteller + Modell, Kategorie, a device in
  use needs a room, gross ≥ net); the model's own field rules on what a new row sets or a
  changed row changes (`Field.clean()`, once per distinct value); serial numbers unique
  in the file and the board. The board is never read from the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.spreadsheets import Table
from devices.choices import DeviceStatus
from devices.models import Device, DeviceModel
from schools.models import Room

from ..parsing import CellError
from ..spec import Col, Kind, RowProblem, SchoolLookup, display
from .map import check_mapping, key_col, mapped_columns
from .read import BAD, columns_of, parse_cell, parse_column, raw_column, row_shape_error
from .validate import (
    cell_error,
    check_device_row,
    duplicate_key_error,
    resolve_model,
    resolve_room,
    rule,
    serial_errors,
    serial_owners,
)

ERROR_LIMIT = 5000
SAMPLE_LIMIT = 500
CHUNK = 5000
LOAD_ALL_ABOVE = 2000

# the state of a device during the column-wise import, one list per row
(
    INV,
    SERIAL,
    MODEL,
    CATEGORY,
    STATUS,
    SCHOOL,
    ROOM,
    PURCHASE,
    PRICE,
    WARRANTY,
    MDM,
    NOTES,
    NET,
    VERSION,
    PK,
) = range(15)
STATE_FIELDS = {
    "inventory_number": INV,
    "serial_number": SERIAL,
    "model": MODEL,
    "category": CATEGORY,
    "status": STATUS,
    "school": SCHOOL,
    "room": ROOM,
    "purchase_date": PURCHASE,
    "price_gross": PRICE,
    "warranty_end": WARRANTY,
    "mdm_id": MDM,
    "notes": NOTES,
}
EXISTING_COLUMNS = (
    "inventory_number",
    "serial_number",
    "model_id",
    "category",
    "status",
    "school_id",
    "room_id",
    "purchase_date",
    "price_gross",
    "warranty_end",
    "mdm_id",
    "notes",
    "price_net",
    "version",
    "id",
)
PLAIN_KEYS = (
    "inventory_number",
    "serial_number",
    "purchase_date",
    "price_gross",
    "warranty_end",
    "mdm_id",
    "notes",
)
FK_FIELDS = {"school", "room", "model"}


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


def key_text(key) -> str:
    if isinstance(key, tuple):
        return " / ".join(str(k) for k in key)
    return str(key)


# ===================================================================== row by row
@dataclass
class _Headers:
    """The file's header of each mapped column, by column key and by model field."""

    of_key: dict[str, str]
    of_field: dict[str, str]

    @classmethod
    def build(cls, table: Table, columns: list[tuple[int, Col]]) -> _Headers:
        return cls(
            {col.key: table.headers[i] for i, col in columns},
            {col.field: table.headers[i] for i, col in columns if col.field},
        )


def _parse_row(number: int, cells: list, columns, headers: _Headers, errors: list) -> dict:
    """The mapped cells of one row, parsed; a message per bad or missing cell."""
    values: dict[str, Any] = {}
    for index, col in columns:
        value, message = parse_cell(col.parse, cells[index] if index < len(cells) else "")
        if message is None and col.required and (value is None or value == ""):
            message = _("a value is required")
        if message is not None:
            errors.append(cell_error(number, headers.of_key[col.key], message))
            continue
        values[col.key] = value
    return values


def _read_rows(plan: Plan, table: Table, columns, headers: _Headers, progress) -> list[tuple]:
    """Row shape, cells and the natural key once per file: [(result, values, key)]."""
    kind = plan.kind
    width = len(table.headers)
    pending: list[tuple[RowResult, dict, Any]] = []
    first_row_of: dict[Any, int] = {}
    for n, (number, cells) in enumerate(table.rows):
        result = RowResult(row=number, action="new")
        plan.rows.append(result)
        shape = row_shape_error(cells, width, table)
        if shape:
            result.errors.append(cell_error(number, None, shape))
        values = {} if shape else _parse_row(number, cells, columns, headers, result.errors)
        if not result.errors:
            key = kind.natural_key(values, plan.ctx)
            result.key = key_text(key)
            if key in first_row_of:
                result.errors.append(
                    cell_error(
                        number,
                        headers.of_key.get(key_col(kind)),
                        duplicate_key_error(result.key, first_row_of[key]),
                    )
                )
            else:
                first_row_of[key] = number
                pending.append((result, values, key))
        if result.errors:
            result.action = "error"
        if progress and n % 1000 == 999:
            progress(1000)
    return pending


def _build_row(plan: Plan, result: RowResult, values: dict, obj, mapped_fields, headers) -> None:
    """Build one row's object, diff it against the database, run the model's rules."""
    kind, ctx = plan.kind, plan.ctx
    old = {c.key: kind.field_value(obj, c, ctx) for c in mapped_fields} if obj else None
    try:
        obj = kind.build(values, obj, ctx)
    except RowProblem as exc:
        result.errors.append(cell_error(result.row, headers.of_key.get(exc.column), exc.message))
        result.action = "error"
        return
    except CellError as exc:
        result.errors.append(cell_error(result.row, None, exc.message))
        result.action = "error"
        return
    result.obj = obj
    if old is not None:
        for col in mapped_fields:
            new_value = kind.field_value(obj, col, ctx)
            if new_value != old[col.key]:
                result.diffs.append((col.header, display(old[col.key]), display(new_value)))
                result.changed_fields.add(col.field)
        result.action = "changed" if result.diffs else "unchanged"
    if result.action == "unchanged":
        return
    fields = (
        [c.field for c in mapped_fields]
        if result.action == "new"
        else sorted(result.changed_fields)
    )
    for field_name, messages in kind.validate(obj, fields).items():
        column = headers.of_field.get(field_name)
        result.errors.extend(cell_error(result.row, column, m) for m in messages)
    if result.errors:
        result.action = "error"


def analyse(
    *,
    kind: Kind,
    board,
    table: Table,
    mapping: dict[str, str],
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Dry run, row by row: every row parsed, matched, diffed and validated."""
    plan = Plan(kind=kind, board=board, ctx=kind.context(board))
    errors, warnings = check_mapping(kind, table.headers, mapping)
    plan.file_errors.extend(errors)
    plan.warnings.extend(warnings)
    if errors:
        return plan
    columns = mapped_columns(kind, mapping)
    headers = _Headers.build(table, columns)
    pending = _read_rows(plan, table, columns, headers, progress)
    existing = kind.existing(plan.ctx, {key for _r, _v, key in pending}) if pending else {}
    mapped_fields = [col for _i, col in columns if col.field]
    for result, values, key in pending:
        _build_row(plan, result, values, existing.get(key), mapped_fields, headers)
    kind.unique_checks(plan.ctx, [r for r in plan.rows if r.action in ("new", "changed")])
    for r in plan.rows:
        if r.errors:
            r.action = "error"
    return plan


def engine_for(kind: Kind) -> str:
    """'fast' (column-wise) for devices unless PAKTWERK["IMPORT_ENGINE"] is 'orm'; schools
    and rooms (hundreds of rows) always use the row-by-row engine."""
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
    run = analyse_columns if (engine or engine_for(kind)) == "fast" else analyse
    return run(kind=kind, board=board, table=table, mapping=mapping, progress=progress)


# ===================================================================== column-wise (devices)
@dataclass
class FastState:
    """What the write step needs from the analysis (kept compact: lists, no instances)."""

    states: dict[int, list] = field(default_factory=dict)
    new: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    old_status: dict[int, str] = field(default_factory=dict)
    old_serial: dict[int, str] = field(default_factory=dict)


def _new_state() -> list:
    state: list[Any] = [None] * len(EXISTING_COLUMNS)
    for index in (INV, SERIAL, CATEGORY, MDM, NOTES):
        state[index] = ""
    state[STATUS] = DeviceStatus.IN_STOCK.value
    state[VERSION] = 0
    return state


def _text(value) -> str:
    return "" if value is None or value is BAD else str(value)


def existing_devices(ctx, keys) -> dict[str, tuple]:
    """Inventarnummer -> the device's columns (EXISTING_COLUMNS) for the file's keys."""
    qs = Device.objects.filter(school_board=ctx.board)
    keys = list(keys)
    if len(keys) > LOAD_ALL_ABOVE:
        rows = qs.values_list(*EXISTING_COLUMNS).iterator(chunk_size=CHUNK)
        wanted = set(keys)
        found = {r[0]: r for r in rows if r[0] in wanted}
    else:
        found = {
            r[0]: r for r in qs.filter(inventory_number__in=keys).values_list(*EXISTING_COLUMNS)
        }
    ctx.data["existing_rows"] = found
    return found


def _field_value(st, index, ctx):
    """A state's value as the preview shows it (school number, room name, model name)."""
    value = st[index]
    if index == SCHOOL:
        school = ctx.data["school_by_id"].get(value) if value else None
        return school.school_number if school else ""
    if index == ROOM:
        if value is None:
            return ""
        if isinstance(value, Room):
            return value.name
        room = ctx.data["room_by_id"].get(value)
        return room.name if room else ""
    if index == MODEL:
        if value is None:
            return ""
        if isinstance(value, DeviceModel):
            return str(value)
        return str(ctx.data["model_by_id"].get(value, ""))
    return value


class _DeviceRows:
    """DeviceKind.build on plain lists: one row's state from the parsed columns."""

    def __init__(self, ctx, values: dict[str, list], mapped: set[str], existing: dict):
        self.ctx = ctx
        self.existing = existing
        self.inv = values["inventory_number"]
        self.plain = [(STATE_FIELDS[k], values[k]) for k in PLAIN_KEYS if k in mapped]
        self.school = values.get("school")
        self.status = values.get("status")
        self.room = values.get("room")
        self.category = values.get("category")
        self.manufacturer = values.get("manufacturer")
        self.model = values.get("model")
        self.has_model = "model" in mapped or "manufacturer" in mapped

    def build(self, pos: int) -> tuple[list, tuple | None]:
        """(state, existing row or None); raises RowProblem."""
        school = SchoolLookup.parse_school(self.ctx, self.school[pos])
        old = self.existing.get(self.inv[pos])
        st = list(old) if old is not None else _new_state()
        st[SCHOOL] = school.pk
        for index, column in self.plain:
            # text parsers never return None; dates and money keep None (= cleared)
            st[index] = column[pos]
        if self.status is not None and self.status[pos]:
            st[STATUS] = self.status[pos]
        if self.room is not None:
            room_id, new_room = resolve_room(self.ctx, school, self.room[pos])
            st[ROOM] = new_room if new_room is not None else room_id
        new_model = self._model(st, pos)
        if self.category is not None and self.category[pos]:
            st[CATEGORY] = self.category[pos]
        elif old is None and not st[CATEGORY] and new_model is not None:
            st[CATEGORY] = new_model.category
        check_device_row(
            is_new=old is None,
            category=st[CATEGORY],
            status=st[STATUS],
            room=st[ROOM],
            price_net=st[NET],
            price_gross=st[PRICE],
        )
        return st, old

    def _model(self, st: list, pos: int) -> DeviceModel | None:
        if not self.has_model:
            return None
        manufacturer = self.manufacturer[pos] if self.manufacturer is not None else ""
        name = self.model[pos] if self.model is not None else ""
        category = (self.category[pos] if self.category is not None else "") or st[CATEGORY]
        model_id, new_model = resolve_model(self.ctx, manufacturer, name, category)
        st[MODEL] = new_model if new_model is not None else model_id
        return new_model


class _ColumnAnalysis:
    """The column-wise analysis of one file; each step is a method, in order."""

    def __init__(self, plan: Plan, table: Table, mapping: dict[str, str], progress):
        self.plan = plan
        self.kind = plan.kind
        self.ctx = plan.ctx
        self.table = table
        self.rows = table.rows
        self.n = len(table.rows)
        self.progress = progress
        self.columns = mapped_columns(self.kind, mapping)
        self.mapped = {col.key for _i, col in self.columns}
        self.headers = _Headers.build(table, self.columns)
        self.mapped_state = [
            (col, STATE_FIELDS[col.field]) for _i, col in self.columns if col.field
        ]
        self.errs: dict[int, list[str]] = {}
        self.values: dict[str, list] = {}
        self.fast = FastState()
        self.action: dict[int, str] = {}
        self.diffs: dict[int, list] = {}
        self.changed_of: dict[int, set] = {}
        self.existing: dict[str, tuple] = {}

    def error(self, pos: int, header: str | None, message: str) -> None:
        self.errs.setdefault(pos, []).append(cell_error(self.rows[pos][0], header, message))

    # 1. row shape
    def check_shapes(self) -> None:
        width = len(self.table.headers)
        for pos, (_number, cells) in enumerate(self.rows):
            message = row_shape_error(cells, width, self.table)
            if message:
                self.error(pos, None, message)

    # 2. cells, column by column (each distinct raw value parsed once)
    def parse_cells(self) -> None:
        shape_bad = set(self.errs)
        all_str = self.table.fmt == "csv"
        transposed = columns_of(self.table, len(self.table.headers))
        for index, col in self.columns:
            raws = raw_column(self.table, transposed, index)
            parsed, keys, bad = parse_column(col.parse, raws, all_str)
            del raws
            header = self.headers.of_key[col.key]
            if bad:
                for pos, key in enumerate(keys):
                    message = bad.get(key)
                    if message is not None and pos not in shape_bad:
                        self.error(pos, header, message)
                        parsed[pos] = BAD
            if col.required:
                for pos, value in enumerate(parsed):
                    if (value is None or value == "") and pos not in shape_bad:
                        self.error(pos, header, _("a value is required"))
            self.values[col.key] = parsed

    # 3. Inventarnummer once per file
    def first_rows(self) -> tuple[dict[str, int], list[int]]:
        inv_values = self.values["inventory_number"]
        key_header = self.headers.of_key.get(key_col(self.kind))
        first_row_of: dict[str, int] = {}
        pending: list[int] = []
        for pos in range(self.n):
            if pos in self.errs:
                continue
            key = inv_values[pos]
            first = first_row_of.get(key)
            if first is not None:
                self.error(pos, key_header, duplicate_key_error(key, first))
            else:
                first_row_of[key] = self.rows[pos][0]
                pending.append(pos)
        return first_row_of, pending

    # 4. the device rules per row, and the diff against the database
    def build_rows(self, pending: list[int]) -> None:
        rows = _DeviceRows(self.ctx, self.values, self.mapped, self.existing)
        states = self.fast.states
        for pos in pending:
            try:
                st, old = rows.build(pos)
            except RowProblem as exc:
                self.errs[pos] = [
                    cell_error(self.rows[pos][0], self.headers.of_key.get(exc.column), exc.message)
                ]
                continue
            states[pos] = st
            self.action[pos] = "new" if old is None else self._compare(pos, st, old)

    def _compare(self, pos: int, st: list, old: tuple) -> str:
        if self._key(old) == self._key(st):
            return "unchanged"
        row_diffs = []
        fields = set()
        for col, index in self.mapped_state:
            before = _field_value(old, index, self.ctx)
            after = _field_value(st, index, self.ctx)
            if before != after:
                row_diffs.append((col.header, display(before), display(after)))
                fields.add(col.field)
        if not row_diffs:
            return "unchanged"
        self.diffs[pos] = row_diffs
        self.changed_of[pos] = fields
        self.fast.old_status[pos] = old[STATUS]
        self.fast.old_serial[pos] = old[SERIAL]
        return "changed"

    def _key(self, state) -> tuple:
        if not hasattr(self, "_getter"):
            indexes = [i for _c, i in self.mapped_state]
            self._getter = (
                itemgetter(*indexes) if len(indexes) > 1 else (lambda s: (s[indexes[0]],))
            )
        return self._getter(state)

    # 5. the model's field rules on what new rows set and changed rows change
    def check_fields(self) -> None:
        new_fields = {
            col.field for _i, col in self.columns if col.field and col.field not in FK_FIELDS
        }
        new_positions = [p for p, a in self.action.items() if a == "new"]
        changed_positions = [p for p, a in self.action.items() if a == "changed"]
        states = self.fast.states
        for model_field in Device._meta.fields:
            name = model_field.name
            if name not in STATE_FIELDS or name in FK_FIELDS:
                continue
            index = STATE_FIELDS[name]
            positions = (new_positions if name in new_fields else []) + [
                p for p in changed_positions if name in self.changed_of[p]
            ]
            if not positions:
                continue
            bad = rule(name).errors([states[p][index] for p in positions])
            column = self.headers.of_field.get(name)
            for p in positions if bad else ():
                for message in bad.get(states[p][index]) or ():
                    self.error(p, column, message)
        for p in list(self.action):
            if p in self.errs:
                self.action[p] = "error"

    # 6. serial numbers unique in the file and in the board
    def check_serials(self) -> None:
        states = self.fast.states
        live = [p for p, a in self.action.items() if a in ("new", "changed")]
        serial_rows = sorted(p for p in live if states[p][SERIAL])
        if not serial_rows:
            return
        serials = {states[p][SERIAL] for p in serial_rows}
        owner = serial_owners(self.ctx, serials, LOAD_ALL_ABOVE)
        if len(serials) == len(serial_rows):
            inv_of = {states[p][SERIAL]: states[p][INV] for p in serial_rows}
            if all(owner[s] == inv_of[s] for s in owner.keys() & serials):
                return  # no serial twice in the file, none owned by another device
        new_serial_of = {states[p][INV]: states[p][SERIAL] for p in live}
        header = self.kind.col("serial_number").header
        entries = [(self.rows[p][0], states[p][INV], states[p][SERIAL]) for p in serial_rows]
        for index, message in serial_errors(entries, owner, new_serial_of, self.existing):
            pos = serial_rows[index]
            self.error(pos, header, message)
            self.action[pos] = "error"

    # outcome: counts, errors, preview samples (the report keeps at most SAMPLE_LIMIT)
    def outcome(self) -> None:
        plan, fast = self.plan, self.fast
        tally = plan.tally
        tally["total"] = self.n
        samples = {"new": 0, "changed": 0}
        inv_values = self.values["inventory_number"]
        for pos in range(self.n):
            number = self.rows[pos][0]
            if pos in self.errs:
                tally["error"] += 1
                plan.rows.append(
                    RowResult(
                        row=number,
                        action="error",
                        key=_text(inv_values[pos]),
                        errors=self.errs[pos],
                    )
                )
                continue
            act = self.action[pos]
            tally[act] += 1
            if act == "new":
                fast.new.append(pos)
            elif act == "changed":
                fast.changed.append(pos)
                fast.changed_fields |= self.changed_of[pos]
            if act in samples and samples[act] < SAMPLE_LIMIT:
                samples[act] += 1
                plan.rows.append(
                    RowResult(
                        row=number,
                        action=act,
                        key=inv_values[pos],
                        diffs=self.diffs.get(pos, []),
                        changed_fields=self.changed_of.get(pos, set()),
                    )
                )
        for pos in list(fast.states):
            if self.action.get(pos) not in ("new", "changed"):
                del fast.states[pos]

    def run(self) -> Plan:
        self.check_shapes()
        self.parse_cells()
        first_row_of, pending = self.first_rows()
        if self.progress:
            self.progress(self.n // 2)
        self.existing = existing_devices(self.ctx, first_row_of.keys()) if pending else {}
        self.plan.engine_state = self.fast
        self.build_rows(pending)
        self.check_fields()
        self.check_serials()
        self.outcome()
        if self.progress:
            self.progress(self.n - self.n // 2)
        return self.plan


def analyse_columns(*, kind, board, table, mapping, progress=None) -> Plan:
    """Dry run, column by column (devices): the same plan as `analyse`, without instances."""
    plan = Plan(kind=kind, board=board, ctx=kind.context(board))
    errors, warnings = check_mapping(kind, table.headers, mapping)
    plan.file_errors.extend(errors)
    plan.warnings.extend(warnings)
    plan.tally = {"total": 0, "new": 0, "changed": 0, "unchanged": 0, "error": 0}
    if errors:
        return plan
    return _ColumnAnalysis(plan, table, mapping, progress).run()
