"""Separation of duties (DOMAIN §5a): nobody who acts for a board checks, decides or pays
its applications — four eyes means two people, both of the state.

Memberships are written with objects.create here (bypassing Membership.clean, which
refuses the combination): the permission must hold even for data that slipped in.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.tenancy import access_for
from funding import services
from funding.choices import ApplicationStatus, PayoutStatus
from funding.models import Application, PayoutRequest
from schools.models import Membership

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
BOARD_SIDES = ("board_admin", "board_staff", "consultant", "school_staff")


def _give_board_side(world, user, side: str, *, board=None):
    board = board or world.board
    if side == "school_staff":
        school = world.school if board == world.board else world.other_school
        Membership.objects.create(user=user, role=side, school=school)
    else:
        Membership.objects.create(user=user, role=side, school_board=board)


def _submit(world, app):
    staff = world.user("board_staff")
    services.application_submit(actor=staff, access=access_for(staff), application=app)
    return Application.objects.get(pk=app.pk)


@pytest.mark.parametrize("side", BOARD_SIDES)
def test_content_checker_with_a_board_side_role_cannot_check(world, draft, side):
    checker = world.user("reviewer")
    submitted = _submit(world, draft)
    _give_board_side(world, checker, side)
    for step in (
        lambda: services.application_forward(
            actor=checker, access=access_for(checker), application=submitted
        ),
        lambda: services.application_request_changes(
            actor=checker,
            access=access_for(checker),
            application=submitted,
            reason="Bitte ergänzen",
            deadline=TODAY + dt.timedelta(days=14),
        ),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("side", BOARD_SIDES)
def test_approver_with_a_board_side_role_cannot_decide_or_pay(world, draft, reviewer2, side):
    checker = world.user("reviewer")
    submitted = _submit(world, draft)
    services.application_forward(actor=checker, access=access_for(checker), application=submitted)
    _give_board_side(world, reviewer2, side)
    with pytest.raises(PermissionDenied):
        services.decision_make(
            actor=reviewer2,
            access=access_for(reviewer2),
            application=Application.objects.get(pk=draft.pk),
            kind="full",
            date=TODAY,
        )
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.FORWARDED


def test_a_board_side_role_on_another_board_does_not_bar(world, draft, reviewer2):
    """Acting for board B does not stop a reviewer from deciding board A's application."""
    checker = world.user("reviewer")
    submitted = _submit(world, draft)
    services.application_forward(actor=checker, access=access_for(checker), application=submitted)
    _give_board_side(world, reviewer2, "board_admin", board=world.other_board)
    services.decision_make(
        actor=reviewer2,
        access=access_for(reviewer2),
        application=Application.objects.get(pk=draft.pk),
        kind="full",
        date=TODAY,
    )
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.APPROVED


def _approved_with_submitted_payout(world, draft, reviewer2):
    checker = world.user("reviewer")
    staff = world.user("board_staff")
    submitted = _submit(world, draft)
    services.application_forward(actor=checker, access=access_for(checker), application=submitted)
    app = Application.objects.get(pk=draft.pk)
    services.decision_make(
        actor=reviewer2, access=access_for(reviewer2), application=app, kind="full", date=TODAY
    )
    app = Application.objects.get(pk=draft.pk)
    invoice = services.invoice_create(
        actor=staff,
        application=app,
        data={
            "cost_line": app.lines.get(position=1),
            "number": "R-1",
            "date": TODAY,
            "supplier": "Netz GmbH",
            "amount": D("100.00"),
            "paid_on": TODAY,
        },
    )
    payout = services.payout_create(actor=staff, application=app, invoices=[invoice])
    services.payout_transition(actor=staff, access=access_for(staff), payout=payout, to="submitted")
    return PayoutRequest.objects.get(pk=payout.pk)


def test_approver_who_became_board_admin_cannot_pay_through_service_and_api(
    world, draft, reviewer2, api_client_for, client_for
):
    payout = _approved_with_submitted_payout(world, draft, reviewer2)
    _give_board_side(world, reviewer2, "board_admin")
    with pytest.raises(PermissionDenied):
        services.payout_transition(
            actor=reviewer2, access=access_for(reviewer2), payout=payout, to="paid"
        )
    api = api_client_for(reviewer2)
    response = api.post(
        f"/api/v1/funding/payouts/{payout.pk}/transition/", {"to": "paid"}, format="json"
    )
    assert response.status_code in (403, 400), response.content
    page = client_for(reviewer2).post(
        reverse("funding:payout-transition", args=[payout.pk, "paid"])
    )
    assert page.status_code == 403
    assert PayoutRequest.objects.get(pk=payout.pk).status == PayoutStatus.SUBMITTED


def test_api_decide_refused_for_approver_acting_for_the_board(
    world, draft, reviewer2, api_client_for
):
    checker = world.user("reviewer")
    submitted = _submit(world, draft)
    services.application_forward(actor=checker, access=access_for(checker), application=submitted)
    _give_board_side(world, reviewer2, "board_staff")
    response = api_client_for(reviewer2).post(
        f"/api/v1/funding/applications/{draft.pk}/decide/",
        {"kind": "full", "date": TODAY.isoformat()},
        format="json",
    )
    assert response.status_code == 403, response.content
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.FORWARDED
