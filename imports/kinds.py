"""The import kinds of the register (schools, rooms) and the registry of every kind.

The devices kind lives in device_kind.py; the spec they share in spec.py.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled
from simple_history.utils import bulk_create_with_history

from schools.choices import RoomKind, SchoolType
from schools.models import Room, School, Site

from . import parsing
from .device_kind import DeviceKind
from .parsing import ChoiceParser
from .spec import BATCH, Col, Ctx, Kind, RowProblem, SchoolLookup, main_sites


# ================================================================== schools
class SchoolKind(Kind):
    name = "schools"
    label = gettext_lazy("Schools")
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


class RoomKindImport(Kind):
    name = "rooms"
    label = gettext_lazy("Rooms")
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


KINDS: dict[str, Kind] = {
    "schools": SchoolKind(),
    "rooms": RoomKindImport(),
    "devices": DeviceKind(),
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown import kind {name!r}")
