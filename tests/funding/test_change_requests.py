"""Change requests carry an amended cost plan (issue 11 point 4): lines added, changed and
removed like the original plan, every rule on the amended plan, the grant computed from
its lines, the old version kept, the amendment notice old against new per line."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from core.pdf import pdf_text
from core.tenancy import access_for
from funding import selectors
from funding import services as funding_services
from funding.documents import decision_context, decision_pdf
from funding.models import (
    Budget,
    ChangeRequest,
    ChangeRequestLine,
    CostLine,
    CostPlanVersion,
    Decision,
    Invoice,
)
from tests.factories import SchoolFactory, user_with_role
from tests.funding.helpers import approved_application
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
services = as_actor(funding_services)
TODAY = dt.date.today()


def acc(user):
    return access_for(user)


@pytest.fixture
def approver(world):
    return user_with_role("reviewer", world.land, "lvwa_approver", authority="approval")


@pytest.fixture
def app_a(world, programme):
    return approved_application(programme, world.board, world.school)


def start(world, app, reason="Neue Geräte statt Display"):
    staff = world.user("board_staff")
    return services.change_request_create(
        actor=staff, access=acc(staff), application=app, reason=reason
    )


def line_at(cr, position):
    return ChangeRequestLine.objects.get(change_request=cr, position=position)


def amend_standard(world, cr):
    """WLAN 10 → 12, display removed, three laptops added."""
    staff = world.user("board_staff")
    services.change_line_save(
        actor=staff, change_request=cr, line=line_at(cr, 1), data={"quantity": D("12")}
    )
    services.change_line_remove(actor=staff, line=line_at(cr, 3))
    return services.change_line_save(
        actor=staff,
        change_request=cr,
        data={
            "school": world.school,
            "category": "work_device",
            "description": "Laptop für Lehrkräfte",
            "quantity": D("3"),
            "unit_price_net": D("700.00"),
            "vat_rate": D("19"),
            "procurement_route": "direct",
            "justification": "Unterrichtsvorbereitung",
        },
    )


def submit(world, cr):
    staff = world.user("board_staff")
    return services.change_request_submit(actor=staff, access=acc(staff), change_request=cr)


def decide(cr, approver, approve=True):
    return services.change_request_decide(
        actor=approver, access=acc(approver), change_request=cr, approve=approve, date=TODAY
    )


# --- the amended plan: add, change, remove ---------------------------------------------
def test_amended_plan_adds_changes_removes_and_computes_the_grant_from_its_lines(
    world, app_a, approver
):
    cr = start(world, app_a)
    assert cr.status == "draft"
    assert [ln.position for ln in cr.lines.order_by("position")] == [1, 2, 3]  # a copy
    added = amend_standard(world, cr)
    assert added.position == 4
    rows = {r["position"]: r for r in selectors.amendment_line_changes(cr)}
    assert [rows[p]["status"] for p in (1, 2, 3, 4)] == ["changed", "unchanged", "removed", "added"]
    assert rows[1]["old_amount"] == D("3570.00") and rows[1]["new_amount"] == D("4284.00")
    assert rows[3]["new_amount"] is None and rows[3]["difference"] == D("-2380.00")
    assert rows[4]["old_amount"] is None and rows[4]["new_amount"] == D("2499.00")

    cr = submit(world, cr)
    # Σ lines 4,284.00 + 7,999.89 + 2,499.00; grant 90 % rounded down (13,304.601)
    assert cr.status == "open" and cr.eligible_amount == D("14782.89")
    assert cr.requested_amount == D("13304.60")
    # the current plan is untouched until the Land approves
    assert CostLine.objects.filter(application=app_a).count() == 3

    cr = decide(cr, approver)
    decision = Decision.objects.get(pk=cr.decision_id)
    assert decision.kind == "amendment" and decision.supersedes is not None
    assert decision.eligible_amount == D("14782.89")  # Σ lines, not grant ÷ rate
    assert decision.approved_amount == D("13304.60")
    assert decision.approved_amount / decision.rate != decision.eligible_amount
    current = {ln.position: ln for ln in CostLine.objects.filter(application=app_a)}
    assert sorted(current) == [1, 2, 4]
    assert current[1].quantity == D("12") and current[1].approved_amount == D("4284.00")
    assert current[4].description == "Laptop für Lehrkräfte"
    assert current[4].approved_amount == D("2499.00")
    assert current[2].approved_amount == D("7999.89")
    # the old version is kept, the new one recorded with its change request
    versions = list(CostPlanVersion.objects.filter(application=app_a).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert [ln["position"] for ln in versions[0].lines] == [1, 2, 3]
    assert versions[1].change_request_id == cr.pk and versions[1].decision_id == decision.pk
    assert versions[1].approved_amount == D("13304.60")
    # history of the decided request: old against new from the kept versions
    after = {r["position"]: r for r in selectors.amendment_line_changes(cr)}
    assert after[3]["status"] == "removed" and after[4]["status"] == "added"
    assert after[1]["difference"] == D("714.00")


def test_amendment_notice_prints_old_and_new_per_line(world, app_a, approver):
    cr = start(world, app_a)
    amend_standard(world, cr)
    cr = decide(submit(world, cr), approver)
    decision = Decision.objects.get(pk=cr.decision_id)
    ctx = decision_context(decision)
    by_position = {r["position"]: r for r in ctx["amendment_lines"]}
    assert by_position[1]["old_quantity"] == D("10") and by_position[1]["new_quantity"] == D("12")
    text = pdf_text(decision_pdf(decision))
    assert "Änderungen je Position" in text
    assert "4.284,00" in text and "3.570,00" in text and "Laptop für Lehrkräfte" in text
    # a first notice has no such table
    first = Decision.objects.get(application=app_a, kind="full")
    assert decision_context(first)["amendment_lines"] is None


# --- the rules run on the amended plan ------------------------------------------------
def test_rule_violation_refuses_submission_with_a_clear_message(world, app_a):
    cr = start(world, app_a)
    staff = world.user("board_staff")
    # 40 × 300 = 12,000 net by direct award: above the 10,000 direct-purchase limit
    services.change_line_save(
        actor=staff, change_request=cr, line=line_at(cr, 1), data={"quantity": D("40")}
    )
    with pytest.raises(ValidationError) as exc:
        submit(world, cr)
    messages = exc.value.messages
    assert messages[0] == _("The change request cannot be submitted while errors remain:")
    assert any("10.000,00" in m and "12.000,00" in m for m in messages), messages
    assert ChangeRequest.objects.get(pk=cr.pk).status == "draft"


def test_rule_violation_at_approval_refuses_it_and_changes_nothing(world, app_a, approver):
    cr = submit(world, amend_and_return(world, start(world, app_a)))
    # the amended plan breaks a rule by the time the Land decides (stricter limit)
    app_a.ruleset.__class__.objects.filter(pk=app_a.ruleset_id).update(
        direct_purchase_limit=D("2000")
    )
    with pytest.raises(ValidationError) as exc:
        decide(cr, approver)
    assert exc.value.messages[0] == _(
        "The amended cost plan breaks the rules; the change cannot be approved:"
    )
    assert any("2.000,00" in m for m in exc.value.messages[1:]), exc.value.messages
    cr.refresh_from_db()
    assert cr.status == "open" and cr.decision_id is None
    assert not Decision.objects.filter(application=app_a, kind="amendment").exists()
    assert CostLine.objects.filter(application=app_a).count() == 3
    assert not CostPlanVersion.objects.exists()


def amend_and_return(world, cr):
    amend_standard(world, cr)
    return cr


def test_an_unchanged_plan_cannot_be_submitted(world, app_a):
    cr = start(world, app_a)
    with pytest.raises(ValidationError) as exc:
        submit(world, cr)
    assert exc.value.messages == [_("The change request does not change any line yet.")]


def test_grant_is_capped_by_the_remaining_budget(world, programme, approver):
    app = approved_application(programme, world.board, world.school, budget=D("13000.00"))
    cr = start(world, app)
    amend_standard(world, cr)
    result, grant, _rows = selectors.amended_plan_check(cr)
    assert grant.computed == D("13304.60") and grant.grant == D("13000.00") and grant.capped
    assert grant.own_share == D("1782.89")
    assert [f.code for f in result.findings if f.code.startswith("FR-BUDGET")] == [
        "FR-BUDGET-GEKAPPT"
    ]
    cr = decide(submit(world, cr), approver)
    assert Decision.objects.get(pk=cr.decision_id).approved_amount == D("13000.00")
    # a budget one cent higher than the computed grant does not cap
    Budget.objects.filter(school_board=world.board).update(amount=D("13304.61"))
    assert not selectors.amended_plan_check(cr)[1].capped


# --- who may do what ------------------------------------------------------------------
def test_only_the_board_edits_and_only_while_preparing(world, app_a, approver):
    cr = start(world, app_a)
    with pytest.raises(PermissionDenied):
        services.change_request_submit(
            actor=world.user("reviewer"), access=acc(world.user("reviewer")), change_request=cr
        )
    amend_standard(world, cr)
    submit(world, cr)
    with pytest.raises(ValidationError) as exc:
        services.change_line_save(
            actor=world.user("board_staff"),
            change_request=cr,
            line=line_at(cr, 2),
            data={"quantity": D("1")},
        )
    assert exc.value.messages == [_("A submitted change request can no longer be changed.")]
    with pytest.raises(ValidationError):  # one change request at a time
        start(world, app_a)
    # the board cannot decide its own change request
    staff = world.user("board_staff")
    with pytest.raises(PermissionDenied):
        services.change_request_decide(
            actor=staff, access=acc(staff), change_request=cr, approve=True, date=TODAY
        )


def test_a_line_with_invoices_cannot_be_removed(world, app_a):
    line = CostLine.objects.get(application=app_a, position=3)
    Invoice.objects.create(
        application=app_a,
        school_board=world.board,
        cost_line=line,
        number="R-1",
        date=TODAY,
        supplier="Lieferant",
        amount=D("100.00"),
    )
    cr = start(world, app_a)
    with pytest.raises(ValidationError) as exc:
        services.change_line_remove(actor=world.user("board_staff"), line=line_at(cr, 3))
    assert exc.value.messages[0] == _(
        "Line %(pos)s already has invoices or devices; it can be reduced but not removed."
    ) % {"pos": 3}
    assert not line_at(cr, 3).removed


def test_a_new_school_needs_its_own_application(world, app_a):
    cr = start(world, app_a)
    other = SchoolFactory(school_board=world.board)
    with pytest.raises(ValidationError) as exc:
        services.change_line_save(
            actor=world.user("board_staff"),
            change_request=cr,
            data={
                "school": other,
                "category": "wlan",
                "description": "AP",
                "quantity": D("1"),
                "unit_price_net": D("100"),
            },
        )
    assert "school" in exc.value.message_dict
    assert ChangeRequestLine.objects.filter(change_request=cr).count() == 3


def test_three_boards_amend_in_the_same_year(world, programme):
    third = SchoolFactory(school_board__land=world.land).school_board
    approvers = user_with_role("reviewer", world.land, "lvwa_2", authority="approval")
    numbers = []
    for board in (world.board, world.other_board, third):
        school = world.school if board == world.board else SchoolFactory(school_board=board)
        app = approved_application(programme, board, school)
        admin = user_with_role("board_admin", board)
        cr = services.change_request_create(
            actor=admin, access=acc(admin), application=app, reason="Mehr WLAN"
        )
        services.change_line_save(
            actor=admin,
            change_request=cr,
            line=ChangeRequestLine.objects.get(change_request=cr, position=1),
            data={"quantity": D("11")},
        )
        services.change_request_submit(actor=admin, access=acc(admin), change_request=cr)
        cr = decide(cr, approvers)
        decision = Decision.objects.get(pk=cr.decision_id)
        # 3,927.00 + 7,999.89 + 2,380.00 = 14,306.89 → 12,876.20 (90 %, down)
        assert decision.eligible_amount == D("14306.89")
        assert decision.approved_amount == D("12876.20")
        numbers.append(decision.number)
    assert len(set(numbers)) == 3


def test_payout_uses_the_current_version(world, app_a, approver):
    cr = start(world, app_a)
    staff = world.user("board_staff")
    services.change_line_save(
        actor=staff, change_request=cr, line=line_at(cr, 1), data={"quantity": D("5")}
    )
    decide(submit(world, cr), approver)
    line = CostLine.objects.get(application=app_a, position=1)
    assert line.approved_amount == D("1785.00")
    invoice = services.invoice_create(
        actor=staff,
        application=app_a,
        data={
            "cost_line": line,
            "number": "R-7",
            "date": TODAY,
            "supplier": "Netz GmbH",
            "amount": D("2500.00"),
        },
    )
    payout = services.payout_create(actor=staff, application=app_a, invoices=[invoice])
    # counted up to 1,785.00 + 20 % = 2,142.00 → 90 % = 1,927.80
    assert payout.requested_amount == D("1927.80")


# --- pages and API -----------------------------------------------------------------------
def test_change_request_pages(world, app_a, approver, client_for):
    board = client_for(world.user("board_staff"))
    response = board.post(
        reverse("funding:change-request-create", args=[app_a.pk]), {"reason": "Mehr WLAN"}
    )
    cr = ChangeRequest.objects.get(application=app_a)
    assert response.status_code == 302 and response["Location"] == cr.get_absolute_url()
    line = line_at(cr, 1)
    response = board.post(
        reverse("funding:change-line-update", args=[line.pk]),
        {
            "school": world.school.pk,
            "category": "wlan",
            "description": "Access Point",
            "quantity": "12",
            "unit_price_net": "300.00",
            "vat_rate": "19",
            "procurement_route": "direct",
            "version": line.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = board.get(cr.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200 and "4.284,00" in body and "3.570,00" in body
    board.post(reverse("funding:change-request-submit", args=[cr.pk]))
    assert ChangeRequest.objects.get(pk=cr.pk).status == "open"
    # the approver sees the amendment notice's file reference before issuing it
    form = client_for(approver).get(reverse("funding:change-request-decide", args=[cr.pk]))
    upcoming = funding_services.preview_notice_number(world.land, TODAY.year)
    assert 'id="next-notice-number"' in form.content.decode() and upcoming in form.content.decode()
    decide_page = client_for(approver).post(
        reverse("funding:change-request-decide", args=[cr.pk]),
        {"approve": "yes", "date": TODAY.isoformat(), "reason": "Begründet"},
    )
    assert decide_page.status_code == 302
    assert ChangeRequest.objects.get(pk=cr.pk).status == "approved"
    assert Decision.objects.get(application=app_a, kind="amendment").number == upcoming
    detail = board.get(app_a.get_absolute_url()).content.decode()
    assert "Fassung" in detail or "version" in detail


def test_api_amended_plan_check(world, app_a, api_client_for):
    cr = start(world, app_a)
    amend_standard(world, cr)
    response = api_client_for(world.user("board_staff")).get(
        reverse("funding-changerequest-check", args=[cr.pk])
    )
    assert response.status_code == 200
    assert response.data["eligible"] == "14782.89" and response.data["grant"] == "13304.60"
    statuses = {r["position"]: r["status"] for r in response.data["lines"]}
    assert statuses == {1: "changed", 2: "unchanged", 3: "removed", 4: "added"}
    foreign = api_client_for(world.user("other_board_admin")).get(
        reverse("funding-changerequest-check", args=[cr.pk])
    )
    assert foreign.status_code == 404


def test_change_request_page_queries_do_not_grow_with_lines(world, app_a, client_for):
    from tests.querycount import assert_constant_queries

    cr = start(world, app_a)
    staff = world.user("board_staff")
    client = client_for(staff)

    def add_rows(n):
        for _i in range(n):
            services.change_line_save(
                actor=staff,
                change_request=cr,
                data={
                    "school": world.school,
                    "category": "wlan",
                    "description": "Access Point",
                    "quantity": D("1"),
                    "unit_price_net": D("300.00"),
                },
            )

    assert_constant_queries(lambda: client.get(cr.get_absolute_url()), add_rows)
