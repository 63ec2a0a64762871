"""Status machines as tables, and the one transition service per machine."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import bump_version

from .choices import DefectStatus, DeviceStatus
from .models import Device, DeviceStatusChange

S = DeviceStatus
#: ordered → delivered → in stock → in use (room) or on loan → in repair → lost/stolen → retired
TRANSITIONS: dict[str, set[str]] = {
    S.ORDERED: {S.DELIVERED, S.RETIRED},
    S.DELIVERED: {S.IN_STOCK, S.IN_USE, S.RETIRED},
    S.IN_STOCK: {S.IN_USE, S.ON_LOAN, S.IN_REPAIR, S.LOST, S.STOLEN, S.RETIRED},
    S.IN_USE: {S.IN_STOCK, S.ON_LOAN, S.IN_REPAIR, S.LOST, S.STOLEN, S.RETIRED},
    S.ON_LOAN: {S.IN_STOCK, S.IN_USE, S.IN_REPAIR, S.LOST, S.STOLEN},
    S.IN_REPAIR: {S.IN_STOCK, S.IN_USE, S.RETIRED},
    S.LOST: {S.IN_STOCK, S.RETIRED},
    S.STOLEN: {S.IN_STOCK, S.RETIRED},
    S.RETIRED: set(),
}
#: going on loan or coming back only happens through the loan and return services
LOAN_MANAGED = {S.ON_LOAN}
INITIAL_STATUSES = (S.ORDERED, S.DELIVERED, S.IN_STOCK, S.IN_USE)
#: a justification for retiring before the earmarking end must say something
MIN_JUSTIFICATION_LENGTH = 10
AVAILABLE_FOR_LOAN = (S.IN_STOCK, S.IN_USE)

D = DefectStatus
DEFECT_TRANSITIONS: dict[str, set[str]] = {
    D.OPEN: {D.IN_REPAIR, D.REPAIRED, D.REPLACED, D.WRITTEN_OFF},
    D.IN_REPAIR: {D.REPAIRED, D.REPLACED, D.WRITTEN_OFF},
    D.REPAIRED: set(),
    D.REPLACED: set(),
    D.WRITTEN_OFF: set(),
}


def allowed_targets(device: Device, *, include_loan: bool = False) -> list[str]:
    targets = TRANSITIONS.get(device.status, set())
    if not include_loan:
        targets = targets - LOAN_MANAGED
    return [s for s in S.values if s in targets]


def needs_justification(device: Device, to_status: str, on: dt.date) -> bool:
    """Retiring before the earmarking end (Zweckbindung) needs a justification."""
    return (
        to_status == S.RETIRED and device.earmarking_end is not None and on < device.earmarking_end
    )


@transaction.atomic
def device_transition(
    *,
    actor,
    device: Device,
    to_status: str,
    reason: str = "",
    room=None,
    on: dt.date | None = None,
    via_loan: bool = False,
    check_permission: bool = True,
) -> DeviceStatusChange:
    """Lock the device, check table and permission, save, and log who/when/why."""
    from core.tenancy import access_for

    from .permissions import can_transition

    on = on or timezone.localdate()
    reason = (reason or "").strip()
    locked = Device.objects.select_for_update().select_related("school").get(pk=device.pk)
    from_status = locked.status
    if to_status not in S.values:
        raise ValidationError({"to_status": _("Unknown status.")})
    if to_status not in TRANSITIONS.get(from_status, set()):
        raise ValidationError(
            {
                "to_status": _("A device cannot go from “%(old)s” to “%(new)s”.")
                % {"old": S(from_status).label, "new": S(to_status).label}
            }
        )
    if not via_loan and (to_status in LOAN_MANAGED or from_status in LOAN_MANAGED):
        raise ValidationError(
            {
                "to_status": _(
                    "Devices go on loan and come back only through a Leihvertrag and its return."
                )
            }
        )
    if (
        check_permission
        and actor is not None
        and not can_transition(access_for(actor), locked, to_status)
    ):
        raise PermissionDenied
    flagged = False
    if to_status == S.IN_USE:
        room = room or locked.room
        if room is None:
            raise ValidationError({"room": _("A device in use needs a room.")})
        if room.school_id != locked.school_id:
            raise ValidationError({"room": _("The room belongs to another school.")})
        locked.room = room
    elif room is not None:
        if room.school_id != locked.school_id:
            raise ValidationError({"room": _("The room belongs to another school.")})
        locked.room = room
    if needs_justification(locked, to_status, on):
        if len(reason) < MIN_JUSTIFICATION_LENGTH:
            raise ValidationError(
                {
                    "reason": _(
                        "This device is earmarked until %(date)s. Retiring it earlier needs a "
                        "justification (at least %(n)s characters)."
                    )
                    % {
                        "date": locked.earmarking_end.strftime("%d.%m.%Y"),
                        "n": MIN_JUSTIFICATION_LENGTH,
                    }
                }
            )
        flagged = True
        locked.retired_early = True
    locked.status = to_status
    locked._history_user = actor
    locked._change_reason = reason[:100] if reason else f"{from_status} → {to_status}"
    bump_version(locked)
    locked.save()
    device.status = locked.status
    device.room = locked.room
    device.retired_early = locked.retired_early
    device.version = locked.version
    change = DeviceStatusChange(
        school_board_id=locked.school_board_id,
        device=locked,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        flagged=flagged,
    )
    change._history_user = actor
    change.save()
    return change
