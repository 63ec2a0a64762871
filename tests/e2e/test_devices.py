"""Device inventory in a real browser: list, detail, loan wizard, stocktake; axe scans."""

import pytest
from playwright.sync_api import expect

from tests.devices.factories import AccessoryFactory, DeviceFactory, make_loan
from tests.e2e.conftest import assert_no_axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_device_list_and_detail_are_accessible(page_for, world):
    device = DeviceFactory(school=world.school, inventory_number="HZ-T-00001")
    AccessoryFactory(device=device)
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + "/geraete/")
    expect(page.get_by_role("link", name="HZ-T-00001")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "geraete-liste")
    page.get_by_role("link", name="HZ-T-00001").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Gerät HZ-T-00001")
    assert_no_axe_violations(page)
    screenshot(page, "geraete-detail")


def test_loan_wizard_in_german_with_error_and_success(page_for, world):
    DeviceFactory(school=world.school, inventory_number="HZ-N-00001")
    page = page_for(world.user("school_staff"))
    page.goto(page.base_url + "/geraete/ausleihen/neu/")
    assert_no_axe_violations(page)
    page.get_by_label("Schule").select_option(str(world.school.pk))
    page.get_by_label("Geräte (Inventarnummern)").fill("HZ-N-00001")
    page.get_by_label("Name des Entleihers").fill("Lena Beispiel")
    page.locator("#id_school_class").fill("7a")
    page.get_by_role("button", name="Vertrag vorbereiten").click()
    expect(page.get_by_text("sorgeberechtigte Person nötig").first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "geraete-leihvertrag-fehler")
    page.locator("#id_guardian_name").fill("Sandra Beispiel")
    page.locator("#id_guardian_contact").fill("0391 555")
    page.get_by_role("button", name="Vertrag vorbereiten").click()
    page.wait_for_url("**/geraete/ausleihen/*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Leihvertrag LV-")
    expect(page.get_by_role("status").first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "geraete-leihvertrag")


def test_reviewer_loan_page_shows_counts_only(page_for, world):
    make_loan(world, status="handed_out")
    page = page_for(world.user("reviewer"))
    page.goto(page.base_url + "/geraete/ausleihen/")
    assert page.get_by_text("Mia Musterkind").count() == 0
    expect(page.locator("#counts-h")).to_be_visible()
    expect(page.get_by_text(world.school.name).first).to_be_visible()
    assert_no_axe_violations(page)


def test_assign_delivery_to_cost_line_is_accessible(page_for, world):
    from devices import services
    from tests.funding.factories import ApplicationFactory, CostLineFactory, ProgrammeFactory

    application = ApplicationFactory(
        school_board=world.board,
        programme=ProgrammeFactory(land=world.land),
        number="FA-2026-0042",
        title="Tablets",
    )
    line = CostLineFactory(
        application=application,
        school=world.school,
        position=3,
        category="mobile",
        description="iPad 10,9 Zoll",
    )
    import datetime as dt

    delivery = services.delivery_register(
        actor=world.user("board_admin"),
        board=world.board,
        school=world.school,
        lines=[(f"E2E{i:03d}", "") for i in range(3)],
        delivered_on=dt.date(2026, 9, 1),
        category="tablet",
        inventory_prefix="E2E-",
    )
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + f"/geraete/lieferungen/{delivery.pk}/")
    page.get_by_role("link", name="Einer Position des Kosten- und Zeitplans zuordnen").click()
    expect(page.get_by_text("3 Geräte ausgewählt")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Position des Kosten- und Zeitplans").select_option(str(line.pk))
    screenshot(page, "geraete-foerderung-zuordnen")
    page.get_by_role("button", name="Zuordnen").click()
    page.wait_for_url(f"**/geraete/lieferungen/{delivery.pk}/")
    expect(page.get_by_text("3 Geräte zugeordnet")).to_be_visible()
    page.get_by_role("link", name="E2E-00001").click()
    expect(page.get_by_role("link", name="FA-2026-0042 Tablets")).to_be_visible()
    assert_no_axe_violations(page)
