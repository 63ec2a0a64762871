"""Management commands speak one language: the project's (German) unless --language says so.

Before, the import command printed an English summary under German row errors (gettext
fell back to LANGUAGE_CODE, the summary was an English f-string). Every command of ours now
runs under `core.management.base.LocalizedMixin` (see docs/decisions.md).
"""

from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, get_commands

from core.management.base import LocalizedMixin
from schools.models import School

OUR_APPS = ("core", "schools", "mediaplans", "funding", "devices", "imports")


def our_commands() -> list[str]:
    return sorted(name for name, app in get_commands().items() if app in OUR_APPS)


def test_every_command_of_ours_is_localized():
    names = our_commands()
    assert {"seed_demo", "import_devices", "export_schools", "anonymise_loans"} <= set(names)
    plain = [
        name
        for name in names
        if not issubclass(
            importlib.import_module(f"{get_commands()[name]}.management.commands.{name}").Command,
            LocalizedMixin,
        )
    ]
    assert not plain, f"commands without --language (subclass LocalizedCommand): {plain}"


def test_language_option_refuses_an_unknown_language(world):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("anonymise_loans", "--language", "fr")


def _school_file(tmp_path: Path, rows: str) -> Path:
    src = tmp_path / "schulen.csv"
    src.write_bytes(("Schulnummer;Name;Schulform\r\n" + rows).encode("utf-8-sig"))
    return src


def _import(tmp_path, world, rows: str, *extra: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    args = ["import_schools", str(_school_file(tmp_path, rows)), "--board", str(world.board.pk)]
    args += ["--user", world.user("board_admin").username, *extra]
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


BAD_ROWS = "66661;Eins;Gymnasium\r\n66662;Zwei;Uni\r\n"


def test_import_errors_and_summary_are_german_by_default(world, tmp_path):
    assert settings.LANGUAGE_CODE == "de"
    code, out, err = _import(tmp_path, world, BAD_ROWS)
    assert code == 1 and out == ""
    assert "Zeile 3" in err
    assert (
        "2 Zeilen: 1 neu, 0 geändert, 0 unverändert, 1 mit Fehlern. Es wurde nichts importiert."
        in err
    )
    assert "rows" not in err and "Row " not in err and "Nothing" not in err
    assert not School.objects.filter(school_number__in=["66661", "66662"]).exists()


def test_import_errors_and_summary_are_english_with_language_en(world, tmp_path):
    code, out, err = _import(tmp_path, world, BAD_ROWS, "--language", "en")
    assert code == 1 and out == ""
    assert "Row 3" in err or "row 3" in err
    assert "2 rows: 1 new, 0 changed, 0 unchanged, 1 with errors. Nothing was imported." in err
    assert "Zeile" not in err and "nichts" not in err
    assert not School.objects.filter(school_number__in=["66661", "66662"]).exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            (),
            "schulen.csv in {board} importiert: 1 Zeile: 1 neu, 0 geändert, 0 unverändert, "
            "0 mit Fehlern.",
        ),
        (
            ("--language", "en"),
            "Imported schulen.csv into {board}: 1 row: 1 new, 0 changed, "
            "0 unchanged, 0 with errors.",
        ),
        (("--language", "de", "--dry-run"), "schulen.csv für {board} geprüft (Probelauf): 1 Zeile"),
    ],
)
def test_import_success_summary_in_both_languages(world, tmp_path, extra, expected):
    code, out, err = _import(tmp_path, world, "66663;Drei;Gymnasium\r\n", *extra)
    assert code == 0 and err == ""
    assert expected.format(board=world.board.name) in out


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "Schulträger „nope“ nicht gefunden"), ("en", "Schulträger 'nope' not found")],
)
def test_command_errors_follow_the_language(world, tmp_path, language, expected):
    with pytest.raises(CommandError, match=expected):
        call_command(
            "export_schools",
            "--board",
            "nope",
            "-o",
            str(tmp_path / "x.csv"),
            "--language",
            language,
        )


@pytest.mark.parametrize(
    ("extra", "expected", "absent"),
    [
        (
            (),
            [
                "Demodaten sind bereits vorhanden",
                "Passwort für alle",
                "Schulträger-Administration, Landkreis Harz",
                "zweiten Faktor",
            ],
            ["password", "Signed in"],
        ),
        (
            ("--language", "en"),
            [
                "Demo data already present",
                "password for all",
                "Schulträger administration, Landkreis Harz",
                "second factor",
            ],
            ["Passwort", "Angemeldet"],
        ),
    ],
)
def test_seed_demo_output_in_both_languages(world, extra, expected, absent):
    """The world's Land counts as seeded: seed_demo prints its notice and the demo logins."""
    out = StringIO()
    call_command("seed_demo", *extra, stdout=out)
    text = out.getvalue()
    assert all(e in text for e in expected), text
    assert not any(a in text for a in absent), text


@pytest.mark.parametrize(
    ("language", "header", "never"),
    [("de", "letzter Lauf (UTC)", "nie"), ("en", "last run (UTC)", "never")],
)
@pytest.mark.django_db
def test_scheduler_status_in_both_languages(language, header, never):
    out = StringIO()
    call_command("scheduler_status", "--language", language, stdout=out)
    lines = out.getvalue().splitlines()
    assert header in lines[0]
    assert any(line.startswith("anonymise_loans") and f" {never} " in line for line in lines)
