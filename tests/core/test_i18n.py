"""Both languages everywhere: English msgids, a complete German catalogue, one formatting path.

(a) no German msgid in the source (read from the extracted catalogue, which holds every
    gettext/pgettext/ngettext literal of the apps and every {% translate %} of the templates);
(b) every msgid has a German translation (non-empty, not fuzzy);
(d) the device category "Switch" stays "Switch" in German (it shared a msgid with the
    board-switch button, "Wechseln"), in exports and filters;
(e) numbers, money, percentages and dates in both languages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from core import formatting

PO_DE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
PO_EN = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Domain terms keep their German names in English labels (DESIGN: "Schulträger,
# Förderantrag …"); only those that would trip the check below need listing here.
DOMAIN_TERMS = (
    "Position des Kosten- und Zeitplans",
    "Kosten- und Zeitplans",
    "Kosten- und Zeitplan",
    "Aktenzeichen der Anzeige",
    "Schulträgers",
    "Schulträger",
    "Förderanträge",
    "Förderantrag",
    "Förderprogramme",
    "Förderprogramm",
    "Förderschule",
    "Änderungsanträge",
    "Änderungsantrag",
    "Änderungsbescheid",
    "Auszahlungsanträge",
    "Rückgabeprotokolle",
    "Rückgabeprotokoll",
    "Übergabeprotokoll",
    "Leihverträge",
    "Berufsbildende Schule",
    "freier Träger",
    "Vier-Augen-Prinzip",
    "Gemeindeschlüssel",
    "Länder",
    "DigitalPakt Schule",
)

# Frequent German words of a UI (none of them an English word a label would use).
GERMAN_WORDS = frozenset(
    """
    und oder der das des dem den ein eine einen einer nicht ist sind mit für von vom zum zur
    bei bitte wird werden wurde kann können muss müssen darf noch bereits alle neue neuer
    zurück speichern löschen abbrechen bearbeiten anlegen hinzufügen suchen übersicht geräte
    gerät schule schulen antrag anträge datum betrag summe gesamt seite weiter ja nein auf
    über unter nach wenn dann auch dieser diese dieses hier gibt keine keinen fehler zeile
    zeilen datei bestellt geliefert verliehen ausgesondert entwurf eingereicht bewilligt
    abgelehnt lager einsatz drucker raum räume lieferung rechnung rechnungen fassung inventur
    schüler lehrkräfte lehrkraft zubehör ausleihe rückgabe übergabe beschlossen geplant offen
    unbekannt vorbereitet unterschrieben ausgegeben storniert gemeldet erledigt abgeschlossen
    defekt verloren gestohlen zeigen anzeigen filtern zeitraum
    """.split()  # noqa: SIM905 - a word list reads better as text
)
UMLAUTS = re.compile(r"[äöüÄÖÜß„]")

# Files another engineer is rewriting in parallel (issue 10); their German msgids are
# listed in the hand-over report and leave this list when those rewrites land.
#: files still allowed German msgids (none: every rewrite has landed)
PENDING_FILES: set[str] = set()


def _unquote(lines: str) -> str:
    return "".join(json.loads(p) for p in re.findall(r'"(?:[^"\\]|\\.)*"', lines))


def read_po(path: Path) -> list[dict]:
    """The catalogue's entries: context, msgid(s), msgstr(s), flags, source files."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields = {
            m.group(1): _unquote(m.group(2))
            for m in re.finditer(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) ((?:".*"\n?)+)',
                block + "\n",
                re.M,
            )
        }
        if "msgid" not in fields:
            continue
        refs = {
            r.rsplit(":", 1)[0]
            for line in re.findall(r"^#: (.*)$", block, re.M)
            for r in line.split()
        }
        entries.append(
            {
                "context": fields.get("msgctxt"),
                "ids": [fields["msgid"], fields.get("msgid_plural", "")],
                "strs": [v for k, v in fields.items() if k.startswith("msgstr")],
                "fuzzy": bool(re.search(r"^#,.*\bfuzzy\b", block, re.M)),
                "files": refs,
            }
        )
    return entries


def german_in(text: str) -> str | None:
    """The German the text contains after the domain terms, or None."""
    for term in DOMAIN_TERMS:
        text = text.replace(term, "")
    if m := UMLAUTS.search(text):
        return m.group(0)
    words = set(re.findall(r"[a-zäöüß]+", text.lower()))
    found = sorted(words & GERMAN_WORDS)
    return found[0] if found else None


def test_the_check_finds_german_and_passes_english():
    assert german_in("Die Frist muss in der Zukunft liegen.") is not None
    assert german_in("bestellt") == "bestellt"
    assert german_in("Bitte angeben") == "bitte"
    assert german_in("The school belongs to another Schulträger.") is None
    assert german_in("Kosten- und Zeitplan with at least one line") is None
    assert german_in("Line %(ref)s: the quantity must be greater than 0.") is None


def test_no_german_msgid_in_the_source():
    offenders = []
    for entry in read_po(PO_DE):
        if not entry["ids"][0] or entry["files"] <= PENDING_FILES:
            continue
        for msgid in entry["ids"]:
            if msgid and (word := german_in(msgid)):
                offenders.append(f"{msgid!r} ({word!r}) in {sorted(entry['files'])}")
    assert not offenders, "German msgids (write English, German into locale/de_*.json):\n" + (
        "\n".join(offenders)
    )


def test_every_msgid_has_a_german_translation():
    entries = [e for e in read_po(PO_DE) if e["ids"][0]]
    assert len(entries) > 1000
    missing = [e["ids"][0] for e in entries if not all(e["strs"]) or not e["strs"]]
    fuzzy = [e["ids"][0] for e in entries if e["fuzzy"]]
    assert not missing, f"no German translation (add to locale/de_*.json): {missing}"
    assert not fuzzy, f"fuzzy translations: {fuzzy}"


def test_english_catalogue_only_translates_pending_german_msgids():
    """English needs no translation once msgids are English; what is left is pending."""
    translated = [e for e in read_po(PO_EN) if e["ids"][0] and any(e["strs"])]
    assert all(e["files"] <= PENDING_FILES for e in translated), [
        (e["ids"][0], e["files"]) for e in translated
    ]


# ------------------------------------------------------------------ (d) "Switch"
def test_switch_device_category_reads_switch_in_german_and_the_button_wechseln():
    from devices.choices import DeviceCategory

    with translation.override("de"):
        assert str(DeviceCategory.SWITCH.label) == "Switch"
        assert translation.pgettext("board switch", "Switch") == "Wechseln"
    with translation.override("en"):
        assert str(DeviceCategory.SWITCH.label) == "Switch"
        assert translation.pgettext("board switch", "Switch") == "Switch"


@pytest.mark.django_db
def test_switch_in_german_export_and_filter(world, client_for):
    from django.urls import reverse

    from devices.choices import DeviceCategory
    from tests.devices.factories import DeviceFactory

    DeviceFactory(school=world.school, category=DeviceCategory.SWITCH, inventory_number="SW-1")
    client = client_for(world.user("board_admin"))
    de = {"HTTP_ACCEPT_LANGUAGE": "de"}
    page = client.get(reverse("devices:device-list"), **de).content.decode()
    assert '<option value="switch">Switch</option>' in page  # the category filter
    export = client.get(reverse("imports:export"), {"kind": "devices", "format": "csv"}, **de)
    assert export.status_code == 200
    row = next(ln for ln in export.content.decode("utf-8-sig").splitlines() if "SW-1" in ln)
    assert "Switch" in row.split(";") and "Wechseln" not in row


# ------------------------------------------------------------------ (e) formatting
@pytest.mark.parametrize(
    ("lang", "value", "money", "number"),
    [
        ("de", Decimal("1234.56"), "1.234,56 €", "1.234"),
        ("en", Decimal("1234.56"), "€1,234.56", "1,234"),
        ("de", Decimal("0.005"), "0,01 €", "0"),  # half-up to the cent
        ("en", Decimal("0.004"), "€0.00", "0"),
        ("de", Decimal("-1234567.5"), "-1.234.567,50 €", "-1.234.567"),
        ("en", Decimal("-1234567.5"), "-€1,234,567.50", "-1,234,567"),
        ("de", Decimal("999.99"), "999,99 €", "999"),
        ("en", Decimal("1000"), "€1,000.00", "1,000"),
    ],
)
def test_money_and_numbers_in_both_languages(lang, value, money, number):
    with translation.override(lang):
        assert formatting.format_money(value) == money
        assert formatting.format_number(int(value)) == number
    other = "en" if lang == "de" else "de"
    with translation.override(other):  # lang= pins the language
        assert formatting.format_money(value, lang=lang) == money


def test_percent_and_dates_in_both_languages():
    day = dt.date(2026, 11, 24)
    moment = dt.datetime(2026, 11, 24, 14, 5)
    with translation.override("de"):
        assert formatting.format_percent(Decimal("19.00")) == "19 %"
        assert formatting.format_percent(Decimal("12.50")) == "12,5 %"
        assert formatting.format_date(day) == "24.11.2026"
        assert formatting.format_datetime(moment) == "24.11.2026 14:05"
        assert formatting.format_decimal(Decimal("1234.5"), 2) == "1.234,50"
    with translation.override("en"):
        assert formatting.format_percent(Decimal("19.00")) == "19%"
        assert formatting.format_percent(Decimal("12.50")) == "12.5%"
        assert formatting.format_date(day) == "24 Nov 2026"
        assert formatting.format_datetime(moment) == "24 Nov 2026 14:05"
        assert formatting.format_decimal(Decimal("1234.5"), 2) == "1,234.50"
    assert formatting.format_money(None) == formatting.format_date(None) == ""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56 €", Decimal("1234.56")),
        ("€1,234.56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("1.234.567", Decimal("1234567")),
        ("1,234,567", Decimal("1234567")),
    ],
)
def test_parsing_reads_what_either_language_writes(text, value):
    assert formatting.parse_money(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3.4.5", "NaN"])
def test_parsing_refuses_what_is_no_number(text):
    with pytest.raises(ValueError):
        formatting.parse_money(text)


def test_filters_follow_the_language():
    from django.template import Context, Template

    tpl = Template("{% load paktwerk %}{{ a|money }} {{ d|day }} {{ n|number }} {{ p|percent }}")
    ctx = Context({"a": Decimal("1234.56"), "d": dt.date(2026, 1, 5), "n": 12345, "p": 7})
    with translation.override("de"):
        assert tpl.render(ctx) == "1.234,56 € 05.01.2026 12.345 7 %"
    with translation.override("en"):
        assert tpl.render(ctx) == "€1,234.56 5 Jan 2026 12,345 7%"


# ------------------------------------------------------------------ (f) filter forms
FILTER_MODULES = (
    "schools.filters",
    "mediaplans.filters",
    "funding.filters",
    "devices.filters",
    "imports.filters",
)


def _filtersets():
    import importlib

    from django_filters import FilterSet

    for name in FILTER_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            is_filterset = isinstance(value, type) and issubclass(value, FilterSet)
            if is_filterset and value.__module__ == name and value._meta.model is not None:
                yield value


def _filter_form_texts(filterset_class) -> list[str]:
    """Every label and option a filter form shows (widgets are built at import time)."""
    from django.utils.html import strip_tags

    html = str(filterset_class(data={}, queryset=filterset_class._meta.model.objects.none()).form)
    return [t.strip() for t in strip_tags(html.replace(">", ">\n")).splitlines() if t.strip()]


@pytest.mark.django_db
@pytest.mark.parametrize("filterset_class", list(_filtersets()), ids=lambda c: c.__name__)
def test_filter_forms_speak_the_request_language(filterset_class):
    """A widget translated when the class body runs is frozen in German ("Ja"/"Nein")."""
    with translation.override("en"):
        german = [t for t in _filter_form_texts(filterset_class) if german_in(t)]
    assert not german, german


@pytest.mark.django_db
def test_yes_no_filter_options_follow_the_language():
    from devices.filters import DeviceFilter, LoanFilter

    for filterset_class in (DeviceFilter, LoanFilter):
        with translation.override("de"):
            assert {"Unbekannt", "Ja", "Nein"} <= set(_filter_form_texts(filterset_class))
        with translation.override("en"):
            texts = set(_filter_form_texts(filterset_class))
            assert {"Unknown", "Yes", "No"} <= texts and not {"Ja", "Nein"} & texts
