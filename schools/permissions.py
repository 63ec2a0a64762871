"""Who may do what in the registry (used by views, API and templates alike)."""

from core.tenancy import Access


def can_view(access: Access, obj) -> bool:
    return access.can_view(obj)


def can_edit_board(access: Access, board) -> bool:
    return access.has_board_role(board.pk, "board_admin", "board_staff")


def can_edit_school(access: Access, school) -> bool:
    """School master data belongs to the board; school staff read it."""
    return access.can_edit(school, school_staff_may_edit=False)


def can_edit_site(access: Access, site) -> bool:
    return access.can_edit(site, school_staff_may_edit=False)


def can_edit_room(access: Access, room) -> bool:
    """School staff keep their own rooms up to date."""
    return access.can_edit(room, school_staff_may_edit=True)


def can_create_school(access: Access) -> bool:
    return bool(access.edit_board_ids)


def can_manage_members(access: Access, board) -> bool:
    """Only a board's administrators grant and revoke roles."""
    return access.has_board_role(board.pk, "board_admin")
