"""The one formatting path for numbers, money, percentages and dates (both languages).

Everything a user reads — pages (template filters), documents, rule findings,
service messages, CLI output and exports — is formatted here, through Django's
localisation and the project's format modules (config/formats/de, config/formats/en):

    German   1.234,56 €   19 %   24.11.2026   24.11.2026 14:05
    English  €1,234.56    19%    24 Nov 2026  24 Nov 2026 14:05

The active language decides (documents for German authorities render under
`translation.override("de")`); `lang=` pins one for machine-readable files.
Parsing accepts what either language writes (1.234,56 · 1,234.56 · 1234,56 · '899 €').
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils import dateformat, numberformat, timezone, translation
from django.utils.formats import get_format, iter_format_modules

from core.money import round_money

__all__ = [
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_money",
    "format_number",
    "format_percent",
    "parse_money",
    "parse_number",
]


def _lang(lang: str | None) -> str:
    return (lang or translation.get_language() or "de").split("-")[0]


@lru_cache(maxsize=16)
def _project_format(name: str, lang: str) -> str:
    """A format the project adds to its format modules (MONEY_FORMAT, PERCENT_FORMAT)."""
    for module in iter_format_modules(lang):
        if hasattr(module, name):
            return getattr(module, name)
    return "{amount} €" if name == "MONEY_FORMAT" else "{number} %"


def _number(value: Decimal | int, places: int | None, lang: str, grouping: bool = True) -> str:
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR", lang, use_l10n=True),
        decimal_pos=places,
        grouping=get_format("NUMBER_GROUPING", lang, use_l10n=True) if grouping else 0,
        thousand_sep=get_format("THOUSAND_SEPARATOR", lang, use_l10n=True),
        force_grouping=grouping,
        use_l10n=True,
    )


def format_number(value: int | Decimal | None, *, lang: str | None = None) -> str:
    """A whole number with thousands separators: 12.345 / 12,345."""
    if value is None or value == "":
        return ""
    return _number(int(value), None, _lang(lang))


def format_decimal(
    value: object, places: int = 2, *, grouping: bool = True, lang: str | None = None
) -> str:
    """A decimal with `places` places: 1.234,50 / 1,234.50 (no currency)."""
    if value is None or value == "":
        return ""
    return _number(Decimal(str(value)), places, _lang(lang), grouping)


def format_money(value: object, *, currency: bool = True, lang: str | None = None) -> str:
    """1234.5 -> '1.234,50 €' (German) / '€1,234.50' (English); rounded half-up to the cent."""
    if value is None or value == "":
        return ""
    amount = round_money(value)
    language = _lang(lang)
    text = _number(abs(amount), 2, language)
    if currency:
        text = _project_format("MONEY_FORMAT", language).format(amount=text)
    return f"-{text}" if amount < 0 else text


def format_unit_price(value: object, *, lang: str | None = None) -> str:
    """A unit price with the decimals it has, at least two: 399.9947 -> '399,9947 €'.

    Unit prices are not rounded (a line's total is: quantity × unit price, half-up)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).normalize()
    places = max(2, -amount.as_tuple().exponent)
    language = _lang(lang)
    text = _number(abs(amount), places, language)
    text = _project_format("MONEY_FORMAT", language).format(amount=text)
    return f"-{text}" if amount < 0 else text


def format_percent(value: object, *, lang: str | None = None) -> str:
    """19 -> '19 %' / '19%'; 12.5 -> '12,5 %' / '12.5%' (no trailing zeros)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    places = max(0, -number.as_tuple().exponent)
    language = _lang(lang)
    text = _number(number, places, language, grouping=False)
    return _project_format("PERCENT_FORMAT", language).format(number=text)


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_date(value: dt.date | dt.datetime | None, *, lang: str | None = None) -> str:
    """24.11.2026 (German) / 24 Nov 2026 (English)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    language = _lang(lang)
    with translation.override(language):
        return dateformat.format(value, get_format("SHORT_DATE_FORMAT", language, use_l10n=True))


def format_datetime(value: dt.datetime | None, *, lang: str | None = None) -> str:
    """24.11.2026 14:05 (German) / 24 Nov 2026 14:05 (English), in local time."""
    if value is None or value == "":
        return ""
    language = _lang(lang)
    with translation.override(language):
        return dateformat.format(
            _local(value), get_format("SHORT_DATETIME_FORMAT", language, use_l10n=True)
        )


_GERMAN_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
# "1,999" stays German (1,999 = 1.999); English needs a point or two groups of thousands.
_ENGLISH_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+\.\d+$|^-?\d{1,3}(,\d{3}){2,}$")


def normalize_number(text: str) -> str:
    """'1.234,56 €' / '1,234.56' / '1234,56' -> '1234.56' (a string Decimal() reads)."""
    value = str(text)
    for noise in ("€", "EUR", "\u00a0", "\u202f", " "):
        value = value.replace(noise, "")
    value = value.strip()
    if _GERMAN_NUMBER.match(value):
        return value.replace(".", "").replace(",", ".")
    if _ENGLISH_NUMBER.match(value):
        return value.replace(",", "")
    if "," in value and "." not in value:
        return value.replace(",", ".")
    return value


def parse_number(text: object) -> Decimal:
    """Parse a number as either language writes it; ValueError with the text otherwise."""
    cleaned = normalize_number(str(text))
    if not cleaned:
        raise ValueError("empty amount")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {text!r}") from exc
    if not number.is_finite():
        raise ValueError(f"Not an amount: {text!r}")
    return number


def parse_money(text: object) -> Decimal:
    """'1.234,56 €', '1234,56', '1234.56', '€1,234.56' -> Decimal (not rounded)."""
    return parse_number(text)
