"""Step 3 of the import pipeline: the rules a row must meet, each written once.

Both device engines (the row-by-row one in device_kind.DeviceKind.build and the column-wise
one in plan.analyse_columns) call these functions, so a rule and its message exist once:
the row rules of the inventory themselves come from devices.rules; here is what is
particular to an import (a Raum or Gerätemodell named by the file is created, a serial
number may move between devices of the same file, a model field's own validators run once
per distinct value).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _

from devices.choices import DeviceCategory
from devices.models import Device, DeviceModel
from devices.rules import price_order_error, room_required_error
from schools.models import Room

from .. import parsing
from ..spec import Ctx, RowProblem

MANUFACTURER_MAX = 100
MODEL_NAME_MAX = 200


def cell_error(row: int, column: str | None, message: str) -> str:
    if column:
        return _("Row %(row)s, column '%(column)s': %(message)s") % {
            "row": row,
            "column": column,
            "message": message,
        }
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


def duplicate_key_error(key: str, first_row: int) -> str:
    return _("'%(key)s' appears more than once in this file (first in row %(first)s)") % {
        "key": key,
        "first": first_row,
    }


# --------------------------------------------------------------------- device rows
def resolve_room(ctx: Ctx, school, name: str) -> tuple[int | None, Room | None]:
    """(id of an existing room, None) or (None, the new room the import creates)."""
    if not name:
        return None, None
    room = ctx.data["rooms"].get((school.pk, name))
    if room is not None:
        return room.pk, None
    if len(name) > Room._meta.get_field("name").max_length:
        raise RowProblem(
            _("'%(value)s' is too long for a room name") % {"value": parsing.shown(name)},
            "room",
        )
    room = ctx.data["new_rooms"].get((school.pk, name))
    if room is None:
        room = Room(school_id=school.pk, school_board=ctx.board, name=name)
        ctx.data["new_rooms"][(school.pk, name)] = room
        ctx.new_related["rooms"].add(f"{school.school_number} / {name}")
    return None, room


def resolve_model(
    ctx: Ctx, manufacturer: str, name: str, category: str
) -> tuple[int | None, DeviceModel | None]:
    """Hersteller + Modell -> (id of a catalogue model, None) or (None, a new model).

    `category` is the new model's category (the row's, else the device's, else "other")."""
    if not manufacturer and not name:
        return None, None
    if not manufacturer or not name:
        raise RowProblem(
            _("Hersteller and Modell are needed together"),
            "manufacturer" if not manufacturer else "model",
        )
    key = (manufacturer.casefold(), name.casefold())
    model = ctx.data["models"].get(key)
    if model is not None:
        return model.pk, None
    model = ctx.data["new_models"].get(key)
    if model is None:
        for column, value, limit in (
            ("manufacturer", manufacturer, MANUFACTURER_MAX),
            ("model", name, MODEL_NAME_MAX),
        ):
            if len(value) > limit:
                raise RowProblem(
                    _("'%(value)s' is too long") % {"value": parsing.shown(value)}, column
                )
        model = DeviceModel(
            school_board=ctx.board,
            manufacturer=manufacturer,
            name=name,
            category=category or DeviceCategory.OTHER,
        )
        ctx.data["new_models"][key] = model
        ctx.new_related["models"].add(f"{manufacturer} {name}")
    return None, model


def check_device_row(
    *, is_new: bool, category: str, status: str, room, price_net, price_gross
) -> None:
    """The rules across a device row's columns, in the order both engines report them."""
    if is_new and not category:
        raise RowProblem(_("a value is required"), "category")
    if message := room_required_error(status, room):
        raise RowProblem(message, "room")
    if message := price_order_error(price_net, price_gross):
        raise RowProblem(message, "price_gross")


def serial_errors(
    serial_rows: list[tuple[int, str, str]],
    owner: dict[str, str],
    new_serial_of: dict[str, str],
    existing: Any,
) -> list[tuple[int, str]]:
    """Serial numbers unique in the board: [(index in serial_rows, message)].

    serial_rows: (file row, Inventarnummer, serial) of the new and changed rows in file order;
    owner: serial -> Inventarnummer in the database; new_serial_of: Inventarnummer -> serial
    of the rows in the file; existing: the file's Inventarnummern that exist. A serial may
    move from a device that, in the same file, gets another one."""
    problems: list[tuple[int, str]] = []
    in_file: dict[str, int] = {}
    for index, (row, inventory_number, serial) in enumerate(serial_rows):
        if serial in in_file:
            problems.append(
                (
                    index,
                    _(
                        "the serial number '%(value)s' appears more than once in this file "
                        "(first in row %(first)s)"
                    )
                    % {"value": parsing.shown(serial), "first": in_file[serial]},
                )
            )
            continue
        in_file[serial] = row
        current = owner.get(serial)
        if not current or current == inventory_number:
            continue
        moves_away = (
            current in new_serial_of and current in existing and new_serial_of[current] != serial
        )
        if not moves_away:
            problems.append(
                (
                    index,
                    _("the serial number '%(value)s' belongs to device %(other)s")
                    % {"value": parsing.shown(serial), "other": current},
                )
            )
    return problems


def serial_owners(ctx: Ctx, serials: set[str], load_all_above: int) -> dict[str, str]:
    """serial -> Inventarnummer of the board's devices holding one of `serials`."""
    qs = Device.objects.filter(school_board=ctx.board)
    if len(serials) <= load_all_above:
        qs = qs.filter(serial_number__in=serials)
    else:
        qs = qs.exclude(serial_number="")
    return dict(qs.values_list("serial_number", "inventory_number").iterator(chunk_size=5000))


# --------------------------------------------------------------------- model fields
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

    def _suspects(self, values: list) -> set | None:
        """The values that may fail (None: every distinct value must be checked)."""
        try:
            too_long = max(map(len, values), default=0) > self.limit
        except TypeError:  # not all text: check every distinct value
            return None
        suspects = {v for v in values if len(v) > self.limit} if too_long else set()
        if self.choices is not None:
            suspects |= set(values) - self.choices
        if not self.field.blank and "" in values:
            suspects.add("")
        return suspects

    def errors(self, values: list) -> dict[Any, list[str]]:
        """{value: messages} of the values Field.clean() refuses (blank skipped like
        Model.clean_fields does for blank=True fields)."""
        f = self.field
        suspects = self._suspects(values) if self.prefilter else None
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
    """The FieldRule of a Device field (rebuilt when the model's field object changes)."""
    current = Device._meta.get_field(name)
    cached = _RULES.get(name)
    if cached is None or cached.field is not current:
        cached = _RULES[name] = FieldRule(current)
    return cached
