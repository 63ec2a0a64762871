"""Spreadsheets in and out, safely: CSV/XLSX reading, formula escaping, limits.

Reading (imports): `read_table(name, data)` runs `precheck()` first — upload
size, XLSX declared uncompressed size and compression ratio (zip bombs), XML
entity declarations, row count — all *before* any parser sees the file. CSV is
decoded with BOM / UTF-8 / Windows-1252 detection and its delimiter is taken
from the header line; XLSX is read by python-calamine (Rust, ~10× faster than
openpyxl, see bench/import_devices.py), with openpyxl as the documented
baseline. Every CSV cell stays text (no "1E5" → 100000, no lost leading zeros);
XLSX cells keep the type Excel stored (text, number, date).

Writing (exports): `write_csv()` (German Excel dialect: UTF-8 BOM, `;`, CRLF)
and `write_xlsx()` (openpyxl write-only) neutralise formula injection: a text
cell starting with = + - @ TAB or CR gets a leading apostrophe; numbers and
dates stay numbers and dates. `unescape_formula()` undoes it on re-import so
export → import is lossless.

openpyxl parses XML through defusedxml when it is installed (checked by
`defusedxml_active()`); calamine's XML reader does not expand entities, and
`precheck()` refuses any part that declares a DOCTYPE/ENTITY anyway.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core.formatting import format_date, format_datetime, format_decimal, format_number

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"
_SCAN_CHUNK = 1 << 20


class SpreadsheetRefused(Exception):
    """The file is refused as a whole (too big, a zip bomb, not a spreadsheet, ...)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 200_000
    max_uncompressed: int = 400 * 1024 * 1024
    max_ratio: int = 100
    max_columns: int = 200
    max_zip_members: int = 500

    @classmethod
    def from_settings(cls) -> Limits:
        conf = getattr(settings, "PAKTWERK", {})
        return cls(
            max_bytes=conf.get("IMPORT_MAX_UPLOAD_BYTES", cls.max_bytes),
            max_rows=conf.get("IMPORT_MAX_ROWS", cls.max_rows),
            max_uncompressed=conf.get("IMPORT_MAX_UNCOMPRESSED_BYTES", cls.max_uncompressed),
            max_ratio=conf.get("IMPORT_MAX_COMPRESSION_RATIO", cls.max_ratio),
        )


@dataclass
class Table:
    """A parsed sheet: header cells and data rows with their spreadsheet row numbers."""

    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)
    fmt: str  # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    warnings: list[str] = field(default_factory=list)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def defusedxml_active() -> bool:
    """True when openpyxl parses XML through defusedxml (entity attacks refused)."""
    from openpyxl import xml as openpyxl_xml

    return bool(openpyxl_xml.DEFUSEDXML)


# --------------------------------------------------------------------------- prechecks
def sniff_format(name: str, data: bytes) -> str:
    """'xlsx' or 'csv', from the content first (a renamed file is still what it is)."""
    if data[:4] == XLSX_MAGIC:
        return "xlsx"
    lower = (name or "").lower()
    if lower.endswith((".xlsx", ".xlsm")):
        raise SpreadsheetRefused(_("The file is not a valid XLSX workbook."))
    if lower.endswith(".xls"):
        raise SpreadsheetRefused(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or .csv.")
        )
    return "csv"


def precheck(name: str, data: bytes, limits: Limits | None = None) -> str:
    """Check every limit before parsing; return the format. Raises SpreadsheetRefused."""
    limits = limits or Limits.from_settings()
    if not data or not data.strip():
        raise SpreadsheetRefused(_("The file is empty."))
    if len(data) > limits.max_bytes:
        raise SpreadsheetRefused(
            _("The file is too large (%(size)s MB; at most %(max)s MB).")
            % {"size": _mb(len(data)), "max": _mb(limits.max_bytes)}
        )
    fmt = sniff_format(name, data)
    if fmt == "xlsx":
        _precheck_xlsx(data, limits)
    else:
        _precheck_csv(data, limits)
    return fmt


def _mb(n: int) -> str:
    return format_decimal(n / 1024 / 1024, 1)


def _precheck_csv(data: bytes, limits: Limits) -> None:
    head = data[:65536]
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in head:
        raise SpreadsheetRefused(_("The file is not a text (CSV) file. Upload a CSV or XLSX file."))
    # a line count is an upper bound for the row count (quoted newlines only add lines)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        lines = data.count(b"\n\x00") + data.count(b"\x00\n") + 1
    if lines - 1 > limits.max_rows:
        raise SpreadsheetRefused(
            _("The file has too many rows (%(rows)s; at most %(max)s).")
            % {
                "rows": format_number(lines - 1),
                "max": format_number(limits.max_rows),
            }
        )


def _precheck_xlsx(data: bytes, limits: Limits) -> None:
    not_xlsx = _("The file is not a valid XLSX workbook.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetRefused(not_xlsx)
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SpreadsheetRefused(not_xlsx)
    if len(infos) > limits.max_zip_members:
        raise SpreadsheetRefused(not_xlsx)
    bomb = _("The file unpacks to an implausible size and is refused (possible zip bomb).")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed:
        raise SpreadsheetRefused(bomb)
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise SpreadsheetRefused(bomb)
    if any(i.flag_bits & 0x1 for i in infos):
        raise SpreadsheetRefused(_("Password-protected workbooks cannot be read."))
    sheets = sorted(
        (
            i
            for i in infos
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
        ),
        key=lambda i: _sheet_order(i.filename),
    )
    entity = _("The workbook contains XML entity declarations and is refused.")
    try:
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            rows = _scan_xml(archive, info, count_rows=bool(sheets) and info is sheets[0])
            if rows is None:
                raise SpreadsheetRefused(entity)
            if rows - 1 > limits.max_rows:
                raise SpreadsheetRefused(
                    _("The file has too many rows (%(rows)s; at most %(max)s).")
                    % {
                        "rows": format_number(rows - 1),
                        "max": format_number(limits.max_rows),
                    }
                )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        # CRC mismatch: a member that unpacks to more than it declares
        raise SpreadsheetRefused(bomb)


def _sheet_order(name: str) -> tuple[int, str]:
    digits = "".join(c for c in name.rsplit("/", 1)[-1] if c.isdigit())
    return (int(digits) if digits else 0, name)


def _scan_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, count_rows: bool) -> int | None:
    """Stream one part (bounded memory): None if it declares entities, else its <row> count."""
    rows = 0
    tail = b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            if not chunk:
                break
            window = tail + chunk
            upper = window.upper()
            if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
                return None
            if count_rows:
                rows += (
                    window.count(b"<row ")
                    + window.count(b"<row>")
                    - (tail.count(b"<row ") + tail.count(b"<row>"))
                )
            tail = window[-16:]
    return rows


# --------------------------------------------------------------------------- reading
def read_table(name: str, data: bytes, limits: Limits | None = None) -> Table:
    """Precheck, then parse the first sheet / the CSV into a Table. Header = row 1."""
    limits = limits or Limits.from_settings()
    fmt = precheck(name, data, limits)
    table = _read_xlsx(data) if fmt == "xlsx" else _read_csv(data)
    if len(table.headers) > limits.max_columns:
        raise SpreadsheetRefused(
            _("The file has too many columns (%(n)s; at most %(max)s).")
            % {"n": len(table.headers), "max": limits.max_columns}
        )
    if not any(table.headers):
        raise SpreadsheetRefused(_("The file has no header row."))
    if len(table.rows) > limits.max_rows:
        raise SpreadsheetRefused(
            _("The file has too many rows (%(rows)s; at most %(max)s).")
            % {"rows": len(table.rows), "max": limits.max_rows}
        )
    return table


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with/without BOM, UTF-16 with BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode(data, "cp1252"), "cp1252"


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise SpreadsheetRefused(
            _(
                "The character encoding of the file could not be detected. "
                "Save it as CSV UTF-8 or as XLSX."
            )
        )


def detect_delimiter(header_line: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _count_outside_quotes(line: str, char: str) -> int:
    inside, n = False, 0
    for c in line:
        if c == '"':
            inside = not inside
        elif c == char and not inside:
            n += 1
    return n


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise SpreadsheetRefused(_("The file is not a text (CSV) file. Upload a CSV or XLSX file."))
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = detect_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    headers: list[str] | None = None
    rows: list[tuple[int, list]] = []
    number = 0
    try:
        for cells in reader:
            number += 1
            if headers is None:
                if not any(c.strip() for c in cells):
                    continue
                headers = [c.strip() for c in cells]
                number = 1
                continue
            if not "".join(cells).strip():
                continue  # empty lines are skipped, numbering still counts them
            rows.append((number, cells))
    except csv.Error as exc:
        raise SpreadsheetRefused(
            _("The CSV file is malformed near row %(row)s: %(error)s")
            % {"row": number, "error": exc}
        )
    if headers is None:
        raise SpreadsheetRefused(_("The file is empty."))
    return Table(headers=headers, rows=rows, fmt="csv", encoding=encoding, delimiter=delimiter)


def _read_xlsx(data: bytes) -> Table:
    from python_calamine import CalamineError, load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        values = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise SpreadsheetRefused(_("The XLSX workbook could not be read: %s") % str(exc)[:200])
    return _table_from_values(values, fmt="xlsx")


def read_xlsx_openpyxl(data: bytes) -> Table:
    """Baseline reader (openpyxl read-only); used by the benchmark and as a fallback."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    workbook.close()
    return _table_from_values(values, fmt="xlsx")


def _table_from_values(values: list[list], *, fmt: str) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list]] = []
    for index, raw in enumerate(values, start=1):
        cells = [_xlsx_cell(v) for v in raw]
        if not any(c != "" for c in cells):
            continue
        if headers is None:
            headers = [str(c).strip() for c in cells]
            offset = index - 1
            continue
        rows.append((index - offset, cells))
    while headers and headers[-1] == "":
        headers.pop()
    if headers is None:
        raise SpreadsheetRefused(_("The file is empty."))
    return Table(headers=headers, rows=rows, fmt=fmt)


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


# --------------------------------------------------------------------------- writing
def escape_formula(value):
    """Neutralise a text cell a spreadsheet would run as a formula; numbers pass unchanged."""
    if isinstance(value, str) and value and value[0] in FORMULA_PREFIXES:
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """Undo `escape_formula` on re-import ('=x → =x)."""
    if len(text) >= 2 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_formula(value)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    # CSV files are for German Excel (`;`, decimal comma): German formats, whatever the UI.
    if isinstance(value, dt.datetime):
        return format_datetime(value, lang="de")
    if isinstance(value, dt.date):
        return format_date(value, lang="de")
    if isinstance(value, Decimal):
        return format_decimal(value, 2, grouping=False, lang="de")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return str(value)


def write_csv(headers: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ";") -> bytes:
    """CSV as German Excel reads it: UTF-8 with BOM, `;`, CRLF; formulas neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([escape_formula(h) for h in headers])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


_FORMULA_FIRST = frozenset(FORMULA_PREFIXES)


def _format_column(kind, values: Sequence, cache: dict) -> list:
    """One column of a chunk as CSV text (vectorised; see write_csv_columns)."""
    if kind == "text":
        first = _FORMULA_FIRST
        return [("'" + v if v[:1] in first else v) if v else "" for v in values]
    if isinstance(kind, dict):  # a choice: stored value -> label (escaped once, up front)
        return [kind[v] if v in kind else csv_cell(v) for v in values]
    out = []
    append = out.append
    for v in values:
        text = cache.get(v)
        if text is None:
            text = cache[v] = csv_cell(v)
        append(text)
    return out


def write_csv_columns(
    headers: Sequence[str],
    chunks: Iterable[Sequence[Sequence]],
    kinds: Sequence,
    *,
    delimiter: str = ";",
) -> bytes:
    """`write_csv` for typed columns, a chunk of rows at a time, without per-cell dispatch.

    `kinds[i]` says what column i holds: "text" (formula-escaped, None → ""), "date",
    "decimal", "number" (formatted like csv_cell, memoised per distinct value) or a dict
    {stored value: label} for choices. The output is byte-identical to write_csv() over the
    same values (tests/imports/test_fast_engine.py)."""
    kinds = [
        {k: escape_formula(str(v)) for k, v in kind.items()} if isinstance(kind, dict) else kind
        for kind in kinds
    ]
    caches = [{None: ""} for _k in kinds]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([escape_formula(h) for h in headers])
    for chunk in chunks:
        if not chunk:
            continue
        columns = list(zip(*chunk, strict=True))
        formatted = [
            _format_column(kind, col, cache)
            for kind, col, cache in zip(kinds, columns, caches, strict=True)
        ]
        writer.writerows(zip(*formatted, strict=True))
    return out.getvalue().encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Daten") -> bytes:
    """XLSX via openpyxl write-only; text escaped, dates as date cells (dd.mm.yyyy)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Daten")
    date_cells: dict[int, WriteOnlyCell] = {}
    sheet.append([escape_formula(h) for h in headers])
    for row in rows:
        out = []
        for i, value in enumerate(row):
            if isinstance(value, str):
                out.append(escape_formula(value) if value else None)
            elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD.MM.YYYY"
                out.append(cell)
                date_cells[i] = cell
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
