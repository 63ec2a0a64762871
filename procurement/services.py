"""Every write of joint procurement: keyword-only, typed, atomic, through core.services."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from core import workflow as engine
from core.money import ZERO
from core.services import apply_fields, save_row
from core.tenancy import Access
from funding import services as funding_services
from funding import workflow as funding_workflow
from funding.choices import ProcurementRoute
from funding.models import CatalogueItem
from schools.models import CooperativeMember

from . import deliveries, permissions, pricelist, rules
from .choices import CallOffStatus
from .models import (
    CallOff,
    CallOffLine,
    ContractItem,
    DeliveryNote,
    DeliveryNoteLine,
    FrameworkContract,
    ItemPrice,
    JointOrder,
    Lot,
    PriceList,
    Supplier,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from .workflow import CALL_OFF, INVOICE, JOINT_ORDER


def _require_staff(access: Access, cooperative) -> None:
    if not permissions.is_staff_of(access, cooperative.pk):
        raise PermissionDenied(_("Only the cooperative's staff may do this."))


def is_member(cooperative_id: int, board_id: int, day: dt.date) -> bool:
    """Is the board a member of the cooperative on `day` (joined on or before, not left)?"""
    return any(
        m.is_member_on(day)
        for m in CooperativeMember.objects.filter(
            cooperative_id=cooperative_id, school_board_id=board_id
        )
    )


# --------------------------------------------------------------- the cooperative
@transaction.atomic
def member_join(*, actor, access: Access, cooperative, board, joined_on: dt.date):
    _require_staff(access, cooperative)
    if is_member(cooperative.pk, board.pk, joined_on):
        raise ValidationError({"school_board": _("The board is already a member on that day.")})
    member = CooperativeMember(cooperative=cooperative, school_board=board, joined_on=joined_on)
    return save_row(member, actor=actor, reason="joined")


@transaction.atomic
def member_leave(*, actor, access: Access, member, left_on: dt.date):
    _require_staff(access, member.cooperative)
    member.left_on = left_on
    return save_row(member, actor=actor, reason="left")


@transaction.atomic
def supplier_create(*, actor, access: Access, cooperative, data: dict[str, Any]) -> Supplier:
    _require_staff(access, cooperative)
    supplier = Supplier(cooperative=cooperative)
    apply_fields(supplier, data, ("name", "email", "city"))
    return save_row(supplier, actor=actor)


CONTRACT_FIELDS = ("supplier", "number", "title", "valid_from", "valid_until")


@transaction.atomic
def contract_create(
    *, actor, access: Access, cooperative, data: dict[str, Any]
) -> FrameworkContract:
    _require_staff(access, cooperative)
    supplier = data.get("supplier")
    if supplier is None or supplier.cooperative_id != cooperative.pk:
        raise ValidationError({"supplier": _("Choose a supplier of this cooperative.")})
    if message := rules.validity_order_error(data.get("valid_from"), data.get("valid_until")):
        raise ValidationError({"valid_until": message})
    contract = FrameworkContract(cooperative=cooperative)
    apply_fields(contract, data, CONTRACT_FIELDS)
    return save_row(contract, actor=actor)


@transaction.atomic
def lot_create(*, actor, access: Access, contract: FrameworkContract, data: dict) -> Lot:
    _require_staff(access, contract.cooperative)
    lot = Lot(contract=contract)
    apply_fields(lot, data, ("number", "title"))
    return save_row(lot, actor=actor)


# --------------------------------------------------------------- price lists
def price_list_preview(
    *, name: str, data: bytes, valid_from=None, valid_until=None
) -> pricelist.PricePlan:
    """Read and check a price-list file (nothing is written)."""
    return pricelist.analyse(name, data, valid_from=valid_from, valid_until=valid_until)


@transaction.atomic
def price_list_import(
    *,
    actor,
    access: Access,
    contract: FrameworkContract,
    name: str,
    data: bytes,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> PriceList:
    """A new price-list version from a file: all rows or none (errors name row and column)."""
    _require_staff(access, contract.cooperative)
    plan = price_list_preview(name=name, data=data, valid_from=valid_from, valid_until=valid_until)
    if not plan.ok:
        raise ValidationError({"file": plan.errors or [_("The file holds no price rows.")]})
    number = (contract.price_lists.aggregate(m=Max("number"))["m"] or 0) + 1
    version = PriceList(
        contract=contract, number=number, valid_from=plan.valid_from, valid_until=plan.valid_until
    )
    save_row(version, actor=actor, reason=f"import {name}"[:100])
    lots = {lot.number: lot for lot in contract.lots.all()}
    items = {i.item_number: i for i in contract.items.all()}
    for row in plan.rows:
        item = _upsert_item(contract, row.values, lots, items, actor=actor)
        price = ItemPrice(
            price_list=version,
            item=item,
            price_net=row.values["price_net"],
            vat_rate=row.values.get("vat_rate")
            if row.values.get("vat_rate") is not None
            else pricelist.DEFAULT_VAT,
            delivery_days=row.values.get("delivery_days") or 0,
            min_quantity=row.values.get("min_quantity") or 1,
        )
        save_row(price, actor=actor)
    _sync_warenkorb(contract, plan, items, actor=actor)
    return version


def _upsert_item(contract, values: dict, lots: dict, items: dict, *, actor) -> ContractItem:
    lot = None
    if values.get("lot"):
        lot = lots.get(values["lot"])
        if lot is None:
            lot = save_row(
                Lot(contract=contract, number=values["lot"], title=values["lot"]), actor=actor
            )
            lots[lot.number] = lot
    item = items.get(values["item_number"]) or ContractItem(
        contract=contract, item_number=values["item_number"]
    )
    item.name, item.category, item.lot = values["name"], values["category"], lot
    item.device_category = values.get("device_category") or ""
    save_row(item, actor=actor)
    items[item.item_number] = item
    return item


def _sync_warenkorb(contract, plan: pricelist.PricePlan, items: dict, *, actor) -> None:
    """Keep funding's Warenkorb pick-list (what cost plans choose) in step with the prices
    in force: the funding service writes its own table."""
    rows = [
        {
            "contract_reference": contract.number,
            "item_number": row.values["item_number"],
            "name": row.values["name"],
            "category": row.values["category"],
            "unit_price_net": str(row.values["price_net"]),
            "vat_rate": str(row.values.get("vat_rate") or pricelist.DEFAULT_VAT),
        }
        for row in plan.rows
    ]
    funding_services.catalogue_import(actor=actor, rows=rows, land=contract.cooperative.land)
    found = CatalogueItem.objects.filter(
        contract_reference=contract.number, item_number__in=list(items)
    )
    for entry in found:
        item = items[entry.item_number]
        if item.warenkorb_item_id != entry.pk:
            item.warenkorb_item = entry
            save_row(item, actor=actor, reason="Warenkorb")


def price_in_force(item: ContractItem, day: dt.date) -> ItemPrice | None:
    """The item's price in the newest price-list version valid on `day`."""
    return (
        ItemPrice.objects.filter(item=item, price_list__in=PriceList.objects.valid_on(day))
        .select_related("price_list")
        .order_by("-price_list__valid_from", "-price_list__number")
        .first()
    )


# --------------------------------------------------------------- call-offs (Abruf)
def _next_number(board, prefix: str, day: dt.date) -> str:
    start = f"{prefix}-{day.year}-"
    taken = CallOff.objects.filter(school_board=board, number__startswith=start).count()
    return f"{start}{taken + 1:04d}"


def _check_cost_line(board, line) -> None:
    if line is None:
        return
    if line.school_board_id != board.pk:
        raise ValidationError({"cost_line": _("The position belongs to another Schulträger.")})
    approved = line.approved_amount is not None and funding_workflow.APPLICATION.is_in(
        line.application, "approved"
    )
    if not approved:
        raise ValidationError({"cost_line": _("Only approved positions can be ordered against.")})


def _framework_lines(call_off: CallOff, board, wanted: list[dict]) -> list[CallOffLine]:
    """Items of the contract, priced from the version valid on the order date."""
    contract = call_off.contract
    if contract is None:
        raise ValidationError({"contract": _("Choose the framework contract.")})
    day = call_off.order_date
    if not contract.is_valid_on(day):
        raise ValidationError(
            {
                "contract": _("The framework contract is not valid on the order date %(day)s.")
                % {"day": day.strftime("%d.%m.%Y")}
            }
        )
    if not is_member(contract.cooperative_id, board.pk, day):
        raise ValidationError(
            {"contract": _("The Schulträger is not a member of the cooperative on the order date.")}
        )
    programme_id = call_off.cost_line.application.programme_id if call_off.cost_line else None
    lines, lots, errors = [], set(), []
    for number, entry in enumerate(wanted, start=1):
        item, quantity = entry.get("item"), int(entry.get("quantity") or 0)
        line_errors = _item_errors(contract, item, quantity, day, programme_id)
        if line_errors:
            errors += [_("Line %(n)s: %(msg)s") % {"n": number, "msg": m} for m in line_errors]
            continue
        price = price_in_force(item, day)
        lots.add(item.lot_id)
        lines.append(
            CallOffLine(
                item=item,
                price=price,
                description=item.name,
                quantity=quantity,
                unit_price_net=price.price_net,
                vat_rate=price.vat_rate,
            )
        )
    if len(lots) > 1:
        errors.append(_("All items of one call-off come from one lot (it is bundled per lot)."))
    if errors:
        raise ValidationError({"lines": errors})
    return lines


def _item_errors(contract, item, quantity: int, day, programme_id) -> list[str]:
    if item is None or item.contract_id != contract.pk:
        return [_("The item is not part of this framework contract.")]
    if quantity < 1:
        return [_("The quantity must be at least 1.")]
    price = price_in_force(item, day)
    if price is None:
        return [
            _("No price list of the contract is valid on %(day)s for %(item)s.")
            % {"day": day.strftime("%d.%m.%Y"), "item": item.item_number}
        ]
    found = []
    if message := rules.min_quantity_error(quantity, price.min_quantity):
        found.append(message)
    if programme_id:
        eligible = list(item.programmes.values_list("id", flat=True))
        if eligible and programme_id not in eligible:
            found.append(_("The item is not eligible in this programme."))
    return found


def _free_lines(call_off: CallOff, wanted: list[dict]) -> list[CallOffLine]:
    """A purchase outside the Warenkorb: lines as typed; the route must fit the value."""
    if call_off.route == ProcurementRoute.FRAMEWORK:
        raise ValidationError(
            {"route": _("A framework call-off takes its items from the contract.")}
        )
    if not call_off.supplier_name:
        raise ValidationError({"supplier_name": _("Name the supplier of this purchase.")})
    lines = []
    for entry in wanted:
        line = CallOffLine(
            description=entry.get("description") or "",
            quantity=int(entry.get("quantity") or 0),
            unit_price_net=entry.get("unit_price_net"),
            vat_rate=entry.get("vat_rate") if entry.get("vat_rate") is not None else Decimal("19"),
        )
        if message := rules.negative_price_error(line.unit_price_net):
            raise ValidationError({"lines": message})
        lines.append(line)
    return lines


def _check_route(call_off: CallOff, lines: list[CallOffLine]) -> None:
    if call_off.is_framework:
        return  # a call-off from the cooperative's tendered contract satisfies the rule
    params = call_off.cost_line.application.ruleset.params() if call_off.cost_line else None
    if params is None:
        from funding.rules import RuleParams

        params = RuleParams()
    net = sum((ln.amounts.net for ln in lines), ZERO)
    errors = rules.route_errors(route=call_off.route, net=net, from_catalogue=False, params=params)
    if errors:
        raise ValidationError({"route": errors})


def ordered_on_line(cost_line, *, exclude_call_off: int | None = None) -> tuple[int, Decimal]:
    """(quantity, gross) the counting call-offs already order against a cost line."""
    lines = CallOffLine.objects.filter(
        call_off__cost_line=cost_line, call_off__status__in=CALL_OFF.guards["counts"]
    ).exclude(call_off_id=exclude_call_off)
    quantity, gross = 0, ZERO
    for line in lines:
        quantity += line.quantity
        gross += line.amounts.gross
    return quantity, gross


def _check_plan(call_off: CallOff, lines: list[CallOffLine]) -> None:
    line = call_off.cost_line
    if line is None:
        return
    quantity, gross = ordered_on_line(line, exclude_call_off=call_off.pk)
    check = rules.PlanCheck(
        approved_quantity=line.quantity,
        approved_amount=line.approved_amount or ZERO,
        ordered_quantity=Decimal(quantity + sum(ln.quantity for ln in lines)),
        ordered_gross=gross + sum((ln.amounts.gross for ln in lines), ZERO),
    )
    tolerance = line.application.ruleset.plan_tolerance_percent
    message = rules.over_plan_error(check, tolerance)
    if message and not (call_off.over_plan_reason or "").strip():
        raise ValidationError({"over_plan_reason": message})


CALL_OFF_FIELDS = (
    "contract",
    "school",
    "cost_line",
    "order_date",
    "route",
    "supplier_name",
    "over_plan_reason",
)


@transaction.atomic
def call_off_create(*, actor, access: Access, board, data: dict[str, Any]) -> CallOff:
    """A board's call-off (draft) with its lines; every rule is checked before anything is
    written."""
    call_off = CallOff(school_board=board)
    apply_fields(call_off, data, CALL_OFF_FIELDS)
    call_off.route = call_off.route or ProcurementRoute.FRAMEWORK
    school = data.get("school")
    if school is None or school.school_board_id != board.pk:
        raise ValidationError({"school": _("The school belongs to another Schulträger.")})
    if not access.can_edit(call_off, school_staff_may_edit=False):
        raise PermissionDenied
    _check_cost_line(board, call_off.cost_line)
    wanted = list(data.get("lines") or [])
    if not wanted:
        raise ValidationError({"lines": _("Order at least one item.")})
    if call_off.is_framework:
        lines = _framework_lines(call_off, board, wanted)
        call_off.cooperative_id = call_off.contract.cooperative_id
    else:
        lines = _free_lines(call_off, wanted)
    _check_route(call_off, lines)
    _check_plan(call_off, lines)
    call_off.number = _next_number(board, "AB", call_off.order_date)
    save_row(call_off, actor=actor, access=access)
    for line in lines:
        line.call_off, line.school_board = call_off, board
        save_row(line, actor=actor)
    engine.record_initial([call_off], actor=actor)
    return call_off


def call_off_step(
    *, actor, access: Access, call_off: CallOff, to: str, reason: str = "", via: str = ""
) -> CallOff:
    """Submit, withdraw, order directly, close or cancel (the status table decides)."""
    if to == CallOffStatus.SUBMITTED and call_off.cost_line_id:
        with transaction.atomic():
            _check_plan(call_off, list(call_off.lines.all()))
    engine.transition(
        workflow=CALL_OFF, obj=call_off, to=to, actor=actor, access=access, reason=reason, via=via
    )
    return call_off


# --------------------------------------------------------------- bundling (Sammelbestellung)
#: a status step leaves these references as they were (or sets one just created): the
#: write path need not look each of them up again (50 call-offs: 300 queries fewer)
UNCHANGED_REFERENCES = (
    "school_board",
    "cooperative",
    "contract",
    "school",
    "cost_line",
    "joint_order",
)


def _lot_of(call_off: CallOff) -> int | None:
    lines = list(call_off.lines.all())
    return lines[0].item.lot_id if lines and lines[0].item_id else None


@transaction.atomic
def bundle(*, actor, access: Access, cooperative, on: dt.date) -> list[JointOrder]:
    """Bundle every submitted call-off of the cooperative's members into one joint order
    per contract (supplier) and lot."""
    _require_staff(access, cooperative)
    call_offs = (
        access.restrict(CallOff.objects.all())
        .filter(cooperative=cooperative, status__in=CALL_OFF.guards["bundleable"])
        .select_related("contract")
        .prefetch_related("lines__item")
        .order_by("school_board_id", "id")
    )
    groups: dict[tuple[int, int | None], list[CallOff]] = defaultdict(list)
    for call_off in call_offs:
        groups[(call_off.contract_id, _lot_of(call_off))].append(call_off)
    if not groups:
        raise ValidationError(_("There are no submitted call-offs to bundle."))
    orders = []
    prefix = f"SB-{on.year}-"
    count = JointOrder.objects.filter(number__startswith=prefix).count()
    for (contract_id, lot_id), members in sorted(
        groups.items(), key=lambda g: (g[0][0], g[0][1] or 0)
    ):
        count += 1
        order = JointOrder(
            cooperative=cooperative,
            contract_id=contract_id,
            lot_id=lot_id,
            number=f"{prefix}{count:04d}",
        )
        save_row(order, actor=actor, reason="bundled")
        engine.record_initial([order], actor=actor)
        for call_off in members:
            engine.transition(
                workflow=CALL_OFF,
                obj=call_off,
                to=CallOffStatus.BUNDLED,
                actor=actor,
                access=access,
                via="bundle",
                apply=lambda locked, order=order: setattr(locked, "joint_order", order),
                data={"joint_order": order.number},
                save_exclude=UNCHANGED_REFERENCES,
            )
        orders.append(order)
    return orders


@transaction.atomic
def joint_order_send(*, actor, access: Access, joint_order: JointOrder, sent_on: dt.date):
    """The joint order goes to the supplier: its call-offs are ordered."""

    def apply(locked):
        locked.sent_on = sent_on

    engine.transition(
        workflow=JOINT_ORDER, obj=joint_order, to="sent", actor=actor, access=access, apply=apply
    )
    for call_off in access.restrict(CallOff.objects.all()).filter(joint_order=joint_order):
        if CALL_OFF.can(call_off, CallOffStatus.ORDERED, via="bundle"):
            engine.transition(
                workflow=CALL_OFF,
                obj=call_off,
                to=CallOffStatus.ORDERED,
                actor=actor,
                access=access,
                via="bundle",
                save_exclude=UNCHANGED_REFERENCES,
            )
    return joint_order


@transaction.atomic
def joint_order_confirm(
    *,
    actor,
    access: Access,
    joint_order: JointOrder,
    reference: str,
    confirmed_on: dt.date,
    expected_on: dt.date | None = None,
) -> JointOrder:
    """Record the supplier's order confirmation and the expected delivery date."""
    if not (reference or "").strip():
        raise ValidationError({"confirmation_reference": _("Give the supplier's reference.")})
    if expected_on and expected_on < confirmed_on:
        raise ValidationError(
            {"expected_on": _("The delivery cannot be expected before the confirmation.")}
        )

    def apply(locked):
        locked.confirmation_reference = reference.strip()
        locked.confirmed_on, locked.expected_on = confirmed_on, expected_on

    engine.transition(
        workflow=JOINT_ORDER,
        obj=joint_order,
        to="confirmed",
        actor=actor,
        access=access,
        apply=apply,
    )
    joint_order.refresh_from_db()
    return joint_order


# --------------------------------------------------------------- delivery notes (Lieferschein)
def _row_msg(row: int, message: str) -> str:
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


def _school_error(call_off: CallOff, school_number: str) -> str | None:
    if not school_number or school_number == call_off.school.school_number:
        return None
    from schools.models import School

    other = School._base_manager.filter(school_number=school_number).first()
    if other is not None and other.school_board_id != call_off.school_board_id:
        return _("the school %(number)s belongs to another Schulträger") % {"number": school_number}
    return _("the delivery goes to %(school)s, not to school %(number)s") % {
        "school": call_off.school.school_number,
        "number": school_number,
    }


def _line_key(line: CallOffLine) -> str:
    return line.item.item_number if line.item_id else line.description


def check_delivery_rows(call_off: CallOff, rows: list[deliveries.DeliveryRow]) -> dict[int, list]:
    """Order line id -> its rows; raises with every refused row (nothing is written)."""
    from devices.models import Device

    lines = {_line_key(ln): ln for ln in call_off.lines.select_related("item")}
    errors: list[str] = []
    per_line: dict[int, list] = defaultdict(list)
    seen: dict[str, int] = {}
    serials = [r.serial for r in rows if r.serial]
    taken = (
        set(
            Device.objects.filter(
                school_board=call_off.school_board_id, serial_number__in=serials
            ).values_list("serial_number", flat=True)
        )
        if serials
        else set()
    )
    for row in rows:
        problems = []
        line = lines.get(row.item_number)
        if line is None:
            problems.append(
                _("the item %(item)s was not ordered in this call-off") % {"item": row.item_number}
            )
        if not row.serial:
            problems.append(_("the serial number is missing"))
        elif row.serial in taken:
            problems.append(
                _("the serial number %(serial)s is already in the inventory")
                % {"serial": row.serial}
            )
        elif row.serial in seen:
            problems.append(
                _("the serial number %(serial)s is already in row %(first)s")
                % {"serial": row.serial, "first": seen[row.serial]}
            )
        if message := _school_error(call_off, row.school_number):
            problems.append(message)
        seen.setdefault(row.serial, row.row)
        errors += [_row_msg(row.row, p) for p in problems]
        if line is not None and not problems:
            per_line[line.pk].append(row)
    by_id = {ln.pk: ln for ln in lines.values()}
    for line_id, line_rows in per_line.items():
        line = by_id[line_id]
        if len(line_rows) > line.open_quantity:
            errors.append(
                _(
                    "%(item)s: %(n)s delivered, but only %(open)s still open (ordered "
                    "%(ordered)s) – surplus items are refused."
                )
                % {
                    "item": _line_key(line),
                    "n": len(line_rows),
                    "open": line.open_quantity,
                    "ordered": line.quantity,
                }
            )
    if errors:
        raise ValidationError({"rows": errors})
    return per_line


@transaction.atomic
def delivery_note_record(
    *,
    actor,
    access: Access,
    call_off: CallOff,
    number: str,
    delivered_on: dt.date,
    rows: list[deliveries.DeliveryRow],
    received_by: str = "",
) -> DeliveryNote:
    """A delivery note for a call-off: each row becomes a device "im Lager" at the school,
    linked to the order line and the cost line. Partial deliveries leave back-orders."""
    from devices import services as device_services

    if not permissions.is_board_editor(access, call_off):
        raise PermissionDenied
    if not CALL_OFF.is_in(call_off, "deliverable"):
        raise ValidationError(_("Only ordered call-offs can be delivered."))
    if not rows:
        raise ValidationError({"rows": _("The delivery note lists no devices.")})
    per_line = check_delivery_rows(call_off, rows)
    note = DeliveryNote(
        call_off=call_off,
        school_board_id=call_off.school_board_id,
        number=number,
        delivered_on=delivered_on,
        received_by=received_by,
    )
    save_row(note, actor=actor, access=access)
    for line in call_off.lines.select_related("item").filter(pk__in=list(per_line)):
        line_rows = per_line[line.pk]
        for start in range(0, len(line_rows), device_services.MAX_BATCH):
            _deliver_batch(
                note, line, line_rows[start : start + device_services.MAX_BATCH], actor=actor
            )
        line.delivered_quantity += len(line_rows)
        save_row(line, actor=actor, reason=f"Lieferschein {number}"[:100])
    _after_delivery(call_off, actor=actor, access=access, number=number)
    return note


def _deliver_batch(note: DeliveryNote, line: CallOffLine, rows: list, *, actor) -> None:
    """One inventory delivery (devices "im Lager", linked to order and cost line) per batch."""
    from devices import services as device_services
    from devices.choices import DeviceStatus

    call_off = note.call_off
    supplier = call_off.contract.supplier.name if call_off.contract_id else call_off.supplier_name
    amounts = rules.line_amounts(1, line.unit_price_net, line.vat_rate)
    batch = device_services.delivery_register(
        actor=actor,
        board=call_off.school_board,
        school=call_off.school,
        lines=[(r.serial, "") for r in rows],
        delivered_on=note.delivered_on,
        category=(line.item.device_category if line.item_id else "") or "other",
        status=DeviceStatus.IN_STOCK,
        inventory_prefix=f"{call_off.number}-{note.pk}-{line.pk}-{rows[0].row}-",
        supplier=supplier,
        price_net=amounts.net,
        price_gross=amounts.gross,
        received_by=note.received_by,
        cost_line=call_off.cost_line,
        device_details={
            r.serial: {"mdm_id": r.mdm_id, "notes": f"MAC {r.mac}" if r.mac else ""} for r in rows
        },
    )
    save_row(
        DeliveryNoteLine(
            note=note,
            school_board_id=call_off.school_board_id,
            order_line=line,
            quantity=len(rows),
            device_delivery=batch,
        ),
        actor=actor,
    )


def _after_delivery(call_off: CallOff, *, actor, access: Access, number: str) -> None:
    open_left = any(ln.open_quantity for ln in call_off.lines.all())
    target = CallOffStatus.PARTLY_DELIVERED if open_left else CallOffStatus.DELIVERED
    if CALL_OFF.can(call_off, target, via="delivery"):
        engine.transition(
            workflow=CALL_OFF,
            obj=call_off,
            to=target,
            actor=actor,
            access=access,
            via="delivery",
            data={"delivery_note": number},
        )


# --------------------------------------------------------------- supplier invoices
def _invoice_line(board, supplier, entry: dict, number: int) -> tuple[SupplierInvoiceLine, list]:
    order_line = entry.get("order_line")
    errors = []
    if order_line is None or order_line.school_board_id != board.pk:
        return None, [
            _("Line %(n)s: the order line belongs to another Schulträger's order.") % {"n": number}
        ]
    call_off = order_line.call_off
    if not CALL_OFF.is_in(call_off, "invoiceable"):
        errors.append(
            _("Line %(n)s: %(call_off)s has not been ordered.")
            % {"n": number, "call_off": call_off}
        )
    own_supplier = call_off.contract.supplier_id if call_off.contract_id else None
    if own_supplier is not None and own_supplier != supplier.pk:
        errors.append(
            _("Line %(n)s: %(call_off)s was ordered from another supplier.")
            % {"n": number, "call_off": call_off}
        )
    line = SupplierInvoiceLine(
        school_board=board,
        order_line=order_line,
        quantity=int(entry.get("quantity") or 0),
        unit_price_net=entry.get("unit_price_net"),
        vat_rate=entry.get("vat_rate"),
    )
    if line.quantity < 1:
        errors.append(_("Line %(n)s: the quantity must be at least 1.") % {"n": number})
    if line.unit_price_net is None or line.vat_rate is None:
        errors.append(_("Line %(n)s: give unit price and VAT rate.") % {"n": number})
    elif message := rules.negative_price_error(line.unit_price_net):
        errors.append(_("Line %(n)s: %(msg)s") % {"n": number, "msg": message})
    return line, errors


def _differences(
    invoice_lines: list[SupplierInvoiceLine], exclude_invoice: int | None
) -> list[dict]:
    found = []
    for n, line in enumerate(invoice_lines, start=1):
        order_line = line.order_line
        before = (
            SupplierInvoiceLine.objects.filter(order_line=order_line)
            .exclude(invoice_id=exclude_invoice)
            .aggregate(q=Sum("quantity"))["q"]
            or 0
        )
        found += rules.match_differences(
            rules.MatchInput(
                ref=_("Line %(n)s (%(item)s)") % {"n": n, "item": _line_key(order_line)},
                ordered_quantity=order_line.quantity,
                delivered_quantity=order_line.delivered_quantity,
                invoiced_before=before,
                invoiced_quantity=line.quantity,
                ordered_price=order_line.unit_price_net,
                invoiced_price=line.unit_price_net,
                ordered_vat=order_line.vat_rate,
                invoiced_vat=line.vat_rate,
            )
        )
    return found


@transaction.atomic
def invoice_record(
    *,
    actor,
    access: Access,
    board,
    supplier: Supplier,
    number: str,
    date: dt.date,
    lines: list[dict],
) -> SupplierInvoice:
    """A supplier invoice to the board, matched three ways against order and delivery lines;
    the differences are listed on it (status "matched" when there are none)."""
    if board.pk not in access.edit_board_ids:
        raise PermissionDenied
    if not lines:
        raise ValidationError({"lines": _("An invoice has at least one line.")})
    built, errors = [], []
    for n, entry in enumerate(lines, start=1):
        line, line_errors = _invoice_line(board, supplier, entry, n)
        errors += line_errors
        built.append(line)
    if errors:
        raise ValidationError({"lines": errors})
    differences = _differences(built, exclude_invoice=None)
    invoice = SupplierInvoice(
        school_board=board,
        supplier=supplier,
        number=number,
        date=date,
        differences=differences,
        status="open" if differences else "matched",
    )
    save_row(invoice, actor=actor, access=access)
    for line in built:
        line.invoice = invoice
        save_row(line, actor=actor)
    engine.record_initial([invoice], actor=actor)
    return invoice


def invoice_accept(
    *, actor, access: Access, invoice: SupplierInvoice, reason: str
) -> SupplierInvoice:
    """Accept the listed differences with a reason (kept on the invoice and in the log)."""

    def apply(locked):
        locked.difference_reason = reason.strip()

    engine.transition(
        workflow=INVOICE,
        obj=invoice,
        to="accepted",
        actor=actor,
        access=access,
        reason=reason,
        apply=apply,
    )
    invoice.refresh_from_db()
    return invoice


def _funding_invoices(invoice: SupplierInvoice, *, actor) -> dict[int, list]:
    """Funding invoices per application, one per cost line of the supplier invoice (gross)."""
    per_line: dict[int, Decimal] = defaultdict(lambda: ZERO)
    lines = {}
    for line in invoice.lines.select_related("order_line__call_off__cost_line__application"):
        cost_line = line.order_line.call_off.cost_line
        if cost_line is None:
            continue
        per_line[cost_line.pk] += line.amounts.gross
        lines[cost_line.pk] = cost_line
    if not per_line:
        raise ValidationError(_("The invoice refers to no approved position; nothing to request."))
    created: dict[int, list] = defaultdict(list)
    for n, (pk, amount) in enumerate(sorted(per_line.items()), start=1):
        cost_line = lines[pk]
        suffix = "" if len(per_line) == 1 else f"/{n}"
        created[cost_line.application_id].append(
            funding_services.invoice_create(
                actor=actor,
                application=cost_line.application,
                data={
                    "cost_line": cost_line,
                    "number": f"{invoice.number}{suffix}",
                    "date": invoice.date,
                    "supplier": invoice.supplier.name,
                    "amount": amount,
                },
            )
        )
    return created


@transaction.atomic
def payout_from_invoices(*, actor, access: Access, invoices: list[SupplierInvoice]) -> list:
    """Matched (or accepted) invoices become the receipts of a payout request, through
    funding's own services — nobody retypes them."""
    if not invoices:
        raise ValidationError({"invoices": _("Choose at least one invoice.")})
    per_application: dict[int, list] = defaultdict(list)
    applications = {}
    for invoice in invoices:
        if not permissions.is_board_editor(access, invoice):
            raise PermissionDenied
        INVOICE.require(
            invoice, "payable", _("Only matched or accepted invoices can be requested.")
        )
        for app_id, rows in _funding_invoices(invoice, actor=actor).items():
            per_application[app_id] += rows
            applications[app_id] = rows[0].application
    payouts = [
        funding_services.payout_create(actor=actor, application=applications[app_id], invoices=rows)
        for app_id, rows in per_application.items()
    ]
    for invoice in invoices:
        engine.transition(
            workflow=INVOICE,
            obj=invoice,
            to="booked",
            actor=actor,
            access=access,
            via="payout",
            apply=lambda locked: setattr(locked, "payout", payouts[0]),
        )
    return payouts
