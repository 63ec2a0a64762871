"""Step 1 of the import pipeline: the file -> a table of raw cells -> parsed column values.

Reading is `core.spreadsheets.read_table` (limits, zip bombs, encodings checked before any
parsing). The cell parsers are in imports/parsing.py; here they are applied column-wise,
each distinct raw value parsed once, and the shape of each row is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from core.spreadsheets import FORMULA_PREFIXES, Limits, Table, read_table

from .. import parsing

FORMULA_FIRST = frozenset(FORMULA_PREFIXES)
#: a parsed cell that failed (its error is recorded; the row will not be written)
BAD = object()


def load_table(name: str, data: bytes, limits: Limits | None = None) -> Table:
    """The upload as a table (raises SpreadsheetRefused before anything is written)."""
    return read_table(name, data, limits)


def row_shape_error(cells: list, width: int, table: Table) -> str | None:
    """Not more cells than header columns; a lone cell that holds another delimiter."""
    if len(cells) > width and any(str(c).strip() for c in cells[width:]):
        return _("the row has %(n)s cells but the header only %(w)s columns.") % {
            "n": len(cells),
            "w": width,
        }
    if table.fmt == "csv" and width > 1 and len(cells) == 1:
        other_delims = {";", ",", "\t"} - {table.delimiter}
        if any(d in cells[0] for d in other_delims):
            return _(
                "the row has a single cell – it seems to use a different delimiter than "
                "the header row."
            )
    return None


def parse_cell(parse: Callable[[Any], Any], raw) -> tuple[Any, str | None]:
    """(value, None) or (BAD, message) for one cell."""
    try:
        return parse(raw), None
    except parsing.CellError as exc:
        return BAD, exc.message


def parse_column(parse: Callable[[Any], Any], raws: list, all_str: bool) -> tuple[list, list, dict]:
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


def columns_of(table: Table, width: int) -> list[tuple] | None:
    """The table transposed (one tuple per column) when every row has the header's width."""
    rows = table.rows
    if not all(len(cells) == width for _n, cells in rows):
        return None
    return list(zip(*[cells for _n, cells in rows], strict=True)) if rows else [()] * width


def raw_column(table: Table, transposed: list[tuple] | None, index: int) -> list:
    if transposed is not None:
        return list(transposed[index])
    return [cells[index] if index < len(cells) else "" for _n, cells in table.rows]
