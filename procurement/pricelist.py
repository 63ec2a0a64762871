"""Price-list import (Preisliste) from CSV/XLSX, the import pipeline's pattern in one file:
read (core.spreadsheets: limits, zip bombs, encodings) → map (headers to columns) →
validate (each row with the procurement rules) → plan (a preview with row errors) →
write (all or nothing, in one transaction).

A file is one price-list version of one contract. Rows name their lot and funding
category; the validity (gültig ab / gültig bis) comes from the form or from the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.spreadsheets import SpreadsheetRefused, read_table
from devices.choices import DeviceCategory
from funding.choices import FundingCategory
from imports import parsing

from . import rules


@dataclass(frozen=True)
class PriceCol:
    key: str
    header: str
    aliases: tuple[str, ...]
    parse: Callable[[Any], Any]
    required: bool = False


def _money(raw):
    return parsing.parse_decimal(raw, allow_negative=True)


def _int(raw):
    return parsing.parse_int(raw, minimum=0)


def _category(raw) -> str:
    return parsing.text(raw)


COLUMNS = (
    PriceCol(
        "item_number", "Artikelnummer", ("item number", "item", "art-nr"), parsing.code_text, True
    ),
    PriceCol("name", "Bezeichnung", ("name", "description", "artikel"), parsing.text, True),
    PriceCol("lot", "Los", ("lot",), parsing.code_text),
    PriceCol("category", "Förderkategorie", ("category", "kategorie"), _category, True),
    PriceCol("device_category", "Gerätekategorie", ("device category",), parsing.text),
    PriceCol("price_net", "Nettopreis", ("net price", "price", "preis netto"), _money, True),
    PriceCol("vat_rate", "USt-Satz", ("vat", "vat rate", "ust", "mwst"), _money),
    PriceCol("delivery_days", "Lieferzeit (Tage)", ("delivery days", "lieferzeit"), _int),
    PriceCol("min_quantity", "Mindestmenge", ("minimum quantity", "min qty"), _int),
    PriceCol("valid_from", "gültig ab", ("valid from",), parsing.parse_date),
    PriceCol("valid_until", "gültig bis", ("valid until",), parsing.parse_date),
)


@dataclass
class PriceRow:
    row: int
    values: dict[str, Any]


@dataclass
class PricePlan:
    """The preview: parsed rows, row errors ("Zeile 3, Nettopreis: …"), the version's period."""

    rows: list[PriceRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _row_error(row: int, column: str | None, message: str) -> str:
    if column:
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": row,
            "column": column,
            "message": message,
        }
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


# --- map --------------------------------------------------------------------------------------
def map_headers(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column key -> index, and the errors (a required column missing)."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = parsing.normalize(header or "")
        for col in COLUMNS:
            names = {parsing.normalize(n) for n in (col.header, col.key, *col.aliases)}
            if name in names and col.key not in found:
                found[col.key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in found]
    errors = [_("The column “%(name)s” is missing.") % {"name": m} for m in missing]
    return found, errors


# --- validate ---------------------------------------------------------------------------------
def _parse_cells(number: int, cells: list, mapping: dict[str, int], errors: list) -> dict:
    values: dict[str, Any] = {}
    for col in COLUMNS:
        if col.key not in mapping:
            continue
        index = mapping[col.key]
        raw = cells[index] if index < len(cells) else None
        try:
            values[col.key] = col.parse(raw)
        except parsing.CellError as exc:
            errors.append(_row_error(number, col.header, exc.message))
            continue
        if col.required and values[col.key] in (None, ""):
            errors.append(_row_error(number, col.header, _("this cell is required")))
    return values


def categories() -> dict[str, str]:
    """Funding category code -> label in the active language."""
    return {c.value: str(c.label) for c in FundingCategory}


def _normalise_category(value: str) -> str:
    """A category's code, or its label in German or English, to the code."""
    from django.utils import translation

    wanted = parsing.normalize(value)
    for lang in ("de", "en"):
        with translation.override(lang):
            for code, label in categories().items():
                if wanted in (parsing.normalize(code), parsing.normalize(label)):
                    return code
    return value


def _device_category(value: str) -> str:
    if not value:
        return ""
    wanted = parsing.normalize(value)
    for choice in DeviceCategory:
        if wanted in (parsing.normalize(choice.value), parsing.normalize(str(choice.label))):
            return choice.value
    raise parsing.CellError(
        _("Unknown device category “%(value)s”.") % {"value": value},
    )


def check_row(number: int, values: dict, errors: list) -> None:
    """The row rules: the same functions the forms and the API use."""
    if values.get("category"):
        values["category"] = _normalise_category(values["category"])
        if message := rules.unknown_category_error(values["category"], categories()):
            errors.append(_row_error(number, "Förderkategorie", message))
    if message := rules.negative_price_error(values.get("price_net")):
        errors.append(_row_error(number, "Nettopreis", message))
    if message := rules.validity_order_error(values.get("valid_from"), values.get("valid_until")):
        errors.append(_row_error(number, "gültig bis", message))
    vat = values.get("vat_rate")
    if vat is not None and not (0 <= vat <= 100):
        errors.append(_row_error(number, "USt-Satz", _("A VAT rate lies between 0 and 100.")))
    if values.get("min_quantity") == 0:
        errors.append(_row_error(number, "Mindestmenge", _("The minimum quantity is at least 1.")))
    try:
        values["device_category"] = _device_category(values.get("device_category") or "")
    except parsing.CellError as exc:
        errors.append(_row_error(number, "Gerätekategorie", exc.message))


def _check_duplicates(rows: list[PriceRow], errors: list) -> None:
    first: dict[str, int] = {}
    for row in rows:
        key = row.values.get("item_number")
        if not key:
            continue
        if key in first:
            errors.append(
                _row_error(
                    row.row,
                    "Artikelnummer",
                    _("the item number %(key)s is already in row %(first)s")
                    % {"key": key, "first": first[key]},
                )
            )
        else:
            first[key] = row.row


def _period(plan: PricePlan, valid_from, valid_until) -> None:
    """The version's validity: the form's, else the one the rows share."""
    if valid_from is None:
        starts = {r.values.get("valid_from") for r in plan.rows} - {None}
        ends = {r.values.get("valid_until") for r in plan.rows} - {None}
        if len(starts) > 1 or len(ends) > 1:
            plan.errors.append(
                _("The rows name different validity periods; one file is one version.")
            )
        valid_from = next(iter(starts), None)
        valid_until = next(iter(ends), None) if valid_until is None else valid_until
    if valid_from is None:
        plan.errors.append(_("Please give the date from which the price list is valid."))
    elif message := rules.validity_order_error(valid_from, valid_until):
        plan.errors.append(message)
    plan.valid_from, plan.valid_until = valid_from, valid_until


# --- plan -------------------------------------------------------------------------------------
def analyse(
    name: str,
    data: bytes,
    *,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> PricePlan:
    """Read and check a price-list file; nothing is written."""
    plan = PricePlan()
    try:
        table = read_table(name, data)
    except SpreadsheetRefused as exc:
        plan.errors.append(exc.message)
        return plan
    mapping, plan.errors = map_headers(table.headers)
    if plan.errors:
        return plan
    for number, cells in table.rows:
        if not any(c not in (None, "") for c in cells):
            continue
        values = _parse_cells(number, cells, mapping, plan.errors)
        check_row(number, values, plan.errors)
        plan.rows.append(PriceRow(number, values))
    if not plan.rows:
        plan.errors.append(_("The file holds no price rows."))
    _check_duplicates(plan.rows, plan.errors)
    _period(plan, valid_from, valid_until)
    return plan


DEFAULT_VAT = Decimal("19")
