"""Services and workflow: budgets, lines, submission, review, four eyes, decisions, payouts,
proof of use — every bad input gives a clear message and changes nothing."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import StatusChange
from core.tenancy import access_for
from funding import selectors
from funding import services as funding_services
from funding.choices import ApplicationStatus, PayoutStatus, ProofStatus
from funding.models import (
    Application,
    Budget,
    CostLine,
    Decision,
    RuleSet,
)
from schools.models import Membership
from tests.factories import SchoolFactory
from tests.funding.factories import CatalogueItemFactory, CostLineFactory
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
# The code under test runs in its actor's real tenancy scope, as behind a view.
services = as_actor(funding_services)
TODAY = dt.date.today()


def acc(user):
    return access_for(user)


def submit(world, app):
    user = world.user("board_staff")
    return services.application_submit(actor=user, access=acc(user), application=app)


def forward(world, app):
    user = world.user("reviewer")
    return services.application_forward(actor=user, access=acc(user), application=app)


def approve(app, reviewer2, **kw):
    return services.decision_make(
        actor=reviewer2,
        access=acc(reviewer2),
        application=app,
        kind=kw.pop("kind", "full"),
        date=TODAY,
        **kw,
    )


# --- budgets -----------------------------------------------------------------------
def test_budget_computed_per_pupil(world, programme):
    world.school.pupils = 500
    world.school.save()
    SchoolFactory(school_board=world.board, pupils=250)
    budget = services.budget_compute(
        actor=world.user("board_admin"), board=world.board, programme=programme
    )
    assert budget.amount == D("380250.00")  # 750 × 507
    assert budget.pupils == 750 and not budget.is_manual


def test_budget_by_hand_needs_reason(world, programme):
    with pytest.raises(ValidationError) as exc:
        services.budget_set_manual(
            actor=world.user("board_admin"),
            board=world.board,
            programme=programme,
            amount=D("7200000"),
            reason="",
        )
    assert "reason" in exc.value.message_dict
    assert not Budget.objects.exists()
    budget = services.budget_set_manual(
        actor=world.user("board_admin"),
        board=world.board,
        programme=programme,
        amount=D("7200000"),
        reason="Zuweisung laut Erlass",
    )
    assert budget.is_manual and budget.amount == D("7200000")


def test_budget_shares_stay_within_budget(world, budget):
    user = world.user("board_admin")
    services.budget_share_set(
        actor=user, budget=budget, school=world.school, amount=D("1000000.00")
    )
    other = SchoolFactory(school_board=world.board)
    with pytest.raises(ValidationError):
        services.budget_share_set(actor=user, budget=budget, school=other, amount=D("0.01"))
    with pytest.raises(ValidationError):
        services.budget_share_set(
            actor=user, budget=budget, school=world.other_school, amount=D("1")
        )
    assert selectors.budget_status(budget).unsplit == 0


# --- rule sets are versioned -------------------------------------------------------
def test_ruleset_edit_is_a_new_version_and_applications_keep_theirs(world, draft):
    old = draft.ruleset
    new = services.ruleset_revise(
        actor=world.user("board_admin"),
        ruleset=old,
        data={"application_deadline": dt.date(2031, 6, 30), "change_note": "Fristverlängerung"},
    )
    assert new.number == old.number + 1
    assert new.deadline_history[-1]["to"] == "2031-06-30"
    assert RuleSet.objects.get(pk=old.pk).application_deadline == old.application_deadline
    draft.refresh_from_db()
    assert draft.ruleset_id == old.pk
    # a revision is a draft version: it applies only once published (tests/funding/
    # test_ruleset_versions.py walks publication, dates and migration)
    assert new.status == "draft"
    assert draft.programme.current_ruleset() == old


# --- lines -------------------------------------------------------------------------
def test_line_for_school_of_another_board_is_refused(world, draft):
    before = CostLine.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.costline_save(
            actor=world.user("board_staff"),
            application=draft,
            data={
                "school": world.other_school,
                "category": "wlan",
                "description": "AP",
                "quantity": D("1"),
                "unit_price_net": D("100"),
                "vat_rate": D("19"),
            },
        )
    assert "school" in exc.value.message_dict
    assert CostLine.objects.count() == before


@pytest.mark.parametrize(
    "field,value",
    [
        ("quantity", D("-1")),
        ("unit_price_net", D("1.005")),
        ("unit_price_net", D("-5")),
        ("quantity", D("0")),
    ],
)
def test_bad_amounts_are_refused(world, draft, field, value):
    data = {
        "school": world.school,
        "category": "wlan",
        "description": "AP",
        "quantity": D("1"),
        "unit_price_net": D("100"),
        "vat_rate": D("19"),
        field: value,
    }
    before = CostLine.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.costline_save(actor=world.user("board_staff"), application=draft, data=data)
    assert field in exc.value.message_dict
    assert CostLine.objects.count() == before


def test_catalogue_item_fills_the_line(world, draft):
    item = CatalogueItemFactory()
    line = services.costline_save(
        actor=world.user("board_staff"),
        application=draft,
        data={
            "school": world.school,
            "catalogue_item": item,
            "quantity": D("30"),
            "procurement_route": "framework",
        },
    )
    assert (line.category, line.unit_price_net, line.description) == (
        "mobile",
        D("336.13"),
        item.name,
    )
    assert line.position == 3


def test_line_edit_conflict(world, draft):
    line = draft.lines.get(position=1)
    services.costline_save(
        actor=world.user("board_staff"),
        application=draft,
        line=line,
        data={"quantity": D("11")},
        expected_version=line.version,
    )
    with pytest.raises(services.EditConflict):
        services.costline_save(
            actor=world.user("board_admin"),
            application=draft,
            line=line,
            data={"quantity": D("99")},
            expected_version=line.version,
        )
    assert CostLine.objects.get(pk=line.pk).quantity == D("11")


def test_application_edit_conflict(world, draft):
    v = draft.version
    services.application_update(
        actor=world.user("board_staff"),
        application=draft,
        data={"title": "Erste"},
        expected_version=v,
    )
    with pytest.raises(services.EditConflict):
        services.application_update(
            actor=world.user("board_admin"),
            application=draft,
            data={"title": "Zweite"},
            expected_version=v,
        )
    assert Application.objects.get(pk=draft.pk).title == "Erste"


# --- submission ---------------------------------------------------------------------
def test_submission_blocked_while_errors_remain(world, draft):
    CostLineFactory(
        application=draft,
        school=world.school,
        position=3,
        category="mobile",
        description="Smartphone für Lehrkräfte",
        quantity=D("1"),
    )
    with pytest.raises(ValidationError) as exc:
        submit(world, draft)
    assert any("Smartphone" in m for m in exc.value.messages)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert not StatusChange.objects.filter(action="submit").exists()


def test_accompanying_without_investment_blocks(world, draft):
    draft.lines.all().delete()
    CostLineFactory(
        application=draft,
        school=world.school,
        position=1,
        category="accompanying",
        description="Installation",
    )
    with pytest.raises(ValidationError) as exc:
        submit(world, draft)
    assert any("Begleitmaßnahmen" in m for m in exc.value.messages)


def test_submission_after_deadline_is_refused(world, draft):
    RuleSet.objects.filter(pk=draft.ruleset_id).update(
        application_deadline=TODAY - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as exc:
        submit(world, draft)
    assert any("Antragsfrist" in m for m in exc.value.messages)
    RuleSet.objects.filter(pk=draft.ruleset_id).update(application_deadline=TODAY)
    assert submit(world, draft).status == ApplicationStatus.SUBMITTED  # on the day: fine


def test_double_submission_impossible(world, draft):
    submit(world, draft)
    with pytest.raises(ValidationError):
        submit(world, Application.objects.get(pk=draft.pk))
    assert StatusChange.objects.filter(application=draft, action="submit").count() == 1


def test_submitted_application_is_frozen(world, draft):
    submit(world, draft)
    with pytest.raises(ValidationError):
        services.costline_save(
            actor=world.user("board_staff"),
            application=draft,
            data={"quantity": D("2")},
            line=draft.lines.first(),
        )


def test_school_staff_cannot_submit(world, draft):
    user = world.user("school_staff")
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=user, access=acc(user), application=draft)


# --- review: changes, resubmission diff, four eyes, decisions ------------------------
def test_request_changes_and_resubmit_shows_diff(world, draft):
    submit(world, draft)
    reviewer = world.user("reviewer")
    with pytest.raises(ValidationError):
        services.application_request_changes(
            actor=reviewer, access=acc(reviewer), application=draft, reason="", deadline=TODAY
        )
    services.application_request_changes(
        actor=reviewer,
        access=acc(reviewer),
        application=draft,
        reason="Begründung fehlt",
        deadline=TODAY + dt.timedelta(days=14),
    )
    line = draft.lines.get(position=2)
    services.costline_save(
        actor=world.user("board_staff"), application=draft, line=line, data={"quantity": D("15")}
    )
    submit(world, Application.objects.get(pk=draft.pk))
    diff = selectors.application_diff(Application.objects.for_check().get(pk=draft.pk))
    assert diff["changed"]["2"]["Menge"] == ("20.00", "15.00")


def test_four_eyes(world, draft, reviewer2):
    submit(world, draft)
    forward(world, draft)
    reviewer = world.user("reviewer")
    with pytest.raises(PermissionDenied):  # LISA checks content, it does not decide
        approve(draft, reviewer)
    # the same person, moved to the approving authority, still may not approve it
    Membership.objects.filter(user=reviewer, role="reviewer").update(authority="approval")
    with pytest.raises(ValidationError) as exc:
        approve(draft, reviewer)
    assert "Vier-Augen" in exc.value.messages[0]
    assert not Decision.objects.exists()
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.FORWARDED
    decision = approve(draft, reviewer2)
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.APPROVED
    result = selectors.check_for(draft.pk)
    assert decision.approved_amount == result.totals.funding
    assert decision.eligible_amount == result.totals.eligible


def test_cannot_decide_without_content_check(world, draft, reviewer2):
    submit(world, draft)
    with pytest.raises(ValidationError):
        approve(draft, reviewer2)


def test_double_approval_impossible(world, draft, reviewer2):
    submit(world, draft)
    forward(world, draft)
    approve(draft, reviewer2)
    with pytest.raises(ValidationError):
        approve(Application.objects.get(pk=draft.pk), reviewer2)
    assert Decision.objects.count() == 1


def test_partial_approval_per_line(world, draft, reviewer2):
    submit(world, draft)
    forward(world, draft)
    first, second = draft.lines.order_by("position")
    decision = approve(
        draft,
        reviewer2,
        kind="partial",
        line_amounts={first.pk: first.amounts.gross, second.pk: D("1000.00")},
        reason="Zweite Position nur anteilig förderfähig.",
    )
    assert decision.kind == "partial"
    assert decision.eligible_amount == first.amounts.gross + D("1000.00")
    assert decision.approved_amount == (decision.eligible_amount * D("0.9")).quantize(D("0.01"))
    assert CostLine.objects.get(pk=second.pk).approved_amount == D("1000.00")


def test_partial_amount_above_line_is_refused(world, draft, reviewer2):
    submit(world, draft)
    forward(world, draft)
    first = draft.lines.order_by("position").first()
    with pytest.raises(ValidationError):
        approve(
            draft,
            reviewer2,
            kind="partial",
            line_amounts={first.pk: first.amounts.gross + D("0.01")},
            reason="Teilweise",
        )
    assert not Decision.objects.exists()


@pytest.mark.parametrize("kind", ["partial", "rejection"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_partial_approval_or_rejection_without_justification_is_refused(
    world, draft, reviewer2, kind, reason
):
    submit(world, draft)
    forward(world, draft)
    first = draft.lines.order_by("position").first()
    with pytest.raises(ValidationError) as exc:
        approve(draft, reviewer2, kind=kind, line_amounts={first.pk: D("1.00")}, reason=reason)
    assert "reason" in exc.value.message_dict
    assert not Decision.objects.exists()
    assert approve(draft, reviewer2, kind=kind, line_amounts={first.pk: D("1.00")}, reason="Weil")


def test_decision_above_budget_is_refused(world, draft, reviewer2, budget):
    submit(world, draft)
    forward(world, draft)
    Budget.objects.filter(pk=budget.pk).update(amount=D("100.00"))
    with pytest.raises(ValidationError) as exc:
        approve(draft, reviewer2)
    assert "Budget" in exc.value.messages[0]
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.FORWARDED


def test_reviewer_of_another_land_cannot_act(world, draft):
    from tests.factories import LandFactory, user_with_role

    outsider = user_with_role("reviewer", LandFactory(code="SH", name="Schleswig-Holstein"))
    submit(world, draft)
    # outside the outsider's scope the application does not exist for them (a view: 404)
    with pytest.raises(Application.DoesNotExist):
        services.application_forward(actor=outsider, access=acc(outsider), application=draft)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


# --- after approval ------------------------------------------------------------------
@pytest.fixture
def approved(world, draft, reviewer2):
    submit(world, draft)
    forward(world, draft)
    approve(draft, reviewer2)
    return Application.objects.get(pk=draft.pk)


def test_change_request_amends_decision(world, approved, reviewer2):
    staff = world.user("board_staff")
    cr = services.change_request_create(
        actor=staff, access=acc(staff), application=approved, reason="Weniger Tablets"
    )
    with pytest.raises(ValidationError):
        services.change_request_create(
            actor=staff, access=acc(staff), application=approved, reason="Noch einer"
        )
    tablets = cr.lines.get(position=2)
    services.change_line_save(
        actor=staff, change_request=cr, line=tablets, data={"quantity": D("10")}
    )
    services.change_request_submit(actor=staff, access=acc(staff), change_request=cr)
    services.change_request_decide(
        actor=reviewer2, access=acc(reviewer2), change_request=cr, approve=True, date=TODAY
    )
    latest = selectors.latest_decisions([approved.pk])[approved.pk]
    # 3,570.00 (WLAN) + 10 × 336.13 × 1.19 = 3,999.95 → eligible 7,569.95, grant 90 % down
    assert latest.kind == "amendment" and latest.eligible_amount == D("7569.95")
    assert latest.approved_amount == D("6812.95")
    assert latest.supersedes is not None


def test_invoices_and_payout_request(world, approved, reviewer2):
    staff = world.user("board_staff")
    line = approved.lines.get(position=1)
    invoice = services.invoice_create(
        actor=staff,
        application=approved,
        data={
            "cost_line": line,
            "number": "R-1",
            "date": TODAY,
            "supplier": "Netz GmbH",
            "amount": D("3570.00"),
            "paid_on": TODAY,
        },
    )
    payout = services.payout_create(actor=staff, application=approved, invoices=[invoice])
    assert payout.requested_amount == D("3213.00")  # 3,570 × 90 %
    with pytest.raises(ValidationError):  # an invoice is used once
        services.payout_create(actor=staff, application=approved, invoices=[invoice])
    services.payout_transition(actor=staff, access=acc(staff), payout=payout, to="submitted")
    with pytest.raises(PermissionDenied):  # the board does not pay itself
        services.payout_transition(actor=staff, access=acc(staff), payout=payout, to="paid")
    services.payout_transition(actor=reviewer2, access=acc(reviewer2), payout=payout, to="paid")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert selectors.budget_status(Budget.objects.get()).paid == D("3213.00")


def test_payout_counts_a_line_only_up_to_its_approval_plus_tolerance(world, approved):
    staff = world.user("board_staff")
    line = approved.lines.get(position=1)
    invoice = services.invoice_create(
        actor=staff,
        application=approved,
        data={
            "cost_line": line,
            "number": "R-9",
            "date": TODAY,
            "supplier": "X",
            "amount": D("99999.00"),
        },
    )
    line.refresh_from_db()
    payout = services.payout_create(actor=staff, application=approved, invoices=[invoice])
    counted = (line.approved_amount * D("1.20")).quantize(D("0.01"))
    assert payout.invoiced_amount == D("99999.00")
    assert payout.requested_amount == (counted * D("0.9")).quantize(D("0.01"), "ROUND_DOWN")
    # never more than the grant
    decision_total = approved.decisions.get().approved_amount
    assert payout.requested_amount <= decision_total


def test_proof_of_use_flow(world, approved, reviewer2):
    staff = world.user("board_staff")
    for line in approved.lines.all():
        services.invoice_create(
            actor=staff,
            application=approved,
            data={
                "cost_line": line,
                "number": f"R-{line.position}",
                "date": TODAY,
                "supplier": "Lieferant",
                "amount": line.amounts.gross,
                "paid_on": TODAY,
            },
        )
    proof = services.proof_start(actor=staff, access=acc(staff), application=approved)
    assert "Tablet" in approved.schools.get().report_measures
    services.proof_submit(actor=staff, access=acc(staff), proof=proof)
    with pytest.raises(ValidationError):
        services.proof_check(
            actor=reviewer2, access=acc(reviewer2), proof=proof, outcome="repayment"
        )
    services.proof_check(actor=reviewer2, access=acc(reviewer2), proof=proof, outcome="closed")
    proof.refresh_from_db()
    assert proof.status == ProofStatus.CLOSED
    assert Application.objects.get(pk=approved.pk).status == ApplicationStatus.CLOSED


def test_proof_blocked_when_line_exceeds_tolerance(world, approved):
    staff = world.user("board_staff")
    line = approved.lines.get(position=1)
    services.invoice_create(
        actor=staff,
        application=approved,
        data={
            "cost_line": line,
            "number": "R-X",
            "date": TODAY,
            "supplier": "Lieferant",
            "amount": (line.amounts.gross * D("1.2") + D("0.01")).quantize(D("0.01")),
        },
    )
    proof = services.proof_start(actor=staff, access=acc(staff), application=approved)
    with pytest.raises(ValidationError) as exc:
        services.proof_submit(actor=staff, access=acc(staff), proof=proof)
    assert any("20 %" in m for m in exc.value.messages)


# --- TPEK ----------------------------------------------------------------------------
def test_tpek_request_and_school_delivers(world, draft):
    entry = draft.schools.get()
    services.tpek_request(
        actor=world.user("board_staff"), app_school=entry, deadline=TODAY + dt.timedelta(days=7)
    )
    with pytest.raises(ValidationError):
        services.tpek_request(
            actor=world.user("board_staff"), app_school=entry, deadline=TODAY - dt.timedelta(days=1)
        )
    services.tpek_submit(actor=world.user("school_staff"), app_school=entry)
    entry.refresh_from_db()
    assert entry.tpek_status == "submitted"


# --- catalogue import --------------------------------------------------------------------
def test_catalogue_import_all_or_nothing(world):
    rows = [
        {
            "contract_reference": "RV-1",
            "item_number": "1",
            "name": "Tablet",
            "category": "mobile",
            "unit_price_net": "336,13",
            "vat_rate": "19",
        },
        {
            "contract_reference": "RV-1",
            "item_number": "2",
            "name": "AP",
            "category": "nonsense",
            "unit_price_net": "250",
            "vat_rate": "19",
        },
    ]
    with pytest.raises(ValidationError) as exc:
        services.catalogue_import(actor=world.user("board_admin"), rows=rows)
    assert exc.value.messages[0].startswith("Zeile 3")
    from funding.models import CatalogueItem

    assert not CatalogueItem.objects.exists()
    rows[1]["category"] = "wlan"
    assert services.catalogue_import(actor=world.user("board_admin"), rows=rows) == (2, 0)
    assert CatalogueItem.objects.get(item_number="1").unit_price_net == D("336.13")
