"""Invoices above their line beyond the plan tolerance (issue 11 point 4): flagged at,
below and above the limit to the cent, a justification by the board before submission,
seen by the reviewer on the page and in the API; the total stays binding."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from core.tenancy import access_for
from funding import rules, selectors
from funding import services as funding_services
from funding.models import PayoutRequest
from tests.factories import SchoolFactory, user_with_role
from tests.funding.factories import ProgrammeFactory, RuleSetFactory
from tests.funding.helpers import approved_application
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
services = as_actor(funding_services)
TODAY = dt.date.today()


def invoice(user, app, position, amount, number):
    return services.invoice_create(
        actor=user,
        application=app,
        data={
            "cost_line": app.lines.get(position=position),
            "number": number,
            "date": TODAY,
            "supplier": "Lieferant GmbH",
            "amount": amount,
        },
    )


def payout_for(user, app, invoices):
    return services.payout_create(actor=user, application=app, invoices=invoices)


def submit(user, payout):
    return services.payout_transition(
        actor=user, access=access_for(user), payout=payout, to="submitted"
    )


# --- the limit itself, to the cent ------------------------------------------------------
@pytest.mark.parametrize(
    "approved,percent,limit",
    [
        (D("3570.00"), D("20"), D("4284.00")),
        (D("7999.89"), D("20"), D("9599.86")),  # 9,599.868 rounded down: a cap
        (D("7999.89"), D("10"), D("8799.87")),  # 8,799.879
        (D("0.01"), D("20"), D("0.01")),
    ],
)
def test_tolerance_limit_is_rounded_down(approved, percent, limit):
    params = rules.RuleParams(plan_tolerance_percent=percent)
    assert rules.tolerance_limit(approved, params) == limit
    line = rules.InvoicedLine("1", approved, D("0"), limit)
    assert rules.check_invoice_tolerance([line], params) == []  # at the limit
    below = rules.InvoicedLine("1", approved, D("0"), limit - D("0.01"))
    assert rules.check_invoice_tolerance([below], params) == []
    above = rules.InvoicedLine("1", approved, D("0"), limit + D("0.01"))
    assert [f.code for f in rules.check_invoice_tolerance([above], params)] == [
        "FR-RECHNUNG-TOLERANZ"
    ]


# --- three boards, two programmes ---------------------------------------------------------
@pytest.fixture
def programmes(world):
    first = ProgrammeFactory(land=world.land)
    RuleSetFactory(programme=first, plan_tolerance_percent=D("20"))
    second = ProgrammeFactory(land=world.land, code="dp2-st", name="DigitalPakt 2.0 (ST)")
    RuleSetFactory(programme=second, plan_tolerance_percent=D("10"))
    return first, second


@pytest.mark.parametrize(
    "which,extra,flagged",
    [
        ("first", D("0"), False),  # 3,570.00 + 20 % = 4,284.00 exactly
        ("first", D("-0.01"), False),
        ("first", D("0.01"), True),
        ("second", D("0"), False),  # 3,570.00 + 10 % = 3,927.00
        ("second", D("0.01"), True),
    ],
)
def test_flag_at_below_and_above_the_tolerance(world, programmes, which, extra, flagged):
    programme = programmes[0] if which == "first" else programmes[1]
    limit = D("4284.00") if which == "first" else D("3927.00")
    third_board = SchoolFactory(school_board__land=world.land).school_board
    for board in (world.board, world.other_board, third_board):
        school = world.school if board == world.board else SchoolFactory(school_board=board)
        app = approved_application(programme, board, school)
        admin = user_with_role("board_admin", board)
        payout = payout_for(admin, app, [invoice(admin, app, 1, limit + extra, f"R-{board.pk}")])
        rows = selectors.payout_tolerance_rows(payout)
        assert [r["flagged"] for r in rows] == [flagged], board
        if flagged:
            with pytest.raises(ValidationError) as exc:
                submit(admin, payout)
            assert exc.value.messages[0] == _(
                "The payout request cannot be submitted: please justify the excess first."
            )
            assert PayoutRequest.objects.get(pk=payout.pk).status == "draft"
            services.invoice_justify(
                actor=admin,
                access=access_for(admin),
                invoice=payout.invoices.get(),
                justification="Preissteigerung des Herstellers",
            )
        assert submit(admin, payout).status == "submitted"
        # the total stays binding: the excess is never paid
        counted = min(limit + extra, limit)
        assert payout.requested_amount == rules.funding_split(counted, app.ruleset.params())[0]


def test_flag_counts_earlier_payout_requests(world, programmes):
    app = approved_application(programmes[0], world.board, world.school)
    staff = world.user("board_staff")
    first = payout_for(staff, app, [invoice(staff, app, 1, D("4000.00"), "R-1")])
    assert not selectors.payout_tolerance_rows(first)[0]["flagged"]
    submit(staff, first)
    second = payout_for(staff, app, [invoice(staff, app, 1, D("284.01"), "R-2")])
    row = selectors.payout_tolerance_rows(second)[0]
    assert row["flagged"] and row["earlier"] == D("4000.00") and row["total"] == D("4284.01")
    # a rejected payout request no longer counts
    reviewer = user_with_role("reviewer", world.land, authority="approval")
    services.payout_transition(
        actor=reviewer, access=access_for(reviewer), payout=first, to="rejected"
    )
    assert not selectors.payout_tolerance_rows(second)[0]["flagged"]


def test_justification_rules(world, programmes):
    app = approved_application(programmes[0], world.board, world.school)
    staff = world.user("board_staff")
    payout = payout_for(staff, app, [invoice(staff, app, 1, D("5000.00"), "R-1")])
    bill = payout.invoices.get()
    with pytest.raises(ValidationError) as exc:
        services.invoice_justify(
            actor=staff, access=access_for(staff), invoice=bill, justification="   "
        )
    assert "justification" in exc.value.message_dict
    reviewer = world.user("reviewer")
    with pytest.raises(PermissionDenied):  # the reviewer reads, the board justifies
        services.invoice_justify(
            actor=reviewer, access=access_for(reviewer), invoice=bill, justification="x"
        )
    services.invoice_justify(
        actor=staff, access=access_for(staff), invoice=bill, justification="Mehr Räume"
    )
    submit(staff, payout)
    with pytest.raises(ValidationError):  # fixed once submitted
        services.invoice_justify(
            actor=staff, access=access_for(staff), invoice=bill, justification="anders"
        )


def test_reviewer_sees_flag_and_justification_on_page_and_api(
    world, programmes, client_for, api_client_for
):
    app = approved_application(programmes[0], world.board, world.school)
    staff = world.user("board_staff")
    payout = payout_for(staff, app, [invoice(staff, app, 1, D("4284.01"), "R-1")])
    services.invoice_justify(
        actor=staff,
        access=access_for(staff),
        invoice=payout.invoices.get(),
        justification="Zusätzliche Access Points im Neubau",
    )
    submit(staff, payout)
    reviewer = world.user("reviewer")
    page = client_for(reviewer).get(reverse("funding:payout-detail", args=[payout.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Zusätzliche Access Points im Neubau" in body and "4.284,00" in body
    data = api_client_for(reviewer).get(reverse("funding-payout-detail", args=[payout.pk])).data
    row = data["tolerance"][0]
    assert row["flagged"] and row["justified"] and row["limit"] == "4284.00"
    assert row["invoices"][0]["justification"] == "Zusätzliche Access Points im Neubau"
    # the other board sees none of it
    foreign = api_client_for(world.user("other_board_admin")).get(
        reverse("funding-payout-detail", args=[payout.pk])
    )
    assert foreign.status_code == 404


def test_api_justify(world, programmes, api_client_for):
    app = approved_application(programmes[0], world.board, world.school)
    staff = world.user("board_staff")
    payout = payout_for(staff, app, [invoice(staff, app, 1, D("4500.00"), "R-1")])
    url = reverse("funding-invoice-justify", args=[payout.invoices.get().pk])
    client = api_client_for(staff)
    for body in ({}, {"justification": ["x"]}, {"justification": ""}):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body
    ok = client.post(url, {"justification": "Teurer als geplant"}, format="json")
    assert ok.status_code == 200 and ok.data["justification"] == "Teurer als geplant"
    assert (
        api_client_for(world.user("other_board_admin"))
        .post(url, {"justification": "x"}, format="json")
        .status_code
        == 404
    )


def test_payout_page_queries_do_not_grow_with_invoices(world, programmes, client_for):
    from funding.models import Invoice
    from tests.querycount import assert_constant_queries

    app = approved_application(programmes[0], world.board, world.school)
    staff = world.user("board_staff")
    payout = payout_for(staff, app, [invoice(staff, app, 1, D("100.00"), "R-0")])
    client = client_for(world.user("reviewer"))
    url = reverse("funding:payout-detail", args=[payout.pk])
    counter = iter(range(1, 1000))

    def add_rows(n):
        for _i in range(n):
            k = next(counter)
            Invoice.objects.create(
                application=app,
                school_board=world.board,
                cost_line=app.lines.get(position=1 + k % 3),
                payout=payout,
                number=f"R-{k}",
                date=TODAY,
                supplier="Lieferant GmbH",
                amount=D("100.00"),
            )

    assert_constant_queries(lambda: client.get(url), add_rows)
