"""Writes in the device inventory: catalogue, devices, deliveries, loans, returns, defects,
stocktakes and data-protection actions. Every function is keyword-only and atomic."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import workflow as engine
from core.formatting import format_date
from core.money import round_money
from core.services import apply_fields, bump_version, lock_and_check, save_row
from core.tenancy import Access, access_for

from .choices import (
    OPEN_DEFECT_STATUSES,
    BorrowerKind,
    Condition,
    DefectKind,
    DefectStatus,
    DeviceStatus,
    DueRule,
    LoanStatus,
    PrivacyAction,
    StocktakeStatus,
)
from .models import (
    Accessory,
    DefectReport,
    Delivery,
    Device,
    DeviceModel,
    Loan,
    LoanItem,
    LoanReturn,
    PrivacyLog,
    Stocktake,
    StocktakeEntry,
)
from .rules import price_order_error, room_required_error
from .workflow import (
    DEFECT,
    DELIVERY_STATUSES,
    DEVICE,
    INITIAL_STATUSES,
    LOAN,
    STOCKTAKE,
    device_transition,
)

DEVICE_MODEL_FIELDS = (
    "manufacturer",
    "name",
    "category",
    "default_price_net",
    "default_price_gross",
)
DEVICE_FIELDS = (
    "inventory_number",
    "serial_number",
    "model",
    "category",
    "school",
    "room",
    "pool",
    "purchase_date",
    "price_net",
    "price_gross",
    "supplier",
    "invoice_reference",
    "warranty_end",
    "earmarking_end",
    "mdm_id",
    "notes",
    "cost_line",
)
ACCESSORY_FIELDS = ("kind", "description", "serial_number")
LOAN_FIELDS = (
    "borrower_kind",
    "borrower_name",
    "school_class",
    "borrower_is_minor",
    "guardian_name",
    "guardian_contact",
    "staff_reference",
    "school_year",
    "start_date",
    "due_rule",
    "due_date",
    "condition_at_handover",
    "existing_damage",
    "notes",
)
LOAN_UPDATE_FIELDS = (
    "guardian_name",
    "guardian_contact",
    "school_class",
    "due_rule",
    "due_date",
    "notes",
)
MAX_BATCH = 2000
#: at most this many devices are linked to a cost line in one bulk action
MAX_COST_LINE_BATCH = 20_000
ANONYMISED = "anonymisiert"

#: last school day before the summer holidays in Sachsen-Anhalt [param]; override or extend
#: with settings.PAKTWERK["LAST_SCHOOL_DAYS"] = {"2027/28": "2028-07-07", ...}
LAST_SCHOOL_DAYS = {
    "2024/25": dt.date(2025, 6, 27),
    "2025/26": dt.date(2026, 7, 3),
    "2026/27": dt.date(2027, 7, 9),
    "2027/28": dt.date(2028, 7, 14),
}


def last_school_day(school_year: str) -> dt.date:
    overrides = settings.PAKTWERK.get("LAST_SCHOOL_DAYS", {}) or {}
    if school_year in overrides:
        value = overrides[school_year]
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if school_year in LAST_SCHOOL_DAYS:
        return LAST_SCHOOL_DAYS[school_year]
    match = re.match(r"^(\d{4})/\d{2}$", school_year or "")
    if not match:
        raise ValidationError({"school_year": _("Enter the school year as YYYY/YY, e.g. 2026/27.")})
    # unknown year: the Friday before mid-July as a conservative default
    end = dt.date(int(match.group(1)) + 1, 7, 15)
    return end - dt.timedelta(days=(end.weekday() - 4) % 7)


# --- catalogue and devices -------------------------------------------------------------


@transaction.atomic
def device_model_create(*, actor, board, data: dict[str, Any]) -> DeviceModel:
    obj = DeviceModel(school_board=board)
    apply_fields(obj, data, DEVICE_MODEL_FIELDS)
    save_row(obj, actor=actor)
    return obj


@transaction.atomic
def device_model_update(
    *,
    actor,
    device_model: DeviceModel,
    data: dict[str, Any],
    expected_version: int | str | None = None,
) -> DeviceModel:
    lock_and_check(device_model, expected_version)
    apply_fields(device_model, data, DEVICE_MODEL_FIELDS)
    save_row(device_model, actor=actor)
    return device_model


def _fill_from_model(device: Device) -> None:
    if device.model_id:
        if not device.category:
            device.category = device.model.category
        if device.price_net is None:
            device.price_net = device.model.default_price_net
        if device.price_gross is None:
            device.price_gross = device.model.default_price_gross


@transaction.atomic
def device_create(
    *, actor, board, data: dict[str, Any], status: str = DeviceStatus.IN_STOCK
) -> Device:
    if status not in INITIAL_STATUSES:
        raise ValidationError(
            {"status": _("A new device starts as ordered, delivered, in stock or in use.")}
        )
    device = Device(school_board=board, status=status)
    for key in DEVICE_FIELDS:
        if key in data:
            setattr(device, key, data[key])
    _fill_from_model(device)
    if message := room_required_error(status, device.room_id):
        raise ValidationError({"room": message})
    save_row(device, actor=actor, reason=_("created"))
    engine.record_initial([device], actor=actor, reason=_("created"))
    return device


@transaction.atomic
def device_update(
    *, actor, device: Device, data: dict[str, Any], expected_version: int | str | None = None
) -> Device:
    lock_and_check(device, expected_version)
    if "room" in data and (message := room_required_error(device.status, data["room"])):
        raise ValidationError({"room": message})
    if "school" in data and data["school"] != device.school and DEVICE.is_in(device, "on_loan"):
        raise ValidationError({"school": _("A device on loan cannot move to another school.")})
    apply_fields(device, data, DEVICE_FIELDS)
    save_row(device, actor=actor)
    return device


@transaction.atomic
def accessory_create(*, actor, device: Device, data: dict[str, Any]) -> Accessory:
    obj = Accessory(device=device, school_board_id=device.school_board_id)
    apply_fields(obj, data, ACCESSORY_FIELDS)
    save_row(obj, actor=actor)
    return obj


@transaction.atomic
def accessory_update(
    *, actor, accessory: Accessory, data: dict[str, Any], expected_version: int | str | None = None
) -> Accessory:
    lock_and_check(accessory, expected_version)
    apply_fields(accessory, data, ACCESSORY_FIELDS)
    save_row(accessory, actor=actor)
    return accessory


def cost_line_label(line) -> str:
    """“FA-2026-0001 Digitale Ausstattung – Pos. 2: Tablet 10 Zoll” (choices, device page)."""
    application = line.application
    return f"{application.number} {application.title} – {line}"


@transaction.atomic
def devices_assign_cost_line(*, actor, board, devices, cost_line=None, reason: str = "") -> int:
    """Link many devices to the funding cost line they were bought under (bulk, with history).

    `devices` is a queryset or list of the board's devices (already narrowed to what the
    actor may edit); `cost_line=None` removes the link. Returns the number of devices changed.
    """
    if cost_line is not None and cost_line.school_board_id != board.pk:
        raise ValidationError(
            {"cost_line": _("The cost line belongs to another Schulträger's application.")}
        )
    ids = (
        [d.pk for d in devices]
        if isinstance(devices, (list, tuple))
        else list(devices.values_list("pk", flat=True)[: MAX_COST_LINE_BATCH + 1])
    )
    if not ids:
        raise ValidationError({"devices": _("No devices selected.")})
    if len(ids) > MAX_COST_LINE_BATCH:
        raise ValidationError(
            {
                "devices": _("At most %(n)s devices at once: narrow the filter.")
                % {"n": MAX_COST_LINE_BATCH}
            }
        )
    locked = list(Device.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    foreign = [d.inventory_number for d in locked if d.school_board_id != board.pk]
    if foreign or len(locked) != len(set(ids)):
        raise ValidationError(
            {
                "devices": _("Some devices belong to another Schulträger: %(list)s")
                % {"list": ", ".join(foreign[:10]) or "?"}
            }
        )
    new_id = cost_line.pk if cost_line is not None else None
    changed = [d for d in locked if d.cost_line_id != new_id]
    why = reason or (
        _("funding: %(line)s") % {"line": cost_line_label(cost_line)}
        if cost_line is not None
        else _("funding link removed")
    )
    for device in changed:
        device.cost_line_id = new_id
        device.version = (device.version or 0) + 1
        device.updated_at = timezone.now()
        device._change_reason = why[:100]
    if changed:
        bulk_update_with_history(
            changed,
            Device,
            ["cost_line", "version", "updated_at"],
            batch_size=500,
            default_user=actor,
            default_change_reason=why[:100],
        )
    return len(changed)


# --- deliveries -----------------------------------------------------------------------------


def parse_serial_lines(text: str) -> list[tuple[str, str]]:
    """One device per line: "SERIAL" or "SERIAL;INVENTARNUMMER" (tab or comma also work)."""
    rows = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in re.split(r"[;\t,]", line)]
        rows.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return rows


def _check_delivery_input(board, school, room, model, category, status, lines) -> None:
    errors: dict[str, list[str]] = {}
    if room is not None and room.school_id != school.pk:
        errors.setdefault("room", []).append(_("The room belongs to another school."))
    if model is not None and model.school_board_id != board.pk:
        errors.setdefault("model", []).append(_("The device model belongs to another Schulträger."))
    if not category:
        errors.setdefault("category", []).append(_("Choose a device model or a category."))
    if status not in DELIVERY_STATUSES:
        errors.setdefault("status", []).append(_("Invalid status for a delivery."))
    if message := room_required_error(status, room):
        errors.setdefault("room", []).append(message)
    if not lines:
        errors.setdefault("serials", []).append(_("Enter at least one serial number."))
    if len(lines) > MAX_BATCH:
        errors.setdefault("serials", []).append(
            _("At most %(n)s devices per delivery.") % {"n": MAX_BATCH}
        )
    if errors:
        raise ValidationError(errors)


def _serial_problems(board, serials: list[str], inventories: list[str]) -> list[str]:
    """Duplicates in the list, too long values, and numbers already registered."""
    problems = []
    for label, values in ((_("serial number"), serials), (_("Inventarnummer"), inventories)):
        seen, dupes = set(), set()
        for v in values:
            (dupes if v in seen else seen).add(v)
        if dupes:
            problems.append(
                _("%(label)s twice in the list: %(values)s")
                % {"label": label, "values": ", ".join(sorted(dupes)[:20])}
            )
    too_long = [s for s in serials if len(s) > 100] + [i for i in inventories if len(i) > 50]
    if too_long:
        problems.append(_("Too long: %(values)s") % {"values": ", ".join(too_long[:5])})
    existing = Device.objects.filter(school_board=board)
    taken_serials = (
        set(existing.filter(serial_number__in=serials).values_list("serial_number", flat=True))
        if serials
        else set()
    )
    taken_inv = set(
        existing.filter(inventory_number__in=inventories).values_list("inventory_number", flat=True)
    )
    if taken_serials:
        problems.append(
            _("These serial numbers are already registered: %(values)s")
            % {"values": ", ".join(sorted(taken_serials)[:20])}
        )
    if taken_inv:
        problems.append(
            _("Inventarnummern already used: %(values)s")
            % {"values": ", ".join(sorted(taken_inv)[:20])}
        )
    return problems


def _deliveries_to_stock(board, devices: list[Device], *, actor, reason: str) -> None:
    """The board's setting: delivered devices go straight into stock, each through the
    workflow as a system step of the delivery (logged per device), ready to be lent."""
    if not board.deliveries_to_stock:
        return
    why = _("%(delivery)s: straight into stock (setting of the Schulträger)") % {"delivery": reason}
    delivered = [d for d in devices if DEVICE.is_in(d, "delivered")]
    engine.transition_many(
        workflow=DEVICE,
        objs=delivered,
        to=DeviceStatus.IN_STOCK,
        actor=actor,
        access=engine.SYSTEM,
        reason=why,
        via="delivery",
    )
    for device in delivered:
        device.status = DeviceStatus.IN_STOCK


@transaction.atomic
def delivery_register(
    *,
    actor,
    board,
    school,
    lines: list[tuple[str, str]],
    delivered_on: dt.date,
    model: DeviceModel | None = None,
    category: str = "",
    room=None,
    pool: str = "",
    inventory_prefix: str = "",
    first_number: int = 1,
    supplier: str = "",
    invoice_reference: str = "",
    price_net: Decimal | None = None,
    price_gross: Decimal | None = None,
    warranty_end: dt.date | None = None,
    earmarking_end: dt.date | None = None,
    received_by: str = "",
    accessory_kinds: list[str] | tuple[str, ...] = (),
    status: str = DeviceStatus.DELIVERED,
    notes: str = "",
    cost_line=None,
    device_details: dict[str, dict[str, str]] | None = None,
) -> Delivery:
    """Register a delivery of many devices at once and hand them to one school (bulk path).

    `cost_line` links every device to its funding; `device_details` gives per serial
    number its `mdm_id` and `notes` (a delivery note imported by procurement).
    """
    if school.school_board_id != board.pk:
        raise ValidationError({"school": _("The school belongs to another Schulträger.")})
    if cost_line is not None and cost_line.school_board_id != board.pk:
        raise ValidationError({"cost_line": _("The cost line belongs to another Schulträger.")})
    details = device_details or {}
    category = category or (model.category if model else "")
    _check_delivery_input(board, school, room, model, category, status, lines)
    if price_net is None and model is not None:
        price_net = model.default_price_net
    if price_gross is None and model is not None:
        price_gross = model.default_price_gross
    if message := price_order_error(price_net, price_gross):
        raise ValidationError({"price_gross": message})
    number = first_number
    rows: list[tuple[str, str]] = []
    for serial, inventory in lines:
        if not inventory:
            inventory = f"{inventory_prefix}{number:05d}"
            number += 1
        rows.append((serial, inventory))
    serials = [s for s, _i in rows if s]
    inventories = [i for _s, i in rows]
    problems = _serial_problems(board, serials, inventories)
    if problems:
        raise ValidationError({"serials": problems})
    delivery = Delivery(
        school_board=board,
        school=school,
        model=model,
        delivered_on=delivered_on,
        supplier=supplier,
        invoice_reference=invoice_reference,
        pool=pool,
        received_by=received_by,
        handed_over_by=actor,
        notes=notes,
    )
    save_row(delivery, actor=actor)
    devices = [
        Device(
            school_board=board,
            school=school,
            room=room,
            model=model,
            category=category,
            status=status,
            inventory_number=inventory,
            serial_number=serial,
            pool=pool,
            delivery=delivery,
            purchase_date=delivered_on,
            price_net=price_net,
            price_gross=price_gross,
            supplier=supplier,
            invoice_reference=invoice_reference,
            warranty_end=warranty_end,
            earmarking_end=earmarking_end,
            cost_line=cost_line,
            mdm_id=details.get(serial, {}).get("mdm_id", ""),
            notes=details.get(serial, {}).get("notes", ""),
        )
        for serial, inventory in rows
    ]
    reason = _("Delivery %(n)s") % {"n": delivery.pk}
    try:
        with transaction.atomic():
            devices = bulk_create_with_history(
                devices, Device, batch_size=500, default_user=actor, default_change_reason=reason
            )
    except IntegrityError as exc:
        raise ValidationError(
            {
                "serials": [
                    _(
                        "A serial or Inventarnummer was registered at the "
                        "same time; please try again."
                    )
                ]
            }
        ) from exc
    engine.record_initial(devices, actor=actor, reason=reason)
    _deliveries_to_stock(board, devices, actor=actor, reason=reason)
    if accessory_kinds:
        accessories = [
            Accessory(school_board=board, device=d, kind=kind)
            for d in devices
            for kind in accessory_kinds
        ]
        bulk_create_with_history(accessories, Accessory, batch_size=1000, default_user=actor)
    return delivery


# --- loans ----------------------------------------------------------------------------------


def _check_devices_for_loan(school, devices: list[Device], *, loan: Loan | None = None) -> None:
    if not devices:
        raise ValidationError({"devices": _("Choose at least one device.")})
    problems = []
    open_items = set(
        LoanItem.objects.filter(device__in=devices, is_open=True).values_list(
            "device_id", flat=True
        )
    )
    for device in devices:
        if device.school_board_id != school.school_board_id:
            problems.append(
                _("%(inv)s belongs to another Schulträger.") % {"inv": device.inventory_number}
            )
        elif device.school_id != school.pk:
            problems.append(
                _("%(inv)s belongs to another school.") % {"inv": device.inventory_number}
            )
        elif device.pk in open_items or DEVICE.is_in(device, "on_loan"):
            problems.append(_("%(inv)s is already on loan.") % {"inv": device.inventory_number})
        elif not DEVICE.is_in(device, "lendable"):
            problems.append(
                _("%(inv)s cannot be lent: its status is “%(status)s”.")
                % {"inv": device.inventory_number, "status": device.get_status_display()}
            )
    if problems:
        raise ValidationError({"devices": problems})


@transaction.atomic
def loan_create(
    *,
    actor,
    school,
    devices: list[Device],
    data: dict[str, Any],
    accessories: list[Accessory] | tuple = (),
) -> Loan:
    """Prepare a loan contract (Leihvertrag) for one borrower and one or more devices."""
    data = dict(data)
    if data.get("due_rule") == DueRule.LAST_SCHOOL_DAY:
        data["due_date"] = last_school_day(data.get("school_year", ""))
    elif not data.get("due_date"):
        raise ValidationError({"due_date": _("Enter the due date.")})
    if data.get("borrower_kind") == BorrowerKind.TEACHER:
        data["borrower_is_minor"] = False
        data["guardian_name"] = data["guardian_contact"] = ""
    loan = Loan(school_board_id=school.school_board_id, school=school)
    devices = list(Device.objects.select_for_update().filter(pk__in=[d.pk for d in devices]))
    _check_devices_for_loan(school, devices)
    device_ids = {d.pk for d in devices}
    for accessory in accessories:
        if accessory.device_id not in device_ids:
            raise ValidationError(
                {
                    "accessories": _("%(acc)s does not belong to one of the chosen devices.")
                    % {"acc": accessory}
                }
            )
    apply_fields(loan, data, LOAN_FIELDS)
    save_row(loan, actor=actor, reason=_("prepared"))
    for device in sorted(devices, key=lambda d: d.inventory_number):
        item = LoanItem(
            school_board_id=loan.school_board_id,
            loan=loan,
            device=device,
            value=round_money(device.price_gross) if device.price_gross is not None else None,
        )
        item._history_user = actor
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"devices": [_("%(inv)s is already on loan.") % {"inv": device.inventory_number}]}
            ) from exc
        item.accessories.set([a for a in accessories if a.device_id == device.pk])
    return loan


@transaction.atomic
def loan_update(
    *, actor, loan: Loan, data: dict[str, Any], expected_version: int | str | None = None
) -> Loan:
    lock_and_check(loan, expected_version)
    if not loan.is_open:
        raise ValidationError(_("A closed loan cannot be changed."))
    data = dict(data)
    if data.get("due_rule") == DueRule.LAST_SCHOOL_DAY:
        data["due_date"] = last_school_day(loan.school_year)
    apply_fields(loan, data, LOAN_UPDATE_FIELDS)
    save_row(loan, actor=actor)
    return loan


def _lock_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().get(pk=loan.pk)


def _loan_step(loan: Loan, to: str, *, actor, access: Access | None, reason="", **kw) -> Loan:
    """A loan's status step through the one workflow engine; returns the saved loan."""
    change = engine.transition(
        workflow=LOAN,
        obj=loan,
        to=to,
        actor=actor,
        access=access if access is not None else access_for(actor),
        reason=reason,
        **kw,
    )
    return change.content_object


@transaction.atomic
def loan_sign(
    *,
    actor,
    loan: Loan,
    borrower_signed: bool,
    guardian_signed: bool,
    signed_on: dt.date | None = None,
    access: Access | None = None,
) -> Loan:
    """Record the signed contract; a minor's contract needs the guardian's signature."""

    def apply(locked: Loan) -> None:
        if not borrower_signed:
            raise ValidationError({"borrower_signed": _("The borrower must sign the contract.")})
        if locked.needs_guardian and not guardian_signed:
            raise ValidationError(
                {
                    "guardian_signed": _(
                        "The borrower is a minor: the guardian must sign the contract."
                    )
                }
            )
        locked.borrower_signed = True
        locked.guardian_signed = bool(guardian_signed) and locked.needs_guardian
        locked.signed_on = signed_on or timezone.localdate()

    return _loan_step(
        loan, LoanStatus.SIGNED, actor=actor, access=access, reason=_("signed"), apply=apply
    )


@transaction.atomic
def loan_hand_out(
    *, actor, loan: Loan, on: dt.date | None = None, access: Access | None = None
) -> Loan:
    access = access if access is not None else access_for(actor)
    on = on or timezone.localdate()

    def apply(locked: Loan) -> None:
        for item in locked.items.filter(is_open=True).select_related("device"):
            device_transition(
                actor=actor,
                device=item.device,
                to_status=DeviceStatus.ON_LOAN,
                reason=str(locked),
                via="loan",
                access=access,
                on=on,
            )
        locked.handed_out_on = on
        locked.handed_out_by = actor

    return _loan_step(
        loan, LoanStatus.HANDED_OUT, actor=actor, access=access, reason=_("handed out"), apply=apply
    )


@transaction.atomic
def loan_cancel(*, actor, loan: Loan, reason: str = "", access: Access | None = None) -> Loan:
    def apply(locked: Loan) -> None:
        locked.items.filter(is_open=True).update(is_open=False)
        locked.returned_on = timezone.localdate()

    return _loan_step(
        loan,
        LoanStatus.CANCELLED,
        actor=actor,
        access=access,
        reason=reason or _("cancelled"),
        apply=apply,
    )


@dataclass
class ReturnItem:
    """What was checked for one device at the return."""

    condition: str = Condition.GOOD
    returned_accessory_ids: set[int] = field(default_factory=set)
    damage_notes: str = ""


@transaction.atomic
def loan_return(
    *,
    actor,
    loan: Loan,
    items: dict[int, ReturnItem],
    returned_on: dt.date,
    notes: str = "",
    access: Access | None = None,
) -> LoanReturn:
    """Check devices of a loan back in; missing or damaged items create defect reports."""
    access = access if access is not None else access_for(actor)
    locked = _lock_loan(loan)
    LOAN.ensure(locked, LoanStatus.RETURNED)
    if not items:
        raise ValidationError({"items": _("Choose at least one device to check in.")})
    if returned_on < (locked.handed_out_on or locked.start_date):
        raise ValidationError({"returned_on": _("The return cannot be before the handover.")})
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": _("The return date cannot be in the future.")})
    open_items = {
        i.device_id: i
        for i in locked.items.filter(is_open=True)
        .select_related("device")
        .prefetch_related("accessories")
    }
    unknown = [str(d) for d in items if d not in open_items]
    if unknown:
        raise ValidationError(
            {
                "items": _("These devices are not on this loan (or already returned): %(ids)s")
                % {"ids": ", ".join(unknown)}
            }
        )
    for device_id, data in items.items():
        if data.condition not in Condition.values:
            raise ValidationError(
                {"items": _("Unknown condition “%(c)s”.") % {"c": data.condition}}
            )
        if (
            data.condition in (Condition.DAMAGED, Condition.DEFECTIVE)
            and not data.damage_notes.strip()
        ):
            raise ValidationError(
                {
                    "items": _("Describe the damage of %(inv)s.")
                    % {"inv": open_items[device_id].device}
                }
            )
    protocol = LoanReturn(
        school_board_id=locked.school_board_id,
        loan=locked,
        returned_on=returned_on,
        received_by=actor,
        notes=notes,
    )
    complete = True
    reports: list[tuple[Device, str, str]] = []
    for device_id, data in items.items():
        item = open_items[device_id]
        handed = {a.pk: a for a in item.accessories.all()}
        missing = [a for pk, a in handed.items() if pk not in data.returned_accessory_ids]
        if missing:
            complete = False
            reports.append(
                (
                    item.device,
                    DefectKind.MISSING_ACCESSORY,
                    _("Missing at return: %(list)s") % {"list": ", ".join(str(a) for a in missing)},
                )
            )
        if data.condition == Condition.MISSING:
            complete = False
            reports.append(
                (item.device, DefectKind.LOSS, data.damage_notes or _("Device not returned."))
            )
        elif data.condition in (Condition.DAMAGED, Condition.DEFECTIVE):
            reports.append(
                (
                    item.device,
                    DefectKind.DAMAGE if data.condition == Condition.DAMAGED else DefectKind.DEFECT,
                    data.damage_notes,
                )
            )
        item.is_open = False
        item.returned_on = returned_on
        item.return_condition = data.condition
        item.damage_notes = data.damage_notes
        item._history_user = actor
        item.save()
        item.missing_accessories.set(missing)
        target = {
            Condition.MISSING: DeviceStatus.LOST,
            Condition.DAMAGED: DeviceStatus.IN_REPAIR,
            Condition.DEFECTIVE: DeviceStatus.IN_REPAIR,
        }.get(data.condition, DeviceStatus.IN_STOCK)
        device_transition(
            actor=actor,
            device=item.device,
            to_status=target,
            reason=_("Return of %(loan)s") % {"loan": locked.contract_number},
            via="loan",
            access=access,
            on=returned_on,
        )
    protocol.accessories_complete = complete
    save_row(protocol, actor=actor)
    for device, kind, text in reports:
        report = DefectReport(
            school_board_id=locked.school_board_id,
            device=device,
            loan=locked,
            loan_return=protocol,
            kind=kind,
            description=text,
            reported_on=returned_on,
            reported_by=actor,
        )
        save_row(report, actor=actor)
    if not locked.items.filter(is_open=True).exists():
        _loan_step(
            locked,
            LoanStatus.RETURNED,
            actor=actor,
            access=access,
            reason=_("returned"),
            apply=lambda row: setattr(row, "returned_on", returned_on),
        )
    return protocol


# --- defect reports -------------------------------------------------------------------------


def _open_item_for(device: Device) -> LoanItem | None:
    return (
        LoanItem.objects.filter(device=device, is_open=True, loan__status=LoanStatus.HANDED_OUT)
        .select_related("loan")
        .first()
    )


@transaction.atomic
def defect_report_create(
    *, actor, device: Device, data: dict[str, Any], access: Access | None = None
) -> DefectReport:
    """A defect, damage, loss or theft report; loss and theft change the device's status."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if not DEVICE.is_in(device, "reportable"):
        raise ValidationError(
            _("No reports for a device that is %(status)s.")
            % {"status": device.get_status_display()}
        )
    report = DefectReport(
        school_board_id=device.school_board_id,
        device=device,
        reported_by=actor,
        status=DefectStatus.OPEN,
    )
    for key in ("kind", "description", "reported_on", "police_report_reference"):
        if key in data:
            setattr(report, key, data[key])
    if not report.reported_on:
        report.reported_on = timezone.localdate()
    if report.reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("The date cannot be in the future.")})
    item = _open_item_for(device)
    if item is not None:
        report.loan = item.loan
    save_row(report, actor=actor)
    # the report's first log row: the workflow hook tells whoever must respond
    engine.record(report, actor=actor, action="create", from_status="")
    target = {DefectKind.LOSS: DeviceStatus.LOST, DefectKind.THEFT: DeviceStatus.STOLEN}.get(
        report.kind
    )
    if target and not DEVICE.is_in(device, target):
        access = access if access is not None else access_for(actor)
        if item is not None:
            _close_item(
                item, actor=actor, access=access, condition=Condition.MISSING, on=report.reported_on
            )
        device_transition(
            actor=actor,
            device=device,
            to_status=target,
            reason=str(report),
            via="defect",
            access=access,
            on=report.reported_on,
        )
    return report


def _close_item(item: LoanItem, *, actor, access: Access, condition: str, on: dt.date) -> None:
    item.is_open = False
    item.returned_on = on
    item.return_condition = condition
    item._history_user = actor
    item.save()
    loan = item.loan
    if not loan.items.filter(is_open=True).exists():
        _loan_step(
            loan,
            LoanStatus.RETURNED,
            actor=actor,
            access=access,
            reason=_("closed"),
            apply=lambda row: setattr(row, "returned_on", on),
        )
        loan.returned_on = on


def _defect_to_repair(
    locked: DefectReport, device: Device, replacement_device, *, actor, access: Access
) -> None:
    """The device goes to repair; a device on loan leaves the loan, a replacement joins it."""
    item = _open_item_for(device)
    if replacement_device is not None and item is None:
        raise ValidationError(
            {"replacement_device": _("The device is not on loan, so no replacement is needed.")}
        )
    if item is None:
        if not DEVICE.is_in(device, "in_repair"):
            device_transition(
                actor=actor,
                device=device,
                to_status=DeviceStatus.IN_REPAIR,
                reason=str(locked),
                via="defect",
                access=access,
            )
        return
    loan = item.loan
    _close_item(
        item, actor=actor, access=access, condition=Condition.DEFECTIVE, on=timezone.localdate()
    )
    device_transition(
        actor=actor,
        device=device,
        to_status=DeviceStatus.IN_REPAIR,
        reason=str(locked),
        via="defect",
        access=access,
    )
    if replacement_device is not None:
        locked.replacement_device = _hand_out_replacement(
            loan, device, replacement_device, actor=actor, access=access
        )


def _hand_out_replacement(loan: Loan, device: Device, replacement_device, *, actor, access):
    replacement = Device.objects.select_for_update().get(pk=replacement_device.pk)
    _check_devices_for_loan(loan.school, [replacement])
    loan.refresh_from_db()
    if LOAN.can(loan, LoanStatus.HANDED_OUT, via="defect"):
        _loan_step(
            loan,
            LoanStatus.HANDED_OUT,
            actor=actor,
            access=access,
            reason=_("replacement device"),
            via="defect",
            apply=lambda row: setattr(row, "returned_on", None),
        )
    new_item = LoanItem(
        school_board_id=loan.school_board_id,
        loan=loan,
        device=replacement,
        value=replacement.price_gross,
    )
    new_item._history_user = actor
    new_item.save()
    device_transition(
        actor=actor,
        device=replacement,
        to_status=DeviceStatus.ON_LOAN,
        via="defect",
        reason=_("Replacement for %(inv)s") % {"inv": device},
        access=access,
    )
    return replacement


def _defect_settle(locked: DefectReport, device: Device, *, actor, access, resolution: str):
    """Replaced or written off: a device still on loan comes back, then it is retired."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the case was settled.")})
    item = _open_item_for(device)
    if item is not None:
        _close_item(
            item, actor=actor, access=access, condition=Condition.DEFECTIVE, on=timezone.localdate()
        )
        device_transition(
            actor=actor,
            device=device,
            to_status=DeviceStatus.IN_REPAIR,
            reason=str(locked),
            via="defect",
            access=access,
        )
    if not DEVICE.is_in(device, "retired"):
        device_transition(
            actor=actor,
            device=device,
            to_status=DeviceStatus.RETIRED,
            reason=f"{locked}: {resolution}",
            via="defect",
            access=access,
        )


@transaction.atomic
def defect_transition(
    *,
    actor,
    report: DefectReport,
    to_status: str,
    resolution: str = "",
    replacement_device: Device | None = None,
    access: Access | None = None,
) -> DefectReport:
    """open → in repair → repaired / replaced / written off; the device follows."""
    access = access if access is not None else access_for(actor)
    if replacement_device is not None and to_status != DefectStatus.IN_REPAIR:
        raise ValidationError(
            {
                "replacement_device": _(
                    "A replacement device is given when the device goes to repair."
                )
            }
        )

    def apply(locked: DefectReport) -> None:
        device = Device.objects.get(pk=locked.device_id)
        if to_status == DefectStatus.IN_REPAIR:
            _defect_to_repair(locked, device, replacement_device, actor=actor, access=access)
        elif to_status == DefectStatus.REPAIRED:
            if DEVICE.is_in(device, "repairable"):
                device_transition(
                    actor=actor,
                    device=device,
                    to_status=DeviceStatus.IN_STOCK,
                    reason=str(locked),
                    via="defect",
                    access=access,
                )
        else:
            _defect_settle(locked, device, actor=actor, access=access, resolution=resolution)
        if resolution:
            locked.resolution = resolution

    change = engine.transition(
        workflow=DEFECT,
        obj=report,
        to=to_status,
        actor=actor,
        access=access,
        reason=resolution or str(DefectStatus(to_status).label),
        apply=apply,
    )
    return change.content_object


# --- stocktakes ---------------------------------------------------------------------------------


@transaction.atomic
def stocktake_start(
    *, actor, school, room=None, started_on: dt.date | None = None, notes: str = ""
) -> Stocktake:
    stocktake = Stocktake(
        school_board_id=school.school_board_id,
        school=school,
        room=room,
        started_on=started_on or timezone.localdate(),
        started_by=actor,
        notes=notes,
    )
    save_row(stocktake, actor=actor)
    return stocktake


DEVICE_URL_RE = re.compile(r"/geraete/(\d+)/?")


def find_device_by_code(board_id: int, code: str) -> Device | None:
    """A scanned code: Inventarnummer, serial number, or the QR link of the device page."""
    code = code.strip()
    qs = Device.objects.filter(school_board_id=board_id).select_related("room")
    match = DEVICE_URL_RE.search(code)
    if match:
        return qs.filter(pk=int(match.group(1))).first()
    return (
        qs.filter(inventory_number=code).first()
        or qs.filter(serial_number=code).first()
        or qs.filter(inventory_number__iexact=code).first()
    )


@transaction.atomic
def stocktake_scan(*, actor, stocktake: Stocktake, code: str, room=None) -> StocktakeEntry:
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    STOCKTAKE.require(stocktake, "counting", _("This stocktake is closed."))
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": _("Scan or type an Inventarnummer.")})
    if len(code) > 300:
        raise ValidationError({"code": _("This code is too long.")})
    if room is not None and room.school_id != stocktake.school_id:
        raise ValidationError({"room": _("The room belongs to another school.")})
    room = room or stocktake.room
    device = find_device_by_code(stocktake.school_board_id, code)
    if device is not None and stocktake.entries.filter(device=device).exists():
        raise ValidationError(
            {"code": _("%(inv)s has already been counted.") % {"inv": device.inventory_number}}
        )
    entry = StocktakeEntry(
        school_board_id=stocktake.school_board_id,
        stocktake=stocktake,
        code=code,
        device=device,
        room=room,
        scanned_by=actor,
    )
    entry._history_user = actor
    entry.save()
    return entry


def _follow_up_ids(lost_ids, search_ids) -> tuple[set[int], set[int]]:
    try:
        lost, search = {int(i) for i in lost_ids}, {int(i) for i in search_ids}
    except (TypeError, ValueError):
        raise ValidationError(_("Choose the devices from the list of missing devices."))
    if lost & search:
        raise ValidationError(
            _("A missing device is either reported lost or searched for, not both.")
        )
    return lost, search


def _stocktake_follow_ups(stocktake, *, actor, access, lost: set[int], search: set[int], note):
    """Per missing device: a loss report (the device becomes lost) or a search task (logged)."""
    when = format_date(stocktake.started_on)
    text = _("Not found at the stocktake of %(date)s.") % {"date": when}
    text = f"{text} {note}".strip()
    devices = Device.objects.filter(pk__in=lost | search).order_by("pk")
    for device in devices:
        if device.pk in lost:
            defect_report_create(
                actor=actor,
                device=device,
                data={"kind": DefectKind.LOSS, "description": text},
                access=access,
            )
        else:
            engine.record(
                device,
                actor=actor,
                action="search_task",
                reason=(_("Search task: %(text)s") % {"text": text})[:2000],
                data={"stocktake": stocktake.pk},
            )


@transaction.atomic
def stocktake_close(
    *,
    actor,
    stocktake: Stocktake,
    access: Access | None = None,
    lost_ids=(),
    search_ids=(),
    note: str = "",
) -> Stocktake:
    """Close a stocktake; each missing device may get a follow-up: a loss report (it
    becomes lost, through the workflow) or a search task (in its log)."""
    from .documents import stocktake_discrepancies

    access = access if access is not None else access_for(actor)
    lost, search = _follow_up_ids(lost_ids, search_ids)

    def apply(locked: Stocktake) -> None:
        result = stocktake_discrepancies(locked)
        missing = {row["id"] for row in result["missing"]}
        if (lost | search) - missing:
            raise ValidationError(_("Only missing devices can be reported lost or searched for."))
        locked.result = {
            "counts": result["counts"],
            "lost": sorted(lost),
            "search_tasks": sorted(search),
        }
        locked.closed_on = timezone.localdate()

    change = engine.transition(
        workflow=STOCKTAKE,
        obj=stocktake,
        to=StocktakeStatus.CLOSED,
        actor=actor,
        access=access,
        reason=_("closed"),
        apply=apply,
    )
    closed = change.content_object
    _stocktake_follow_ups(closed, actor=actor, access=access, lost=lost, search=search, note=note)
    return closed


# --- data protection ----------------------------------------------------------------------------


def subject_hash(board_id: int, name: str) -> str:
    normalised = " ".join((name or "").lower().split())
    salt = f"{settings.SECRET_KEY}:{board_id}"
    return hashlib.sha256(f"{salt}:{normalised}".encode()).hexdigest()


def loans_of_person(*, board, name: str):
    name = " ".join((name or "").split())
    if len(name) < 3:
        raise ValidationError({"name": _("Enter the full name (at least 3 characters).")})
    return Loan.objects.filter(school_board=board, anonymised_at__isnull=True).filter(
        Q(borrower_name__iexact=name) | Q(guardian_name__iexact=name)
    )


def _loan_export(loan: Loan) -> dict:
    return {
        "contract": loan.contract_number,
        "school": loan.school.name,
        "borrower_kind": loan.borrower_kind,
        "borrower_name": loan.borrower_name,
        "class": loan.school_class,
        "borrower_is_minor": loan.borrower_is_minor,
        "guardian_name": loan.guardian_name,
        "guardian_contact": loan.guardian_contact,
        "staff_reference": loan.staff_reference,
        "school_year": loan.school_year,
        "start_date": loan.start_date.isoformat(),
        "due_date": loan.due_date.isoformat(),
        "status": loan.status,
        "signed_on": loan.signed_on.isoformat() if loan.signed_on else None,
        "handed_out_on": loan.handed_out_on.isoformat() if loan.handed_out_on else None,
        "returned_on": loan.returned_on.isoformat() if loan.returned_on else None,
        "devices": [
            {
                "inventory_number": i.device.inventory_number,
                "serial_number": i.device.serial_number,
                "model": i.device.description,
                "accessories": [str(a) for a in i.accessories.all()],
                "returned_on": i.returned_on.isoformat() if i.returned_on else None,
                "condition_at_return": i.return_condition,
            }
            for i in loan.items.all()
        ],
        "notes": loan.notes,
    }


@transaction.atomic
def privacy_export(*, actor, board, name: str) -> dict:
    """Art. 15 DSGVO: everything stored about one borrower or guardian; the export is logged."""
    loans = list(
        loans_of_person(board=board, name=name)
        .select_related("school")
        .prefetch_related("items__device__model", "items__accessories")
    )
    PrivacyLog.objects.create(
        school_board=board,
        action=PrivacyAction.EXPORT,
        actor=actor,
        subject_hash=subject_hash(board.pk, name),
        loan_count=len(loans),
        detail=", ".join(loan.contract_number for loan in loans)[:500],
    )
    return {
        "controller": board.name,
        "generated_on": timezone.localdate().isoformat(),
        "loans": [_loan_export(loan) for loan in loans],
    }


def _anonymise(loans: list[Loan], *, actor, reason: str) -> int:
    from .models import Loan as LoanModel

    now = timezone.now()
    ids = [loan.pk for loan in loans]
    if not ids:
        return 0
    blank = {
        "borrower_name": ANONYMISED,
        "school_class": "",
        "guardian_name": "",
        "guardian_contact": "",
        "staff_reference": "",
        "notes": "",
    }
    for loan in loans:
        for key, value in blank.items():
            setattr(loan, key, value)
        loan.anonymised_at = now
        loan._history_user = actor
        loan._change_reason = reason
        bump_version(loan)
        loan.save()
    # the history tables hold every earlier version: anonymise them too
    LoanModel.history.filter(id__in=ids).update(**blank)
    LoanReturn.objects.filter(loan_id__in=ids).update(notes="")
    LoanReturn.history.filter(loan_id__in=ids).update(notes="")
    return len(ids)


@transaction.atomic
def privacy_erase(*, actor, board, name: str) -> int:
    """Art. 17 DSGVO: anonymise a person's closed loans now; running contracts are refused."""
    loans = list(loans_of_person(board=board, name=name))
    running = [loan for loan in loans if LOAN.is_in(loan, "open")]
    if running:
        raise ValidationError(
            {
                "name": _(
                    "%(n)s contract(s) of this person are still running (%(list)s): "
                    "return or cancel "
                    "them first."
                )
                % {"n": len(running), "list": ", ".join(loan.contract_number for loan in running)}
            }
        )
    count = _anonymise(loans, actor=actor, reason="Art. 17 DSGVO")
    PrivacyLog.objects.create(
        school_board=board,
        action=PrivacyAction.ERASURE,
        actor=actor,
        subject_hash=subject_hash(board.pk, name),
        loan_count=count,
        detail=", ".join(loan.contract_number for loan in loans)[:500],
    )
    return count


def retention_cutoff(today: dt.date, months: int) -> dt.date:
    """The day N calendar months before `today` (clamped to the month's last day)."""
    year, month = today.year, today.month - months
    while month <= 0:
        month += 12
        year -= 1
    day = min(
        today.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    return dt.date(year, month, day)


def retention_months() -> int:
    return int(settings.PAKTWERK.get("LOAN_RETENTION_MONTHS", 6))


def retention_start(loan: Loan, *, today: dt.date) -> dt.date | None:
    """The day the retention period of a closed loan starts, or None while it must be kept.

    DOMAIN.md §8: delete once the device is back *and* the pupil has left. The period runs
    from the later of the return and the recorded leaving date; without a leaving date it
    runs from the return only once the loan's school year has ended (the pupil may still be
    at school and the contract may still be needed). Teacher loans: from the return.
    """
    if not LOAN.is_in(loan, "finished") or not loan.returned_on:
        return None
    if loan.borrower_kind != BorrowerKind.PUPIL:
        return loan.returned_on
    if loan.pupil_left_on:
        return max(loan.returned_on, loan.pupil_left_on)
    try:
        year_end = last_school_day(loan.school_year)
    except ValidationError:
        return None
    return loan.returned_on if year_end < today else None


def retention_due_on(loan: Loan, *, today: dt.date, months: int | None = None) -> dt.date | None:
    """The first day the borrower's data may be anonymised (None: not foreseeable yet)."""
    start = retention_start(loan, today=today)
    if start is None:
        return None
    months = retention_months() if months is None else months
    year, month = start.year, start.month + months
    while month > 12:
        month -= 12
        year += 1
    day = min(
        start.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    return dt.date(year, month, day)


@transaction.atomic
def loan_record_pupil_left(*, actor, loan: Loan, left_on: dt.date, note: str = "") -> Loan:
    """Record that the pupil left the school; a running loan ends then (DOMAIN.md §8)."""
    locked = _lock_loan(loan)
    if locked.anonymised_at is not None:
        raise ValidationError(_("This contract has been anonymised."))
    if locked.borrower_kind != BorrowerKind.PUPIL:
        raise ValidationError({"left_on": _("Only a pupil's leaving is recorded here.")})
    if left_on is None:
        raise ValidationError({"left_on": _("Enter the date the pupil left the school.")})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The leaving date cannot be in the future.")})
    if left_on < locked.start_date:
        raise ValidationError(
            {
                "left_on": _("The leaving date cannot be before the start of the loan (%(d)s).")
                % {"d": format_date(locked.start_date)}
            }
        )
    locked.pupil_left_on = left_on
    reason = _("pupil left school on %(d)s") % {"d": format_date(left_on)}
    if note.strip():
        reason = f"{reason}: {note.strip()}"
    if locked.is_open and locked.due_date > left_on:
        # the loan ends earlier when the pupil leaves: the device is due on the leaving day
        locked.due_rule = DueRule.FIXED
        locked.due_date = max(left_on, locked.start_date)
    save_row(locked, actor=actor, reason=reason[:100])
    return locked


@transaction.atomic
def anonymise_expired_loans(
    *, today: dt.date | None = None, months: int | None = None, actor=None
) -> int:
    """Retention: anonymise borrowers N months after the devices are back, the pupil has left
    (or the school year has ended) and no claim is open.

    Runs unscoped over all boards (call it from the job or the management command).
    """
    today = today or timezone.localdate()
    months = retention_months() if months is None else months
    cutoff = retention_cutoff(today, months)
    candidates = (
        Loan.objects.filter(
            anonymised_at__isnull=True,
            status__in=(LoanStatus.RETURNED, LoanStatus.CANCELLED),
            returned_on__lte=cutoff,
        )
        .exclude(defect_reports__status__in=OPEN_DEFECT_STATUSES)
        .exclude(pupil_left_on__gt=cutoff)
        .distinct()
    )
    by_board: dict[int, list[Loan]] = {}
    for loan in candidates:
        start = retention_start(loan, today=today)
        if start is None or start > cutoff:
            continue
        by_board.setdefault(loan.school_board_id, []).append(loan)
    total = 0
    for board_id, loans in by_board.items():
        count = _anonymise(loans, actor=actor, reason=_("retention period ended"))
        PrivacyLog.objects.create(
            school_board_id=board_id,
            action=PrivacyAction.RETENTION,
            actor=actor,
            loan_count=count,
            detail=_("returned and left on or before %(d)s") % {"d": format_date(cutoff)},
        )
        total += count
    return total
