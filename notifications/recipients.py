"""Who is told: recipients resolved from roles and memberships (the schools register).

Board-side recipients are the members of one board (or one school); state-side
recipients are the reviewers of the board's Land who work for one authority.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled

from schools.choices import Role
from schools.models import Membership, ReviewAuthority, SchoolBoard

#: the people of a board who act on its applications and reminders
BOARD_PEOPLE = (Role.BOARD_ADMIN, Role.BOARD_STAFF)
#: who looks after devices of a board: its IT role (consultant / IT provider) and admins
BOARD_IT = (Role.BOARD_ADMIN, Role.CONSULTANT)


def _users(**membership_filter) -> list:
    with scopes_disabled():
        ids = set(Membership.objects.filter(**membership_filter).values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def board_people(board_id: int, roles=BOARD_PEOPLE) -> list:
    return _users(school_board_id=board_id, role__in=list(roles))


def board_it(board_id: int) -> list:
    """The board's IT role (defects have no assignee yet): admins and IT providers."""
    return board_people(board_id, BOARD_IT)


def school_people(school_id: int | None) -> list:
    if not school_id:
        return []
    return _users(school_id=school_id, role=Role.SCHOOL_STAFF)


def authority_reviewers(board_id: int, authority: str) -> list:
    """The Land's reviewers of the board who work for `authority` (content check, approval)."""
    with scopes_disabled():
        land_id = SchoolBoard.objects.filter(pk=board_id).values_list("land_id", flat=True).first()
    if land_id is None:
        return []
    return _users(role=Role.REVIEWER, land_id=land_id, authority=authority)


CONTENT_CHECK = ReviewAuthority.CONTENT_CHECK
APPROVAL = ReviewAuthority.APPROVAL
