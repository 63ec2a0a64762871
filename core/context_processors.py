from core.context import current_board_id
from core.tenancy import directory


def paktwerk(request):
    """Navigation context: the active board and the boards the user can switch to."""
    access = getattr(request, "access", None)
    if access is None or access.is_anonymous:
        return {"current_board": None, "switchable_boards": []}
    board_id = current_board_id(request)
    boards = list(
        directory().board_model.objects.filter(id__in=access.board_ids).only("id", "name")
    )
    current = next((b for b in boards if b.pk == board_id), None)
    return {
        "current_board": current,
        "switchable_boards": boards if len(boards) > 1 else [],
        "user_access": access,
    }
