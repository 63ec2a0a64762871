"""The column-wise device import engine (the default for devices; `services.analyse` is the
row-by-row ORM reference it must agree with, see tests/imports/test_fast_engine.py).

Why: the ORM path builds a model instance, a RowResult and a historical instance per row —
36 s and ~700 MB for 100,000 rows. This engine does the same work column by column:

* parsing: every column's *distinct* raw values are parsed once (memoised) with the same
  parsers (`Col.parse`), so 100,000 rows with 1,500 distinct dates cost 1,500 date parses;
* lookups: schools, rooms, device models and the existing devices of the board are loaded
  once (`values_list`, no model instances for devices) into dicts;
* validation: exactly the rules of the ORM path, in the same order, with the same messages:
    1. row shape: not more cells than header columns; a single cell in a `;`/`,` file that
       holds another delimiter;
    2. every mapped cell parses (`Col.parse`: dates, money ≥ 0 with ≤ 2 places and
       < 10^10, choices by code/label/alias, text with formula escape undone); required
       columns (Inventarnummer, Schulnummer) not blank;
    3. Inventarnummer unique within the file;
    4. `DeviceKind.build` rules: Schulnummer is a school of the board (foreign = unknown);
       Raum ≤ Room.name max length (new rooms created in that school); Hersteller and
       Modell together, ≤ 100 / ≤ 200 characters (new models created); Kategorie required
       for a new device without a new model; a device "in use" needs a room; gross price ≥
       net price;
    5. the model's own field rules as `full_clean()` / the edit form run them
       (`Field.clean()`: max_length, choices, blank, DecimalValidator, MinValueValidator,
       MaxLengthValidator(5000) on notes, and any validator added to the model later) on
       every field a new row sets or a changed row changes. Each distinct value is checked
       once; for char fields whose only validator is MaxLengthValidator a length/choice
       pre-filter picks the suspects and `Field.clean()` gives the message;
    6. serial numbers unique within the file and within the board (unless the current
       owner is in the same file and gets another serial);
  the board is never read from the file: every row is written with the caller's board.
* writing (inside the caller's transaction, so all-or-nothing): new devices in chunks of
  5,000 — SQLite: one `INSERT … SELECT … FROM json_each(?)` per chunk (the rows go to
  SQLite as one JSON text instead of 20 bound parameters per row), PostgreSQL: `COPY`
  with ids reserved from the sequence; their simple-history rows (history_user,
  history_change_reason "Import <file> (SHA-256 …)", history_date, history_type "+") and
  the status-log rows are copied inside the database with `INSERT … SELECT` from the rows
  just written; changed devices with one UPDATE per row (executemany) plus their "~"
  history rows the same way. Rooms and device models the file introduces are created
  through simple-history's bulk helpers first (few rows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow as engine
from core.models import StatusChange
from core.spreadsheets import FORMULA_PREFIXES
from devices.choices import DeviceCategory, DeviceStatus
from devices.models import Device, DeviceModel
from schools.models import Room

from . import parsing
from .kinds import RowProblem, display

CHUNK = 5000
FORMULA_FIRST = frozenset(FORMULA_PREFIXES)
LOAD_ALL_ABOVE = 2000

# the state of a device during the import, one list per row
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
NULLABLE = {"purchase_date", "price_gross", "warranty_end"}
FK_FIELDS = {"school", "room", "model"}


@dataclass
class FastState:
    """What the write step needs from the analysis (kept compact: lists, no instances)."""

    states: dict[int, list] = field(default_factory=dict)
    new: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    old_status: dict[int, str] = field(default_factory=dict)
    old_serial: dict[int, str] = field(default_factory=dict)


def _parse_column(parse, raws: list, all_str: bool) -> tuple[list, list, dict]:
    """Parse each distinct raw value once: (values per row, keys per row, {bad key: message}).

    CSV cells are all text; XLSX cells are keyed by (type, value) so 1, 1.0 and True stay
    apart."""
    if all_str and parse in (parsing.text, parsing.code_text):
        # text cells of a CSV never fail: strip and undo the formula escape, vectorised
        first = FORMULA_FIRST
        values = [v[1:] if v[:1] == "'" and v[1:2] in first else v for v in map(str.strip, raws)]
        return values, raws, {}
    if all_str:
        keys = raws
        distinct = {r: r for r in set(raws)}
    else:
        keys = [(r.__class__, r) for r in raws]
        distinct = dict(zip(keys, raws, strict=False))
    good: dict = {}
    bad: dict = {}
    for key, raw in distinct.items():
        try:
            good[key] = parse(raw)
        except parsing.CellError as exc:
            bad[key] = exc.message
    return list(map(good.get, keys)), keys, bad


class FieldRule:
    """A model field's own validation (`Field.clean`), run once per distinct value."""

    def __init__(self, model_field: models.Field):
        self.field = model_field
        self.limit = None
        self.choices = None
        validators = model_field.validators
        if isinstance(model_field, (models.CharField, models.TextField)) and all(
            type(v) is MaxLengthValidator and isinstance(v.limit_value, int) for v in validators
        ):
            self.limit = min((v.limit_value for v in validators), default=10**9)
            if model_field.choices:
                self.choices = {k for k, _label in model_field.flatchoices}
        self.prefilter = self.limit is not None

    def errors(self, values: list) -> dict[Any, list[str]]:
        """{value: messages} of the values Field.clean() refuses (blank skipped like
        Model.clean_fields does for blank=True fields)."""
        f = self.field
        suspects = None
        if self.prefilter:
            try:
                too_long = max(map(len, values), default=0) > self.limit
            except TypeError:  # not all text: check every distinct value
                pass
            else:
                suspects = {v for v in values if len(v) > self.limit} if too_long else set()
                if self.choices is not None:
                    suspects |= set(values) - self.choices
                if not f.blank and "" in values:
                    suspects.add("")
        if suspects is None:
            suspects = set(values)
        if f.blank:
            suspects -= {None, ""}
        bad = {}
        for value in suspects:
            try:
                f.clean(value, None)
            except ValidationError as exc:
                bad[value] = exc.messages
        return bad


_RULES: dict[str, FieldRule] = {}


def rule(name: str) -> FieldRule:
    current = Device._meta.get_field(name)
    cached = _RULES.get(name)
    if cached is None or cached.field is not current:
        cached = _RULES[name] = FieldRule(current)
    return cached


# ===================================================================== analysis
def analyse(*, kind, board, table, mapping, progress=None):
    from .services import Plan, RowResult, _key_col, cell_error, check_mapping

    plan = Plan(kind=kind, board=board, ctx=kind.context(board))
    ctx = plan.ctx
    errors, warnings = check_mapping(kind, table.headers, mapping)
    plan.file_errors.extend(errors)
    plan.warnings.extend(warnings)
    plan.tally = {"total": 0, "new": 0, "changed": 0, "unchanged": 0, "error": 0}
    if errors:
        return plan
    rows = table.rows
    n = len(rows)
    columns = [(int(i), kind.col(key)) for i, key in mapping.items() if key]
    mapped = {col.key for _i, col in columns}
    header_of = {col.key: table.headers[i] for i, col in columns}
    header_of_field = {col.field: table.headers[i] for i, col in columns if col.field}
    width = len(table.headers)
    errs: dict[int, list[str]] = {}

    # 1. row shape
    other_delims = tuple({";", ",", "\t"} - {table.delimiter})
    single_cell_check = table.fmt == "csv" and width > 1
    for pos, (number, cells) in enumerate(rows):
        if len(cells) > width and any(str(c).strip() for c in cells[width:]):
            errs[pos] = [
                cell_error(
                    number,
                    None,
                    _("the row has %(n)s cells but the header only %(w)s columns.")
                    % {"n": len(cells), "w": width},
                )
            ]
        elif single_cell_check and len(cells) == 1 and any(d in cells[0] for d in other_delims):
            errs[pos] = [
                cell_error(
                    number,
                    None,
                    _(
                        "the row has a single cell – it seems to use a different delimiter than "
                        "the header row."
                    ),
                )
            ]
    shape_bad = set(errs)

    # 2. cells, column by column (each distinct raw value parsed once)
    all_str = table.fmt == "csv"
    values: dict[str, list] = {}
    transposed = None
    if all(len(cells) == width for _n, cells in rows):
        transposed = (
            list(zip(*[cells for _n, cells in rows], strict=True)) if rows else [()] * width
        )
    for index, col in columns:
        if transposed is not None:
            raws = list(transposed[index])
        else:
            raws = [cells[index] if index < len(cells) else "" for _n, cells in rows]
        parsed, keys, bad = _parse_column(col.parse, raws, all_str)
        header = header_of[col.key]
        if bad:
            for pos, key in enumerate(keys):
                message = bad.get(key)
                if message is not None and pos not in shape_bad:
                    errs.setdefault(pos, []).append(cell_error(rows[pos][0], header, message))
                    parsed[pos] = _BAD
        if col.required:
            for pos, value in enumerate(parsed):
                if (value is None or value == "") and pos not in shape_bad:
                    errs.setdefault(pos, []).append(
                        cell_error(rows[pos][0], header, _("a value is required"))
                    )
        values[col.key] = parsed
        del raws, keys
    del transposed

    # 3. Inventarnummer once per file
    inv_values = values["inventory_number"]
    key_header = header_of.get(_key_col(kind))
    first_row_of: dict[str, int] = {}
    pending: list[int] = []
    for pos in range(n):
        if pos in errs:
            continue
        key = inv_values[pos]
        first = first_row_of.get(key)
        if first is not None:
            errs[pos] = [
                cell_error(
                    rows[pos][0],
                    key_header,
                    _("'%(key)s' appears more than once in this file (first in row %(first)s)")
                    % {"key": key, "first": first},
                )
            ]
        else:
            first_row_of[key] = rows[pos][0]
            pending.append(pos)
    if progress:
        progress(n // 2)

    # 4. build: lookups, new rooms/models, row rules, diff
    existing = _existing(ctx, first_row_of.keys()) if pending else {}
    fast = FastState()
    plan.engine_state = fast
    states = fast.states
    schools = ctx.data["schools"]
    rooms = ctx.data["rooms"]
    models_ = ctx.data["models"]
    new_rooms = ctx.data["new_rooms"]
    new_models = ctx.data["new_models"]
    room_limit = Room._meta.get_field("name").max_length
    col_values = {
        key: values.get(key)
        for key in ("school", "status", "room", "manufacturer", "model", "category", *PLAIN_KEYS)
    }
    plain = [(STATE_FIELDS[k], col_values[k]) for k in PLAIN_KEYS if k in mapped]
    status_v, room_v, category_v = col_values["status"], col_values["room"], col_values["category"]
    manufacturer_v, model_v = col_values["manufacturer"], col_values["model"]
    school_v = col_values["school"]
    has_model = "model" in mapped or "manufacturer" in mapped
    mapped_state = [(col, STATE_FIELDS[col.field]) for _i, col in columns if col.field]
    compare = (
        itemgetter(*[i for _c, i in mapped_state])
        if len(mapped_state) > 1
        else (lambda s: (s[mapped_state[0][1]],))
    )
    action: dict[int, str] = {}
    diffs: dict[int, list] = {}
    changed_of: dict[int, set] = {}

    def build(pos: int):
        """DeviceKind.build on plain lists; returns (state, import-model) or raises."""
        number = school_v[pos]
        school = schools.get(number)
        if school is None:
            raise RowProblem(
                _("Schulnummer '%(value)s' is not a school of this Schulträger.")
                % {"value": number},
                "school",
            )
        old = existing.get(inv_values[pos])
        st = (
            list(old)
            if old is not None
            else [
                "",
                "",
                None,
                "",
                DeviceStatus.IN_STOCK.value,
                None,
                None,
                None,
                None,
                None,
                "",
                "",
                None,
                0,
                None,
            ]
        )
        st[SCHOOL] = school.pk
        for index, column in plain:
            # text parsers never return None; dates and money keep None (= cleared)
            st[index] = column[pos]
        if status_v is not None and status_v[pos]:
            st[STATUS] = status_v[pos]
        import_room = None
        if room_v is not None:
            name = room_v[pos]
            if not name:
                st[ROOM] = None
            else:
                room = rooms.get((school.pk, name))
                if room is None:
                    if len(name) > room_limit:
                        raise RowProblem(
                            _("'%(value)s' is too long for a room name")
                            % {"value": parsing.shown(name)},
                            "room",
                        )
                    room = new_rooms.get((school.pk, name))
                    if room is None:
                        room = Room(school_id=school.pk, school_board=ctx.board, name=name)
                        new_rooms[(school.pk, name)] = room
                        ctx.new_related["rooms"].add(f"{school.school_number} / {name}")
                    import_room = room
                    st[ROOM] = room
                else:
                    st[ROOM] = room.pk
        import_model = None
        if has_model:
            manufacturer = manufacturer_v[pos] if manufacturer_v is not None else ""
            name = model_v[pos] if model_v is not None else ""
            if not manufacturer and not name:
                st[MODEL] = None
            elif not manufacturer or not name:
                raise RowProblem(
                    _("Hersteller and Modell are needed together"),
                    "manufacturer" if not manufacturer else "model",
                )
            else:
                key = (manufacturer.casefold(), name.casefold())
                model = models_.get(key)
                if model is not None:
                    st[MODEL] = model.pk
                else:
                    model = new_models.get(key)
                    if model is None:
                        category = (
                            (category_v[pos] if category_v is not None else "")
                            or st[CATEGORY]
                            or DeviceCategory.OTHER
                        )
                        for column, value, limit in (
                            ("manufacturer", manufacturer, 100),
                            ("model", name, 200),
                        ):
                            if len(value) > limit:
                                raise RowProblem(
                                    _("'%(value)s' is too long") % {"value": parsing.shown(value)},
                                    column,
                                )
                        model = DeviceModel(
                            school_board=ctx.board,
                            manufacturer=manufacturer[:100],
                            name=name[:200],
                            category=category,
                        )
                        new_models[key] = model
                        ctx.new_related["models"].add(f"{manufacturer} {name}")
                    import_model = model
                    st[MODEL] = model
        if category_v is not None and category_v[pos]:
            st[CATEGORY] = category_v[pos]
        elif old is None and not st[CATEGORY] and import_model is not None:
            st[CATEGORY] = import_model.category
        if old is None and not st[CATEGORY]:
            raise RowProblem(_("a value is required"), "category")
        if st[STATUS] == DeviceStatus.IN_USE and st[ROOM] is None and import_room is None:
            raise RowProblem(_("A device in use needs a room."), "room")
        if st[NET] is not None and st[PRICE] is not None and st[PRICE] < st[NET]:
            raise RowProblem(
                _("The gross price cannot be lower than the net price."), "price_gross"
            )
        return st, old

    for pos in pending:
        try:
            st, old = build(pos)
        except RowProblem as exc:
            errs[pos] = [cell_error(rows[pos][0], header_of.get(exc.column), exc.message)]
            continue
        states[pos] = st
        if old is None:
            action[pos] = "new"
        elif compare(old) == compare(st):
            action[pos] = "unchanged"
        else:
            row_diffs = []
            fields = set()
            for col, index in mapped_state:
                before = _field_value(old, index, ctx)
                after = _field_value(st, index, ctx)
                if before != after:
                    row_diffs.append((col.header, display(before), display(after)))
                    fields.add(col.field)
            if row_diffs:
                action[pos] = "changed"
                diffs[pos] = row_diffs
                changed_of[pos] = fields
                fast.old_status[pos] = old[STATUS]
                fast.old_serial[pos] = old[SERIAL]
            else:
                action[pos] = "unchanged"

    # 5. the model's field rules on what new rows set and changed rows change
    new_fields = [col.field for _i, col in columns if col.field and col.field not in FK_FIELDS]
    new_positions = [p for p, a in action.items() if a == "new"]
    changed_positions = [p for p, a in action.items() if a == "changed"]
    for model_field in Device._meta.fields:
        name = model_field.name
        if name not in STATE_FIELDS or name in FK_FIELDS:
            continue
        index = STATE_FIELDS[name]
        positions = (new_positions if name in new_fields else []) + [
            p for p in changed_positions if name in changed_of[p]
        ]
        if not positions:
            continue
        bad = rule(name).errors([states[p][index] for p in positions])
        if bad:
            column = header_of_field.get(name)
            for p in positions:
                messages = bad.get(states[p][index])
                if messages:
                    errs.setdefault(p, []).extend(
                        cell_error(rows[p][0], column, m) for m in messages
                    )
    for p in list(action):
        if p in errs:
            action[p] = "error"

    # 6. serial numbers
    _serial_checks(kind, ctx, existing, states, action, errs, rows, cell_error)

    # outcome: counts, errors, preview samples (the report keeps at most SAMPLE_LIMIT)
    from .services import SAMPLE_LIMIT

    tally = plan.tally
    tally["total"] = n
    samples = {"new": 0, "changed": 0}
    for pos in range(n):
        if pos in errs:
            tally["error"] += 1
            plan.rows.append(
                RowResult(
                    row=rows[pos][0], action="error", key=_text(inv_values[pos]), errors=errs[pos]
                )
            )
            continue
        act = action[pos]
        tally[act] += 1
        if act == "new":
            fast.new.append(pos)
        elif act == "changed":
            fast.changed.append(pos)
            fast.changed_fields |= changed_of[pos]
        if act in samples and samples[act] < SAMPLE_LIMIT:
            samples[act] += 1
            plan.rows.append(
                RowResult(
                    row=rows[pos][0],
                    action=act,
                    key=inv_values[pos],
                    diffs=diffs.get(pos, []),
                    changed_fields=changed_of.get(pos, set()),
                )
            )
    for pos in list(states):
        if action.get(pos) not in ("new", "changed"):
            del states[pos]
    if progress:
        progress(n - n // 2)
    return plan


_BAD = object()


def _text(value) -> str:
    return "" if value is None or value is _BAD else str(value)


def _existing(ctx, keys) -> dict[str, tuple]:
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


def _serial_checks(kind, ctx, existing, states, action, errs, rows, cell_error):
    """DeviceKind.unique_checks on the plain states."""
    live = [p for p, a in action.items() if a in ("new", "changed")]
    serial_rows = sorted(p for p in live if states[p][SERIAL])
    if not serial_rows:
        return
    serials = {states[p][SERIAL] for p in serial_rows}
    qs = Device.objects.filter(school_board=ctx.board)
    if len(serials) <= LOAD_ALL_ABOVE:
        qs = qs.filter(serial_number__in=serials)
    else:
        qs = qs.exclude(serial_number="")
    owner = dict(qs.values_list("serial_number", "inventory_number").iterator(chunk_size=CHUNK))
    serial_list = [states[p][SERIAL] for p in serial_rows]
    if len(serials) == len(serial_list):
        inv_of = dict(zip(serial_list, (states[p][INV] for p in serial_rows), strict=True))
        if all(owner[s] == inv_of[s] for s in owner.keys() & serials):
            return  # no serial twice in the file, none owned by another device
    new_serial_of = {states[p][INV]: states[p][SERIAL] for p in live}
    header = kind.col("serial_number").header
    in_file: dict[str, int] = {}
    for p in serial_rows:
        serial = states[p][SERIAL]
        row = rows[p][0]
        if serial in in_file:
            errs.setdefault(p, []).append(
                cell_error(
                    row,
                    header,
                    _(
                        "the serial number '%(value)s' appears more than once in this file "
                        "(first in row %(first)s)"
                    )
                    % {"value": parsing.shown(serial), "first": in_file[serial]},
                )
            )
            action[p] = "error"
            continue
        in_file[serial] = row
        current = owner.get(serial)
        if current and current != states[p][INV]:
            moves_away = (
                current in new_serial_of
                and current in existing
                and new_serial_of[current] != serial
            )
            if not moves_away:
                errs.setdefault(p, []).append(
                    cell_error(
                        row,
                        header,
                        _("the serial number '%(value)s' belongs to device %(other)s")
                        % {"value": parsing.shown(serial), "other": current},
                    )
                )
                action[p] = "error"


# ===================================================================== writing
def _pk(value):
    return value.pk if isinstance(value, (Room, DeviceModel)) else value


def _device_columns(board_id: int, now):
    """[(column, state index | None, constant)] for every concrete Device column but id."""
    by_attname = {
        "inventory_number": INV,
        "serial_number": SERIAL,
        "model_id": MODEL,
        "category": CATEGORY,
        "status": STATUS,
        "school_id": SCHOOL,
        "room_id": ROOM,
        "purchase_date": PURCHASE,
        "price_gross": PRICE,
        "warranty_end": WARRANTY,
        "mdm_id": MDM,
        "notes": NOTES,
    }
    constants = {"school_board_id": board_id, "created_at": now, "updated_at": now, "version": 1}
    out = []
    for f in Device._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.attname in by_attname:
            out.append((f, by_attname[f.attname], None))
        elif f.attname in constants:
            out.append((f, None, f.get_db_prep_save(constants[f.attname], connection)))
        else:
            out.append((f, None, f.get_db_prep_save(f.get_default(), connection)))
    return out


def _sqlite_value(value):
    """What Django's SQLite adapters bind (dates and decimals as text)."""
    if value is None or isinstance(value, (str, int)):
        return value
    return str(value)


def _history_select(actor_id, reason: str, now, history_type: str):
    """(columns, select expressions, params) copying device rows into the history table."""
    history = Device.history.model
    device_columns = {f.column for f in Device._meta.concrete_fields}
    constants = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": actor_id,
    }
    columns, exprs, params = [], [], []
    for f in history._meta.concrete_fields:
        if f.name == "history_id":
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.attname in constants:
            exprs.append("%s")
            params.append(f.get_db_prep_save(constants[f.attname], connection))
        elif f.column in device_columns:
            exprs.append("d." + connection.ops.quote_name(f.column))
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    return columns, exprs, params


def _status_select(actor_id, reason: str, now):
    """(columns, select expressions, params) for status-log rows of freshly inserted devices."""
    from django.contrib.contenttypes.models import ContentType

    fixed = {
        "school_board_id": "d.school_board_id",
        "school_id": "d.school_id",
        "object_id": "d.id",
        "to_status": "d.status",
    }
    constants = {
        "content_type_id": ContentType.objects.get_for_model(Device).pk,
        "field": "status",
        "from_status": "",
        "action": "create",
        "actor_id": actor_id,
        "reason": reason,
        "created_at": now,
        "data": {},
    }
    columns, exprs, params = [], [], []
    for f in StatusChange._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.attname in fixed:
            exprs.append(fixed[f.attname])
        else:
            exprs.append("%s")
            value = constants[f.attname] if f.attname in constants else f.get_default()
            params.append(f.get_db_prep_save(value, connection))
    return columns, exprs, params


def write(plan, *, actor, reason: str, progress=None) -> None:
    """Write an error-free plan inside the caller's transaction."""
    fast: FastState = plan.engine_state
    ctx = plan.ctx
    board_id = plan.board.pk
    plan.kind.create_related(ctx, actor, reason)
    now = timezone.now()
    if fast.new:
        _insert_new(fast, board_id, actor, reason, now, progress)
    if fast.changed:
        _update_changed(plan, fast, board_id, actor, reason, now)


def _insert_new(fast: FastState, board_id, actor, reason, now, progress) -> None:
    table = connection.ops.quote_name(Device._meta.db_table)
    history_table = connection.ops.quote_name(Device.history.model._meta.db_table)
    status_table = connection.ops.quote_name(StatusChange._meta.db_table)
    columns = _device_columns(board_id, now)
    varying = [(f, index) for f, index, _c in columns if index is not None]
    h_cols, h_exprs, h_params = _history_select(actor.pk, reason, now, "+")
    s_cols, s_exprs, s_params = _status_select(actor.pk, reason, now)
    sqlite = connection.vendor == "sqlite"
    quoted = ", ".join(connection.ops.quote_name(f.column) for f, _i, _c in columns)
    if sqlite:
        exprs, consts = [], []
        j = 0
        for _f, index, constant in columns:
            if index is None:
                exprs.append("%s")
                consts.append(constant)
            else:
                exprs.append(f"j.value ->> {j}")
                j += 1
        insert = (
            f"INSERT INTO {table} ({quoted}) SELECT {', '.join(exprs)} "  # noqa: S608 (model identifiers)
            f"FROM json_each(%s) AS j ORDER BY j.key"
        )
    states = fast.states
    text_of: dict[int, dict] = {PURCHASE: {}, PRICE: {}, WARRANTY: {}}
    with connection.cursor() as cursor:
        for start in range(0, len(fast.new), CHUNK):
            chunk = [states[p] for p in fast.new[start : start + CHUNK]]
            cols = []
            for _f, index in varying:
                column = [st[index] for st in chunk]
                if index in (ROOM, MODEL):
                    column = [v if v is None or v.__class__ is int else v.pk for v in column]
                elif sqlite and index in (PURCHASE, PRICE, WARRANTY):
                    conv = text_of[index]
                    for v in set(column) - conv.keys():
                        conv[v] = _sqlite_value(v)
                    column = [conv[v] for v in column]
                cols.append(column)
            if sqlite:
                payload = json.dumps(
                    list(zip(*cols, strict=True)), separators=(",", ":"), ensure_ascii=False
                )
                cursor.execute(insert, [*consts, payload])
                cursor.execute("SELECT last_insert_rowid(), changes()")
                last, count = cursor.fetchone()
                if count != len(chunk):
                    raise RuntimeError("device import: row count mismatch")
                first = last - count + 1
                where, where_params = "d.id BETWEEN %s AND %s", [first, last]
                ids = (first, last)
            else:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Device._meta.db_table, len(chunk)],
                )
                id_list = [r[0] for r in cursor.fetchall()]
                by_column = iter(cols)
                values = [
                    repeat(constant) if index is None else next(by_column)
                    for _f, index, constant in columns
                ]
                with cursor.copy(f"COPY {table} (id, {quoted}) FROM STDIN") as copy:
                    write_row = copy.write_row
                    for row in zip(id_list, *values, strict=False):
                        write_row(row)
                ids = (id_list[0], id_list[-1])
                if ids[1] - ids[0] + 1 == len(id_list) and id_list == sorted(id_list):
                    # one run of sequence values: no other row can hold an id in it
                    where, where_params = "d.id BETWEEN %s AND %s", list(ids)
                else:
                    where, where_params = "d.id = ANY(%s)", [id_list]
            cursor.execute(
                f"INSERT INTO {history_table} ({', '.join(h_cols)}) SELECT {', '.join(h_exprs)}"  # noqa: S608 (model identifiers)
                f" FROM {table} d WHERE {where}",
                [*h_params, *where_params],
            )
            cursor.execute(
                f"INSERT INTO {status_table} ({', '.join(s_cols)}) SELECT {', '.join(s_exprs)}"  # noqa: S608 (model identifiers)
                f" FROM {table} d WHERE {where}",
                [*s_params, *where_params],
            )
            # the ids belong to exactly these rows, of this board, in this order
            cursor.execute(
                f"SELECT d.id, d.inventory_number, d.school_board_id FROM {table} d "  # noqa: S608 (model identifiers)
                f"WHERE d.id IN (%s, %s) ORDER BY d.id",
                list(ids),
            )
            check = cursor.fetchall()
            expected = [(ids[0], chunk[0][INV], board_id), (ids[1], chunk[-1][INV], board_id)]
            if check != expected[: len(check)] or len(check) != len(set(ids)):
                raise RuntimeError("device import: id assignment mismatch")
            if progress:
                progress(0)  # a heartbeat per chunk (the rows were counted by the analysis)


def _update_changed(plan, fast: FastState, board_id, actor, reason, now) -> None:
    """Changed devices: UPDATE per row (executemany), '~' history rows, status log."""
    table = connection.ops.quote_name(Device._meta.db_table)
    history_table = connection.ops.quote_name(Device.history.model._meta.db_table)
    fields = sorted(fast.changed_fields)
    targets = [Device._meta.get_field(name) for name in fields]
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in targets)
    sql = (
        f"UPDATE {table} SET {sets}, version = %s, updated_at = %s "  # noqa: S608 (model identifiers)
        f"WHERE id = %s AND school_board_id = %s"
    )
    updated_at = Device._meta.get_field("updated_at").get_db_prep_save(now, connection)
    states = fast.states
    h_cols, h_exprs, h_params = _history_select(actor.pk, reason, now, "~")
    with connection.cursor() as cursor:
        if "serial_number" in fast.changed_fields:
            # serials may move between devices of the file (A takes B's, B gets a new one):
            # free them first ('' is outside the unique constraint), so no order can clash
            moving = [
                (states[p][PK], board_id)
                for p in fast.changed
                if states[p][SERIAL] != fast.old_serial[p]
            ]
            cursor.executemany(
                f"UPDATE {table} SET serial_number = '' "  # noqa: S608 (model identifiers)
                f"WHERE id = %s AND school_board_id = %s",
                moving,
            )
        for start in range(0, len(fast.changed), CHUNK):
            positions = fast.changed[start : start + CHUNK]
            params = []
            for p in positions:
                st = states[p]
                params.append(
                    [
                        *(
                            f.get_db_prep_save(_pk(st[STATE_FIELDS[f.name]]), connection)
                            for f in targets
                        ),
                        st[VERSION] + 1,
                        updated_at,
                        st[PK],
                        board_id,
                    ]
                )
            cursor.executemany(sql, params)
            ids = [states[p][PK] for p in positions]
            if connection.vendor == "sqlite":
                where, where_params = "d.id IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]
            else:
                where, where_params = "d.id = ANY(%s)", [ids]
            cursor.execute(
                f"INSERT INTO {history_table} ({', '.join(h_cols)}) SELECT {', '.join(h_exprs)}"  # noqa: S608 (model identifiers)
                f" FROM {table} d WHERE {where} AND d.school_board_id = %s",
                [*h_params, *where_params, board_id],
            )
            if cursor.rowcount not in (-1, len(ids)):
                raise RuntimeError("device import: update count mismatch")
    log = [
        engine.log_entry(
            Device(pk=states[p][PK], school_board_id=board_id, school_id=states[p][SCHOOL]),
            actor=actor,
            from_status=fast.old_status[p],
            to_status=states[p][STATUS],
            action="import",
            reason=reason,
        )
        for p in fast.changed
        if fast.old_status.get(p) != states[p][STATUS]
    ]
    if log:
        StatusChange.objects.bulk_create(log, batch_size=CHUNK)


__all__ = ["analyse", "write", "FieldRule", "CHUNK"]
