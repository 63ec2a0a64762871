"""Excluded items as data (issue 11 point 6): whole-word terms per rule-set version, the
Warenkorb item's own eligibility per programme, and reviewers' recorded overrides."""

import unicodedata
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.tenancy import access_for
from funding import rules, selectors
from funding import services as funding_services
from funding.models import CatalogueExclusion, FindingOverride
from tests.factories import user_with_role
from tests.funding.factories import CatalogueItemFactory, CostLineFactory
from tests.scoping import as_actor

services = as_actor(funding_services)


def _line(description, **kw):
    return rules.LineData("1", 1, kw.pop("category", "mobile"), description, D("1"), D("1"), **kw)


def _codes(description, params=None, **kw):
    params = params or rules.RuleParams(
        excluded_terms=("Personal", "Personalkosten", "*wartungsvertrag", "Gebühren"),
        allowed_phrases=("Personal Computer",),
        smartphone_terms=("*smartphone*", "*handy", "iPhone*", "Galaxy S#*", "Pixel #*"),
    )
    return [f.code for f in rules.check_excluded_items([_line(description, **kw)], params)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Personal Computer i5, 16 GB", []),
        ("Personal-Computer für den Informatikraum", []),
        ("Personal für den IT-Support", ["FR-AUSGESCHLOSSEN"]),
        ("Personalkosten Systembetreuung", ["FR-AUSGESCHLOSSEN"]),
        ("PERSONALKOSTEN", ["FR-AUSGESCHLOSSEN"]),
        ("Personalisierung der Geräte", []),  # whole words only
        ("Servicewartungsvertrag 3 Jahre", ["FR-AUSGESCHLOSSEN"]),
        ("iPhone 15", ["FR-SMARTPHONE"]),
        ("Samsung Galaxy S24", ["FR-SMARTPHONE"]),
        ("Samsung Galaxy Tab S9", []),
        ("Pixel 8a", ["FR-SMARTPHONE"]),
        ("Pixel Tablet", []),
        ("Diensthandy", ["FR-SMARTPHONE"]),
        ("Tablet 10 Zoll", []),
        (unicodedata.normalize("NFD", "Gebühren"), ["FR-AUSGESCHLOSSEN"]),  # decomposed ü
        ("Gebührenfreie Software", []),  # ü is a letter, not a word boundary
    ],
)
def test_terms_match_whole_words(text, expected):
    assert _codes(text) == expected


def test_terms_are_data_of_the_rule_set(world, draft, programme):
    ruleset = programme.current_ruleset()
    assert "Personal Computer" in ruleset.allowed_phrases  # the seeded default
    line = draft.lines.get(position=2)
    CostLineFactory(
        application=draft, school=world.school, position=3, description="Personal Computer"
    )
    CostLineFactory(application=draft, school=world.school, position=4, description="Galaxy S24")
    found = {(f.code, f.line_refs) for f in selectors.check_for(draft.pk).findings}
    assert ("FR-SMARTPHONE", ("4",)) in found
    assert not {c for c, refs in found if refs == ("3",) and c.startswith("FR-AUS")}
    assert line.description == "Tablet 10 Zoll"


def test_catalogue_item_not_eligible_in_one_programme_only(world, draft, programme):
    from tests.funding.factories import ProgrammeFactory, RuleSetFactory

    phone = CatalogueItemFactory(name="Mobilgerät Modell X", category="mobile")
    CostLineFactory(
        application=draft,
        school=world.school,
        position=3,
        description="Modell X",
        catalogue_item=phone,
        procurement_route="framework",
    )
    assert "FR-WARENKORB-AUSGESCHLOSSEN" not in {
        f.code for f in selectors.check_for(draft.pk).findings
    }
    other = ProgrammeFactory(code="other", name="Anderes Programm", land=world.land)
    RuleSetFactory(programme=other)
    CatalogueExclusion.objects.create(programme=other, item=phone, reason="elsewhere")
    assert "FR-WARENKORB-AUSGESCHLOSSEN" not in {
        f.code for f in selectors.check_for(draft.pk).findings
    }
    CatalogueExclusion.objects.create(programme=programme, item=phone, reason="Smartphone")
    found = [
        f for f in selectors.check_for(draft.pk).findings if f.code == "FR-WARENKORB-AUSGESCHLOSSEN"
    ]
    assert found and found[0].line_refs == ("3",) and "Smartphone" in found[0].message
    assert found[0].is_error


# --- overrides --------------------------------------------------------------------------
@pytest.fixture
def phone_draft(world, draft):
    CostLineFactory(application=draft, school=world.school, position=3, description="Diensthandy")
    return draft


def _override(user, app, code="FR-SMARTPHONE", ref="3", reason="Tablet mit SIM, geprüft"):
    return services.finding_override(
        actor=user, access=access_for(user), application=app, code=code, line_ref=ref, reason=reason
    )


def test_reviewer_overrides_a_finding_with_a_reason(world, phone_draft, client_for):
    assert not selectors.check_for(phone_draft.pk).ok
    reviewer = world.user("reviewer")
    _override(reviewer, phone_draft)
    result = selectors.check_for(phone_draft.pk)
    finding = next(f for f in result.findings if f.code == "FR-SMARTPHONE")
    assert finding.override is not None and not finding.is_error and result.ok
    assert finding.override.reason == "Tablet mit SIM, geprüft"
    assert finding.as_dict()["override"]["by"]
    page = (
        client_for(world.user("board_staff")).get(phone_draft.get_absolute_url()).content.decode()
    )
    assert 'data-overridden="1"' in page and "Tablet mit SIM, geprüft" in page
    assert any(e.action == "finding_overridden" for e in phone_draft.events.all())
    # a changed line is checked afresh
    phone_draft.lines.filter(position=3).update(description="Schülerhandy")
    assert not selectors.check_for(phone_draft.pk).ok


@pytest.mark.parametrize("actor", ["board_admin", "board_staff", "consultant"])
def test_the_board_cannot_override(world, phone_draft, actor):
    with pytest.raises(PermissionDenied):
        _override(world.user(actor), phone_draft)
    assert not FindingOverride.objects.exists()


def test_a_reviewer_with_a_board_role_cannot_override(world, phone_draft):
    from schools.models import Membership

    reviewer = user_with_role("reviewer", world.land, "rev_board", authority="content_check")
    Membership.objects.bulk_create(
        [Membership(user=reviewer, role="board_staff", school_board=world.board)]
    )
    with pytest.raises(PermissionDenied):
        _override(reviewer, phone_draft)
    assert not FindingOverride.objects.exists()


@pytest.mark.parametrize(
    ("code", "ref", "reason"),
    [
        ("FR-SMARTPHONE", "3", "   "),  # no reason
        ("FR-SMARTPHONE", "2", "x"),  # no such finding on that line
        ("FR-BUDGET", "", "x"),  # not overridable
    ],
)
def test_bad_override_is_refused_and_changes_nothing(world, phone_draft, code, ref, reason):
    with pytest.raises(ValidationError):
        _override(world.user("reviewer"), phone_draft, code=code, ref=ref, reason=reason)
    assert not FindingOverride.objects.exists()


def test_override_twice_is_refused(world, phone_draft):
    _override(world.user("reviewer"), phone_draft)
    with pytest.raises(ValidationError):
        _override(world.user("reviewer"), phone_draft)
    assert FindingOverride.objects.count() == 1


def test_override_through_ui_and_api(world, phone_draft, client_for, api_client_for):
    url = reverse("funding:finding-override", args=[phone_draft.pk])
    board = client_for(world.user("board_staff")).post(
        url, {"code": "FR-SMARTPHONE", "line_ref": "3", "reason": "x"}
    )
    assert board.status_code == 403 and not FindingOverride.objects.exists()
    api = reverse("funding-application-override", args=[phone_draft.pk])
    response = api_client_for(world.user("board_staff")).post(
        api, {"code": "FR-SMARTPHONE", "line_ref": "3", "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    response = api_client_for(world.user("reviewer")).post(
        api, {"code": "FR-SMARTPHONE"}, format="json"
    )
    assert response.status_code == 400 and not FindingOverride.objects.exists()
    page = client_for(world.user("reviewer")).get(phone_draft.get_absolute_url()).content.decode()
    assert url in page  # the small form on the review page
    response = client_for(world.user("reviewer")).post(
        url, {"code": "FR-SMARTPHONE", "line_ref": "3", "reason": "Gerät ist ein Tablet"}
    )
    assert response.status_code == 302
    assert FindingOverride.objects.get().reason == "Gerät ist ein Tablet"
    data = (
        api_client_for(world.user("board_staff"))
        .get(reverse("funding-application-check", args=[phone_draft.pk]))
        .json()
    )
    phone = next(f for f in data["findings"] if f["code"] == "FR-SMARTPHONE")
    assert phone["override"]["reason"] == "Gerät ist ein Tablet" and data["ok"]
