"""Procurement rules as pure functions over plain values (message or None / a list).

Each rule is written once and used by services, forms, the API and the imports.
Thresholds are the programme's [param]s (funding.rules.RuleParams): the plan tolerance
and the procurement limits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import format_money
from core.money import ZERO, round_money
from funding.rules import LineAmounts, LineData, RuleParams, check_procurement, line_amounts

__all__ = ["line_amounts", "LineAmounts"]

HUNDRED = Decimal("100")


def valid_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """Is a validity period [start, end] (end open when None) in force on `day`?"""
    return start <= day and (end is None or day <= end)


def validity_order_error(start: dt.date | None, end: dt.date | None) -> str | None:
    if start and end and end < start:
        return _("The validity ends (%(end)s) before it starts (%(start)s).") % {
            "end": end.strftime("%d.%m.%Y"),
            "start": start.strftime("%d.%m.%Y"),
        }
    return None


def negative_price_error(price: Decimal | None) -> str | None:
    if price is not None and price < 0:
        return _("The net price %(price)s is negative.") % {"price": format_money(price)}
    return None


def unknown_category_error(value: str, allowed: dict[str, str]) -> str | None:
    """`allowed`: code -> label of the funding categories."""
    if value in allowed:
        return None
    return _("Unknown funding category “%(value)s” (known: %(allowed)s).") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }


def min_quantity_error(quantity: int, minimum: int) -> str | None:
    if quantity < minimum:
        return _("The contract's minimum quantity for this item is %(min)s.") % {"min": minimum}
    return None


@dataclass(frozen=True)
class PlanCheck:
    """What a cost line allows (approved) and what its call-offs order (with this one)."""

    approved_quantity: Decimal
    approved_amount: Decimal  # gross
    ordered_quantity: Decimal
    ordered_gross: Decimal


def plan_limit(amount: Decimal, tolerance_percent: Decimal) -> Decimal:
    """The most a line may reach: approved plus the plan tolerance, half-up to the cent."""
    return round_money(amount * (1 + Decimal(tolerance_percent) / HUNDRED))


def over_plan_error(check: PlanCheck, tolerance_percent: Decimal) -> str | None:
    """An order beyond the approved quantity or amount plus the tolerance needs a reason.

    At the limit it passes; one cent (or one piece) above it does not.
    """
    qty_limit = check.approved_quantity * (1 + Decimal(tolerance_percent) / HUNDRED)
    amount_limit = plan_limit(check.approved_amount, tolerance_percent)
    if check.ordered_quantity > qty_limit:
        return _(
            "The position approves %(approved)s pieces; with the tolerance of %(pct)s %% at "
            "most %(limit)s may be ordered, the call-offs come to %(ordered)s. Give a reason "
            "(it is shown in the proof of use)."
        ) % {
            "approved": _num(check.approved_quantity),
            "pct": _num(Decimal(tolerance_percent)),
            "limit": _num(qty_limit),
            "ordered": _num(check.ordered_quantity),
        }
    if check.ordered_gross > amount_limit:
        return _(
            "The position approves %(approved)s; with the tolerance of %(pct)s %% at most "
            "%(limit)s may be ordered, the call-offs come to %(ordered)s. Give a reason (it is "
            "shown in the proof of use)."
        ) % {
            "approved": format_money(check.approved_amount),
            "pct": _num(Decimal(tolerance_percent)),
            "limit": format_money(amount_limit),
            "ordered": format_money(check.ordered_gross),
        }
    return None


def _num(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def route_errors(
    *, route: str, net: Decimal, from_catalogue: bool, params: RuleParams
) -> list[str]:
    """The procurement rule: a framework call-off satisfies it; any other route must fit
    the order's net value (funding's thresholds, the same check as the cost plan)."""
    line = LineData(
        ref="1",
        school_id=0,
        category="",
        description="",
        quantity=Decimal(1),
        unit_price_net=net,
        procurement_route=route,
        has_catalogue_item=from_catalogue,
    )
    amounts = {"1": LineAmounts(net=net, vat=ZERO, gross=net)}
    return [f.message for f in check_procurement([line], params, amounts) if f.is_error]


# --------------------------------------------------------------- the three-way match
@dataclass(frozen=True)
class MatchInput:
    """One invoice line against its order line and what has been delivered and invoiced."""

    ref: str
    ordered_quantity: int
    delivered_quantity: int
    invoiced_before: int  # quantity on earlier invoices of this order line
    invoiced_quantity: int
    ordered_price: Decimal
    invoiced_price: Decimal
    ordered_vat: Decimal
    invoiced_vat: Decimal


def match_differences(line: MatchInput) -> list[dict]:
    """Quantity (against delivered, never above ordered), price and VAT differences."""
    found = []
    total = line.invoiced_before + line.invoiced_quantity
    if total > line.delivered_quantity:
        found.append(
            {
                "ref": line.ref,
                "kind": "quantity",
                "message": _(
                    "%(ref)s: %(total)s invoiced, but only %(delivered)s delivered "
                    "(%(ordered)s ordered)."
                )
                % {
                    "ref": line.ref,
                    "total": total,
                    "delivered": line.delivered_quantity,
                    "ordered": line.ordered_quantity,
                },
            }
        )
    if line.invoiced_price != line.ordered_price:
        found.append(
            {
                "ref": line.ref,
                "kind": "price",
                "message": _("%(ref)s: unit price %(invoiced)s instead of %(ordered)s.")
                % {
                    "ref": line.ref,
                    "invoiced": format_money(line.invoiced_price),
                    "ordered": format_money(line.ordered_price),
                },
            }
        )
    if line.invoiced_vat != line.ordered_vat:
        found.append(
            {
                "ref": line.ref,
                "kind": "vat",
                "message": _("%(ref)s: VAT %(invoiced)s %% instead of %(ordered)s %%.")
                % {
                    "ref": line.ref,
                    "invoiced": _num(line.invoiced_vat),
                    "ordered": _num(line.ordered_vat),
                },
            }
        )
    return found
