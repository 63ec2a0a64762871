"""The devices app's status machines as tables (devices, loans, defect reports, stocktakes).

Every status here changes only through `core.workflow.transition`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workflow as engine
from core.models import StatusChange
from core.tenancy import Access, access_for

from . import permissions
from .choices import DefectStatus, DeviceStatus, LoanStatus, StocktakeStatus
from .models import DefectReport, Device, Loan, Stocktake

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
#: the statuses a delivery may register its devices in
DELIVERY_STATUSES = (S.DELIVERED, S.IN_STOCK, S.IN_USE)

D = DefectStatus
DEFECT_TRANSITIONS: dict[str, set[str]] = {
    D.OPEN: {D.IN_REPAIR, D.REPAIRED, D.REPLACED, D.WRITTEN_OFF},
    D.IN_REPAIR: {D.REPAIRED, D.REPLACED, D.WRITTEN_OFF},
    D.REPAIRED: set(),
    D.REPLACED: set(),
    D.WRITTEN_OFF: set(),
}


def _may_move_to(target: str):
    def check(access: Access, device: Device) -> bool:
        return permissions.can_transition(access, device, target)

    check.__name__ = f"may_move_to_{target}"
    return check


def _at_school(access: Access, obj) -> bool:
    """Loans, returns, defect reports, stocktakes: the board's editors and the school."""
    return permissions.can_edit_school_record(access, obj)


#: processes that move devices as a consequence of their own steps (loan handed out,
#: returned, defect settled); the school's staff run them, so they may make any table move
PROCESSES = ("loan", "defect")


def _device_transitions() -> list[engine.Transition]:
    # a registered delivery puts its devices into stock when the board says so (system step)
    rows = [
        engine.Transition(
            S.DELIVERED, S.IN_STOCK, engine.system_only, action="put_in_stock", via="delivery"
        )
    ]
    for source, targets in TRANSITIONS.items():
        for target in targets:
            if target not in LOAN_MANAGED and source not in LOAN_MANAGED:
                rows.append(engine.Transition(source, target, _may_move_to(target)))
            rows += [engine.Transition(source, target, _at_school, via=p) for p in PROCESSES]
    return rows


DEVICE = engine.register(
    engine.Workflow(
        name="devices.device",
        model=Device,
        choices=DeviceStatus,
        transitions=_device_transitions(),
        refusal=gettext_lazy("A device cannot go from “%(old)s” to “%(new)s”."),
        guards={
            # defect, damage, loss and theft reports
            "reportable": set(S.values) - {S.RETIRED, S.ORDERED},
            # a repaired (or found) device comes back into stock
            "repairable": {S.IN_REPAIR, S.LOST, S.STOLEN},
            "in_repair": {S.IN_REPAIR},
            "retired": {S.RETIRED},
            S.LOST: {S.LOST},
            S.STOLEN: {S.STOLEN},
            "on_loan": {S.ON_LOAN},
            "in_use": {S.IN_USE},
            "lendable": set(AVAILABLE_FOR_LOAN),
            "delivered": {S.DELIVERED},
        },
    )
)

L = LoanStatus
LOAN = engine.register(
    engine.Workflow(
        name="devices.loan",
        model=Loan,
        choices=LoanStatus,
        transitions=[
            engine.Transition(L.PREPARED, L.SIGNED, _at_school, action="sign"),
            engine.Transition(L.SIGNED, L.HANDED_OUT, _at_school, action="hand_out"),
            engine.Transition(L.PREPARED, L.CANCELLED, _at_school, action="cancel"),
            engine.Transition(L.SIGNED, L.CANCELLED, _at_school, action="cancel"),
            engine.Transition(L.HANDED_OUT, L.RETURNED, _at_school, action="return"),
            # a replacement device reopens a loan whose last device went to repair
            engine.Transition(L.RETURNED, L.HANDED_OUT, _at_school, action="replace", via="defect"),
        ],
        refusals={
            L.SIGNED: gettext_lazy("Only a prepared contract can be marked as signed."),
            L.HANDED_OUT: gettext_lazy(
                "Hand out a device only after the contract has been signed."
            ),
            L.CANCELLED: gettext_lazy("Only a loan that has not been handed out can be cancelled."),
            L.RETURNED: gettext_lazy(
                "This loan has not been handed out, so nothing can be returned."
            ),
        },
        refusal_field=None,
        guards={
            "handed_out": {L.HANDED_OUT},
            "open": {L.PREPARED, L.SIGNED, L.HANDED_OUT},
            "finished": {L.RETURNED, L.CANCELLED},
        },
    )
)

DEFECT = engine.register(
    engine.Workflow(
        name="devices.defect_report",
        model=DefectReport,
        choices=DefectStatus,
        transitions=[
            engine.Transition(
                source,
                target,
                _at_school,
                reason=engine.REQUIRED
                if target in (D.REPLACED, D.WRITTEN_OFF)
                else engine.OPTIONAL,
            )
            for source, targets in DEFECT_TRANSITIONS.items()
            for target in targets
        ],
        refusal=gettext_lazy("A report cannot go from “%(old)s” to “%(new)s”."),
        reason_required=gettext_lazy("Say how the case was settled."),
    )
)

STOCKTAKE = engine.register(
    engine.Workflow(
        name="devices.stocktake",
        model=Stocktake,
        choices=StocktakeStatus,
        transitions=[
            engine.Transition(
                StocktakeStatus.OPEN, StocktakeStatus.CLOSED, _at_school, action="close"
            )
        ],
        refusal=gettext_lazy("This stocktake is already closed."),
        refusal_field=None,
        guards={"counting": {StocktakeStatus.OPEN}},
    )
)


def allowed_targets(device: Device, *, include_loan: bool = False) -> list[str]:
    targets = DEVICE.table().get(device.status, set())
    if not include_loan:
        targets = targets - LOAN_MANAGED
    return [s for s in S.values if s in targets]


def needs_justification(device: Device, to_status: str, on: dt.date) -> bool:
    """Retiring before the earmarking end (Zweckbindung) needs a justification."""
    return (
        to_status == S.RETIRED and device.earmarking_end is not None and on < device.earmarking_end
    )


def _check_room(locked: Device, to_status: str, room) -> None:
    if to_status == S.IN_USE:
        room = room or locked.room
        if room is None:
            raise ValidationError({"room": _("A device in use needs a room.")})
    if room is not None:
        if room.school_id != locked.school_id:
            raise ValidationError({"room": _("The room belongs to another school.")})
        locked.room = room


def _check_justification(locked: Device, to_status: str, reason: str, on: dt.date) -> dict:
    if not needs_justification(locked, to_status, on):
        return {}
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
    locked.retired_early = True
    return {"flagged": True}


@transaction.atomic
def device_transition(
    *,
    actor,
    device: Device,
    to_status: str,
    reason: str = "",
    room=None,
    on: dt.date | None = None,
    via: str = "",
    access: Access | None = None,
) -> StatusChange:
    """Move a device along its table (a thin wrapper over `core.workflow.transition`).

    `via="loan"`/`"defect"`: the step belongs to that process (devices go on loan and
    come back only through a Leihvertrag and its return).
    """
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if to_status not in S.values:
        raise ValidationError({"to_status": _("Unknown status.")})
    touches_loan = to_status in LOAN_MANAGED or device.status in LOAN_MANAGED
    if not via and touches_loan and to_status in TRANSITIONS.get(device.status, set()):
        raise ValidationError(
            {
                "to_status": _(
                    "Devices go on loan and come back only through a Leihvertrag and its return."
                )
            }
        )

    def apply(locked: Device) -> dict:
        _check_room(locked, to_status, room)
        return _check_justification(locked, to_status, reason, on)

    change = engine.transition(
        workflow=DEVICE,
        obj=device,
        to=to_status,
        actor=actor,
        access=access if access is not None else access_for(actor),
        reason=reason,
        apply=apply,
        via=via,
    )
    locked = change.content_object
    device.room = locked.room
    device.retired_early = locked.retired_early
    return change
