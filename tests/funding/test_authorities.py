"""Review steps follow the authorities of the Land (DOMAIN.md §1, §5).

LISA/LINDIUS (content_check) forwards and requests changes; the Landesverwaltungsamt
(approval) decides, marks payouts paid and closes proofs of use; the ministry only reads.
Four eyes stays: the approver is not the person who did the content check.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from core.tenancy import access_for
from funding import services as funding_services
from funding.choices import ApplicationStatus, PayoutStatus, ProofStatus
from funding.models import Application, Decision, PayoutRequest, ProofOfUse, ReviewComment
from schools.models import Membership
from tests.factories import user_with_role
from tests.scoping import as_actor

pytestmark = pytest.mark.django_db
# The code under test runs in its actor's real tenancy scope, as behind a view.
services = as_actor(funding_services)
TODAY = dt.date.today()
AUTHORITIES = ("content_check", "approval", "ministry")


@pytest.fixture
def reviewers(world, reviewer2):
    """One reviewer per authority of the Land."""
    return {
        "content_check": world.user("reviewer"),
        "approval": reviewer2,
        "ministry": user_with_role(
            "reviewer", world.land, "ministerium_leser", authority="ministry"
        ),
    }


def _submit(world, app):
    staff = world.user("board_staff")
    services.application_submit(actor=staff, access=access_for(staff), application=app)
    return Application.objects.get(pk=app.pk)


def _forward(world, app):
    checker = world.user("reviewer")
    services.application_forward(actor=checker, access=access_for(checker), application=app)
    return Application.objects.get(pk=app.pk)


@pytest.fixture
def submitted(world, draft):
    return _submit(world, draft)


@pytest.fixture
def forwarded(world, submitted):
    return _forward(world, submitted)


@pytest.fixture
def approved(world, forwarded, reviewer2):
    services.decision_make(
        actor=reviewer2,
        access=access_for(reviewer2),
        application=forwarded,
        kind="full",
        date=TODAY,
    )
    return Application.objects.get(pk=forwarded.pk)


def _status(app):
    return Application.objects.get(pk=app.pk).status


# --- Access ----------------------------------------------------------------------------
def test_access_exposes_review_authorities(world, reviewers):
    for name, user in reviewers.items():
        access = access_for(user)
        assert access.review_authorities == frozenset({name})
        for other in AUTHORITIES:
            assert access.has_review_authority(other) is (other == name)
    board = access_for(world.user("board_admin"))
    assert board.review_authorities == frozenset()
    assert not board.has_review_authority("content_check")


# --- content check: forward, request changes -------------------------------------------
@pytest.mark.parametrize(
    "authority,allowed", [("content_check", True), ("approval", False), ("ministry", False)]
)
def test_forward_needs_content_check(world, submitted, reviewers, client_for, authority, allowed):
    client = client_for(reviewers[authority])
    url = reverse("funding:forward", args=[submitted.pk])
    response = client.post(url, {"reason": "Vollständig und plausibel."})
    if allowed:
        assert response.status_code == 302
        app = Application.objects.get(pk=submitted.pk)
        assert app.status == ApplicationStatus.FORWARDED
        assert app.content_checked_by == reviewers[authority]
    else:
        assert response.status_code == 403
        assert client.get(url).status_code == 403
        assert _status(submitted) == ApplicationStatus.SUBMITTED
        assert Application.objects.get(pk=submitted.pk).content_checked_by is None


@pytest.mark.parametrize(
    "authority,allowed", [("content_check", True), ("approval", False), ("ministry", False)]
)
def test_request_changes_needs_content_check(
    world, submitted, reviewers, client_for, authority, allowed
):
    client = client_for(reviewers[authority])
    url = reverse("funding:request-changes", args=[submitted.pk])
    deadline = (TODAY + dt.timedelta(days=14)).isoformat()
    response = client.post(url, {"reason": "TPEK fehlt", "deadline": deadline})
    if allowed:
        assert response.status_code == 302
        assert _status(submitted) == ApplicationStatus.CHANGES_REQUESTED
    else:
        assert response.status_code == 403
        assert _status(submitted) == ApplicationStatus.SUBMITTED


# --- approval: decide, change requests, payouts, proof of use ---------------------------
@pytest.mark.parametrize(
    "authority,allowed", [("content_check", False), ("approval", True), ("ministry", False)]
)
def test_decide_needs_approval(world, forwarded, reviewers, client_for, authority, allowed):
    client = client_for(reviewers[authority])
    url = reverse("funding:decide", args=[forwarded.pk])
    response = client.post(
        url, {"kind": "full", "date": TODAY.isoformat(), "period_start": "", "period_end": ""}
    )
    if allowed:
        assert response.status_code == 302
        assert _status(forwarded) == ApplicationStatus.APPROVED
        assert Decision.objects.get().decided_by == reviewers[authority]
    else:
        assert response.status_code == 403
        assert client.get(url).status_code == 403
        assert _status(forwarded) == ApplicationStatus.FORWARDED
        assert not Decision.objects.exists()


def test_four_eyes_still_enforced_for_an_approver_who_did_the_content_check(
    world, forwarded, client_for
):
    """The content checker later moved to the Landesverwaltungsamt: still may not decide."""
    checker = world.user("reviewer")
    Membership.objects.filter(user=checker).update(authority="approval")
    client = client_for(checker)
    detail = client.get(forwarded.get_absolute_url()).content.decode()
    assert reverse("funding:decide", args=[forwarded.pk]) not in detail
    assert "Vier-Augen" in detail or "Four eyes" in detail
    response = client.post(
        reverse("funding:decide", args=[forwarded.pk]), {"kind": "full", "date": TODAY.isoformat()}
    )
    assert response.status_code == 200  # the form page with the four-eyes error
    assert "Vier-Augen" in response.content.decode()
    assert not Decision.objects.exists()
    assert _status(forwarded) == ApplicationStatus.FORWARDED


def test_four_eyes_in_the_service_for_the_content_checker(world, forwarded):
    """A content checker may not decide (403); moved to the Landesverwaltungsamt, the
    same person still may not approve what they checked (four eyes)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from schools.models import Membership

    checker = world.user("reviewer")
    with pytest.raises(PermissionDenied):
        services.decision_make(
            actor=checker,
            access=access_for(checker),
            application=forwarded,
            kind="full",
            date=TODAY,
        )
    Membership.objects.filter(user=checker, role="reviewer").update(authority="approval")
    with pytest.raises(ValidationError, match="Vier-Augen"):
        services.decision_make(
            actor=checker,
            access=access_for(checker),
            application=forwarded,
            kind="full",
            date=TODAY,
        )
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "authority,allowed", [("content_check", False), ("approval", True), ("ministry", False)]
)
def test_change_request_decision_needs_approval(
    world, approved, reviewers, client_for, authority, allowed
):
    staff = world.user("board_staff")
    cr = services.change_request_create(
        actor=staff, access=access_for(staff), application=approved, reason="Mehr Tablets"
    )
    services.change_line_save(
        actor=staff,
        change_request=cr,
        line=cr.lines.order_by("position").first(),
        data={"quantity": D("5")},
    )
    services.change_request_submit(actor=staff, access=access_for(staff), change_request=cr)
    client = client_for(reviewers[authority])
    url = reverse("funding:change-request-decide", args=[cr.pk])
    response = client.post(
        url, {"approve": "no", "date": TODAY.isoformat(), "reason": "Nicht begründet"}
    )
    cr.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert cr.status != "open"
    else:
        assert response.status_code == 403
        assert cr.status == "open"


@pytest.fixture
def submitted_payout(world, approved):
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
    services.payout_transition(actor=staff, access=access_for(staff), payout=payout, to="submitted")
    return PayoutRequest.objects.get(pk=payout.pk)


@pytest.mark.parametrize(
    "authority,allowed", [("content_check", False), ("approval", True), ("ministry", False)]
)
def test_marking_payout_paid_needs_approval(
    world, submitted_payout, reviewers, client_for, authority, allowed
):
    client = client_for(reviewers[authority])
    page = client.get(submitted_payout.get_absolute_url()).content.decode()
    paid_url = reverse("funding:payout-transition", args=[submitted_payout.pk, "paid"])
    assert (paid_url in page) is allowed
    response = client.post(paid_url)
    submitted_payout.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert submitted_payout.status == PayoutStatus.PAID
    else:
        assert response.status_code == 403
        assert submitted_payout.status == PayoutStatus.SUBMITTED


@pytest.fixture
def submitted_proof(world, approved):
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
    proof = services.proof_start(actor=staff, access=access_for(staff), application=approved)
    services.proof_submit(actor=staff, access=access_for(staff), proof=proof)
    return ProofOfUse.objects.get(pk=proof.pk)


@pytest.mark.parametrize(
    "authority,allowed", [("content_check", False), ("approval", True), ("ministry", False)]
)
def test_closing_proof_of_use_needs_approval(
    world, submitted_proof, reviewers, client_for, authority, allowed
):
    client = client_for(reviewers[authority])
    url = reverse("funding:proof-check", args=[submitted_proof.pk])
    assert (url in client.get(submitted_proof.get_absolute_url()).content.decode()) is allowed
    response = client.post(url, {"outcome": "closed", "note": "In Ordnung"})
    submitted_proof.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert submitted_proof.status == ProofStatus.CLOSED
    else:
        assert response.status_code == 403
        assert submitted_proof.status == ProofStatus.SUBMITTED


# --- what each authority sees -----------------------------------------------------------
def test_buttons_follow_the_authority(world, submitted, reviewers, client_for):
    forward_url = reverse("funding:forward", args=[submitted.pk])
    changes_url = reverse("funding:request-changes", args=[submitted.pk])
    decide_url = reverse("funding:decide", args=[submitted.pk])

    def page(authority):
        return client_for(reviewers[authority]).get(submitted.get_absolute_url()).content.decode()

    checker = page("content_check")
    assert forward_url in checker and changes_url in checker and decide_url not in checker
    for authority in ("approval", "ministry"):
        body = page(authority)
        assert forward_url not in body and changes_url not in body and decide_url not in body
    _forward(world, submitted)
    approver = page("approval")
    assert decide_url in approver and forward_url not in approver
    assert decide_url not in page("content_check") and decide_url not in page("ministry")


def test_ministry_reads_only(world, submitted, reviewers, client_for):
    client = client_for(reviewers["ministry"])
    assert client.get(reverse("funding:review-queue")).status_code == 200
    detail = client.get(submitted.get_absolute_url())
    assert detail.status_code == 200 and submitted.number in detail.content.decode()
    assert reverse("funding:comment-add", args=[submitted.pk]) not in detail.content.decode()
    response = client.post(
        reverse("funding:comment-add", args=[submitted.pk]), {"text": "Bitte prüfen"}
    )
    assert response.status_code == 403
    assert not ReviewComment.objects.exists()
    assert _status(submitted) == ApplicationStatus.SUBMITTED


def test_wrong_authority_of_another_land_still_404(world, submitted, client_for):
    from tests.factories import LandFactory

    outsider = user_with_role(
        "reviewer", LandFactory(code="SH", name="Schleswig-Holstein"), authority="content_check"
    )
    response = client_for(outsider).post(reverse("funding:forward", args=[submitted.pk]))
    assert response.status_code == 404
    assert _status(submitted) == ApplicationStatus.SUBMITTED
