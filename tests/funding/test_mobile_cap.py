"""The mobile-device cap over a board's whole programme (issue 11 point 3, DOMAIN §4).

Pure rule tests at, below and above every threshold (cent-exact), then the projection fed
from the database: three boards (one with a vocational school), two programmes, several
applications per board, the final proof of use, pages, API, PDF and the query count.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding import rules, selectors
from funding import services as funding_services
from funding.choices import ApplicationStatus
from funding.models import Application, Budget, Invoice, ProofOfUse
from schools.choices import SchoolType
from tests.factories import RoomFactory, SchoolBoardFactory, SchoolFactory, user_with_role
from tests.funding.factories import (
    ApplicationFactory,
    CostLineFactory,
    ProgrammeFactory,
    RuleSetFactory,
    complete_school,
)
from tests.scoping import as_actor

services = as_actor(funding_services)
P = rules.RuleParams()  # 20 %, 25,000 per school
SCHOOLS = {
    1: rules.SchoolData(1, "GS Nord"),
    2: rules.SchoolData(2, "Sek Süd"),
    3: rules.SchoolData(3, "BBS Ost", is_vocational=True),
}


def ln(ref, school, category, gross):
    return rules.LineData(ref, school, category, "x", D("1"), D(gross), D("0"))


def project(staged, remaining=None, final=False, params=P):
    return rules.mobile_projection(
        [(stage, line, line.unit_price_net) for stage, line in staged],
        SCHOOLS,
        params,
        remaining_eligible=None if remaining is None else D(remaining),
        final=final,
    )


# --- the projection: both branches, limits, headroom, which applies -------------------
def test_projection_sums_stages_and_reports_both_branches():
    proj = project(
        [
            (rules.APPROVED, ln("FA-1/1", 1, "lan", "100000")),
            (rules.PENDING, ln("FA-2/1", 2, "wlan", "50000")),
            (rules.DRAFT, ln("1", 1, "mobile", "30000")),
            (rules.DRAFT, ln("2", 3, "mobile", "99999")),  # vocational: exempt
        ]
    )
    assert proj.general_total == D("180000")
    assert proj.mobile_total == D("30000")
    assert proj.limit_percent == D("36000.00")
    assert proj.headroom_percent == D("6000.00")
    assert proj.within_percent and not proj.within_per_school  # GS Nord 30,000 > 25,000
    assert proj.ok and proj.applies == rules.BRANCH_PERCENT
    assert proj.headroom_per_school == D("-5000.00")
    assert [s["stage"] for s in proj.stages] == ["approved", "pending", "draft"]
    data = proj.as_dict()
    assert data["branch_percent"]["limit"] == "36000.00"
    assert data["branch_per_school"]["limit_per_school"] == "25000.00"
    assert data["applies"] == "a" and data["compliant"] is True
    bbs = next(s for s in data["schools"] if s["name"] == "BBS Ost")
    assert bbs["vocational"] is True and bbs["headroom"] is None and bbs["within_limit"]
    assert rules.check_mobile_projection(proj, own_mobile_refs=["1"]) == []


@pytest.mark.parametrize(
    ("mobile", "within"), [("62099.99", True), ("62100.00", True), ("62100.01", False)]
)
def test_percent_branch_cent_exact_with_rounded_down_cap(mobile, within):
    # SH example: 310,500.03 total → 20 % = 62,100.006 → cap 62,100.00 (rounded down)
    rest = str(D("310500.03") - D(mobile))
    proj = project(
        [(rules.DRAFT, ln("1", 1, "mobile", mobile)), (rules.DRAFT, ln("2", 1, "lan", rest))]
    )
    assert proj.limit_percent == D("62100.00")
    assert proj.within_percent is within
    assert proj.ok is within  # one school over 25,000: only (a) can hold


@pytest.mark.parametrize(
    ("gross", "within"), [("24999.99", True), ("25000.00", True), ("25000.01", False)]
)
def test_per_school_branch_cent_exact(gross, within):
    # only mobile devices: (a) fails; (b) decides, per school
    proj = project(
        [(rules.DRAFT, ln("1", 1, "mobile", gross)), (rules.DRAFT, ln("2", 2, "mobile", "1000"))]
    )
    assert not proj.within_percent
    assert proj.within_per_school is within
    # (b) holds, or neither does and (b)'s limit (2 × 25,000) is the higher one
    assert proj.applies == rules.BRANCH_PER_SCHOOL
    found = rules.check_mobile_projection(proj, own_mobile_refs=["1", "2"])
    assert bool(found) is (not within)
    if found:
        assert "GS Nord" in found[0].message and "Sek Süd" not in found[0].message


def test_unused_amount_does_not_move_between_schools():
    proj = project(
        [(rules.DRAFT, ln("1", 1, "mobile", "30000")), (rules.DRAFT, ln("2", 2, "lan", "10000"))]
    )
    assert not proj.ok  # 2 × 25,000 would cover it, but school 2's room cannot move


# --- refusal: only when the board can no longer comply at all -----------------------------
# tablets first: 40,000 mobile at GS Nord, nothing else yet. Branch (b) fails for good;
# branch (a) needs a general-education total of 200,000, i.e. 160,000 more investment.
@pytest.mark.parametrize(
    ("remaining", "code", "severity"),
    [
        ("160000.00", "FR-MOBIL-TRAEGER", rules.WARNING),  # limit 40,000.00: reachable
        ("160000.04", "FR-MOBIL-TRAEGER", rules.WARNING),  # 40,000.008 → 40,000.00
        ("159999.99", "FR-MOBIL-UNMOEGLICH", rules.ERROR),  # 39,999.998 → 39,999.99
        ("0", "FR-MOBIL-UNMOEGLICH", rules.ERROR),
    ],
)
def test_refused_only_when_impossible_cent_exact(remaining, code, severity):
    proj = project([(rules.DRAFT, ln("1", 1, "mobile", "40000"))], remaining=remaining)
    found = rules.check_mobile_projection(proj, own_mobile_refs=["1"])
    assert [(f.code, f.severity, f.line_refs) for f in found] == [(code, severity, ("1",))]
    assert proj.feasible is (severity == rules.WARNING)


def test_no_refusal_without_own_mobile_lines_or_without_a_budget():
    # the board is already beyond reach, but this application only builds a network
    proj = project(
        [
            (rules.APPROVED, ln("FA-1/1", 1, "mobile", "40000")),
            (rules.DRAFT, ln("1", 1, "lan", "1000")),
        ],
        remaining="0",
    )
    assert not proj.feasible
    found = rules.check_mobile_projection(proj, own_mobile_refs=[])
    assert [(f.code, f.severity) for f in found] == [("FR-MOBIL-TRAEGER", rules.WARNING)]
    # no budget recorded: nothing bounds further investment, so never a refusal
    proj = project([(rules.DRAFT, ln("1", 1, "mobile", "40000"))], remaining=None)
    assert proj.feasible


def test_per_school_branch_keeps_the_board_feasible():
    proj = project(
        [
            (rules.DRAFT, ln("1", 1, "mobile", "25000")),
            (rules.DRAFT, ln("2", 2, "mobile", "25000")),
        ],
        remaining="0",
    )
    assert proj.ok and rules.check_mobile_projection(proj, own_mobile_refs=["1", "2"]) == []


@pytest.mark.parametrize(("gross", "blocked"), [("25000.00", False), ("25000.01", True)])
def test_final_breach_is_an_error(gross, blocked):
    proj = project([(rules.ACTUAL, ln("1", 1, "mobile", gross))], final=True)
    found = rules.check_mobile_projection(proj, own_refs=["1"], own_mobile_refs=["1"])
    assert bool(found) is blocked
    if blocked:
        assert found[0].code == "FR-MOBIL-TRAEGER-IST" and found[0].is_error


def test_rates_are_rule_set_parameters():
    params = rules.RuleParams(mobile_cap_percent=D("30"), mobile_cap_per_school=D("10000"))
    proj = project(
        [(rules.DRAFT, ln("1", 1, "mobile", "30000")), (rules.DRAFT, ln("2", 1, "lan", "70000"))],
        params=params,
    )
    assert proj.limit_percent == D("30000.00") and proj.within_percent
    assert proj.per_school_limit == D("10000.00") and not proj.within_per_school


# --- fed from the database: three boards, two programmes ----------------------------------
@pytest.fixture
def land_setup(world, programme, budget):
    """Board A (world.board, budget 1,000,000), board B (world.other_board), board C with a
    vocational school; a second programme in the same Land."""
    board_c = SchoolBoardFactory(land=world.land, name="Landkreis C")
    gym_c = SchoolFactory(school_board=board_c, name="Gymnasium C")
    bbs_c = SchoolFactory(school_board=board_c, name="BBS C", school_type=SchoolType.BERUFSSCHULE)
    for school in (world.school, world.other_school, gym_c, bbs_c):
        RoomFactory(school=school, site__school=school, has_lan=True)
    second = ProgrammeFactory(code="dps-2", name="DigitalPakt 2.0", land=world.land)
    RuleSetFactory(programme=second)
    for board in (world.other_board, board_c):
        Budget.objects.create(school_board=board, programme=programme, amount=D("1000000.00"))
    Budget.objects.create(school_board=world.board, programme=second, amount=D("1000000.00"))
    return {"board_c": board_c, "gym_c": gym_c, "bbs_c": bbs_c, "second": second}


def make_app(board, programme, school, lines, status=ApplicationStatus.DRAFT):
    app = ApplicationFactory(
        school_board=board, programme=programme, ruleset=programme.current_ruleset(), status=status
    )
    complete_school(app, school)
    for pos, (category, gross) in enumerate(lines, start=1):
        CostLineFactory(
            application=app,
            school=school,
            position=pos,
            category=category,
            description="Tablet 10 Zoll" if category == "mobile" else "Switch",
            quantity=D("1"),
            unit_price_net=D(gross),
            vat_rate=D("0"),
            procurement_route="open",
            approved_amount=D(gross) if status == ApplicationStatus.APPROVED else None,
        )
    return app


def codes(result):
    return {f.code: f for f in result.findings}


def test_network_first_tablets_later_is_accepted(world, land_setup, programme):
    make_app(world.board, programme, world.school, [("lan", "160000")], ApplicationStatus.APPROVED)
    tablets = make_app(world.board, programme, world.school, [("mobile", "40000.00")])
    result = selectors.check_for(tablets.pk)
    proj = result.totals.board_mobile
    assert proj.ok and proj.applies == rules.BRANCH_PERCENT
    assert proj.mobile_by_stage(rules.APPROVED) == 0 and proj.total_by_stage(rules.APPROVED) == D(
        "160000"
    )
    assert not {"FR-MOBIL-TRAEGER", "FR-MOBIL-UNMOEGLICH"} & set(codes(result))
    staff = world.user("board_staff")
    services.application_submit(actor=staff, access=selectors_access(staff), application=tablets)
    assert Application.objects.get(pk=tablets.pk).status == ApplicationStatus.SUBMITTED


def selectors_access(user):
    from core.tenancy import access_for

    return access_for(user)


@pytest.mark.parametrize(
    ("budget_amount", "code"),
    [
        ("144000.00", "FR-MOBIL-TRAEGER"),  # → 160,000 eligible → limit 40,000.00
        ("143999.99", "FR-MOBIL-UNMOEGLICH"),  # → 159,999.98 eligible → limit 39,999.99
    ],
)
def test_tablets_first_refused_only_when_the_budget_cannot_save_it(
    world, land_setup, programme, budget, budget_amount, code
):
    # draft 40,000 mobile = 36,000 funding; the rest of the budget carries the investment
    # that could still raise branch (a)'s limit: refused only when even that is not enough
    Budget.objects.filter(pk=budget.pk).update(amount=D(budget_amount) + D("36000.00"))
    draft = make_app(world.board, programme, world.school, [("mobile", "40000.00")])
    found = codes(selectors.check_for(draft.pk))
    assert code in found
    staff = world.user("board_staff")
    if code == "FR-MOBIL-UNMOEGLICH":
        assert found[code].is_error
        with pytest.raises(ValidationError):
            services.application_submit(
                actor=staff, access=selectors_access(staff), application=draft
            )
        assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT
    else:
        assert not found[code].is_error
        services.application_submit(actor=staff, access=selectors_access(staff), application=draft)


def test_projection_is_per_board_and_per_programme(world, land_setup, programme):
    second = land_setup["second"]
    # board A: 30,000 mobile pending in programme 1, 90,000 mobile in programme 2 (ignored)
    make_app(
        world.board, programme, world.school, [("mobile", "30000")], ApplicationStatus.SUBMITTED
    )
    make_app(world.board, second, world.school, [("mobile", "90000")], ApplicationStatus.SUBMITTED)
    # board B: another board's mobile never counts for A
    make_app(
        world.other_board,
        programme,
        world.other_school,
        [("mobile", "80000")],
        ApplicationStatus.SUBMITTED,
    )
    draft = make_app(world.board, programme, world.school, [("wlan", "120000")])
    proj = selectors.check_for(draft.pk).totals.board_mobile
    assert proj.mobile_total == D("30000") and proj.general_total == D("150000")
    assert proj.limit_percent == D("30000.00") and proj.ok


def test_vocational_school_is_exempt_on_board_c(world, land_setup, programme):
    c = land_setup
    make_app(
        c["board_c"], programme, c["bbs_c"], [("mobile", "200000")], ApplicationStatus.APPROVED
    )
    draft = make_app(c["board_c"], programme, c["gym_c"], [("mobile", "25000"), ("lan", "1")])
    proj = selectors.check_for(draft.pk).totals.board_mobile
    assert proj.mobile_total == D("25000") and proj.ok
    assert {s.name: s.is_vocational for s in proj.schools} == {"BBS C": True, "Gymnasium C": False}


@pytest.mark.parametrize(("spent", "blocked"), [("25000.00", False), ("25000.01", True)])
def test_final_proof_of_use_hard_check(world, land_setup, programme, spent, blocked):
    staff = world.user("board_staff")
    app = make_app(
        world.board, programme, world.school, [("mobile", "30000")], ApplicationStatus.APPROVED
    )
    line = app.lines.get()
    today = dt.date.today()
    Invoice.objects.create(
        application=app,
        cost_line=line,
        school_board=world.board,
        number="R1",
        date=today,
        supplier="S",
        amount=D(spent),
        paid_on=today,
    )
    # another application still open: not final, a breach is only a warning
    other = make_app(world.board, programme, world.school, [("lan", "1000")])
    proof = services.proof_start(actor=staff, access=selectors_access(staff), application=app)
    from funding.documents import proof_findings

    found = {f.code: f for f in proof_findings(app)}
    assert ("FR-MOBIL-TRAEGER" in found) is blocked and "FR-MOBIL-TRAEGER-IST" not in found
    # the other application is rejected: this proof is the board's final one
    Application.objects.filter(pk=other.pk).update(status=ApplicationStatus.REJECTED)
    assert selectors.is_final_proof(app)
    if blocked:
        with pytest.raises(ValidationError):
            services.proof_submit(actor=staff, access=selectors_access(staff), proof=proof)
        assert ProofOfUse.objects.get(pk=proof.pk).status == "draft"
    else:
        services.proof_submit(actor=staff, access=selectors_access(staff), proof=proof)
        assert ProofOfUse.objects.get(pk=proof.pk).status == "submitted"


# --- pages, API, PDF: figure and findings agree ------------------------------------------
def test_page_api_and_pdf_show_both_branches(
    world, land_setup, programme, client_for, api_client_for
):
    from core.pdf import pdf_text
    from funding.documents import application_package_pdf

    make_app(
        world.board, programme, world.school, [("mobile", "20000")], ApplicationStatus.SUBMITTED
    )
    draft = make_app(world.board, programme, world.school, [("mobile", "5000.01"), ("lan", "1")])
    page = client_for(world.user("board_staff")).get(draft.get_absolute_url()).content.decode()
    assert (
        'data-mobile-cap="warning"' in page
        and 'data-branch="a"' in page
        and 'data-branch="b"' in page
    )
    assert "FR-MOBIL-TRAEGER" in page
    data = (
        api_client_for(world.user("board_staff"))
        .get(reverse("funding-application-mobile-cap", args=[draft.pk]))
        .json()
    )
    assert data["mobile_total"] == "25000.01" and data["compliant"] is False
    assert data["branch_per_school"]["holds"] is False and data["branch_percent"]["holds"] is False
    check = (
        api_client_for(world.user("board_staff"))
        .get(reverse("funding-application-check", args=[draft.pk]))
        .json()
    )
    assert check["mobile_projection"]["applies"] in ("a", "b")
    text = " ".join(
        pdf_text(
            application_package_pdf(Application.objects.for_document().get(pk=draft.pk))
        ).split()
    )
    assert "Variante (a)" in text and "Variante (b)" in text and "überschritten" in text
    assert "Keine Feststellungen" not in text and "FR-MOBIL-TRAEGER" in text


def test_projection_queries_stay_constant(world, land_setup, programme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    draft = make_app(world.board, programme, world.school, [("mobile", "1000")])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.check_for(draft.pk)
        return len(ctx.captured_queries)

    def add():
        make_app(
            world.board,
            programme,
            world.school,
            [("mobile", "100"), ("lan", "100")],
            ApplicationStatus.SUBMITTED,
        )
        make_app(
            world.board, programme, world.school, [("mobile", "100")], ApplicationStatus.APPROVED
        )

    add()
    before = count()
    for _ in range(4):
        make_app(
            world.board,
            programme,
            world.school,
            [("mobile", "100"), ("lan", "100")],
            ApplicationStatus.SUBMITTED,
        )
        make_app(
            world.board, programme, world.school, [("mobile", "100")], ApplicationStatus.APPROVED
        )
    assert count() == before


def test_reviewer_and_ministry_views_need_no_board_role(world, land_setup, programme, client_for):
    draft = make_app(world.board, programme, world.school, [("mobile", "30000"), ("lan", "1")])
    ministry = user_with_role("reviewer", world.land, "ministry1", authority="ministry")
    body = client_for(ministry).get(draft.get_absolute_url()).content.decode()
    assert 'id="mobile-cap"' in body
