"""Every board-owned funding model in the isolation matrix."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from core import workflow as engine
from funding.models import (
    Budget,
    BudgetShare,
    ChangeRequest,
    ChangeRequestLine,
    CostPlanVersion,
    Decision,
    FindingOverride,
    Invoice,
    PayoutRequest,
    ProofOfUse,
    ReviewComment,
)
from tests.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    CostLineFactory,
    ProgrammeFactory,
    RuleSetFactory,
    complete_school,
)
from tests.isolation import IsolationCase


def _board(world, side):
    return world.board if side == "own" else world.other_board


def _school(world, side):
    return world.school if side == "own" else world.other_school


def _programme(world):
    programme = ProgrammeFactory(land=world.land)
    RuleSetFactory(programme=programme)
    return programme


def make_application(world, side, marker, status="draft"):
    programme = _programme(world)
    app = ApplicationFactory(
        school_board=_board(world, side),
        programme=programme,
        ruleset=programme.current_ruleset(),
        title=f"Antrag {marker}",
        status=status,
    )
    return app


def make_line(world, side, marker):
    app = make_application(world, side, f"L{marker}")
    return CostLineFactory(
        application=app, school=_school(world, side), description=f"Position {marker}"
    )


def make_app_school(world, side, marker):
    app = make_application(world, side, f"S{marker}")
    return complete_school(app, _school(world, side), planned_equipment=f"Plan {marker}")


def make_budget(world, side, marker):
    budget = Budget.objects.create(
        school_board=_board(world, side),
        programme=_programme(world),
        amount=Decimal("1000"),
        is_manual=True,
        reason=marker,
    )
    return budget


def make_share(world, side, marker):
    budget = make_budget(world, side, marker)
    return BudgetShare.objects.create(
        budget=budget,
        school=_school(world, side),
        school_board=budget.school_board,
        amount=Decimal("10"),
    )


def _approved(world, side, marker):
    app = make_application(world, side, marker, status="approved")
    line = CostLineFactory(
        application=app, school=_school(world, side), description=f"Position {marker}"
    )
    return app, line


def _user():
    return UserFactory()


def make_decision(world, side, marker):
    app, _line = _approved(world, side, marker)
    return Decision.objects.create(
        application=app,
        school_board=app.school_board,
        kind="full",
        number=f"ZB-{marker}",
        date=dt.date(2026, 3, 1),
        approved_amount=Decimal("100"),
        eligible_amount=Decimal("111"),
        rate=Decimal("0.9"),
        decided_by=_user(),
        conditions=marker,
    )


def make_event(world, side, marker):
    app = make_application(world, side, marker)
    return engine.record(app, actor=None, action="create", reason=marker)


def make_comment(world, side, marker):
    app = make_application(world, side, f"C{marker}")
    return ReviewComment.objects.create(
        application=app, school_board=app.school_board, author=_user(), text=f"Anmerkung {marker}"
    )


def make_override(world, side, marker):
    app = make_application(world, side, f"O{marker}")
    line = CostLineFactory(
        application=app, school=_school(world, side), category="mobile", description="Diensthandy"
    )
    return FindingOverride.objects.create(
        application=app,
        school_board=app.school_board,
        code="FR-SMARTPHONE",
        line_ref=line.ref,
        line_text=line.description,
        reason=f"Übersteuert {marker}",
        decided_by=_user(),
    )


def make_change(world, side, marker):
    app, _line = _approved(world, side, f"X{marker}")
    return ChangeRequest.objects.create(
        application=app,
        school_board=app.school_board,
        reason=f"Änderung {marker}",
        requested_amount=Decimal("1"),
    )


def make_change_line(world, side, marker):
    cr = make_change(world, side, f"CL{marker}")
    complete_school(cr.application, _school(world, side))
    return ChangeRequestLine.objects.create(
        change_request=cr,
        school_board=cr.school_board,
        position=2,
        school=_school(world, side),
        category="wlan",
        description=f"Geänderte Position {marker}",
        quantity=Decimal("2"),
        unit_price_net=Decimal("100"),
    )


def make_plan_version(world, side, marker):
    app, line = _approved(world, side, f"V{marker}")
    return CostPlanVersion.objects.create(
        application=app,
        school_board=app.school_board,
        number=1,
        lines=[{"line_id": line.pk, "position": 1, "description": f"Fassung {marker}"}],
    )


def make_payout(world, side, marker):
    app, _line = _approved(world, side, marker)
    return PayoutRequest.objects.create(application=app, school_board=app.school_board, number=1)


def make_invoice(world, side, marker):
    app, line = _approved(world, side, f"I{marker}")
    return Invoice.objects.create(
        application=app,
        school_board=app.school_board,
        cost_line=line,
        number=f"R-{marker}",
        date=dt.date(2026, 3, 1),
        supplier=f"Lieferant {marker}",
        amount=Decimal("10"),
    )


def make_proof(world, side, marker):
    app, _line = _approved(world, side, marker)
    return ProofOfUse.objects.create(
        application=app, school_board=app.school_board, summary=f"Bericht {marker}"
    )


BOARD_READERS = ("board_admin", "board_staff", "consultant", "reviewer")

CASES = [
    IsolationCase(
        name="funding.Application",
        make=make_application,
        list_url=lambda o: reverse("funding:application-list"),
        detail_url=lambda o: reverse("funding:application-detail", args=[o.pk]),
        edit_url=lambda o: reverse("funding:application-update", args=[o.pk]),
        edit_post=lambda o: {"title": "changed", "version": o.version},
        api_list_url=lambda o: reverse("funding-application-list"),
        api_detail_url=lambda o: reverse("funding-application-detail", args=[o.pk]),
        api_write=lambda o: {"title": "changed"},
        pdf_url=lambda o: reverse("funding:package-pdf", args=[o.pk]),
        readers=BOARD_READERS,
        extra_urls={
            "archive": lambda o: reverse("funding:package-archive-pdf", args=[o.pk]),
            "invoices": lambda o: reverse("funding:invoice-list", args=[o.pk]),
        },
    ),
    IsolationCase(
        name="funding.CostLine",
        make=make_line,
        edit_url=lambda o: reverse("funding:line-update", args=[o.pk]),
        edit_post=lambda o: {
            "school": o.school_id,
            "category": "wlan",
            "description": "x",
            "quantity": "1",
            "unit_price_net": "1",
            "vat_rate": "19",
            "procurement_route": "direct",
            "version": o.version,
        },
        api_list_url=lambda o: reverse("funding-costline-list"),
        api_detail_url=lambda o: reverse("funding-costline-detail", args=[o.pk]),
        api_write=lambda o: {"description": "changed"},
        # school staff read their school's lines (not the whole application)
        readers=BOARD_READERS + ("school_staff",),
    ),
    IsolationCase(
        name="funding.ApplicationSchool",
        make=make_app_school,
        detail_url=lambda o: reverse("funding:tpek", args=[o.pk]),
        api_list_url=lambda o: reverse("funding-applicationschool-list"),
        api_detail_url=lambda o: reverse("funding-applicationschool-detail", args=[o.pk]),
        api_write=lambda o: {"training_plan": "changed"},
        writers=("board_admin", "board_staff", "consultant", "school_staff"),
    ),
    IsolationCase(
        name="funding.Budget",
        make=make_budget,
        list_url=lambda o: reverse("funding:budget-list"),
        detail_url=lambda o: reverse("funding:budget-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("funding-budget-list"),
        api_detail_url=lambda o: reverse("funding-budget-detail", args=[o.pk]),
        readers=BOARD_READERS,
        marker_in_list=False,
    ),
    IsolationCase(
        name="funding.BudgetShare",
        make=make_share,
        detail_url=lambda o: reverse("funding:budget-detail", args=[o.budget_id]),
        readers=BOARD_READERS,
    ),
    IsolationCase(
        name="funding.Decision",
        make=make_decision,
        detail_url=lambda o: reverse("funding:decision-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("funding-decision-list"),
        api_detail_url=lambda o: reverse("funding-decision-detail", args=[o.pk]),
        pdf_url=lambda o: reverse("funding:decision-pdf", args=[o.pk]),
        readers=BOARD_READERS,
    ),
    IsolationCase(
        name="core.StatusChange (application)",
        make=make_event,
        detail_url=lambda o: reverse("funding:application-detail", args=[o.object_id]),
        readers=BOARD_READERS,
    ),
    IsolationCase(
        name="funding.FindingOverride",
        make=make_override,
        detail_url=lambda o: reverse("funding:application-detail", args=[o.application_id]),
        api_detail_url=lambda o: reverse("funding-application-mobile-cap", args=[o.application_id]),
        readers=BOARD_READERS,
        marker_in_list=False,
    ),
    IsolationCase(
        name="funding.ReviewComment",
        make=make_comment,
        detail_url=lambda o: reverse("funding:application-detail", args=[o.application_id]),
        api_list_url=lambda o: reverse("funding-comment-list"),
        api_detail_url=lambda o: reverse("funding-comment-detail", args=[o.pk]),
        readers=BOARD_READERS,
    ),
    IsolationCase(
        name="funding.ChangeRequest",
        make=make_change,
        detail_url=lambda o: reverse("funding:change-request-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("funding-changerequest-list"),
        api_detail_url=lambda o: reverse("funding-changerequest-detail", args=[o.pk]),
        readers=BOARD_READERS,
    ),
    IsolationCase(
        name="funding.ChangeRequestLine",
        make=make_change_line,
        edit_url=lambda o: reverse("funding:change-line-update", args=[o.pk]),
        edit_post=lambda o: {
            "school": o.school_id,
            "category": "wlan",
            "description": "x",
            "quantity": "1",
            "unit_price_net": "1",
            "vat_rate": "19",
            "procurement_route": "direct",
            "version": o.version,
        },
        api_list_url=lambda o: reverse("funding-changerequestline-list"),
        api_detail_url=lambda o: reverse("funding-changerequestline-detail", args=[o.pk]),
        api_write=lambda o: {"description": "changed"},
        # as the lines of the plan: school staff read their school's lines
        readers=BOARD_READERS + ("school_staff",),
    ),
    IsolationCase(
        name="funding.CostPlanVersion",
        make=make_plan_version,
        detail_url=lambda o: reverse("funding:application-detail", args=[o.application_id]),
        readers=BOARD_READERS,
    ),
    IsolationCase(
        name="funding.PayoutRequest",
        make=make_payout,
        detail_url=lambda o: reverse("funding:payout-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("funding-payout-list"),
        api_detail_url=lambda o: reverse("funding-payout-detail", args=[o.pk]),
        pdf_url=lambda o: reverse("funding:payout-pdf", args=[o.pk]),
        readers=BOARD_READERS,
        marker_in_list=False,
    ),
    IsolationCase(
        name="funding.Invoice",
        make=make_invoice,
        api_list_url=lambda o: reverse("funding-invoice-list"),
        api_detail_url=lambda o: reverse("funding-invoice-detail", args=[o.pk]),
        readers=BOARD_READERS + ("school_staff",),
    ),
    IsolationCase(
        name="funding.ProofOfUse",
        make=make_proof,
        detail_url=lambda o: reverse("funding:proof-detail", args=[o.pk]),
        api_list_url=lambda o: reverse("funding-proof-list"),
        api_detail_url=lambda o: reverse("funding-proof-detail", args=[o.pk]),
        pdf_url=lambda o: reverse("funding:proof-pdf", args=[o.pk]),
        readers=BOARD_READERS,
    ),
]
