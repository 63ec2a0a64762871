"""The board a user is working in (Arbeitskontext): chosen in the UI, named in the API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.tenancy import Access, directory

SESSION_KEY = "paktwerk_board_id"
API_HEADER = "HTTP_X_PAKTWERK_BOARD"


def selectable_board_ids(access: Access) -> list[int]:
    return sorted(access.board_ids)


def current_board_id(request) -> int | None:
    """The active board: header (API), session (UI), or the user's only board."""
    access: Access = request.access
    candidates = selectable_board_ids(access)
    raw = request.META.get(API_HEADER) or getattr(request, "session", {}).get(SESSION_KEY)
    if raw:
        try:
            board_id = int(raw)
        except (TypeError, ValueError):
            board_id = None
        if board_id in candidates:
            return board_id
    if access.edit_board_ids and len(access.edit_board_ids) >= 1:
        return min(access.edit_board_ids)
    return candidates[0] if candidates else None


def board_for_create(request):
    """The board a new row belongs to: always from context, never from the request body."""
    board_id = current_board_id(request)
    if board_id is None or board_id not in request.access.edit_board_ids:
        raise PermissionDenied(_("You cannot create records for this Schulträger."))
    return directory().board_model.objects.get(pk=board_id)
