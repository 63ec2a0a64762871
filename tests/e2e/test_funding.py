"""Funding in a real browser: application page with live check, review, axe scans."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_data(world):
    from decimal import Decimal

    from funding.models import Budget
    from tests.funding.factories import (
        ApplicationFactory,
        CostLineFactory,
        ProgrammeFactory,
        RuleSetFactory,
        complete_school,
    )

    with scopes_disabled():
        programme = ProgrammeFactory(land=world.land)
        RuleSetFactory(programme=programme)
        Budget.objects.create(
            school_board=world.board, programme=programme, amount=Decimal("1000000")
        )
        app = ApplicationFactory(
            school_board=world.board, programme=programme, ruleset=programme.current_ruleset()
        )
        complete_school(app, world.school)
        CostLineFactory(application=app, school=world.school, position=1)
        CostLineFactory(
            application=app,
            school=world.school,
            position=2,
            category="mobile",
            description="Smartphone für Lehrkräfte",
            quantity=Decimal("5"),
        )
    return app


def test_application_page_live_check_and_submit(page_for, world, app_data):
    page = page_for(world.user("board_staff"))
    page.goto(page.base_url + "/foerderung/")
    expect(page.get_by_role("link", name=app_data.number)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=app_data.number).click()
    expect(page.get_by_text("Smartphones sind nicht förderfähig").first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "foerderung-antrag")
    # blocked while the smartphone line is there
    button = page.get_by_role("button", name="Antrag einreichen")
    assert button.get_attribute("aria-disabled") == "true"
    expect(page.get_by_text("Einreichen ist gesperrt")).to_be_visible()
    # live check on a new line
    page.goto(page.base_url + f"/foerderung/antraege/{app_data.pk}/positionen/neu/")
    page.get_by_label("Schule").select_option(str(world.school.pk))
    page.get_by_label("Kategorie").select_option("display")
    page.get_by_label("Beschreibung").fill("Interaktives Display 75 Zoll")
    page.get_by_label("Menge").fill("2")
    page.get_by_label("Einzelpreis netto").fill("3655.46")
    page.get_by_text("8.699,99").first.wait_for()  # 7,310.92 × 1.19 = 8,699.99
    assert_no_axe_violations(page)
    screenshot(page, "foerderung-position")
    # remove the smartphone line, then submission works
    page.goto(page.base_url + f"/foerderung/antraege/{app_data.pk}/")
    page.locator("#pos-2").get_by_role("button").click()
    page.get_by_role("dialog").get_by_role("button", name="Bestätigen").click()  # confirm dialog
    page.wait_for_load_state()
    page.get_by_role("button", name="Antrag einreichen").click()
    page.get_by_role("dialog").get_by_role("button", name="Antrag einreichen").click()
    expect(page.get_by_text("Antrag eingereicht.")).to_be_visible()


def test_review_queue_accessible(page_for, world, app_data):
    from core.tenancy import access_for
    from funding import services
    from funding.models import CostLine

    with scopes_disabled():
        CostLine.objects.filter(application=app_data, position=2).delete()
        services.application_submit(
            actor=world.user("board_staff"),
            access=access_for(world.user("board_staff")),
            application=app_data,
        )
    page = page_for(world.user("reviewer"))
    page.goto(page.base_url + "/foerderung/pruefung/")
    expect(page.get_by_role("link", name=app_data.number)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "foerderung-pruefliste")
    page.get_by_role("link", name=app_data.number).click()
    page.get_by_role("link", name="Inhaltlich geprüft: weiterleiten").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Weiterleiten").click()
    page.get_by_role("dialog").get_by_role("button", name="Weiterleiten").click()
    expect(page.get_by_text("Vier-Augen-Prinzip").first).to_be_visible()


def test_application_form_live_check_uses_typed_values(page_for, world, app_data):
    from funding.models import Application

    page = page_for(world.user("board_staff"))
    page.goto(page.base_url + f"/foerderung/antraege/{app_data.pk}/bearbeiten/")
    panel = page.locator("#pw-live-check")
    expect(panel.get_by_text("Vollständigkeit")).to_be_visible()
    # type an end after the eligible period (31.12.2030) and untick a declaration
    page.get_by_label("geplantes Ende").fill("2031-01-01")
    panel.get_by_text("Der Förderzeitraum endet am 31.12.2030").first.wait_for()
    page.get_by_label("Vergaberecht wird eingehalten").uncheck()
    panel.locator('[data-checklist="missing"]').first.wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("geplantes Ende").scroll_into_view_if_needed()
    screenshot(page, "foerderung-antrag-bearbeiten")
    # back inside the period: the finding disappears while typing
    page.get_by_label("geplantes Ende").fill("2030-12-31")
    panel.get_by_text("Der Förderzeitraum endet am 31.12.2030").first.wait_for(state="detached")
    with scopes_disabled():
        fresh = Application.objects.get(pk=app_data.pk)
    assert fresh.planned_end == app_data.planned_end and fresh.decl_procurement
