"""Procurement in a real browser: from the call-off to the payout request, axe on each page."""

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(world):
    from tests.procurement.factories import approved_line, kitu

    with scopes_disabled():
        k = kitu(world)
        line = approved_line(world.board, world.school)
    return k, line


def test_call_off_to_payout_request(page_for, world, setup):
    from procurement.models import CallOff, SupplierInvoice

    k, line = setup
    admin = page_for(world.user("board_admin"))
    admin.goto(admin.base_url + "/beschaffung/neu/")
    admin.locator("#id_item").select_option(str(k.ipad.pk))
    admin.locator("#id_quantity").fill("3")
    admin.locator("#id_school").select_option(str(world.school.pk))
    admin.locator("#id_cost_line").select_option(str(line.pk))
    admin.locator("#id_order_date").fill(dt.date(2026, 3, 2).strftime("%d.%m.%Y"))
    assert_no_axe_violations(admin)
    admin.locator("form.pw-form button[type=submit]").click()
    expect(admin.get_by_role("heading", name="Abruf AB-2026-0001")).to_be_visible()
    assert_no_axe_violations(admin)
    admin.get_by_role("button", name="Eingereicht").click()
    expect(admin.get_by_text("Eingereicht").first).to_be_visible()

    staff = page_for(world.user("cooperative_staff"))
    staff.goto(staff.base_url + f"/beschaffung/genossenschaft/{world.cooperative.pk}/")
    assert_no_axe_violations(staff)
    staff.get_by_role("button", name="Eingereichte Abrufe bündeln").click()
    staff.get_by_role("link", name="Sammelbestellung SB-").first.click()
    expect(staff.get_by_text("iPad 10,9 Zoll").first).to_be_visible()
    assert_no_axe_violations(staff)
    screenshot(staff, "beschaffung-sammelbestellung")
    staff.get_by_role("button", name="An den Lieferanten senden").click()
    with scopes_disabled():
        call_off = CallOff.objects.get()
        assert call_off.status == "ordered"

    admin.goto(admin.base_url + f"/beschaffung/abruf/{call_off.pk}/lieferschein/")
    admin.locator("#id_number").fill("LS-1")
    admin.locator("#id_delivered_on").fill("10.03.2026")
    admin.locator("#id_file").set_input_files(
        files=[
            {
                "name": "lieferschein.csv",
                "mimeType": "text/csv",
                "buffer": b"Artikelnummer;Seriennummer;MAC;MDM-ID\n"
                b"IPAD-10;E2E-1;;m1\nIPAD-10;E2E-2;;m2\nIPAD-10;E2E-3;;m3\n",
            }
        ]
    )
    admin.locator("form.pw-form button[type=submit]").click()
    expect(admin.get_by_role("heading", name="Lieferschein LS-1")).to_be_visible()
    assert_no_axe_violations(admin)

    admin.goto(admin.base_url + f"/beschaffung/abruf/{call_off.pk}/rechnung/")
    admin.locator("#id_supplier").select_option(str(k.supplier.pk))
    admin.locator("#id_number").fill("RE-77")
    admin.locator("#id_date").fill("12.03.2026")
    admin.locator("#id_quantity").fill("3")
    admin.locator("#id_unit_price_net").fill("400.00")
    admin.locator("#id_vat_rate").fill("19")
    admin.locator("form.pw-form button[type=submit]").click()
    expect(admin.get_by_text("Abgeglichen").first).to_be_visible()
    assert_no_axe_violations(admin)
    admin.get_by_role("button", name="Mittelabruf anlegen").click()
    with scopes_disabled():
        invoice = SupplierInvoice.objects.get()
        assert invoice.status == "booked" and invoice.payout is not None
        assert invoice.payout.invoiced_amount == Decimal("1428.00")
    admin.goto(admin.base_url + "/beschaffung/uebersicht/")
    expect(admin.get_by_text("1.428,00").first).to_be_visible()
    assert_no_axe_violations(admin)
