"""Step 5 of the import pipeline: write a plan without errors, inside the caller's
transaction (so all-or-nothing), with the importing user and "Import <file> (SHA-256 …)" as
the change reason of every history row.

* row by row (`write_plan`): the kind's `create_related` (new rooms, device models) and
  `write` (simple-history's bulk helpers);
* column-wise devices (`write_columns`): new devices in chunks of 5,000 — SQLite: one
  `INSERT … SELECT … FROM json_each(?)` per chunk (the rows go to SQLite as one JSON text
  instead of 20 bound parameters per row), PostgreSQL: `COPY` with ids reserved from the
  sequence; their history rows and status-log rows are copied inside the database with
  `INSERT … SELECT` from the rows just written; changed devices with one UPDATE per row
  (executemany) plus their "~" history rows the same way.
"""

from __future__ import annotations

import json
from itertools import repeat

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from core import workflow as engine
from core.models import StatusChange
from devices.models import Device, DeviceModel
from schools.models import Room

from .plan import (
    CATEGORY,
    INV,
    MDM,
    MODEL,
    NOTES,
    PK,
    PRICE,
    PURCHASE,
    ROOM,
    SCHOOL,
    SERIAL,
    STATE_FIELDS,
    STATUS,
    VERSION,
    WARRANTY,
    FastState,
    ImportRejected,
    Plan,
)

#: rows per INSERT/COPY statement (and per history/status-log copy)
CHUNK = 5000


def write_file(plan: Plan, *, actor, reason: str, progress=None) -> None:
    """Write a valid plan with the engine that analysed it (inside the caller's transaction)."""
    if plan.has_errors:
        raise ImportRejected(plan)
    if plan.engine_state is None:
        write_plan(plan, actor=actor, reason=reason)
    else:
        write_columns(plan, actor=actor, reason=reason, progress=progress)


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


def write_columns(plan: Plan, *, actor, reason: str, progress=None) -> None:
    """Write an error-free column-wise plan inside the caller's transaction."""
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
