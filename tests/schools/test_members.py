"""Board admins invite by e-mail and revoke roles; separation of duties with the state."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schools.models import Invitation, Membership
from tests.factories import LandFactory

pytestmark = pytest.mark.django_db


def members_url(board):
    return reverse("schools:board-members", args=[board.pk])


def test_only_board_admin_manages_members(world, client_for):
    assert client_for(world.user("board_admin")).get(members_url(world.board)).status_code == 200
    for actor in ("board_staff", "consultant", "reviewer"):
        status = client_for(world.user(actor)).get(members_url(world.board)).status_code
        assert status == 403, actor
    for actor in ("other_board_admin", "no_membership"):
        status = client_for(world.user(actor)).get(members_url(world.board)).status_code
        assert status == 404, actor


def _invite(client, board, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(members_url(board), data)


def _link(message) -> str:
    return re.search(r"https?://\S+/einladung/\S+/", message.body).group(0).split("://", 1)[1]


def test_invitation_by_email_creates_account_on_acceptance(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.user("board_admin"))
    response = _invite(
        client,
        world.board,
        django_capture_on_commit_callbacks,
        email="neu@example.org",
        role="school_staff",
        school=world.school.pk,
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["neu@example.org"]
    assert not Membership.objects.filter(user__email="neu@example.org").exists()  # consent first
    path = "/" + _link(mail.outbox[0]).split("/", 1)[1]
    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    response = anonymous.post(
        path,
        {
            "username": "nora.neu",
            "first_name": "Nora",
            "last_name": "Neu",
            "password1": "ein-langes-Passwort-42",
            "password2": "ein-langes-Passwort-42",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="nora.neu")
    assert membership.school == world.school and membership.school_board is None
    assert membership.user.email == "neu@example.org"
    # a used link is dead
    assert (
        "no longer valid" in anonymous.get(path).content.decode()
        or "nicht mehr gültig" in anonymous.get(path).content.decode()
    )


def test_invitation_never_reveals_whether_an_account_exists(
    world, client_for, django_capture_on_commit_callbacks
):
    """Inviting an existing user's address and a new address look exactly the same."""
    existing = world.user("other_board_admin")
    existing.email = "beta@example.org"
    existing.first_name, existing.last_name = "Berta", "Geheim"
    existing.save()
    client = client_for(world.user("board_admin"))
    pages = []
    for email in ("beta@example.org", "niemand@example.org"):
        response = _invite(
            client,
            world.board,
            django_capture_on_commit_callbacks,
            email=email,
            role="board_staff",
        )
        assert response.status_code == 302
        page = client.get(members_url(world.board)).content.decode()
        pages.append(page)
        assert "Geheim" not in page and existing.username not in page
    # no role until the person accepts with their own account
    assert not Membership.objects.filter(user=existing, school_board=world.board).exists()
    # the existing person accepts while logged in: the role is added to their account
    path = "/" + _link(mail.outbox[0]).split("/", 1)[1]
    assert client_for(existing).post(path).status_code == 302
    assert Membership.objects.filter(user=existing, school_board=world.board).exists()


def test_school_role_needs_school_of_this_board(world, client_for):
    client = client_for(world.user("board_admin"))
    response = client.post(
        members_url(world.board), {"email": "x@example.org", "role": "school_staff"}
    )
    assert response.status_code == 200 and "school" in response.context["form"].errors
    response = client.post(
        members_url(world.board),
        {"email": "x@example.org", "role": "school_staff", "school": world.other_school.pk},
    )
    assert response.status_code == 200 and "school" in response.context["form"].errors
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_reviewer_of_the_land_cannot_accept_a_board_role(
    world, client_for, django_capture_on_commit_callbacks
):
    reviewer = world.user("reviewer")
    client = client_for(world.user("board_admin"))
    _invite(
        client,
        world.board,
        django_capture_on_commit_callbacks,
        email="pruefer@example.org",
        role="board_staff",
    )
    path = "/" + _link(mail.outbox[0]).split("/", 1)[1]
    client_for(reviewer).post(path)
    assert not Membership.objects.filter(user=reviewer, school_board=world.board).exists()
    assert Invitation.objects.get(email="pruefer@example.org").accepted_at is None


def test_separation_of_duties_in_the_membership_model(world):
    """A board-side role and a reviewer role in the same Land exclude each other."""
    reviewer = world.user("reviewer")
    for role, org in (
        ("board_admin", {"school_board": world.other_board}),
        ("consultant", {"school_board": world.board}),
        ("school_staff", {"school": world.school}),
    ):
        with pytest.raises(ValidationError):
            Membership(user=reviewer, role=role, **org).full_clean()
    staff = world.user("board_staff")
    with pytest.raises(ValidationError):
        Membership(user=staff, role="reviewer", land=world.land, authority="approval").full_clean()
    # another Land is fine
    other_land = LandFactory(code="SH", name="Schleswig-Holstein")
    Membership(user=staff, role="reviewer", land=other_land, authority="approval").full_clean()


def test_withdrawn_and_expired_invitations_are_dead(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.user("board_admin"))
    _invite(
        client,
        world.board,
        django_capture_on_commit_callbacks,
        email="a@example.org",
        role="board_staff",
    )
    _invite(
        client,
        world.board,
        django_capture_on_commit_callbacks,
        email="b@example.org",
        role="board_staff",
    )
    first, second = (Invitation.objects.get(email=e) for e in ("a@example.org", "b@example.org"))
    client.post(reverse("schools:invitation-revoke", args=[first.pk]))
    Invitation.objects.filter(pk=second.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    other = client_for(world.user("other_board_admin"))
    assert other.post(reverse("schools:invitation-revoke", args=[second.pk])).status_code == 404
    for message in mail.outbox:
        path = "/" + _link(message).split("/", 1)[1]
        user = world.user("no_membership")
        client_for(user).post(path)
        assert not Membership.objects.filter(user=user).exists()


def test_revoke_and_last_admin_protection(world, client_for):
    admin = world.user("board_admin")
    client = client_for(admin)
    staff_membership = Membership.objects.get(user=world.user("board_staff"))
    response = client.post(reverse("schools:membership-revoke", args=[staff_membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=staff_membership.pk).exists()
    own = Membership.objects.get(user=admin)
    client.post(reverse("schools:membership-revoke", args=[own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()
    foreign = Membership.objects.get(user=world.user("other_board_admin"))
    assert client.post(reverse("schools:membership-revoke", args=[foreign.pk])).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_password_reset_pages_are_public(client):
    assert client.get(reverse("password_reset")).status_code == 200
    response = client.post(reverse("password_reset"), {"email": "unknown@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_reviewer_membership_needs_an_authority(world):
    """A reviewer of the Land must name the authority; other roles must not have one."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from tests.factories import UserFactory

    user = UserFactory(username="ohne_behoerde")
    membership = Membership(user=user, role="reviewer", land=world.land)
    with pytest.raises(ValidationError) as exc:
        membership.full_clean()
    assert "authority" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role="reviewer", land=world.land, authority="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role="reviewer", land=world.land, authority="somebody")
    board_role = Membership(
        user=user, role="board_staff", school_board=world.board, authority="approval"
    )
    with pytest.raises(ValidationError) as exc:
        board_role.full_clean()
    assert "authority" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user, role="board_staff", school_board=world.board, authority="approval"
        )
    assert not Membership.objects.filter(user=user).exists()
    for authority in ("content_check", "approval", "ministry"):
        ok = Membership(user=UserFactory(), role="reviewer", land=world.land, authority=authority)
        ok.full_clean()
        ok.save()
