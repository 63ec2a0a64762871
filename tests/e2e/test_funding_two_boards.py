"""Issue 11 acceptance in a real browser: two boards, one programme, one year, from draft to
payout with a change request, through the UI only.

Only the starting data is built directly (boards, schools, users, budgets, adopted media
concepts with their needs); every step of the procedure is clicked: the board creates the
application and its lines and submits (confirm dialog), LISA forwards, the
Landesverwaltungsamt decides (the notice number is shown before issuing), the board amends
the cost plan in a change request, the approver approves it (amendment notice), the board
records an invoice and submits a payout request, the approver marks it paid.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date.today()
#: the Landesverwaltungsamt's default file-reference pattern ZB-{year}-{seq:05d}
NOTICE = re.compile(rf"ZB-{TODAY.year}-\d{{5}}")


@pytest.fixture
def two_boards(world):
    """Both boards of the world in one programme: budget, adopted concept, staff, reviewers."""
    from funding.models import Budget
    from schools.choices import Role
    from tests.factories import user_with_role
    from tests.funding.factories import ProgrammeFactory, RuleSetFactory
    from tests.mediaplans.factories import adopted_version

    with scopes_disabled():
        programme = ProgrammeFactory(land=world.land)
        RuleSetFactory(programme=programme)
        sides = []
        for board, school, staff in (
            (world.board, world.school, world.user("board_staff")),
            (
                world.other_board,
                world.other_school,
                user_with_role(Role.BOARD_STAFF, world.other_board, "beta_staff"),
            ),
        ):
            Budget.objects.create(
                school_board=board, programme=programme, amount=Decimal("1000000")
            )
            adopted_version(school)
            sides.append({"board": board, "school": school, "staff": staff})
        approver = user_with_role(Role.REVIEWER, world.land, "lva_approver", authority="approval")
    return {
        "programme": programme,
        "sides": sides,
        "checker": world.user("reviewer"),
        "approver": approver,
    }


def _post(page, button):
    """Click a submit button and wait until the response page has loaded.

    The next step must not start while the live server still handles the POST (a
    second request then meets SQLite's table lock)."""
    with page.expect_navigation():
        button.click()


def _confirm(page, name):
    """Click a confirm button and confirm it in the dialog (core/_confirm_button.html)."""
    page.get_by_role("button", name=name).first.click()
    _post(page, page.get_by_role("dialog").get_by_role("button", name=name))


def _add_line(page, school, category, description, quantity, price):
    page.get_by_role("link", name="Neue Position").click()
    page.get_by_label("Schule").select_option(str(school.pk))
    page.get_by_label("Kategorie").select_option(category)
    page.get_by_label("Beschreibung").fill(description)
    page.get_by_label("Menge").fill(quantity)
    page.get_by_label("Einzelpreis netto").fill(price)
    page.get_by_label("Begründung").fill("Bedarf aus dem Medienbildungskonzept")
    _post(page, page.get_by_role("button", name="Speichern", exact=True))


def _complete_annexes(page, url, school):
    """The infrastructure annex of the school, operation and support, the declarations."""
    page.get_by_role("link", name=school.name, exact=True).click()
    page.locator("[name=infrastructure_current]").fill("LAN im Verwaltungstrakt")
    page.locator("[name=infrastructure_planned]").fill("WLAN in allen Unterrichtsräumen")
    _post(page, page.get_by_role("button", name="Speichern", exact=True))
    page.goto(url)
    page.get_by_role("link", name="Antrag und Anlagen bearbeiten").click()
    page.locator("[name=operator]").fill("Kommunales IT-Dienstleistungszentrum")
    page.locator("[name=support_scope]").fill("Vor-Ort-Support, Hotline")
    for name in ("decl_procurement", "decl_no_double_funding", "decl_operation_secured"):
        page.locator(f"[name={name}]").check()
    _post(page, page.get_by_role("button", name="Speichern", exact=True))


def _draft_and_submit(page_for, data, side) -> str:
    """The board creates the application with two lines and submits it; returns its URL."""
    page = page_for(side["staff"])
    page.goto(page.base_url + "/foerderung/neu/")
    page.get_by_label("Förderprogramm").select_option(str(data["programme"].pk))
    page.get_by_label("Titel").fill(f"Digitale Lernräume {side['school'].name}")
    page.get_by_label("geplanter Beginn").fill("2026-01-01")
    page.get_by_label("geplantes Ende").fill("2026-12-31")
    page.get_by_label(side["school"].name).check()
    _post(page, page.get_by_role("button", name="Speichern", exact=True))
    expect(page).to_have_url(re.compile(r"/foerderung/antraege/\d+/$"))
    url = page.url
    _add_line(page, side["school"], "wlan", "Access Point", "10", "300.00")  # 3.570,00
    expect(page).to_have_url(re.compile(re.escape(url)))
    _add_line(page, side["school"], "display", "Interaktives Display", "2", "1000.00")  # 2.380,00
    expect(page.get_by_text("5.950,00").first).to_be_visible()
    _complete_annexes(page, url, side["school"])
    page.goto(url)
    assert_no_axe_violations(page)
    _confirm(page, "Antrag einreichen")
    expect(page.get_by_text("Antrag eingereicht.")).to_be_visible()
    return url


def _forward_and_decide(page_for, data, url) -> str:
    """LISA forwards, the Landesverwaltungsamt approves in full; returns the notice number."""
    page = page_for(data["checker"])
    page.goto(url)
    page.get_by_role("link", name="Inhaltlich geprüft: weiterleiten").click()
    _confirm(page, "Weiterleiten")
    page.goto(url)
    expect(page.get_by_text("Inhaltlich geprüft, weitergeleitet").first).to_be_visible()
    page = page_for(data["approver"])
    page.goto(url)
    page.get_by_role("link", name="Bescheiden").click()
    number = page.locator("#next-notice-number strong").inner_text()  # shown before issuing
    assert NOTICE.fullmatch(number), number
    page.get_by_label("Vollbewilligung").check()
    page.locator("[name=date]").fill(TODAY.isoformat())
    page.locator("[name=reason]").fill("Die Maßnahme entspricht der Richtlinie.")
    _confirm(page, re.compile("bescheid", re.I))
    expect(page.get_by_text(number).first).to_be_visible()
    expect(page.get_by_text("5.355,00").first).to_be_visible()  # 90 % of 5.950,00
    page.goto(url)
    expect(page.get_by_text("Bewilligt").first).to_be_visible()
    return number


def _change_request(page_for, data, side, url) -> str:
    """The board amends line 1 (10 → 12 access points); the approver approves it.

    Returns the number of the amendment notice."""
    page = page_for(side["staff"])
    page.goto(url)
    page.get_by_role("link", name="Änderungsantrag").first.click()
    page.locator("[name=reason]").fill("Zwei weitere Klassenräume brauchen WLAN.")
    _post(page, page.get_by_role("button", name="Änderungsantrag beginnen"))
    expect(page).to_have_url(re.compile(r"/aenderungsantraege/\d+/$"))
    cr_url = page.url
    page.get_by_role("link", name=re.compile(r"Bearbeiten\s+Position 1$")).click()
    page.get_by_label("Menge").fill("12")
    _post(page, page.get_by_role("button", name="Speichern", exact=True))
    expect(page).to_have_url(re.compile(re.escape(cr_url)))
    expect(page.get_by_text("4.284,00").first).to_be_visible()  # 12 × 357,00
    expect(page.get_by_text("5.997,60").first).to_be_visible()  # 90 % of 6.664,00
    assert_no_axe_violations(page)
    _post(page, page.get_by_role("button", name="Änderungsantrag einreichen"))
    page = page_for(data["approver"])
    page.goto(cr_url)
    page.get_by_role("link", name="Bescheiden").click()
    upcoming = page.locator("#next-notice-number strong").inner_text()  # shown before issuing
    assert NOTICE.fullmatch(upcoming), upcoming
    page.get_by_label("bewilligen (Änderungsbescheid)").check()
    page.locator("[name=date]").fill(TODAY.isoformat())
    page.locator("[name=reason]").fill("Mehrbedarf begründet.")
    _confirm(page, "Bescheid erlassen")
    expect(page.get_by_text("Über den Änderungsantrag wurde entschieden.")).to_be_visible()
    page.goto(cr_url)
    expect(page.get_by_text("bewilligt").first).to_be_visible()
    notice = page.get_by_role("link", name=re.compile(r"^Änderungsbescheid ")).inner_text()
    number = notice.split()[-1]
    assert NOTICE.fullmatch(number), notice
    assert number == upcoming  # the file reference the approver saw before issuing
    page.goto(url)  # the application now runs on the amended plan: 5.997,60 approved
    expect(page.get_by_text("5.997,60").first).to_be_visible()
    return number


def _invoice_and_payout(page_for, data, side, url) -> None:
    page = page_for(side["staff"])
    page.goto(url)
    page.get_by_role("link", name="Rechnungen und Mittelabrufe").click()
    page.get_by_label("Rechnungsnummer").fill(f"RE-{side['board'].pk}-1")
    page.get_by_label("Rechnungsdatum").fill(TODAY.isoformat())
    page.get_by_label("Lieferant").fill("Netzwerk GmbH")
    page.locator("[name=cost_line]").select_option(index=1)
    page.get_by_label("Betrag (brutto)").fill("4284.00")
    page.get_by_label("Zahlungsdatum").fill(TODAY.isoformat())
    _post(page, page.get_by_role("button", name="Speichern", exact=True))
    expect(page.get_by_text("4.284,00").first).to_be_visible()
    page.locator("[name=invoices]").first.check()
    _post(page, page.get_by_role("button", name="Mittelabruf anlegen"))
    expect(page).to_have_url(re.compile(r"/mittelabrufe/\d+/$"))
    payout_url = page.url
    _confirm(page, "Einreichen")
    page = page_for(data["approver"])
    page.goto(payout_url)
    _confirm(page, "Als ausgezahlt vermerken")
    page.goto(payout_url)
    expect(page.get_by_text("ausgezahlt").first).to_be_visible()
    expect(page.get_by_text("3.855,60").first).to_be_visible()  # 90 % of 4.284,00


def test_two_boards_draft_to_payout_with_change_request(page_for, two_boards):
    from funding.models import Application, Decision

    numbers = []
    for side in two_boards["sides"]:
        url = _draft_and_submit(page_for, two_boards, side)
        numbers.append(_forward_and_decide(page_for, two_boards, url))
        numbers.append(_change_request(page_for, two_boards, side, url))
        _invoice_and_payout(page_for, two_boards, side, url)
    # full and amendment notices of both boards: one sequence of the approving authority
    assert len(set(numbers)) == 4, numbers
    with scopes_disabled():
        assert sorted(Application.objects.values_list("status", flat=True)) == ["approved"] * 2
        assert Decision.objects.filter(kind="amendment").count() == 2
