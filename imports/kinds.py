"""What can be imported and exported: columns, natural keys, lookups, writes — per kind.

A kind declares its columns (German header, English aliases, parser, model
field) and how to find existing rows by natural key within the board. The
generic engine in services.py parses, diffs, validates and writes.

Validation (documented choice): each new or changed row is checked with the
model's own `clean_fields()` and `clean()` — exactly what `full_clean()` and
the edit forms run — while the uniqueness rules (`validate_unique` /
constraints) are checked once for the whole file with set operations and one
query per key, instead of one query per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from schools.choices import RoomKind, SchoolType
from schools.models import Room, School, Site

from . import parsing
from .parsing import ChoiceParser

BATCH = 2000


@dataclass(frozen=True)
class Col:
    """One spreadsheet column of a kind."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[Any], Any] = parsing.text
    field: str | None = None  # model field set from this column (None: a lookup column)
    help: Any = ""
    example: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, self.key, *self.aliases)


class RowProblem(Exception):
    """A row-level error not tied to a single cell (or tied to a named column)."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass
class Ctx:
    """Lookups loaded once per import (one query each), and what the import will create."""

    board: Any
    data: dict = field(default_factory=dict)
    new_related: dict[str, dict] = field(default_factory=dict)


def display(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        whole, _sep, cents = f"{value:,.2f}".partition(".")
        return whole.replace(",", ".") + "," + cents
    return str(value)


class Kind:
    name: str = ""
    label: Any = ""
    model: type[models.Model]
    columns: list[Col] = []
    key_column: str = ""
    filterset_path: str = ""

    def col(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)

    # --- lookups ------------------------------------------------------------------
    def context(self, board) -> Ctx:
        return Ctx(board=board)

    def natural_key(self, values: dict, ctx: Ctx):
        return values.get(self.key_column)

    def existing(self, ctx: Ctx, keys: set) -> dict:
        raise NotImplementedError

    def build(self, values: dict, obj, ctx: Ctx):
        """Return a (new or existing) object with the row's values applied."""
        raise NotImplementedError

    def field_value(self, obj, col: Col, ctx: Ctx):
        return getattr(obj, col.field)

    def validate(self, obj, fields: list[str]) -> dict[str, list[str]]:
        """The model's own one-row rules: clean_fields() + clean() (as full_clean runs them)."""
        errors: dict[str, list[str]] = {}
        all_fields = {f.name for f in obj._meta.concrete_fields}
        from django.core.exceptions import ValidationError

        try:
            obj.clean_fields(exclude=all_fields - set(fields) - self.always_validated)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            obj.clean()
        except ValidationError as exc:
            for key, msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                errors.setdefault(key, []).extend(msgs)
        return errors

    always_validated: set[str] = set()

    def unique_checks(self, ctx: Ctx, rows: list) -> None:
        """Set-based uniqueness checks over the whole file (adds errors to rows)."""

    # --- writing ------------------------------------------------------------------
    def create_related(self, ctx: Ctx, actor, reason: str) -> None:
        """Create lookups the file introduced (rooms, device models) before the rows."""

    def write(self, ctx: Ctx, new: list, changed: list, fields: set[str], actor, reason: str):
        for obj in new:
            obj.version = 1
        if new:
            bulk_create_with_history(
                new, self.model, batch_size=BATCH, default_user=actor, default_change_reason=reason
            )
        if changed:
            for obj in changed:
                obj.version = (obj.version or 0) + 1
            bulk_update_with_history(
                changed,
                self.model,
                sorted(fields | {"version", "updated_at"}),
                batch_size=BATCH,
                default_user=actor,
                default_change_reason=reason,
            )

    # --- export -------------------------------------------------------------------
    def export_queryset(self, access, params, request=None):
        from django.utils.module_loading import import_string

        qs = access.restrict(self.model.objects.all())
        qs = self.export_shape(qs)
        if self.filterset_path and params:
            filterset = import_string(self.filterset_path)(params, queryset=qs, request=request)
            qs = filterset.qs if filterset.is_valid() else qs.none()
        return qs

    def export_shape(self, qs):
        return qs

    def export_row(self, obj) -> list:
        return [self.export_value(obj, c) for c in self.columns]

    def export_value(self, obj, col: Col):
        value = getattr(obj, col.field) if col.field else ""
        return "" if value is None else value


# ================================================================== schools
class SchoolKind(Kind):
    name = "schools"
    label = gettext_lazy("Schulen")
    model = School
    key_column = "school_number"
    filterset_path = "schools.filters.SchoolFilter"
    school_type = ChoiceParser(SchoolType.choices)
    columns = [
        Col(
            "school_number",
            "Schulnummer",
            ("school number", "schulnr", "schul-nr", "school_number"),
            True,
            parsing.code_text,
            "school_number",
            gettext_lazy("the Land's school number"),
            "12345",
        ),
        Col(
            "name",
            "Name",
            ("school name", "schulname", "bezeichnung"),
            True,
            parsing.text,
            "name",
            "",
            "Gymnasium Am Brocken",
        ),
        Col(
            "school_type",
            "Schulform",
            ("school type", "schulart", "school_type"),
            True,
            school_type,
            "school_type",
            gettext_lazy("German name or code"),
            "Gymnasium",
        ),
        Col(
            "street",
            "Straße",
            ("street", "strasse", "adresse"),
            False,
            parsing.text,
            "street",
            "",
            "Schulstraße 1",
        ),
        Col(
            "postal_code",
            "PLZ",
            ("postal code", "postleitzahl", "zip"),
            False,
            parsing.code_text,
            "postal_code",
            "",
            "38820",
        ),
        Col(
            "city", "Ort", ("city", "stadt", "town"), False, parsing.text, "city", "", "Halberstadt"
        ),
        Col(
            "pupils",
            "Schüler",
            ("pupils", "schuelerzahl", "schueler innen", "students"),
            False,
            parsing.parse_int,
            "pupils",
            "",
            "612",
        ),
        Col(
            "teachers",
            "Lehrkräfte",
            ("teachers", "lehrer"),
            False,
            parsing.parse_int,
            "teachers",
            "",
            "48",
        ),
        Col(
            "classes",
            "Klassen",
            ("classes", "klassenzahl"),
            False,
            parsing.parse_int,
            "classes",
            "",
            "24",
        ),
        Col(
            "counts_date",
            "Stichtag",
            ("reference date", "counts date", "counts_date"),
            False,
            parsing.parse_date,
            "counts_date",
            gettext_lazy("dd.mm.yyyy"),
            "15.09.2026",
        ),
    ]
    always_validated = {"school_number", "name", "school_type"}

    def context(self, board) -> Ctx:
        return Ctx(board=board)

    def existing(self, ctx, keys):
        found = School.objects.filter(school_board=ctx.board, school_number__in=keys)
        result = {s.school_number: s for s in found}
        with scopes_disabled():
            ctx.data["foreign"] = set(
                School.objects.filter(land_id=ctx.board.land_id, school_number__in=keys)
                .exclude(school_board=ctx.board)
                .values_list("school_number", flat=True)
            )
        return result

    def build(self, values, obj, ctx):
        key = values["school_number"]
        if key in ctx.data.get("foreign", ()):
            # same wording whether or not the number exists elsewhere, where avoidable
            raise RowProblem(
                _("This Schulträger may not use Schulnummer '%(value)s'.") % {"value": key},
                "school_number",
            )
        if obj is None:
            obj = School(school_board=ctx.board, land_id=ctx.board.land_id)
            obj.land = ctx.board.land
        for key, value in values.items():
            col = self.col(key)
            if value is None and col.field in ("pupils", "teachers", "classes"):
                value = 0
            setattr(obj, col.field, value)
        return obj

    def validate(self, obj, fields):
        # School.clean() checks the Land's pattern and uniqueness across boards (one query)
        return super().validate(obj, fields)

    def write(self, ctx, new, changed, fields, actor, reason):
        super().write(ctx, new, changed, fields, actor, reason)
        sites = [
            Site(
                school=s,
                school_board=ctx.board,
                name=s.name,
                street=s.street,
                postal_code=s.postal_code,
                city=s.city,
                is_main=True,
            )
            for s in new
        ]
        if sites:
            bulk_create_with_history(
                sites, Site, batch_size=BATCH, default_user=actor, default_change_reason=reason
            )

    def export_shape(self, qs):
        return qs.order_by("school_number")

    def export_value(self, obj, col):
        if col.key == "school_type":
            return str(obj.get_school_type_display())
        return super().export_value(obj, col)


# ================================================================== rooms
class SchoolLookup:
    """Resolves a Schulnummer to a school of the board; foreign and unknown look the same."""

    @staticmethod
    def load(ctx: Ctx) -> dict:
        if "schools" not in ctx.data:
            ctx.data["schools"] = {
                s.school_number: s
                for s in School.objects.filter(school_board=ctx.board).only(
                    "id", "school_number", "name", "school_board_id", "land_id"
                )
            }
        return ctx.data["schools"]

    @staticmethod
    def parse_school(ctx: Ctx, number: str):
        school = SchoolLookup.load(ctx).get(number)
        if school is None:
            raise RowProblem(
                _("Schulnummer '%(value)s' is not a school of this Schulträger.")
                % {"value": number},
                "school",
            )
        return school


class RoomKindImport(Kind):
    name = "rooms"
    label = gettext_lazy("Räume")
    model = Room
    key_column = "name"
    filterset_path = "schools.filters.RoomFilter"
    room_kind = ChoiceParser(RoomKind.choices)
    columns = [
        Col(
            "school",
            "Schulnummer",
            ("school number", "schulnr", "school"),
            True,
            parsing.code_text,
            None,
            gettext_lazy("a school of your Schulträger"),
            "12345",
        ),
        Col(
            "name",
            "Raum",
            ("room", "raumname", "raumnummer", "name"),
            True,
            parsing.text,
            "name",
            "",
            "A 1.12",
        ),
        Col(
            "kind",
            "Art",
            ("kind", "raumart", "type", "typ"),
            False,
            room_kind,
            "kind",
            gettext_lazy("German name or code"),
            "Klassenraum",
        ),
    ]
    always_validated = {"name"}

    def natural_key(self, values, ctx):
        return (values.get("school"), values.get("name"))

    def existing(self, ctx, keys):
        schools = SchoolLookup.load(ctx)
        ids = {schools[n].pk for n, _name in keys if n in schools}
        rooms = Room.objects.filter(school_board=ctx.board, school_id__in=ids).select_related(
            "school"
        )
        return {(r.school.school_number, r.name): r for r in rooms}

    def build(self, values, obj, ctx):
        school = SchoolLookup.parse_school(ctx, values["school"])
        if obj is None:
            obj = Room(school=school, school_board=ctx.board)
            obj.kind = RoomKind.CLASSROOM
        obj.name = values["name"]
        if values.get("kind"):
            obj.kind = values["kind"]
        return obj

    def validate(self, obj, fields):
        return super().validate(obj, [f for f in fields if f != "school"])

    def write(self, ctx, new, changed, fields, actor, reason):
        sites = main_sites(ctx, {r.school_id for r in new}, actor, reason)
        for room in new:
            room.site = sites[room.school_id]
        super().write(ctx, new, changed, fields - {"school"}, actor, reason)

    def export_shape(self, qs):
        return qs.select_related("school").order_by("school__school_number", "name")

    def export_value(self, obj, col):
        if col.key == "school":
            return obj.school.school_number
        if col.key == "kind":
            return str(obj.get_kind_display())
        return super().export_value(obj, col)


def main_sites(ctx: Ctx, school_ids: Iterable[int], actor, reason: str) -> dict[int, Site]:
    """The main site of each school (created when a school has none)."""
    school_ids = set(school_ids)
    result: dict[int, Site] = {}
    for site in Site.objects.filter(school_id__in=school_ids).order_by("-is_main", "pk"):
        result.setdefault(site.school_id, site)
    missing = [
        s for s in SchoolLookup.load(ctx).values() if s.pk in school_ids and s.pk not in result
    ]
    if missing:
        created = [
            Site(school=s, school_board=ctx.board, name=s.name, is_main=True) for s in missing
        ]
        bulk_create_with_history(created, Site, default_user=actor, default_change_reason=reason)
        for site in created:
            result[site.school_id] = site
    return result


KINDS: dict[str, Kind] = {"schools": SchoolKind(), "rooms": RoomKindImport()}


def get_kind(name: str) -> Kind:
    if name == "devices" and "devices" not in KINDS:
        from .device_kind import DeviceKind

        KINDS["devices"] = DeviceKind()
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown import kind {name!r}")
