"""Who may do what with devices and loans (used by views, API and templates alike).

Pupil data (§ 84a SchulG LSA): only people who work for the board (board roles) or at
the school see borrowers' names. Reviewers see counts, never names.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.tenancy import Access

from .choices import DeviceStatus

#: transitions school staff may make on their own school's devices
SCHOOL_STAFF_TRANSITIONS = frozenset(
    {
        DeviceStatus.IN_STOCK,
        DeviceStatus.IN_USE,
        DeviceStatus.IN_REPAIR,
        DeviceStatus.LOST,
        DeviceStatus.STOLEN,
    }
)


def can_edit_device(access: Access, device) -> bool:
    """Master data of a device belongs to the board."""
    return access.can_edit(device, school_staff_may_edit=False)


def can_create_device(access: Access) -> bool:
    return bool(access.edit_board_ids)


def can_transition(access: Access, device, to_status: str) -> bool:
    if access.can_edit(device, school_staff_may_edit=False):
        return True
    return to_status in SCHOOL_STAFF_TRANSITIONS and access.can_edit(device)


def can_work_at_school(access: Access, school) -> bool:
    """Loans, returns, defect reports and stocktakes: the board's editors and the school."""
    return access.can_edit(school, school_staff_may_edit=True)


def can_edit_school_record(access: Access, obj) -> bool:
    return access.can_edit(obj, school_staff_may_edit=True)


def can_see_personal_data(access: Access, obj) -> bool:
    if getattr(obj, "school_board_id", None) in access.board_roles:
        return True
    return access.school_id_of(obj) in access.school_ids


def personal_data_restrict(access: Access, qs: QuerySet) -> QuerySet:
    """Narrow a queryset of rows with personal data to boards/schools the user works for."""
    path = getattr(qs.model, "school_path", None) or "school"
    condition = Q(school_board__in=list(access.board_roles))
    if access.school_ids:
        condition |= Q(**{f"{path}__in": sorted(access.school_ids)})
    return access.restrict(qs).filter(condition)


def can_manage_privacy(access: Access, board_id: int | None) -> bool:
    """Art. 15 export and Art. 17 erasure: board admins only."""
    return bool(board_id) and board_id in access.admin_board_ids
