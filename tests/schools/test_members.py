"""Board admins grant and revoke roles; invitations set a password by e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from schools.models import Membership

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


def test_invite_new_school_user_sends_set_password_mail(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.user("board_admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(world.board),
            {
                "username": "neue.lehrerin",
                "email": "neu@example.org",
                "first_name": "Nora",
                "last_name": "Neu",
                "role": "school_staff",
                "school": world.school.pk,
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="neue.lehrerin")
    assert membership.school == world.school and membership.school_board is None
    assert not membership.user.has_usable_password()
    assert len(mail.outbox) == 1 and "/passwort/neu/" in mail.outbox[0].body


def test_school_role_needs_school_of_this_board(world, client_for):
    client = client_for(world.user("board_admin"))
    response = client.post(
        members_url(world.board),
        {"username": "x", "email": "x@example.org", "role": "school_staff"},
    )
    assert response.status_code == 200 and "school" in response.context["form"].errors
    response = client.post(
        members_url(world.board),
        {
            "username": "x",
            "email": "x@example.org",
            "role": "school_staff",
            "school": world.other_school.pk,
        },
    )
    assert response.status_code == 200 and "school" in response.context["form"].errors
    assert not Membership.objects.filter(user__username="x").exists()


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
