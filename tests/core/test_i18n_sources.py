"""No German text reaches a user without gettext: Python literals and template text.

The catalogue check (tests/core/test_i18n.py) sees only what is wrapped for translation;
this one finds what is not. A string literal of our Python code (views, services, API,
management commands, jobs …) with German in it (`german_in`) outside a gettext call
fails, and so does German text in a template outside {% translate %}/{% blocktranslate %}.

German that is not UI text is allowed by file or by literal, each with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.core.test_i18n import german_in

BASE = Path(settings.BASE_DIR)
APPS = ("config", "core", "schools", "mediaplans", "funding", "devices", "imports")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}

#: whole files whose German literals are data, not UI text
GERMAN_DATA_FILES = {
    "schools/demo.py": "demo data (German schools, people, texts)",
    "mediaplans/demo.py": "demo data",
    "funding/demo.py": "demo data",
    "devices/demo.py": "demo data",
    "imports/demo.py": "demo data (German spreadsheets)",
    "schools/urls.py": "URL paths are German",
    "devices/urls.py": "URL paths are German",
    "funding/urls.py": "URL paths are German",
    "mediaplans/urls.py": "URL paths are German",
    "imports/urls.py": "URL paths are German",
    "devices/documents.py": "documents stay German (docs/decisions.md)",
    "funding/documents.py": "documents stay German",
    "mediaplans/documents.py": "documents stay German",
    "imports/parsing.py": "German header aliases and values the import accepts",
    "imports/kinds.py": "German header aliases and values the import accepts",
    "imports/device_kind.py": "German header aliases and values the import accepts",
    "imports/mdm.py": "the MDM report is a German CSV for re-use in Excel",
    "mediaplans/choices.py": "the KMK competence areas' official German names",
    "funding/rules.py": "rule codes (FR-SCHULE …) are identifiers",
}

#: single literals: (file, literal) -> reason
GERMAN_DATA_LITERALS = {
    ("devices/views.py", "Schule"): "CSV exports are German: the privacy disclosure (Auskunft)",
    ("devices/views.py", "Geräte"): "CSV exports are German: the privacy disclosure (Auskunft)",
    ("mediaplans/views.py", "Schule"): "CSV exports are German: the concept overview",
    ("mediaplans/views.py", "Beschlossene Fassung"): "CSV exports are German",
    ("mediaplans/views.py", "Beschlossen am"): "CSV exports are German",
    ("mediaplans/views.py", "Fassung in Arbeit"): "CSV exports are German",
    ("mediaplans/services.py", "Entwicklungsziele der Schule:\n"): "text of a concept (a document)",
    ("config/settings.py", "DigitalPakt Schule: Schulträger, Schulen, Geräte, Förderanträge."): (
        "OpenAPI description of the German API"
    ),
    ("core/spreadsheets.py", "ja"): "CSV exports are German (docs/decisions.md)",
    ("core/spreadsheets.py", "nein"): "CSV exports are German",
    ("devices/views.py", "inventur-"): "file name",
    ("devices/views.py", 'attachment; filename="inventur-'): "file name",
    ("devices/views.py", "etiketten-lieferung-"): "file name",
    ("imports/views.py", 'attachment; filename="fehler-'): "file name",
    ("funding/services.py", " Lehrkräfte)"): "text of the application package (a document)",
}

#: German UI text not yet converted (named in the i18n hand-over report); leave this list,
#: never add to it
PENDING: set[tuple[str, str]] = set()  # all converted; keep it empty


def _python_files():
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            found.add(id(first.value))
    return found


def _wrapped(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if name in GETTEXT:
                found.update(id(n) for n in ast.walk(node))
    return found


def german_literals(path: Path) -> list[tuple[int, str]]:
    """German string literals of a module outside docstrings and gettext calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _wrapped(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and german_in(node.value)
    ]


def test_the_scan_finds_unwrapped_german(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        '"""Modul für die Schule."""\n'
        "from django.utils.translation import gettext as _\n"
        "A = _('Schule')\n"
        "B = 'Bitte speichern'\n"
        "def f():\n    return f'{1} Geräte'\n",
        encoding="utf-8",
    )
    assert [line for line, _text in german_literals(module)] == [4, 6]


def test_no_unwrapped_german_in_python():
    offenders, seen = [], set()
    for path in _python_files():
        rel = path.relative_to(BASE).as_posix()
        if rel in GERMAN_DATA_FILES:
            continue
        for line, text in german_literals(path):
            key = (rel, text)
            seen.add(key)
            if key not in GERMAN_DATA_LITERALS and key not in PENDING:
                offenders.append(f"{rel}:{line}: {text!r}")
    assert not offenders, (
        "German text outside gettext (write English msgids, German into locale/de_*.json):\n"
        + "\n".join(offenders)
    )
    fixed = PENDING - seen
    assert not fixed, f"converted — remove from PENDING: {sorted(fixed)}"


def _template_texts(text: str) -> list[str]:
    text = re.sub(r"{%\s*blocktranslate.*?endblocktranslate\s*%}", " ", text, flags=re.S)
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", text, flags=re.S)
    attributes = re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', text)
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", "\n", text)
    return [t.strip() for t in [*attributes, *text.splitlines()] if t.strip()]


def _ui_templates():
    for path in sorted((BASE / "templates").rglob("*")):
        rel = path.relative_to(BASE / "templates").as_posix()
        # documents (PDF templates) stay German: docs/decisions.md
        if path.is_file() and "pdf/" not in rel and rel != "pdf":
            yield rel, path


def test_the_template_scan_finds_untranslated_german():
    texts = _template_texts(
        '{% load i18n %}<h1>{% translate "Devices" %}</h1><p title="Schließen">Bitte warten</p>'
        "{% blocktranslate %}Über {{ x }}{% endblocktranslate %}"
    )
    assert [t for t in texts if german_in(t)] == ["Schließen", "Bitte warten"]


@pytest.mark.parametrize("rel", [rel for rel, _p in _ui_templates()])
def test_no_untranslated_german_in_templates(rel):
    """UI templates and e-mail templates (registration/*.txt) alike."""
    text = (BASE / "templates" / rel).read_text(encoding="utf-8")
    german = [t for t in _template_texts(text) if german_in(t)]
    assert not german, f"templates/{rel}: wrap in {{% translate %}}: {german}"
