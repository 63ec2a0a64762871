"""What an import kind is: its columns, lookups, row building and writes (the spec every
stage of the pipeline reads; no stage is imported here).

A kind declares its columns (German header, English aliases, parser, model
field) and how to find existing rows by natural key within the board. The
pipeline (imports/pipeline/: read -> map -> validate -> plan -> write) parses,
diffs, validates and writes.

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

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from schools.models import School, Site

from . import parsing

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
