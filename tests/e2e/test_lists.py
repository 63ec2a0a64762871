"""Lists and bulk actions in a real browser: sorting, a saved filter, a bulk status change
of a delivered batch, the confirmation dialog (keyboard, focus), axe at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from devices.choices import DeviceStatus
from devices.models import Device, Stocktake
from tests.devices.factories import DeviceFactory
from tests.e2e.conftest import assert_no_axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _inventories(page) -> list[str]:
    return page.locator("table.kern-table tbody tr td:nth-child(2) a").all_inner_texts()


def test_sorting_and_a_saved_filter(page_for, world):
    for number in ("B-2", "A-1", "C-3"):
        DeviceFactory(school=world.school, inventory_number=number)
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + "/geraete/")
    header = page.get_by_role("columnheader", name="Inventarnummer")
    header.get_by_role("link").focus()
    page.keyboard.press("Enter")  # keyboard: the header is a link
    page.wait_for_url("**ordering=inventory_number**")
    expect(page.get_by_role("columnheader", name="Inventarnummer")).to_have_attribute(
        "aria-sort", "ascending"
    )
    assert _inventories(page) == ["A-1", "B-2", "C-3"]
    page.get_by_role("columnheader", name="Inventarnummer").get_by_role("link").click()
    page.wait_for_url("**ordering=-inventory_number**")
    assert _inventories(page) == ["C-3", "B-2", "A-1"]
    page.get_by_text("Diesen Filter speichern").click()
    page.get_by_label("Name des Filters").fill("Absteigend")
    page.get_by_role("button", name="Filter speichern").click()
    expect(page.get_by_role("link", name="Absteigend")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "listen-sortiert-filter")
    page.goto(page.base_url + "/geraete/")
    page.get_by_role("link", name="Absteigend").click()
    page.wait_for_url("**ordering=-inventory_number**")
    assert _inventories(page) == ["C-3", "B-2", "A-1"]
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_axe_violations(page)


def test_bulk_status_change_of_a_delivered_batch(page_for, world):
    for i in range(3):
        DeviceFactory(
            school=world.school,
            status=DeviceStatus.DELIVERED,
            pool="Lieferung 7",
            inventory_number=f"L7-{i}",
        )
    DeviceFactory(school=world.school, status=DeviceStatus.RETIRED, pool="Lieferung 7")
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + "/geraete/?pool=Lieferung+7")
    page.get_by_label("Aktion").select_option("status")
    page.get_by_label("alle 4 Geräte, die zu diesem Filter passen").check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_label("neuer Status").select_option(DeviceStatus.IN_STOCK)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Status ändern").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("4 Geräte")
    expect(dialog.get_by_role("button", name="Abbrechen")).to_be_focused()
    assert_no_axe_violations(page)
    dialog.get_by_role("button", name="Status ändern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ergebnis")
    expect(page.get_by_role("status").first).to_contain_text("3 Geräte erledigt")
    expect(page.get_by_text("„Ausgesondert“").first).to_be_visible()
    assert Device.objects.filter(pool="Lieferung 7", status=DeviceStatus.IN_STOCK).count() == 3
    assert_no_axe_violations(page)
    screenshot(page, "geraete-sammelaktion-ergebnis")


def test_the_confirm_dialog_cancels_with_escape_and_returns_focus(page_for, world):
    from devices import services
    from tests.scoping import as_actor

    stocktake = as_actor(services).stocktake_start(
        actor=world.user("school_staff"), school=world.school
    )
    DeviceFactory(school=world.school, inventory_number="WEG-1")
    page = page_for(world.user("school_staff"))
    page.goto(page.base_url + f"/geraete/inventuren/{stocktake.pk}/abschliessen/")
    expect(page.get_by_role("link", name="WEG-1")).to_be_visible()
    page.get_by_label("WEG-1 als verloren melden").check()
    close = page.get_by_role("button", name="Inventur abschließen")
    close.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 fehlenden Gerät")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_axe_violations(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(close).to_be_focused()
    assert Stocktake.objects.get(pk=stocktake.pk).status == "open"
    close.click()
    page.get_by_role("dialog").get_by_role("button", name="Inventur abschließen").click()
    page.wait_for_url(f"**/geraete/inventuren/{stocktake.pk}/")
    assert Stocktake.objects.get(pk=stocktake.pk).status == "closed"
    assert Device.objects.get(inventory_number="WEG-1").status == DeviceStatus.LOST


def test_without_javascript_the_confirmation_is_a_page(page_for, world):
    device = DeviceFactory(school=world.school, status=DeviceStatus.DELIVERED)
    page = page_for(world.user("board_admin"), javascript=False)
    page.goto(page.base_url + f"/geraete/{device.pk}/")
    page.locator("#id_to_status").select_option(DeviceStatus.IN_STOCK)
    page.get_by_role("button", name="Status ändern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen")
    device.refresh_from_db()
    assert device.status == DeviceStatus.DELIVERED  # asked, nothing done yet
    page.get_by_role("button", name="Status ändern").click()
    page.wait_for_url(f"**/geraete/{device.pk}/")
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_STOCK
