"""Switch to English in a real browser: no German word on the main page of any app.

"German word" is the catalogue check's definition (tests/core/test_i18n.py): umlauts and ß,
German quotation marks, and a list of frequent German UI words — domain terms such as
Schulträger or Förderantrag excepted. Data (names of schools, boards) is chosen neutral
by the `world` fixture, so whatever German appears comes from the product's texts.
"""

import re

import pytest

from devices.choices import DeviceCategory, DeviceStatus
from tests.core.test_i18n import german_in
from tests.devices.factories import DeviceFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The main page of every app (the brief's list), plus the secondary lists of the menu.
MAIN_PAGES = {
    "home": "/",
    "schools": "/schulen/",
    "boards": "/schultraeger/",
    "rooms": "/raeume/",
    "devices": "/geraete/",
    "device models": "/geraete/modelle/",
    "deliveries": "/geraete/lieferungen/",
    "loans": "/geraete/ausleihen/",
    "defects": "/geraete/schaeden/",
    "stocktakes": "/geraete/inventuren/",
    "concepts": "/medienbildung/",
    "applications": "/foerderung/",
    "programmes": "/foerderung/programme/",
    "imports": "/import/",
}


def _rows_on_every_page(world):
    """One row (or more) per list, so statuses, kinds and yes/no cells are rendered too."""
    from devices import services as device_services
    from tests.devices.factories import make_loan
    from tests.funding.factories import ApplicationFactory, ProgrammeFactory
    from tests.mediaplans.factories import ConceptFactory, VersionFactory
    from tests.scoping import as_actor

    for status, category in zip(DeviceStatus, DeviceCategory, strict=False):
        DeviceFactory(school=world.school, status=status, category=category)
    admin = world.user("board_admin")
    make_loan(world, status="handed_out", data={"existing_damage": ""})
    services = as_actor(device_services)
    device = DeviceFactory(school=world.school, status=DeviceStatus.IN_USE)
    services.defect_report_create(
        actor=admin, device=device, data={"kind": "defect", "description": "Screen broken"}
    )
    services.stocktake_start(actor=admin, school=world.school)
    VersionFactory(concept=ConceptFactory(school=world.school))
    ApplicationFactory(
        school_board=world.board,
        programme=ProgrammeFactory(land=world.land, name="Programme 1"),
        title="Tablets",
    )


def _german_words(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        for chunk in re.split(r"\s{2,}|\t", line):
            if chunk.strip() and (word := german_in(chunk)):
                found.append(f"{word!r} in {chunk.strip()!r}")
    return found


def test_english_main_pages_hold_no_german(page_for, world):
    _rows_on_every_page(world)
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    problems = {}
    for app, url in MAIN_PAGES.items():
        page.goto(page.base_url + url)
        assert page.locator("html").get_attribute("lang") == "en", app
        # the language switch offers "Deutsch" by its own name, on purpose
        # inner_text includes the options of the filter selects ("Unknown / Yes / No")
        text = page.locator("main").inner_text()
        assert len(text) > 50, (app, text)  # a page that failed to render is no pass
        if found := _german_words(text):
            problems[app] = found
    assert not problems, problems


def test_german_main_pages_stay_german(page_for, world):
    DeviceFactory(school=world.school, status=DeviceStatus.IN_USE, category=DeviceCategory.SWITCH)
    page = page_for(world.user("board_admin"))
    page.goto(page.base_url + "/geraete/")
    assert page.locator("html").get_attribute("lang") == "de"
    text = page.locator("main").inner_text()
    assert "im Einsatz" in text and "Switch" in text
