"""Notifications in a real browser: header badge, inbox, preferences, to-do; axe at
desktop width and at 390 px."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from notifications.choices import Kind
from notifications.services import Message, notify
from tests.e2e.conftest import assert_no_axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = dt.date.today()


def _notes(world, user):
    for i, kind in enumerate((Kind.CHANGES_REQUESTED, Kind.DECIDED, Kind.PAID)):
        notify(
            Message(
                kind=kind,
                board_id=world.board.pk,
                url="/",
                dedupe_key=f"e2e{i}",
                params={
                    "object": f"FA-2026-000{i}",
                    "date": TODAY.isoformat(),
                    "reason": "Bitte Begründung ergänzen",
                    "outcome": "approved",
                },
                due_date=TODAY,
            ),
            [user],
        )


@pytest.mark.parametrize("width", [1280, 390])
def test_badge_inbox_preferences_are_accessible(page_for, world, width):
    user = world.user("board_staff")
    _notes(world, user)
    page = page_for(user)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(page.base_url + "/")
    expect(page.get_by_test_id("unread-count")).to_have_text("3")
    assert_no_axe_violations(page)
    page.get_by_test_id("inbox-link").click()
    page.wait_for_url("**/benachrichtigungen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Benachrichtigungen")
    expect(page.get_by_role("link", name="Nachforderung für FA-2026-0000")).to_be_visible()
    assert_no_axe_violations(page)
    if width == 1280:
        screenshot(page, "benachrichtigungen-posteingang")
    page.get_by_role("button", name="Alle als gelesen markieren").click()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    page.goto(page.base_url + "/benachrichtigungen/einstellungen/")
    assert_no_axe_violations(page)
    page.get_by_label("Sprache der E-Mails").select_option("en")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.get_by_role("button", name="Kalenderadresse erstellen").click()
    expect(page.get_by_test_id("feed-url")).to_be_visible()
    assert_no_axe_violations(page)
    if width == 1280:
        screenshot(page, "benachrichtigungen-einstellungen")
