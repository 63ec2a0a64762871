"""Writes in the registry: create and update boards, schools, sites and rooms."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.services import apply_fields, lock_and_check, save_row

from .models import Room, School, SchoolBoard, Site

SCHOOL_FIELDS = (
    "school_number",
    "name",
    "school_type",
    "street",
    "postal_code",
    "city",
    "pupils",
    "teachers",
    "classes",
    "counts_date",
    "head_teacher",
    "email",
    "phone",
)
SITE_FIELDS = ("name", "street", "postal_code", "city", "is_main")
ROOM_FIELDS = ("name", "kind", "building", "floor", "seats", "has_lan", "has_wlan", "has_display")
#: days an invitation link stays valid
INVITATION_DAYS = 14
BOARD_FIELDS = (
    "name",
    "kind",
    "official_key",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "notes",
    "deliveries_to_stock",
)


@transaction.atomic
def board_update(
    *, actor, board: SchoolBoard, data: dict[str, Any], expected_version: int | str | None = None
) -> SchoolBoard:
    lock_and_check(board, expected_version)
    apply_fields(board, data, BOARD_FIELDS)
    save_row(board, actor=actor)
    return board


@transaction.atomic
def school_create(*, actor, board: SchoolBoard, data: dict[str, Any]) -> School:
    school = School(school_board=board, land=board.land)
    apply_fields(school, data, SCHOOL_FIELDS)
    save_row(school, actor=actor)
    main_site = Site(
        school=school,
        school_board=board,
        name=school.name,
        street=school.street,
        postal_code=school.postal_code,
        city=school.city,
        is_main=True,
    )
    save_row(main_site, actor=actor)
    return school


@transaction.atomic
def school_update(
    *, actor, school: School, data: dict[str, Any], expected_version: int | str | None = None
) -> School:
    lock_and_check(school, expected_version)
    apply_fields(school, data, SCHOOL_FIELDS)
    save_row(school, actor=actor)
    return school


@transaction.atomic
def site_create(*, actor, school: School, data: dict[str, Any]) -> Site:
    site = Site(school=school, school_board_id=school.school_board_id)
    apply_fields(site, data, SITE_FIELDS)
    save_row(site, actor=actor)
    return site


@transaction.atomic
def site_update(
    *, actor, site: Site, data: dict[str, Any], expected_version: int | str | None = None
) -> Site:
    lock_and_check(site, expected_version)
    apply_fields(site, data, SITE_FIELDS)
    save_row(site, actor=actor)
    return site


@transaction.atomic
def room_create(*, actor, site: Site, data: dict[str, Any]) -> Room:
    room = Room(site=site, school_id=site.school_id, school_board_id=site.school_board_id)
    apply_fields(room, data, ROOM_FIELDS)
    save_row(room, actor=actor)
    return room


@transaction.atomic
def room_update(
    *, actor, room: Room, data: dict[str, Any], expected_version: int | str | None = None
) -> Room:
    lock_and_check(room, expected_version)
    apply_fields(room, data, ROOM_FIELDS)
    save_row(room, actor=actor)
    return room


INVITABLE_ROLES = ("board_admin", "board_staff", "consultant", "school_staff")


def _invitation_target(board: SchoolBoard, role: str, school: School | None) -> School | None:
    from django.utils.translation import gettext as _

    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": _("This role cannot be granted by a Schulträger.")})
    if role != "school_staff":
        return None
    if school is None:
        raise ValidationError({"school": _("Choose the school for a school role.")})
    if school.school_board_id != board.pk:
        raise ValidationError({"school": _("The school does not belong to this Schulträger.")})
    return school


@transaction.atomic
def invitation_create(
    *, actor, board: SchoolBoard, email: str, role: str, school: School | None = None
):
    """Invite a person by e-mail to a role on `board` or one of its schools.

    The same thing happens whether or not an account with this address exists: the
    person accepts with their own account (consent), so the board never learns about
    other accounts or their names (DOMAIN §5a).
    """
    from .models import Invitation

    school = _invitation_target(board, role, school)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email.strip().lower(),
        role=role,
        school_board=board,
        school=school,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    save_row(invitation, actor=actor)
    transaction.on_commit(lambda: _send_invitation_mail(invitation, token))
    return invitation


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str):
    """The open invitation behind a link, or None (expired, used, withdrawn, unknown)."""
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("school_board", "school")
        .filter(token_hash=hash_token(token))
        .first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def invitation_accept(*, user, token: str):
    """The invited person takes the role with their own account."""
    from django.utils.translation import gettext as _

    from .models import Invitation, Membership

    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("This invitation is no longer valid."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    existing = Membership.objects.filter(
        user=user,
        role=invitation.role,
        school=invitation.school,
        school_board=None if invitation.school else invitation.school_board,
    ).first()
    membership = existing or Membership(
        user=user,
        role=invitation.role,
        school=invitation.school,
        school_board=None if invitation.school else invitation.school_board,
    )
    if existing is None:
        save_row(membership, actor=user)
    invitation.accepted_at = timezone.now()
    invitation._history_user = user
    invitation.save(update_fields=["accepted_at", "updated_at"])
    return membership


@transaction.atomic
def invitation_revoke(*, actor, invitation) -> None:
    """Withdraw an invitation that has not been accepted yet."""
    invitation.revoked_at = timezone.now()
    invitation._history_user = actor
    invitation.save(update_fields=["revoked_at", "updated_at"])


@transaction.atomic
def account_create_for_invitation(
    *, token: str, username: str, first_name: str, last_name: str, password: str
):
    """A person without an account creates one from the invitation link and accepts it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.utils.translation import gettext as _

    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("This invitation is no longer valid."))
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Please choose another user name.")})
    user = User(
        username=username, email=invitation.email, first_name=first_name, last_name=last_name
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    invitation_accept(user=user, token=token)
    return user


def _send_invitation_mail(invitation, token: str) -> None:
    """The invitation mail: who invites to which role; the link to accept."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    base = settings.PAKTWERK["BASE_URL"]
    context = {
        "invitation": invitation,
        "accept_url": base + reverse("schools:invitation-accept", args=[token]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("registration/invitation_subject.txt", context).strip()
        body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@transaction.atomic
def membership_revoke(*, actor, membership) -> None:
    """Take a role away (the user account stays; other roles are untouched)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import Membership

    if membership.user_id == actor.pk and membership.role == "board_admin":
        others = Membership.objects.filter(
            school_board_id=membership.school_board_id, role="board_admin"
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(_("You cannot remove the last administrator of the board."))
    membership._history_user = actor
    membership.delete()
