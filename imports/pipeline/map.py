"""Step 2 of the import pipeline: which file column feeds which field of the kind.

The mapping is detected from the headers (German names and English aliases), or the one the
board saved for the same file layout; it is checked before any row is read.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.spreadsheets import sha256

from ..models import ColumnMapping
from ..parsing import normalize
from ..spec import Col, Kind

ID_HEADERS = {"id", "pk", "dbid", "datenbankid"}


def source_key(headers: list[str]) -> str:
    """Identifies a file layout (the same export of the same system) for remembering."""
    return sha256("\x1f".join(normalize(h) for h in headers).encode())


def detect_mapping(kind: Kind, headers: list[str]) -> dict[str, str]:
    """{column index: column key or ''} from headers and their German/English aliases."""
    names = {}
    for col in kind.columns:
        for name in col.names:
            names.setdefault(normalize(name), col.key)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = names.get(normalize(header), "") if header else ""
        if key in used:
            key = ""
        if key:
            used.add(key)
        mapping[str(index)] = key
    return mapping


def remembered_mapping(board, kind: Kind, headers: list[str]) -> dict[str, str] | None:
    saved = ColumnMapping.objects.filter(
        school_board=board, kind=kind.name, source_key=source_key(headers)
    ).first()
    if saved is None:
        return None
    valid = {c.key for c in kind.columns}
    return {
        str(i): (saved.mapping.get(str(i), "") if saved.mapping.get(str(i)) in valid else "")
        for i in range(len(headers))
    }


def remember_mapping(*, actor, board, kind: Kind, headers: list[str], mapping: dict) -> None:
    obj, _created = ColumnMapping.objects.get_or_create(
        school_board=board,
        kind=kind.name,
        source_key=source_key(headers),
        defaults={"headers": headers, "mapping": mapping},
    )
    if obj.mapping != mapping:
        obj.mapping = mapping
        obj.headers = headers
        obj._history_user = actor
        obj.version += 1
        obj.save()


def check_mapping(kind: Kind, headers: list[str], mapping: dict[str, str]) -> tuple[list, list]:
    """(file errors, warnings) of a header row and its mapping."""
    errors: list[str] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    for header in headers:
        if not header:
            continue
        norm = normalize(header)
        if norm in seen:
            errors.append(
                _("The column '%(column)s' appears more than once in the header row.")
                % {"column": header}
            )
        seen[norm] = header
    valid = {c.key: c for c in kind.columns}
    mapped: dict[str, str] = {}
    for index, header in enumerate(headers):
        key = mapping.get(str(index), "")
        if key and key not in valid:
            key = ""
        if key in mapped:
            errors.append(
                _("The columns '%(a)s' and '%(b)s' are both mapped to '%(field)s'.")
                % {"a": mapped[key], "b": header, "field": valid[key].header}
            )
            continue
        if key:
            mapped[key] = header
        elif normalize(header) in ID_HEADERS:
            warnings.append(
                _(
                    "The column '%(column)s' is ignored: rows are matched by "
                    "%(key)s, never by database id."
                )
                % {"column": header, "key": kind.col(key_col(kind)).header}
            )
        elif header:
            warnings.append(
                _("The column '%(column)s' is unknown and is not imported.") % {"column": header}
            )
    for col in kind.columns:
        if col.required and col.key not in mapped:
            errors.append(
                _("The required column '%(column)s' is missing.") % {"column": col.header}
            )
    return errors, warnings


def key_col(kind: Kind) -> str:
    """The column that names a row in messages (rooms: the room, not the school)."""
    return kind.key_column if kind.key_column != "name" else kind.columns[1].key


def mapped_columns(kind: Kind, mapping: dict[str, str]) -> list[tuple[int, Col]]:
    """(file column index, kind column) of every mapped column."""
    return [(int(i), kind.col(key)) for i, key in mapping.items() if key]
