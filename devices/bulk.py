"""Bulk actions on a selection of devices (Sammelaktionen): one service, per device.

A selection is a list of device ids (checkboxes, the API) or "every device that matches
this filter". Every device is handled on its own, in its own savepoint, with its own
permission and tenancy check and through the same services as a single edit (status
changes through `core.workflow.transition`), so each changed device gets exactly one
history entry and one refused device changes nothing of the others. Ids outside the
user's boards are reported as not found and never touched (the isolation matrix checks
it). More devices than `settings.BULK_INLINE_MAX` run as a background job
(`devices.bulk`) with progress and a per-device summary (CSV).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import write_csv
from core.tenancy import Access

from . import permissions, services
from .choices import DeviceStatus
from .models import Device, Stocktake
from .workflow import STOCKTAKE, device_transition

#: the most devices one bulk action handles (a board's whole inventory fits)
MAX_BULK = 50_000

ACTIONS: dict[str, Any] = {
    "status": gettext_lazy("Change status"),
    "move": gettext_lazy("Move to a school and room"),
    "cost_line": gettext_lazy("Assign to a funding cost line"),
    "labels": gettext_lazy("Print labels"),
    "stocktake": gettext_lazy("Add to a stocktake"),
    "retire": gettext_lazy("Retire"),
}


@dataclass
class Outcome:
    """What happened to one device of the selection."""

    device_id: int
    inventory_number: str
    done: bool
    message: str = ""


@dataclass
class BulkResult:
    action: str
    outcomes: list[Outcome] = field(default_factory=list)
    #: e.g. the label job's URL
    follow_up_url: str = ""

    @property
    def done(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.done]

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.done]

    def as_dict(self, limit: int = 2000) -> dict:
        return {
            "action": self.action,
            "done": len(self.done),
            "refused": len(self.refused),
            "follow_up_url": self.follow_up_url,
            "outcomes": [asdict(o) for o in self.outcomes[:limit]],
        }


def summary_csv(result: BulkResult) -> bytes:
    """The per-device summary as a spreadsheet (done or refused, and why)."""
    rows = (
        [o.device_id, o.inventory_number, _("done") if o.done else _("refused"), o.message]
        for o in result.outcomes
    )
    return write_csv([_("id"), _("Inventarnummer"), _("result"), _("reason")], rows)


# --- the selection --------------------------------------------------------------------------
def clean_ids(raw: Iterable) -> list[int]:
    """Ids as integers, in order, without repeats; anything else is refused (400)."""
    ids: list[int] = []
    seen: set[int] = set()
    for value in raw:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError({"ids": _("Device ids must be whole numbers.")})
        if number not in seen:
            seen.add(number)
            ids.append(number)
    if not ids:
        raise ValidationError({"ids": _("No devices selected.")})
    if len(ids) > MAX_BULK:
        raise ValidationError(
            {"ids": _("At most %(n)s devices at once: narrow the filter.") % {"n": MAX_BULK}}
        )
    return ids


def ids_matching(access: Access, query, request=None) -> list[int]:
    """The ids of every device the user sees that matches the device list's filter."""
    from .filters import DeviceFilter

    qs = access.restrict(Device.objects.all())
    filterset = DeviceFilter(query, queryset=qs, request=request)
    if not filterset.is_valid():
        raise ValidationError(
            {
                "filter": _("The filter is not valid: %(e)s")
                % {"e": "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())}
            }
        )
    return list(
        filterset.qs.order_by("inventory_number", "pk").values_list("pk", flat=True)[: MAX_BULK + 1]
    )


# --- the parameters of each action, resolved in the user's scope ------------------------------
def _visible(access: Access, model, pk, message):
    pk = getattr(pk, "pk", pk)  # a form gives the row, the API and a job its id
    if pk in (None, ""):
        return None
    try:
        return access.restrict(model.objects.all()).get(pk=int(pk))
    except (model.DoesNotExist, TypeError, ValueError):
        raise ValidationError(message)


def resolve_params(action: str, params: dict, access: Access) -> dict:
    """Check an action's parameters once, before any device is touched."""
    from funding.models import CostLine
    from schools.models import Room, School

    if action not in ACTIONS:
        raise ValidationError({"action": _("Unknown bulk action.")})
    reason = (params.get("reason") or "").strip()
    out: dict[str, Any] = {"reason": reason}
    if action == "status":
        to_status = params.get("to_status") or ""
        if to_status not in DeviceStatus.values:
            raise ValidationError({"to_status": _("Choose the new status.")})
        out["to_status"] = to_status
        out["room"] = _visible(access, Room, params.get("room"), {"room": _("Unknown room.")})
    elif action == "retire":
        if not reason:
            raise ValidationError({"reason": _("Give the reason for retiring these devices.")})
    elif action == "move":
        school = _visible(access, School, params.get("school"), {"school": _("Unknown school.")})
        if school is None:
            raise ValidationError({"school": _("Choose the school.")})
        room = _visible(access, Room, params.get("room"), {"room": _("Unknown room.")})
        if room is not None and room.school_id != school.pk:
            raise ValidationError({"room": _("The room belongs to another school.")})
        out.update(school=school, room=room)
    elif action == "cost_line":
        line = _visible(
            access, CostLine, params.get("cost_line"), {"cost_line": _("Unknown cost line.")}
        )
        if line is None and not params.get("remove"):
            raise ValidationError({"cost_line": _("Choose a cost line.")})
        out["cost_line"] = line
    elif action == "stocktake":
        stocktake = _visible(
            access, Stocktake, params.get("stocktake"), {"stocktake": _("Unknown stocktake.")}
        )
        if stocktake is None:
            raise ValidationError({"stocktake": _("Choose the stocktake.")})
        STOCKTAKE.require(stocktake, "counting", {"stocktake": _("This stocktake is closed.")})
        if not permissions.can_edit_school_record(access, stocktake):
            raise ValidationError({"stocktake": _("You may not count in this stocktake.")})
        out["stocktake"] = stocktake
    return out


def params_for_job(action: str, params: dict) -> dict:
    """The parameters as plain data (a job stores them as JSON)."""
    plain = {}
    for key, value in params.items():
        plain[key] = getattr(value, "pk", value)
    return plain


# --- one device, per action -------------------------------------------------------------------
def _status(device: Device, *, actor, access: Access, p: dict) -> str:
    device_transition(
        actor=actor,
        device=device,
        to_status=p["to_status"],
        reason=p["reason"],
        room=p.get("room"),
        access=access,
    )
    return _("now “%(status)s”") % {"status": DeviceStatus(p["to_status"]).label}


def _retire(device: Device, *, actor, access: Access, p: dict) -> str:
    device_transition(
        actor=actor,
        device=device,
        to_status=DeviceStatus.RETIRED,
        reason=p["reason"],
        access=access,
    )
    return _("retired")


def _move(device: Device, *, actor, access: Access, p: dict) -> str:
    school, room = p["school"], p.get("room")
    if not permissions.can_edit_device(access, device):
        raise PermissionDenied
    if school.school_board_id != device.school_board_id:
        raise ValidationError(_("The school belongs to another Schulträger."))
    services.device_update(actor=actor, device=device, data={"school": school, "room": room})
    return _("moved to %(school)s") % {"school": school.name}


def _cost_line(device: Device, *, actor, access: Access, p: dict) -> str:
    line = p.get("cost_line")
    if not permissions.can_edit_device(access, device):
        raise PermissionDenied
    if line is not None and line.school_board_id != device.school_board_id:
        raise ValidationError(_("The cost line belongs to another Schulträger's application."))
    board = device.school_board
    changed = services.devices_assign_cost_line(
        actor=actor, board=board, devices=[device], cost_line=line, reason=p["reason"]
    )
    return _("assigned") if changed else _("already assigned")


def _stocktake(device: Device, *, actor, access: Access, p: dict) -> str:
    stocktake = p["stocktake"]
    if device.school_id != stocktake.school_id:
        raise ValidationError(_("The device belongs to another school than the stocktake."))
    services.stocktake_scan(actor=actor, stocktake=stocktake, code=device.inventory_number)
    return _("counted")


def _label(device: Device, *, actor, access: Access, p: dict) -> str:
    return _("on the label sheet")


PER_DEVICE: dict[str, Callable[..., str]] = {
    "status": _status,
    "retire": _retire,
    "move": _move,
    "cost_line": _cost_line,
    "stocktake": _stocktake,
    "labels": _label,
}


def _one(handler, device: Device, *, actor, access: Access, params: dict) -> Outcome:
    try:
        with transaction.atomic():
            message = handler(device, actor=actor, access=access, p=params)
    except PermissionDenied:
        return Outcome(
            device.pk, device.inventory_number, False, _("You may not make this change.")
        )
    except ValidationError as exc:
        return Outcome(device.pk, device.inventory_number, False, " ".join(exc.messages))
    return Outcome(device.pk, device.inventory_number, True, message)


def devices_bulk(
    *,
    actor,
    access: Access,
    action: str,
    ids: list[int],
    params: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> BulkResult:
    """Run one bulk action on the selected devices, each on its own; report every device."""
    ids = clean_ids(ids)
    resolved = resolve_params(action, params or {}, access)
    handler = PER_DEVICE[action]
    result = BulkResult(action=action)
    found: dict[int, Device] = {}
    visible = access.restrict(Device.objects.select_related("school_board"))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(visible.in_bulk(chunk))
        for pk in chunk:
            device = found.get(pk)
            if device is None:
                # another board's id or no device at all: never touched, never named
                result.outcomes.append(Outcome(pk, "", False, _("No such device.")))
                continue
            result.outcomes.append(
                _one(handler, device, actor=actor, access=access, params=resolved)
            )
        if progress is not None:
            progress(len(chunk))
    if action == "labels" and result.done:
        result.follow_up_url = _label_job(actor, [o.device_id for o in result.done])
    return result


def _label_job(actor, ids: list[int]) -> str:
    """The existing label job prints the sheet (its progress page is the follow-up)."""
    from core.jobs import job_start, job_url

    job = job_start(
        kind="devices.labels",
        owner=actor,
        title=_("Label sheet"),
        params={"device_ids": ids, "filename": "etiketten.pdf"},
    )
    return job_url(job)


def bulk_run_or_start(*, actor, access: Access, action: str, ids: list[int], params: dict):
    """Run a bulk action now, or — above `settings.BULK_INLINE_MAX` devices — start the
    background job. Bad parameters are refused before anything runs. Returns
    (result, None) or (None, job)."""
    from django.conf import settings

    from core.jobs import job_start

    ids = clean_ids(ids)
    resolve_params(action, params, access)
    if len(ids) <= settings.BULK_INLINE_MAX:
        return devices_bulk(actor=actor, access=access, action=action, ids=ids, params=params), None
    job = job_start(
        kind="devices.bulk",
        owner=actor,
        title=str(ACTIONS[action]),
        params={"action": action, "ids": ids, "params": params_for_job(action, params)},
    )
    return None, job
