"""Import wizard in a real browser: upload → mapping → preview (errors, diffs) → commit."""

import pytest
from playwright.sync_api import expect

from schools.models import School
from tests.e2e.conftest import assert_no_axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "Schulnummer;Name;Schulform;Ort;Schüler;Stichtag\r\n"


def upload(page, tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8-sig"))
    page.goto(page.base_url + "/import/neu/")
    page.get_by_label("Was importieren Sie?").select_option("schools")
    page.get_by_label("Datei (CSV oder XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Hochladen und weiter").click()


def test_import_wizard_with_errors_then_commit(page_for, world, tmp_path):
    page = page_for(world.user("consultant"))
    page.goto(page.base_url + "/import/")
    assert page.get_by_role("heading", level=1).inner_text() == "Import und Export"
    assert_no_axe_violations(page)
    screenshot(page, "import-liste")

    bad = HEADER + "12121;Grundschule Am Bach;Grundschule;Wernigerode;212;31.02.2022\r\n"
    upload(page, tmp_path, "schulen_fehler.csv", bad)
    assert page.get_by_role("heading", level=1).inner_text() == "Spalten zuordnen"
    assert_no_axe_violations(page)
    screenshot(page, "import-zuordnung")
    page.get_by_role("button", name="Datei prüfen (Probelauf)").click()
    alert = page.get_by_role("alert").filter(has_text="Zeile 2")
    assert "Zeile 2, Spalte 'Stichtag': '31.02.2022' ist kein gültiges Datum" in alert.inner_text()
    expect(page.get_by_role("link", name="Fehlerbericht (CSV)")).to_be_visible()
    assert page.get_by_role("button", name="Jetzt importieren").count() == 0
    assert_no_axe_violations(page)
    screenshot(page, "import-vorschau-fehler")

    school = world.school
    good = HEADER + (
        f"{school.school_number};Alpha-Gymnasium Wernigerode;Gymnasium;;"
        f"{school.pupils};\r\n"
        "12121;Grundschule Am Bach;Grundschule;Wernigerode;212;28.02.2022\r\n"
    )
    upload(page, tmp_path, "schulen.csv", good)
    page.get_by_role("button", name="Datei prüfen (Probelauf)").click()
    expect(page.locator("#changed-rows")).to_be_visible()
    expect(page.locator("#new-rows").get_by_text("12121")).to_be_visible()
    expect(page.get_by_text("Alpha-Gymnasium Wernigerode").first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "import-vorschau")
    page.get_by_role("button", name="Jetzt importieren").click()
    assert "Importiert: 1 neu, 1 geändert, 0 unverändert." in page.content()
    assert_no_axe_violations(page)
    assert School.objects.get(school_number="12121").name == "Grundschule Am Bach"
    school.refresh_from_db()
    assert school.name == "Alpha-Gymnasium Wernigerode"
