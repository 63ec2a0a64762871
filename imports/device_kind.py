"""Devices (Geräte): the import/export kind over devices.models.Device.

Rows are matched by Inventarnummer within the board. Schulnummer must name a
school of the board (foreign and unknown numbers read the same); a Raum that
does not exist yet in that school is created (and shown in the preview); a
Hersteller + Modell pair that is not in the catalogue becomes a new device
model.

Validation (documented choice, see spec.py): `clean_fields()` on the mapped
fields per row (max lengths, money digits, choices) plus a vectorised form of
`Device.clean()` — room in the device's school, school and model of the same
board (true by construction: they are looked up in the board only), gross ≥
net price, Inventarnummer and serial number unique in the board (one query for
the file instead of two per row).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from core import workflow as engine
from core.models import StatusChange
from devices.choices import DeviceCategory, DeviceStatus
from devices.models import Device, DeviceModel
from schools.models import Room

from . import parsing
from .parsing import ChoiceParser
from .pipeline.validate import (
    cell_error,
    check_device_row,
    resolve_model,
    resolve_room,
    serial_errors,
    serial_owners,
)
from .spec import BATCH, Col, Ctx, Kind, SchoolLookup, display, main_sites

FK_FIELDS = {"school", "room", "model"}
LOAD_ALL_ABOVE = 2000


def _price(raw):
    return parsing.parse_decimal(raw, places=2)


class DeviceKind(Kind):
    name = "devices"
    label = gettext_lazy("Devices")
    model = Device
    key_column = "inventory_number"
    filterset_path = "devices.filters.DeviceFilter"
    category_parser = ChoiceParser(
        DeviceCategory.choices,
        {
            "Laptop": "notebook",
            "iPad": "tablet",
            "PC": "desktop",
            "Beamer": "projector",
            "Projektor": "projector",
            "Whiteboard": "interactive_board",
            "Dokumentkamera": "document_camera",
            "AP": "access_point",
            "WLAN Access Point": "access_point",
        },
    )
    status_parser = ChoiceParser(
        DeviceStatus.choices,
        {
            "Lager": "in_stock",
            "im Einsatz": "in_use",
            "ausgeliehen": "on_loan",
            "Reparatur": "in_repair",
            "ausgemustert": "retired",
            "defekt": "in_repair",
        },
    )
    columns = [
        Col(
            "inventory_number",
            "Inventarnummer",
            ("inventory number", "inventarnr", "inventar-nr", "inventory_number", "asset tag"),
            True,
            parsing.code_text,
            "inventory_number",
            gettext_lazy("unique within your Schulträger"),
            "HZ-2026-00001",
        ),
        Col(
            "serial_number",
            "Seriennummer",
            ("serial number", "serial", "seriennr", "serial_number", "sn"),
            False,
            parsing.code_text,
            "serial_number",
            "",
            "F9XK2LQ1P0",
        ),
        Col(
            "manufacturer",
            "Hersteller",
            ("manufacturer", "marke", "brand"),
            False,
            parsing.text,
            None,
            "",
            "Apple",
        ),
        Col(
            "model",
            "Modell",
            ("model", "modellname", "model name", "geraetemodell"),
            False,
            parsing.text,
            "model",
            gettext_lazy("with Hersteller; new models are created"),
            "iPad 10.9 (10. Gen.)",
        ),
        Col(
            "category",
            "Kategorie",
            ("category", "geraeteart", "geraetetyp", "typ"),
            False,
            category_parser,
            "category",
            gettext_lazy("German name or code"),
            "Tablet",
        ),
        Col(
            "school",
            "Schulnummer",
            ("school number", "schulnr", "school"),
            True,
            parsing.code_text,
            "school",
            gettext_lazy("a school of your Schulträger"),
            "12345",
        ),
        Col(
            "room",
            "Raum",
            ("room", "raumname", "raumnummer"),
            False,
            parsing.text,
            "room",
            gettext_lazy("created in that school if new"),
            "A 1.12",
        ),
        Col(
            "status",
            "Status",
            ("state", "geraetestatus"),
            False,
            status_parser,
            "status",
            gettext_lazy("German name or code"),
            "im Lager",
        ),
        Col(
            "purchase_date",
            "Anschaffungsdatum",
            ("purchase date", "kaufdatum", "purchase_date", "lieferdatum"),
            False,
            parsing.parse_date,
            "purchase_date",
            gettext_lazy("dd.mm.yyyy"),
            "01.08.2026",
        ),
        Col(
            "price_gross",
            "Anschaffungspreis",
            ("price", "preis", "bruttopreis", "purchase price", "price gross", "price_gross"),
            False,
            _price,
            "price_gross",
            gettext_lazy("gross, EUR"),
            "399,00",
        ),
        Col(
            "warranty_end",
            "Garantie bis",
            ("warranty end", "garantieende", "garantie", "warranty_end"),
            False,
            parsing.parse_date,
            "warranty_end",
            gettext_lazy("dd.mm.yyyy"),
            "31.07.2029",
        ),
        Col(
            "mdm_id",
            "MDM-ID",
            ("mdm id", "mdm_id", "mdm"),
            False,
            parsing.code_text,
            "mdm_id",
            "",
            "",
        ),
        Col(
            "notes",
            "Bemerkung",
            ("notes", "bemerkungen", "notiz", "kommentar"),
            False,
            parsing.text,
            "notes",
            "",
            "",
        ),
    ]

    # --- lookups --------------------------------------------------------------------------
    def context(self, board) -> Ctx:
        ctx = Ctx(board=board)
        schools = SchoolLookup.load(ctx)
        ctx.data["school_by_id"] = {s.pk: s for s in schools.values()}
        rooms = Room.objects.filter(school_board=board).only("id", "name", "school_id")
        ctx.data["rooms"] = {(r.school_id, r.name): r for r in rooms}
        ctx.data["room_by_id"] = {r.pk: r for r in ctx.data["rooms"].values()}
        models = DeviceModel.objects.filter(school_board=board)
        ctx.data["models"] = {(m.manufacturer.casefold(), m.name.casefold()): m for m in models}
        ctx.data["model_by_id"] = {m.pk: m for m in ctx.data["models"].values()}
        ctx.data["new_rooms"] = {}
        ctx.data["new_models"] = {}
        ctx.new_related = {"rooms": set(), "models": set()}
        return ctx

    def existing(self, ctx, keys):
        qs = Device.objects.filter(school_board=ctx.board)
        if len(keys) <= LOAD_ALL_ABOVE:
            qs = qs.filter(inventory_number__in=keys)
        devices = {d.inventory_number: d for d in qs.iterator(chunk_size=5000)}
        ctx.data["devices"] = devices
        return {k: devices[k] for k in keys if k in devices}

    def field_value(self, obj, col, ctx):
        if col.key == "school":
            school = ctx.data["school_by_id"].get(obj.school_id) if obj.school_id else None
            return school.school_number if school else getattr(obj, "_import_school", "")
        if col.key == "room":
            if obj.room_id:
                room = ctx.data["room_by_id"].get(obj.room_id)
                return room.name if room else ""
            room = getattr(obj, "_import_room", None)
            return room.name if room is not None else ""
        if col.key == "model":
            if obj.model_id:
                return str(ctx.data["model_by_id"].get(obj.model_id, ""))
            model = getattr(obj, "_import_model", None)
            return str(model) if model is not None else ""
        return getattr(obj, col.field)

    def build(self, values, obj, ctx):
        school = SchoolLookup.parse_school(ctx, values["school"])
        is_new = obj is None
        if is_new:
            obj = Device(school_board=ctx.board, status=DeviceStatus.IN_STOCK)
        obj.school_id = school.pk
        for key in (
            "inventory_number",
            "serial_number",
            "purchase_date",
            "price_gross",
            "warranty_end",
            "mdm_id",
            "notes",
        ):
            if key in values:
                setattr(
                    obj,
                    key,
                    values[key]
                    if values[key] is not None
                    else (None if key in ("purchase_date", "price_gross", "warranty_end") else ""),
                )
        if values.get("status"):
            obj.status = values["status"]
        if "room" in values:
            self._set_room(obj, school, values["room"], ctx)
        if "model" in values or "manufacturer" in values:
            self._set_model(obj, values, ctx)
        if values.get("category"):
            obj.category = values["category"]
        elif is_new and not obj.category:
            model = getattr(obj, "_import_model", None)
            if model is not None:
                obj.category = model.category
        check_device_row(
            is_new=is_new,
            category=obj.category,
            status=obj.status,
            room=obj.room_id if obj.room_id else getattr(obj, "_import_room", None),
            price_net=obj.price_net,
            price_gross=obj.price_gross,
        )
        return obj

    def _set_room(self, obj, school, name: str, ctx):
        """The shared rule (pipeline.validate.resolve_room) on a Device instance."""
        room_id, obj._import_room = resolve_room(ctx, school, name)
        obj.room_id = room_id

    def _set_model(self, obj, values, ctx):
        """The shared rule (pipeline.validate.resolve_model) on a Device instance."""
        model_id, obj._import_model = resolve_model(
            ctx,
            values.get("manufacturer", ""),
            values.get("model", ""),
            values.get("category") or obj.category,
        )
        obj.model_id = model_id

    def validate(self, obj, fields):
        exclude = {f.name for f in Device._meta.concrete_fields} - (set(fields) - FK_FIELDS)
        try:
            obj.clean_fields(exclude=exclude | FK_FIELDS)
        except ValidationError as exc:
            return exc.message_dict
        return {}

    def unique_checks(self, ctx, rows):
        """Serial numbers unique in the board, in the file and against the database."""
        serial_rows = [r for r in rows if r.obj is not None and r.obj.serial_number]
        if not serial_rows:
            return
        serials = {r.obj.serial_number for r in serial_rows}
        owner = serial_owners(ctx, serials, LOAD_ALL_ABOVE)
        # the devices of the file hold their new serial numbers already (build ran)
        new_serial_of = {r.obj.inventory_number: r.obj.serial_number for r in rows if r.obj}
        existing = ctx.data.get("devices", {})
        entries = [(r.row, r.obj.inventory_number, r.obj.serial_number) for r in serial_rows]
        header = self.col("serial_number").header
        for index, message in serial_errors(entries, owner, new_serial_of, existing):
            r = serial_rows[index]
            r.errors.append(cell_error(r.row, header, message))

    # --- writing --------------------------------------------------------------------------
    def create_related(self, ctx, actor, reason):
        new_rooms = list(ctx.data.get("new_rooms", {}).values())
        if new_rooms:
            sites = main_sites(ctx, {r.school_id for r in new_rooms}, actor, reason)
            for room in new_rooms:
                room.site = sites[room.school_id]
            bulk_create_with_history(
                new_rooms, Room, batch_size=BATCH, default_user=actor, default_change_reason=reason
            )
        new_models = list(ctx.data.get("new_models", {}).values())
        if new_models:
            bulk_create_with_history(
                new_models,
                DeviceModel,
                batch_size=BATCH,
                default_user=actor,
                default_change_reason=reason,
            )

    def write(self, ctx, new, changed, fields, actor, reason):
        for obj in new + changed:
            room = getattr(obj, "_import_room", None)
            if room is not None:
                obj.room_id = room.pk
            model = getattr(obj, "_import_model", None)
            if model is not None:
                obj.model_id = model.pk
        old_status = {}
        if "status" in fields:
            ids = [o.pk for o in changed]
            old_status = (
                dict(Device.objects.filter(pk__in=ids).values_list("pk", "status"))
                if len(ids) <= LOAD_ALL_ABOVE
                else dict(Device.objects.filter(school_board=ctx.board).values_list("pk", "status"))
            )
        super().write(ctx, new, changed, fields, actor, reason)
        log = [
            engine.log_entry(
                o, actor=actor, from_status="", to_status=o.status, action="create", reason=reason
            )
            for o in new
        ]
        log += [
            engine.log_entry(
                o,
                actor=actor,
                from_status=old_status[o.pk],
                to_status=o.status,
                action="import",
                reason=reason,
            )
            for o in changed
            if o.pk in old_status and old_status[o.pk] != o.status
        ]
        if log:
            StatusChange.objects.bulk_create(log, batch_size=BATCH)

    # --- export ---------------------------------------------------------------------------
    def export_shape(self, qs):
        return qs.select_related("school", "room", "model").order_by("inventory_number")

    def export_columns(self) -> list[tuple[str, object]]:
        """(values_list path, format) per column, for the column-wise export; the same
        values as export_row() (labels in the active language)."""
        return [
            ("inventory_number", "text"),
            ("serial_number", "text"),
            ("model__manufacturer", "text"),
            ("model__name", "text"),
            ("category", {k: str(v) for k, v in DeviceCategory.choices}),
            ("school__school_number", "text"),
            ("room__name", "text"),
            ("status", {k: str(v) for k, v in DeviceStatus.choices}),
            ("purchase_date", "date"),
            ("price_gross", "decimal"),
            ("warranty_end", "date"),
            ("mdm_id", "text"),
            ("notes", "text"),
        ]

    def export_row(self, obj) -> list:
        model = obj.model
        return [
            obj.inventory_number,
            obj.serial_number,
            model.manufacturer if model else "",
            model.name if model else "",
            str(obj.get_category_display()),
            obj.school.school_number,
            obj.room.name if obj.room_id else "",
            str(obj.get_status_display()),
            obj.purchase_date or "",
            obj.price_gross if obj.price_gross is not None else "",
            obj.warranty_end or "",
            obj.mdm_id,
            obj.notes,
        ]


def display_device(device) -> str:
    return display(device.inventory_number)
