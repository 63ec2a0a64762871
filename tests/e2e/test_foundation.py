"""Foundation in a real browser: login, German/English, list, detail, edit; axe scans."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_is_accessible_and_logs_in(page_for, world):
    user = world.user("board_admin")
    user.set_password("pw-Secret-123")
    user.save()
    page = page_for(None)
    page.goto(page.base_url + "/")
    assert "/anmelden/" in page.url
    assert page.locator("html").get_attribute("lang") == "de"
    assert_no_axe_violations(page)
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill("pw-Secret-123")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(page.base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Willkommen")


def test_wrong_password_shows_message_in_german(page_for, world):
    page = page_for(None)
    page.goto(page.base_url + "/anmelden/")
    page.get_by_label("Benutzername").fill("alpha_admin")
    page.get_by_label("Passwort").fill("wrong")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_be_visible()


def test_school_list_detail_and_edit_are_accessible(page_for, world):
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + "/schulen/")
    expect(page.get_by_role("link", name="Alpha-Gymnasium")).to_be_visible()
    assert page.get_by_text("Beta-Grundschule").count() == 0
    assert_no_axe_violations(page)
    screenshot(page, "schulen-liste")
    page.get_by_role("link", name="Alpha-Gymnasium").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Alpha-Gymnasium")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Bearbeiten").click()
    assert_no_axe_violations(page)
    page.get_by_label("Schüler").fill("-5")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".kern-error").first).to_be_visible()
    assert_no_axe_violations(page)  # the error state is accessible too
    page.get_by_label("Schüler").fill("612")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("612").first).to_be_visible()


def test_language_switch_to_english(page_for, world):
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + "/schulen/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Schools")).to_be_visible()


def test_members_and_password_reset_pages_are_accessible(page_for, world):
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + f"/schultraeger/{world.board.pk}/benutzer/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Benutzer und Rollen")
    assert_no_axe_violations(page)
    anonymous = page_for(None)
    anonymous.goto(anonymous.base_url + "/passwort/vergessen/")
    assert_no_axe_violations(anonymous)
