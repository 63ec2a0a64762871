"""Media-education concepts in a real browser: write, adopt, overview; axe scans; screenshots."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from mediaplans.services import ensure_competence_areas, version_new
from tests.e2e.conftest import assert_no_axe_violations, screenshot
from tests.factories import SchoolFactory
from tests.mediaplans.factories import (
    GoalFactory,
    NeedFactory,
    adopted_version,
    area,
    concept_with_version,
    fill_version,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def concept_world(world):
    ensure_competence_areas()
    concept, v1 = adopted_version(world.school, adopted_on=dt.date(2025, 3, 12))
    v2 = version_new(actor=None, concept=concept)
    GoalFactory(version=v2, area=area(3), title="Erklärvideos produzieren", year_from=7, year_to=8)
    NeedFactory(version=v2, description="Dokumentenkamera", category="display", quantity=4)
    return concept, v1, v2


def test_school_writes_section_and_adopts(page_for, world, concept_world):
    concept, v1, v2 = concept_world
    page = page_for(world.user("school_staff"))
    page.goto(page.base_url + "/medienbildung/")
    assert page.get_by_role("heading", level=1).inner_text() == "Medienbildungskonzepte"
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Fassung 2").click()
    expect(page.get_by_text("Kompetenzmatrix", exact=False).first).to_be_visible()
    expect(page.get_by_text("kein Ziel").first).to_be_visible()  # the flagged need
    assert_no_axe_violations(page)
    screenshot(page, "mbk-fassung")
    page.locator('a[href$="/abschnitt/teaching/"]').click()
    expect(page.get_by_text("Was gehört hierher")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Text von Abschnitt 5").fill(
        "Neu im Schuljahr:\n- Informatik ab Klasse 5\n- Tablets in Klasse 7"
    )
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Informatik ab Klasse 5")).to_be_visible()
    page.get_by_role("link", name="Beschluss erfassen").click()
    assert_no_axe_violations(page)
    page.get_by_label("Datum des Beschlusses").fill("2026-11-20")
    page.get_by_role("button", name="Beschluss erfassen").click()
    page.get_by_role("dialog").get_by_role("button", name="Beschluss erfassen").click()
    expect(page.get_by_text("Beschlossen", exact=True).first).to_be_visible()
    v1.refresh_from_db()
    assert v1.status == "superseded"
    page.goto(page.base_url + f"/medienbildung/{concept.pk}/vergleich/")
    expect(page.get_by_text("Informatik ab Klasse 5").first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "mbk-vergleich")


def test_bad_need_input_is_explained_accessibly(page_for, world, concept_world):
    _, _, v2 = concept_world
    page = page_for(world.user("school_staff"))
    page.goto(page.base_url + f"/medienbildung/fassungen/{v2.pk}/bedarfe/neu/")
    assert_no_axe_violations(page)
    page.get_by_label("Gegenstand").fill("Tablets")
    page.get_by_label("Menge").fill("0")
    page.get_by_label("Geschätzter Einzelpreis (brutto)").fill("-5")
    page.get_by_label("Pädagogische Begründung").fill("Recherche")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".kern-error").first).to_be_visible()
    assert_no_axe_violations(page)


def test_board_overview_is_accessible(page_for, world, concept_world):
    drafting = SchoolFactory(school_board=world.board, name="Sekundarschule Am Lindenberg")
    _, version = concept_with_version(drafting)
    fill_version(version)
    SchoolFactory(school_board=world.board, name="Grundschule Regenbogen")
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + "/medienbildung/uebersicht/")
    expect(page.get_by_text("fehlt").first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "mbk-uebersicht")
