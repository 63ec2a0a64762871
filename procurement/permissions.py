"""Who may do what in procurement (used by views, API, templates and the status table)."""

from __future__ import annotations

from core.tenancy import Access


def is_board_editor(access: Access, obj) -> bool:
    """Board admins, staff and consultants of the row's board (not school staff)."""
    return access.can_edit(obj, school_staff_may_edit=False)


def is_staff_of(access: Access, cooperative_id: int | None) -> bool:
    """Works for this cooperative (Genossenschaft) as its staff."""
    return bool(cooperative_id) and cooperative_id in access.cooperative_ids


def is_cooperative_staff_for(access: Access, obj) -> bool:
    """Staff of the row's cooperative, and the row's board is one of its members now."""
    return is_staff_of(access, getattr(obj, "cooperative_id", None)) and (
        obj.school_board_id in access.cooperative_board_ids
    )


def board_or_cooperative(access: Access, obj) -> bool:
    return is_board_editor(access, obj) or is_cooperative_staff_for(access, obj)


def may_order_outside_catalogue(access: Access, obj) -> bool:
    """A purchase outside the Warenkorb is ordered by the board itself (no bundling)."""
    return is_board_editor(access, obj) and not obj.is_framework
