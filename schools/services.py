"""Writes in the registry: create and update boards, schools, sites and rooms."""

from __future__ import annotations

from typing import Any

from django.db import transaction

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


@transaction.atomic
def membership_grant(
    *,
    actor,
    board: SchoolBoard,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str,
    school: School | None = None,
):
    """Give a (new or existing) user a role in `board` or one of its schools.

    A new user gets no usable password; an e-mail with a link to set one is sent
    once the transaction has committed.
    """
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .choices import Role
    from .models import Membership

    if role not in (Role.BOARD_ADMIN, Role.BOARD_STAFF, Role.CONSULTANT, Role.SCHOOL_STAFF):
        raise ValidationError({"role": _("This role cannot be granted by a Schulträger.")})
    if role == Role.SCHOOL_STAFF:
        if school is None:
            raise ValidationError({"school": _("Choose the school for a school role.")})
        if school.school_board_id != board.pk:
            raise ValidationError({"school": _("The school does not belong to this Schulträger.")})
    else:
        school = None
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        save_row(user, actor=actor)
    membership = Membership(
        user=user,
        role=role,
        school=school,
        school_board=None if school else board,
    )
    save_row(membership, actor=actor)
    if created and email:
        transaction.on_commit(lambda: _send_set_password_mail(user))
    return membership


def _send_set_password_mail(user) -> None:
    """Invitation with a one-time link to set the first password (password-reset token)."""
    from django.conf import settings
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    base = settings.PAKTWERK["BASE_URL"]
    context = {
        "user": user,
        "protocol": "https" if base.startswith("https") else "http",
        "domain": base.split("://", 1)[-1],
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "login_url": base + reverse("login"),
    }
    PasswordResetForm().send_mail(
        "registration/invitation_subject.txt",
        "registration/invitation_email.txt",
        context,
        settings.DEFAULT_FROM_EMAIL,
        user.email,
    )


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
