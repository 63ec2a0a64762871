"""Who may see what, read from the register: memberships and reviewer roles -> Access.

Registered with core.tenancy at start-up (SchoolsConfig.ready), so core's tenancy machinery
works without importing this app.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from core.tenancy import Access

from .models import CooperativeMember, Membership, SchoolBoard


def access_for_member(user) -> Access:
    """Compute an active, authenticated user's Access from their memberships (3 queries)."""
    board_roles: dict[int, set[str]] = {}
    school_board_of: dict[int, int] = {}
    land_ids: set[int] = set()
    authorities: set[str] = set()
    with scopes_disabled():
        rows = Membership.objects.filter(user=user).values_list(
            "role",
            "land_id",
            "school_board_id",
            "school_id",
            "school__school_board_id",
            "authority",
            "cooperative_id",
        )
        cooperative_ids: set[int] = set()
        for role, land_id, board_id, school_id, school_board_id, authority, coop_id in rows:
            if role == "cooperative_staff" and coop_id:
                cooperative_ids.add(coop_id)
            elif role == "reviewer" and land_id:
                land_ids.add(land_id)
                if authority:
                    authorities.add(authority)
            elif role == "school_staff" and school_id:
                school_board_of[school_id] = school_board_id
            elif board_id:
                board_roles.setdefault(board_id, set()).add(role)
        review_boards: frozenset[int] = frozenset()
        if user.is_superuser:
            review_boards = frozenset(SchoolBoard.objects.values_list("id", flat=True))
        elif land_ids:
            review_boards = frozenset(
                SchoolBoard.objects.filter(land_id__in=land_ids).values_list("id", flat=True)
            )
        cooperative_boards = member_board_ids(cooperative_ids)
    if user.is_superuser:
        for b in review_boards:
            board_roles.setdefault(b, set()).add("board_admin")
    return Access(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        board_roles={b: frozenset(r) for b, r in board_roles.items()},
        review_board_ids=review_boards,
        review_land_ids=frozenset(land_ids),
        school_board_of=school_board_of,
        review_authorities=frozenset(authorities),
        cooperative_ids=frozenset(cooperative_ids),
        cooperative_board_ids=cooperative_boards,
    )


def member_board_ids(cooperative_ids, day=None) -> frozenset[int]:
    """The boards that are members of these cooperatives on `day` (default: today)."""
    if not cooperative_ids:
        return frozenset()
    day = day or timezone.localdate()
    with scopes_disabled():
        return frozenset(
            CooperativeMember.objects.filter(cooperative_id__in=cooperative_ids, joined_on__lte=day)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
            .values_list("school_board_id", flat=True)
        )
