"""Cell parsers: German and ISO formats in, Python values out, clear messages on failure.

Every parser takes a raw cell (str from CSV; str/int/float/date from XLSX) and
returns a value or raises CellError with a message in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.formatting import normalize_number
from core.spreadsheets import unescape_formula


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalize(text: str) -> str:
    """Header / label normalisation: lower case, umlauts folded, only letters and digits."""
    text = str(text).strip().lower()
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text)


def text(raw) -> str:
    """A text cell: numbers from XLSX back to their text, formula escape undone."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "ja" if raw else "nein"
    if isinstance(raw, float):
        return repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.strftime("%d.%m.%Y %H:%M")
    if isinstance(raw, dt.date):
        return raw.strftime("%d.%m.%Y")
    return unescape_formula(str(raw).strip())


def shown(raw) -> str:
    """How a raw cell is quoted in an error message (shortened)."""
    value = text(raw)
    return value if len(value) <= 60 else value[:57] + "…"


_DATE_FORMATS = (
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
)


def parse_date(raw) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    value = text(raw)
    if not value:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 < raw < 100000:
        # an Excel date serial stored as a plain number
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CellError(_("date cell '%(value)s' holds no calendar day") % {"value": shown(raw)})


def parse_datetime(raw) -> dt.datetime | None:
    if isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time(0))
    value = text(raw)
    if not value:
        return None
    value = value.replace("Z", "").split("+")[0].strip()
    for fmt in (
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S.%f",
        "%Y-%m-%d %H:%M",
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
        "%d.%m.%Y",
        "%Y-%m-%d",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y",
    ):
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise CellError(_("date cell '%(value)s' holds no calendar day") % {"value": shown(raw)})


def parse_decimal(raw, *, places: int = 2, allow_negative: bool = False) -> Decimal | None:
    """1.234,56 · 1234,56 · 1234.56 · 1,234.56 · 1234 · '899 €' → Decimal; blanks → None."""
    if isinstance(raw, bool):
        raise CellError(_("no sum of money could be read from '%(value)s'") % {"value": shown(raw)})
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    else:
        value = normalize_number(text(raw))
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise CellError(
                _("no sum of money could be read from '%(value)s'") % {"value": shown(raw)}
            )
    if not number.is_finite():
        raise CellError(_("no sum of money could be read from '%(value)s'") % {"value": shown(raw)})
    if number < 0 and not allow_negative:
        raise CellError(_("'%(value)s' is negative") % {"value": shown(raw)})
    if abs(number) >= Decimal(10) ** 10:  # before quantize (found by Hypothesis)
        raise CellError(_("'%(value)s' is too large") % {"value": shown(raw)})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise CellError(
            _("'%(value)s' has more than %(places)s decimal places")
            % {"value": shown(raw), "places": places}
        )
    return number.quantize(Decimal(1).scaleb(-places))


def parse_int(raw, *, minimum: int = 0) -> int | None:
    if isinstance(raw, bool):
        raise CellError(_("'%(value)s' is not a whole number") % {"value": shown(raw)})
    if isinstance(raw, int):
        number = raw
    else:
        value = text(raw).replace(".", "") if isinstance(raw, str) else text(raw)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            raise CellError(_("'%(value)s' is not a whole number") % {"value": shown(raw)})
    if number < minimum:
        raise CellError(
            _("'%(value)s' is less than %(min)s") % {"value": shown(raw), "min": minimum}
        )
    if number > 2_000_000_000:
        raise CellError(_("'%(value)s' is too large") % {"value": shown(raw)})
    return number


def code_text(raw) -> str:
    """Identifiers (Schulnummer, Inventarnummer): an XLSX number 12345.0 becomes '12345'."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return text(raw)


class ChoiceParser:
    """Accepts a choice's code or its German/English label, case- and umlaut-insensitive."""

    def __init__(self, choices, extra: dict[str, str] | None = None):
        self.lookup: dict[str, str] = {}
        self.choices = choices
        for value, label in choices:
            self.lookup[normalize(value)] = value
            self.lookup[normalize(str(label))] = value
        for alias, value in (extra or {}).items():
            self.lookup[normalize(alias)] = value

    def __call__(self, raw) -> str:
        value = text(raw)
        if not value:
            return ""
        found = self.lookup.get(normalize(value))
        if found is None:
            allowed = ", ".join(str(label) for _v, label in self.choices)
            raise CellError(
                _("'%(value)s' is not one of: %(allowed)s")
                % {"value": shown(raw), "allowed": allowed}
            )
        return found
